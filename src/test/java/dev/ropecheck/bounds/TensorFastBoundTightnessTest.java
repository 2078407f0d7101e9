package dev.ropecheck.bounds;

import dev.ropecheck.report.TensorTransferAttainment;
import dev.ropecheck.contract.TensorChecks;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.engine.exact.TensorExactEngine_F64;
import dev.ropecheck.model.TensorInstance;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Tightness of {@link TensorFastErrorBound} ({@code proofs-notes/tensor-fast-error.md}, MATH §5 transfer applied
 * to Tensor-grad): on the instance with {@code X = 0} (uniform {@code f}, mass {@code 1/2} on each sign) and
 * {@code h = ±1} on half the keys each, the worst admissible perturbation {@code Ã = (1 ± δ) A} (sign of
 * {@code h_jl - Att_il}) moves {@code Att} by {@code δ}, against the bound {@code 2δ/(1+sqrt(1-δ²))}: measured/bound
 * {@code >= (1 + sqrt(1-δ²))/2 >= 1 - δ²/4} (derived in {@code proofs-notes/mutation.md}). Alpha is attained by
 * {@code Ã = (1+δ)A}, the loss by the same perturbation as {@code Att} when every {@code c_il > 0}, to the square
 * of that fraction.
 */
class TensorFastBoundTightnessTest {

    private static TensorInstance halfAndHalf() {
        return TensorTransferAttainment.halfAndHalf();
    }

    private static double worstAttention(TensorResult t, int i, int l, double delta) {
        return TensorTransferAttainment.worstAttention(t, i, l, delta);
    }

    @Test
    @DisplayName("Tensor-grad / MATH §5: the fast Att, c, alpha and loss bounds are attained, fraction >= 1 - δ²/4 - 1e-9")
    void transferBoundsAttained() {
        TensorInstance in = halfAndHalf();
        TensorResult t = new TensorExactEngine_F64().computeAll(in);
        for (double delta : new double[] {1e-6, 1e-3, 0.1, 0.5}) {
            TensorFastErrorBound b = new TensorFastErrorBound(delta, 1e-12, 4, 2, 1.0);
            // the bound is built on δ_eff >= δ (the engine's rounding, O(K u)): the attained fraction is scaled by δ/δ_eff
            double fraction = (1 + Math.sqrt(1 - delta * delta)) / 2 * delta / b.effectiveDelta(in.n(), in.d()) - 1e-9;
            assertTrue(delta / b.effectiveDelta(in.n(), in.d()) >= 1 - 1e-8, "the rounding part of δ_eff is O(K u)");
            double attBound = b.allowed(TensorQuantity.ATTENTION, in, t);
            double lossChange = 0;
            for (int i = 0; i < in.n(); i++) {
                double att = t.get(TensorQuantity.ATTENTION).get(i, 0);
                double moved = worstAttention(t, i, 0, delta);
                double err = Math.abs(moved - att);
                assertTrue(err <= attBound * (1 + 1e-12), "delta=" + delta + ": Att error " + err + " above " + attBound);
                assertTrue(err / attBound >= fraction, "delta=" + delta + ": Att attained only to " + err / attBound
                        + " < " + fraction);
                double c = t.get(TensorQuantity.C).get(i, 0);
                double cMoved = moved - in.e().get(i, 0);
                lossChange += (cMoved * cMoved - c * c) / 2;
            }
            assertTrue(b.allowed(TensorQuantity.C, in, t) == attBound, "c and Att share the bound");
            double lossBound = b.allowed(TensorQuantity.LOSS, in, t);
            assertTrue(lossChange <= lossBound * (1 + 1e-12), "delta=" + delta + ": loss " + lossChange + " > " + lossBound);
            // per row (|c|δ + δ²/2) / (|c|κ + κ²/2) >= (δ/κ)²: each term's ratio is at least that
            assertTrue(lossChange / lossBound >= fraction * fraction, "delta=" + delta + ": loss attained only to "
                    + lossChange / lossBound);
            // alpha~ = (1 + δ) alpha
            double alphaMax = TensorChecks.maxAbs(t.get(TensorQuantity.ALPHA));
            double alphaBound = b.allowed(TensorQuantity.ALPHA, in, t);
            assertTrue(delta * alphaMax <= alphaBound && delta * alphaMax / alphaBound >= fraction,
                    "alpha: " + delta * alphaMax / alphaBound);
            // r~ - r = <c~, Att~> - <c, Att> for the same worst perturbation: within the r bound
            double rBound = b.allowed(TensorQuantity.R, in, t);
            for (int i = 0; i < in.n(); i++) {
                double moved = worstAttention(t, i, 0, delta);
                double r = t.get(TensorQuantity.R).get(i, 0);
                double rMoved = (moved - in.e().get(i, 0)) * moved;
                assertTrue(Math.abs(rMoved - r) <= rBound * (1 + 1e-12), "r: " + Math.abs(rMoved - r) + " > " + rBound);
            }
        }
    }

