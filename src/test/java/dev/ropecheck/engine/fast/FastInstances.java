package dev.ropecheck.engine.fast;

import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Instance specs for the fast engines: bounded entries {@code B <= 0.5} (so {@code beta} stays in the
 * bounded-entry regime and the monomial count small), {@code d in {2, 4}} with weights, {@code d = 2}
 * for a general {@code X} ({@code T = d |S|} terms).
 */
final class FastInstances {
    static final List<Double> BOUNDS = List.of(0.05, 0.25, 0.5);

    private FastInstances() {
    }

    static Gen<InstanceSpec> specs(int maxN, Gen<FamilyKind> families) {
        Gen<Integer> n = Generate.range(1, maxN);
        Gen<Integer> d = Generate.pick(List.of(2, 4));
        Gen<Double> b = Generate.pick(BOUNDS);
        Gen<Boolean> w = Generate.booleans();
        Gen<Long> seed = Generate.longRange(0, Long.MAX_VALUE);
        Gen<Object[]> nd = n.zip(d, families, (nn, dd, ff) -> new Object[] {nn, dd, ff});
        return nd.zip(b, w, seed, (x, bb, ww, s) -> new InstanceSpec((Integer) x[0], ww ? (Integer) x[1] : 2,
                (FamilyKind) x[2], bb, ww, s)).describedAs(InstanceSpec::toString);
    }

    static Gen<InstanceSpec> all(int maxN) {
        return specs(maxN, Generate.enumValues(FamilyKind.class));
    }

    /** RoPE and identity with weights (what the low-rank variant accepts). */
    static Gen<InstanceSpec> rotations(int maxN) {
        return specs(maxN, Generate.pick(List.of(FamilyKind.ROPE_INTERLEAVED, FamilyKind.ROPE_HALF_SPLIT,
                FamilyKind.IDENTITY))).map(s -> new InstanceSpec(s.n(), s.weights() ? s.d() : 4, s.family(),
                        s.bound(), true, s.seed())).describedAs(InstanceSpec::toString);
    }
}
