package dev.ropecheck.gen;

import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * QuickTheories generators of bounded-entry instances of every kind of attention, in one place for
 * every property test: RoPE attention ({@link InstanceSpec}: {@code B} ranges over {@link #BOUNDS},
 * 0.05 to 4; {@code d} is even, so every family applies) and tensor attention
 * ({@link TensorInstanceSpec}: {@code B} over {@link #TENSOR_BOUNDS}). Standard attention instances
 * are built from RoPE ones ({@code StandardInstance.of}).
 */
public final class Generators {
    /** The entry bounds {@code B} drawn from; shrinking moves towards the first (smallest). */
    public static final List<Double> BOUNDS = List.of(0.05, 0.25, 0.5, 1.0, 2.0, 4.0);
    /** The entry bounds of tensor instances (the scores grow as {@code B^4 d^2}); shrinking moves towards the first. */
    public static final List<Double> TENSOR_BOUNDS = List.of(0.05, 0.25, 0.5, 1.0, 2.0);

    private Generators() {
    }

    /** Instance specs with {@code 1 <= n <= maxN}, even {@code 2 <= d <= maxD}, every family. */
    public static Gen<InstanceSpec> instances(int maxN, int maxD) {
        return instances(maxN, maxD, Generate.enumValues(FamilyKind.class));
    }

    /** Instance specs restricted to the given families. */
    public static Gen<InstanceSpec> instances(int maxN, int maxD, Gen<FamilyKind> families) {
        Gen<Integer> n = Generate.range(1, maxN);
        Gen<Integer> d = Generate.range(1, maxD / 2).map(h -> 2 * h);
        Gen<Double> b = Generate.pick(BOUNDS);
        Gen<Boolean> weights = Generate.booleans();
        Gen<Long> seed = Generate.longRange(0, Long.MAX_VALUE);
        Gen<Object[]> nd = n.zip(d, families, (nn, dd, ff) -> new Object[] {nn, dd, ff});
        return nd.zip(b, weights, seed, (x, bb, w, s) -> new InstanceSpec((Integer) x[0], (Integer) x[1],
                (FamilyKind) x[2], bb, w, s)).describedAs(InstanceSpec::toString);
    }

    /** Specs for the RoPE families only. */
    public static Gen<InstanceSpec> ropeInstances(int maxN, int maxD) {
        return instances(maxN, maxD, Generate.pick(List.of(FamilyKind.ROPE_INTERLEAVED, FamilyKind.ROPE_HALF_SPLIT)));
    }

    /** Tensor specs with {@code 1 <= n <= maxN}, {@code 1 <= d <= maxD}, {@code B} from {@code bounds}. */
    public static Gen<TensorInstanceSpec> tensorInstances(int maxN, int maxD, List<Double> bounds) {
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

    /** Tensor specs with {@code B} from {@link #TENSOR_BOUNDS}. */
    public static Gen<TensorInstanceSpec> tensorInstances(int maxN, int maxD) {
        return tensorInstances(maxN, maxD, TENSOR_BOUNDS);
    }
}
