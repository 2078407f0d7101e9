package dev.ropecheck.contract;

import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Instance specs for the fast engines' contract tests: the bounded-entry regime ({@code B <= 0.5},
 * where the degree {@code g} and the monomial count stay small), {@code d in {2, 4}}.
 */
public final class FastSpecs {
    static final List<Double> BOUNDS = List.of(0.05, 0.25, 0.5);

    private FastSpecs() {
    }

    /**
     * @param weightsOnly true: always {@code W_Q, W_K}; false: {@code X} half the time ({@code d = 2} then)
     */
    static Gen<InstanceSpec> specs(int maxN, List<FamilyKind> families, boolean weightsOnly) {
        Gen<Integer> n = Generate.range(1, maxN);
        Gen<Integer> d = Generate.pick(List.of(2, 4));
        Gen<Double> b = Generate.pick(BOUNDS);
        Gen<Boolean> w = weightsOnly ? Generate.constant(true) : Generate.booleans();
        Gen<Long> seed = Generate.longRange(0, Long.MAX_VALUE);
        Gen<FamilyKind> fam = Generate.pick(families);
        Gen<Object[]> nd = n.zip(d, fam, (nn, dd, ff) -> new Object[] {nn, dd, ff});
        return nd.zip(b, w, seed, (x, bb, ww, s) -> new InstanceSpec((Integer) x[0], ww ? (Integer) x[1] : 2,
                (FamilyKind) x[2], bb, ww, s)).describedAs(InstanceSpec::toString);
    }

    /**
     * The fields a fast engine is specified to return: every quantity except the n x n and derived ones
     * ({@code dQrot}, {@code dKrot} for the rotation families, MATH §9, through {@code withoutWeightQuantities}).
     */
    public static java.util.Set<dev.ropecheck.engine.Quantity> required(RopeInstance inst) {
        java.util.Set<dev.ropecheck.engine.Quantity> all = java.util.EnumSet.noneOf(dev.ropecheck.engine.Quantity.class);
        for (dev.ropecheck.engine.Quantity q : dev.ropecheck.engine.Quantity.values()) {
            if (!q.isQuadratic() && !q.isDerived()) {
                all.add(q);
            }
        }
        return dev.ropecheck.engine.RopeAttentionEngine.withoutWeightQuantities(all, inst);
    }

    /** The edge cases of {@link EngineContract#edgeCases} that apply to a fast engine. */
    static void edgeCases(EngineContract c, List<FamilyKind> families) {
        for (FamilyKind f : families) {
            c.checkAgainstReference("n=1 " + f, new InstanceSpec(1, 2, f, 0.5, true, 11L).build());
            c.checkAgainstReference("d=2 " + f, new InstanceSpec(5, 2, f, 0.5, true, 12L).build());
        }
        FamilyKind f0 = families.get(0);
        c.checkAgainstReference("d=4 " + f0, new InstanceSpec(7, 4, f0, 0.5, true, 14L).build());
        RopeInstance base = new InstanceSpec(6, 4, f0, 0.5, true, 13L).build();
        DMatrixRMaj zero = new DMatrixRMaj(6, 4);
        c.checkAgainstReference("zero A1, A2", base.toBuilder().a1(zero).a2(zero).build());
        c.checkAgainstReference("zero A3, E", base.toBuilder().a3(zero).e(zero).build());
    }

    /** The contract's scores-near-700 instance (identity family, {@code |s| = 676}). */
    static RopeInstance scoresNear700() {
        DMatrixRMaj a = new DMatrixRMaj(new double[][] {{26, 26}, {-26, -26}, {26, -26}, {26, 26}});
        return RopeInstance.builder().a1(a).a2(a).a3(a).e(new DMatrixRMaj(4, 2)).wq(EngineContract.identity(2))
                .wk(EngineContract.identity(2)).wv(EngineContract.identity(2)).family(new IdentityFamily(2)).build();
    }
}
