package dev.ropecheck.tensor;

import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** QuickTheories generators of bounded-entry tensor instances ({@link TensorInstanceSpec}). */
public final class TensorGenerators {
    /** Entry bounds drawn from; shrinking moves towards the first. */
    public static final List<Double> BOUNDS = List.of(0.05, 0.25, 0.5, 1.0, 2.0);

    private TensorGenerators() {
    }

    /** Specs with {@code 1 <= n <= maxN}, {@code 1 <= d <= maxD}, {@code B} from {@code bounds}. */
    public static Gen<TensorInstanceSpec> instances(int maxN, int maxD, List<Double> bounds) {
        Gen<Integer> n = Generate.range(1, maxN);
        Gen<Integer> d = Generate.range(1, maxD);
        Gen<Double> b = Generate.pick(bounds);
        Gen<Boolean> kw = Generate.booleans();
        Gen<Boolean> vw = Generate.booleans();
        Gen<Long> seed = Generate.longRange(0, Long.MAX_VALUE);
        Gen<int[]> nd = n.zip(d, (nn, dd) -> new int[] {nn, dd});
        Gen<boolean[]> w = kw.zip(vw, (k, v) -> new boolean[] {k, v});
        return nd.zip(b, w, seed, (x, bb, ww, s) -> new TensorInstanceSpec(x[0], x[1], bb, ww[0], ww[1], s))
                .describedAs(TensorInstanceSpec::toString);
    }

    public static Gen<TensorInstanceSpec> instances(int maxN, int maxD) {
        return instances(maxN, maxD, BOUNDS);
    }
}
