package dev.ropecheck.engine.fast;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.approx.Method;
import dev.ropecheck.bounds.FastGradientBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Tightness of the certified bounds on causal instances ({@code proofs-notes/causal-fast.md} §3–4): the
 * bounds must not only hold ({@link FastConventionsTest}) but be nearly attained where the derivation
 * says they are.
 */
class CausalTightnessTest {
    /**
     * Lower limit on {@code measured / bound} for the attention on the adversarial instance. The bound's
     * approximation part is {@code (2Δ/(1+sqrt(1-Δ²))) ||h||} with {@code Δ} the certified relative error of
     * {@code P} on {@code [-beta, beta]}; the instance puts every score at {@code ±beta} (where that
     * relative error is largest, at {@code -beta}) and splits each row's mass near {@code 1/2}, so the
     * measured error is about {@code Δ ||h||} times the ratio of the polynomial's actual error at
     * {@code -beta} to its certified bound (Chebyshev remainder: within a small factor) and the
     * {@code beta} round-up of the engine (to 6 bits). One eighth is below every ratio the derivation
     * allows for and far above what a vacuous bound would give.
     */
    static final double MIN_ATTAINED = 0.125;

    /**
     * Identity family, {@code d = 2}, {@code W_Q = W_K = W_V = I}, {@code Q_i = (B, B)},
     * {@code K_j = ±(B, B)}, {@code h_j = ∓(B, B)}, {@code E = 0}, scale {@code sigma}: scores
     * {@code s_ij = ±2 sigma B^2 = ±beta} exactly; one key in eight positive, so that a causal row's mass on
     * the {@code -beta} keys is near {@code 1/2} at {@code beta = 1}.
     */
    static RopeInstance adversarial(int n, double sigma, boolean causal) {
        double b = 0.5;
        DMatrixRMaj a1 = new DMatrixRMaj(n, 2);
        DMatrixRMaj a2 = new DMatrixRMaj(n, 2);
        DMatrixRMaj a3 = new DMatrixRMaj(n, 2);
        for (int i = 0; i < n; i++) {
            double sign = i % 8 == 0 ? 1 : -1;
            for (int c = 0; c < 2; c++) {
                a1.set(i, c, b);
                a2.set(i, c, sign * b);
                a3.set(i, c, -sign * b);
            }
        }
        DMatrixRMaj id = new DMatrixRMaj(new double[][] {{1, 0}, {0, 1}});
        return RopeInstance.builder().a1(a1).a2(a2).a3(a3).e(new DMatrixRMaj(n, 2)).wq(id).wk(id).wv(id)
                .family(new IdentityFamily(2)).entryBound(b).scale(sigma).causal(causal).build();
    }

    @Test
    @DisplayName("causal-fast.md §3: the causal attention bound is nearly attained (both engines, beta = 1)")
    void causalAttentionBoundNearlyAttained() {
        for (boolean causal : new boolean[] {true, false}) {
            RopeInstance in = adversarial(64, 2.0, causal);
            RopeResult ref = FastConventionsTest.REFERENCE.compute(in, EnumSet.of(Quantity.ATTENTION));
            for (PolynomialEngine e : List.of(new FftEngine(1e-3, Method.CHEBYSHEV),
                    new LowRankEngine(1e-3, Method.CHEBYSHEV))) {
                FastForward f = e.forward(in);
                double measured = FastForwardBoundTest.maxAbsDiff(f.attention(), ref.get(Quantity.ATTENTION));
                double bound = f.bound().attention();
                double ratio = measured / bound;
                System.out.printf("causal tightness %s causal=%s: degree %d beta %.4g measured %.4g bound %.4g"
                        + " ratio %.3f%n", e.name(), causal, f.polynomial().degree(), f.polynomial().beta(), measured,
                        bound, ratio);
                assertTrue(ratio <= 1, e.name() + ": the bound does not hold, ratio " + ratio);
                if (causal) {
                    assertTrue(ratio >= MIN_ATTAINED, e.name() + ": ratio " + ratio + " < " + MIN_ATTAINED);
                }
            }
        }
    }

    @Test
    @DisplayName("causal-fast.md §4: the causal column sum e^{2beta} H_n of f is attained at beta = 0 (column 0)")
    void causalColumnSumAttained() {
        for (int n : new int[] {1, 7, 64}) {
            RopeInstance in = adversarial(n, 2.0, true).toBuilder().a1(new DMatrixRMaj(n, 2)).build();
            DMatrixRMaj f = FastConventionsTest.REFERENCE.compute(in, EnumSet.of(Quantity.F)).get(Quantity.F);
            double col0 = 0;
            for (int i = 0; i < n; i++) {
                col0 += f.get(i, 0);
            }
            double bound = FastGradientBound.causalColumnSum(1.0, n);
            double ratio = col0 / bound;
            System.out.printf("causal column sum n=%d: sum %.15g bound %.15g ratio %.15f%n", n, col0, bound, ratio);
            assertTrue(ratio <= 1 && ratio >= 1 - 1e-12, "n = " + n + ": ratio " + ratio);
        }
    }
}
