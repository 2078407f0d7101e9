package dev.ropecheck.engine.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.approx.ExpApproximations;
import dev.ropecheck.approx.Method;
import dev.ropecheck.approx.ScoreBound;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Large-B sweep (MATH §4, §7): the degree {@code g(beta, eps)} and the low-rank rank {@code C(d+g, g)}
 * grow with the entry bound as Lemma 3.4 predicts (printed beside AA22's expression), and beyond the
 * rank cap the engine refuses with the degree, rank, cap and B in the message.
 */
class RankGrowthTest {

    /** RoPE, d = 4, W_Q = W_K = I, entries of A1, A2 uniform dyadic in [-B, B]. */
    static RopeInstance instance(int n, int d, double b, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        DMatrixRMaj eye = CommonOps_DDRM.identity(d);
        return RopeInstance.builder().a1(InstanceSpec.matrix(rnd, n, d, b)).a2(InstanceSpec.matrix(rnd, n, d, b))
                .a3(InstanceSpec.matrix(rnd, n, d, 1)).e(InstanceSpec.matrix(rnd, n, d, 1)).wq(eye).wk(eye).wv(eye)
                .family(new RopeFamily(d)).build();
    }

    @Test
    @DisplayName("Lemma 3.4 / Section 7: degree and rank C(d+g,g) grow with B; the rank cap refuses with a clear message")
    @dev.ropecheck.specs.Spec("fast-forward-lowrank")
    void rankGrowsWithEntryBound() {
        int d = 4;
        double eps = 1e-3;
        int prevG = -1;
        long prevR = -1;
        System.out.println("rank-growth B,betaRot,degree,rank,aa22(2 betaRot)");
        for (double b : new double[] {0.25, 0.5, 1, 1.5, 2, 3, 4}) {
            RopeInstance in = instance(64, d, b, 7L);
            double beta = RopeFftEngine_F64.roundUp(Math.max(ScoreBound.betaRotated(in), RopeFftEngine_F64.MIN_BETA)); // as the engine
            RopeLowRankEngine_F64 e = new RopeLowRankEngine_F64(eps, Method.CHEBYSHEV, Long.MAX_VALUE);
            int g = e.polynomial(in).degree();
            long r = e.rank(in);
            assertEquals(ExpApproximations.minimalDegree(Method.CHEBYSHEV, beta, eps,
                    ExpApproximations.Scope.POLYNOMIAL).degree(), g);
            assertEquals(Binomial.multisets(d, g), r, "rank = C(d+g, g)");
            assertTrue(g >= prevG && r >= prevR, "degree and rank are non-decreasing in B");
            System.out.printf("rank-growth %s,%.4g,%d,%d,%.3g%n", b, beta, g, r, aa22(2 * beta, eps));
            prevG = g;
            prevR = r;
        }
        assertTrue(prevG >= 3 * 1, "at B = 4 the degree must have grown");
        RopeInstance big = instance(64, d, 4, 7L);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> new RopeLowRankEngine_F64(eps, Method.CHEBYSHEV, 1000).forward(big));
        String m = ex.getMessage();
        assertTrue(m.contains("rank cap 1000") && m.contains("degree g =") && m.contains("B ="), m);
    }

    static double aa22(double b, double eps) {
        double l = Math.log(1 / eps);
        double ratio = l / b;
        return Math.max(ratio > Math.E ? l / Math.log(ratio) : l, b);
    }
}