    @Test
    @DisplayName("effectiveDelta = δ + γ_K absSum e^β (1+δ), K = 2n + r(d+1) + 6g + 4d² + 4d + 32; δ outside [0,1) refused")
    void effectiveDeltaClosedFormAndDomain() {
        TensorFastErrorBound b = new TensorFastErrorBound(1e-3, 0.5, 10, 3, 2.5);
        int n = 16;
        int d = 2;
        double k = 2.0 * n + 10 * (d + 1) + 6 * 3 + 4 * d * d + 4 * d + 32;
        double u = dev.ropecheck.bounds.FloatFormat.FP64.u();
        double expected = 1e-3 + k * u / (1 - k * u) * 2.5 * Math.exp(0.5) * (1 + 1e-3);
        double got = b.effectiveDelta(n, d);
        assertTrue(Math.abs(got - expected) <= 1e-6 * (expected - 1e-3), "effectiveDelta " + got + " vs " + expected);
        assertTrue(b.withDelta(0.25).delta() == 0.25 && b.delta() == 1e-3);
        assertTrue(b.withDelta(0.25).effectiveDelta(n, d) - 0.25 > 0);
        assertThrows(IllegalArgumentException.class, () -> new TensorFastErrorBound(1.0, 0.5, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new TensorFastErrorBound(-1e-9, 0.5, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new TensorFastErrorBound(Double.NaN, 0.5, 1, 1));
        TensorInstance in = halfAndHalf();
        TensorResult t = new TensorExactEngine_F64().computeAll(in);
        TensorFastErrorBound near = new TensorFastErrorBound(0.5, 5.0, 1, 1, 1e14);
        assertThrows(IllegalArgumentException.class, () -> near.allowed(TensorQuantity.ATTENTION, in, t));
        assertThrows(IllegalArgumentException.class, () -> b.allowed(TensorQuantity.A, in, t));
    }

    @Test
    @DisplayName("Tensor-grad ∇_Y L bound attained to (4/9)(1 - 3δ) on the half-and-half instance; ∇_X L and weight gradients sound under the worst perturbation")
    void gradientBoundsUnderWorstPerturbation() {
        TensorInstance in = halfAndHalf();
        TensorResult t = new TensorExactEngine_F64().computeAll(in);
        int n = in.n();
        int nn = n * n;
        DMatrixRMaj a = t.get(TensorQuantity.A);
        DMatrixRMaj h = t.get(TensorQuantity.H);
        for (double delta : new double[] {1e-6, 1e-3}) {
            TensorFastErrorBound b = new TensorFastErrorBound(delta, 1e-12, 4, 2, 1.0);
            // perturbed forward: +δ where h_j > Att_i, -δ elsewhere (the worst pattern for Att, hence c)
            double[][] fT = new double[n][nn];
            double[] cT = new double[n];
            double[] attT = new double[n];
            for (int i = 0; i < n; i++) {
                double att = t.get(TensorQuantity.ATTENTION).get(i, 0);
                double den = 0;
                for (int j = 0; j < nn; j++) {
                    fT[i][j] = (h.get(j, 0) > att ? 1 + delta : 1 - delta) * a.get(i, j);
                    den += fT[i][j];
                }
                for (int j = 0; j < nn; j++) {
                    fT[i][j] /= den;
                    attT[i] += fT[i][j] * h.get(j, 0);
                }
                cT[i] = attT[i] - in.e().get(i, 0);
            }
            // ∇_Y L~ = (A4 ⊗ A5)^T f~^T c~ (d = 1: h_j = A4[j1] A5[j2] Y = the Kronecker row)
            double gy = 0;
            double gx = 0;
            for (int i = 0; i < n; i++) {
                double rT = cT[i] * attT[i];
                for (int j = 0; j < nn; j++) {
                    gy += fT[i][j] * cT[i] * h.get(j, 0);
                    double pT = fT[i][j] * (cT[i] * h.get(j, 0) - rT);
                    gx += in.a1().get(i, 0) * pT * in.a2().get(j / n, 0) * in.a3().get(j % n, 0);
                }
            }
            double gyErr = Math.abs(gy - t.get(TensorQuantity.GRAD_Y).get(0, 0));
            double gyBound = b.allowed(TensorQuantity.GRAD_Y, in, t);
            assertTrue(gyErr <= gyBound, "∇_Y: " + gyErr + " > " + gyBound);
            // error 2δ(4+δ) against 2(ρ(4+κ)+κ), ρ = 2δ/(1-δ), κ <= δ(1+δ²): ratio >= (4/9)(1 - 3δ)
            assertTrue(gyErr / gyBound >= 4.0 / 9 * (1 - 3 * delta), "delta=" + delta + ": ∇_Y attained only to "
                    + gyErr / gyBound);
            double gxErr = Math.abs(gx - t.get(TensorQuantity.GRAD_X).get(0, 0));
            double gxBound = b.allowed(TensorQuantity.GRAD_X, in, t);
            assertTrue(gxErr <= gxBound && gxErr > 0, "∇_X: " + gxErr + " vs " + gxBound);
            System.out.printf("[tensor fast bound] delta=%.0e: gradY measured/bound = %.4f, gradX = %.4f%n", delta,
                    gyErr / gyBound, gxErr / gxBound);
        }
    }
}
