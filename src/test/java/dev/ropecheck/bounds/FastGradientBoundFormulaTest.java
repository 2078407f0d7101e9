package dev.ropecheck.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.approx.ScoreBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link FastGradientBound} (RoPE-grad Theorem 6.7, Lemmas 6.2–6.6; {@code proofs-notes/fast-gradient-error.md})
 * recomputed independently from the steps 1–6 of its derivation, in two regimes: the approximation error
 * dominating ({@code δ = 1e-3}) and rounding alone ({@code δ = 0}), where every {@code γ} term is of the same
 * order as the rest, so that changing any constant of the derivation moves the bound by more than the
 * {@code 1e-9} relative slack allowed here (the only differences are the outward roundings, {@code O(u)}).
 * The one attained step, {@code φ = 2Δ/(1-Δ)} (MATH §5), is checked against its extremal instance.
 */
class FastGradientBoundFormulaTest {
    private static final double U = dev.ropecheck.bounds.FloatFormat.FP64.u();
    private static final double REL = 1e-9;

    private static double g(long k) {
        return ExpApproximationBound.gamma(k);
    }

    private static double maxAbs(DMatrixRMaj m) {
        double r = 0;
        for (double v : m.data) {
            r = Math.max(r, Math.abs(v));
        }
        return r;
    }

    private static double maxRowNorm(DMatrixRMaj m) {
        double best = 0;
        for (int i = 0; i < m.numRows; i++) {
            double s = 0;
            for (int j = 0; j < m.numCols; j++) {
                s += m.get(i, j) * m.get(i, j);
            }
            best = Math.max(best, Math.sqrt(s));
        }
        return best;
    }

    /** The derivation of the class Javadoc, step by step, in plain double. */
    private static final class Expected {
        final double phi;
        final double rhoP;
        final double hErr;
        final double epsR;
        final double kappa;
        final double gradX;
        final double dq;
        final double dk;
        final double dv;
        final double gradWq;
        final double gradWk;
        final double gradWv;

        Expected(FastForwardBound fwd, RopeInstance in) {
            int n = in.n();
            int d = in.d();
            double delta = fwd.deltaEffective();
            double rho = fwd.rho();
            phi = 2 * delta / (1 - delta);
            rhoP = 2 * rho / (1 - delta - rho) + 4 * U;
            double absAY = 0;
            for (int i = 0; i < n; i++) {
                for (int l = 0; l < d; l++) {
                    double s = 0;
                    for (int k = 0; k < d; k++) {
                        s += Math.abs(in.a3().get(i, k) * in.y().get(k, l));
                    }
                    absAY = Math.max(absAY, s);
                }
            }
            hErr = g(d) * absAY;
            double hBar = maxAbs(in.h()) + hErr;
            double cBar = hBar + maxAbs(in.e());
            double epsA = fwd.attention();
            double epsC = fwd.c();
            double sd = Math.sqrt(d);
            double hRow = maxRowNorm(in.h()) + sd * hErr;
            double cRow = hRow + maxRowNorm(in.e());
            epsR = sd * epsC * (hRow + sd * epsA) + cRow * sd * epsA + g(d + 1) * (cRow + sd * epsC) * (hRow + sd * epsA);
            double t = 2 * cRow * hRow;
            double epsT = sd * epsC * hRow + cRow * sd * hErr + epsR;
            double tt = t + epsT;
            kappa = phi * tt + epsT + rhoP * (1 + phi) * tt + g(2L * d + 8) * (1 + phi + rhoP) * tt;
            double magnitude = (1 + phi + rhoP) * tt;
            PositionFamily fam = in.family();
            double omega = fam instanceof RopeFamily ? FastForwardBound.ropeWeightError(n, ((RopeFamily) fam).base()) : 0;
            double a1Sum = ExactRoundingHandModel.maxColSum(in.a1());
            double a2Sum = ExactRoundingHandModel.maxColSum(in.a2());
            double a3Sum = ExactRoundingHandModel.maxColSum(in.a3());
            double a2Max = maxAbs(in.a2());
            Support s = fam.support();
            double wMax = 0;
            double[] rows = new double[d];
            double[] cols = new double[d];
            double[] kHat = new double[d];
            double[] qHat = new double[d];
            for (int i = 0; i < n; i++) {
                for (int b = 0; b < d; b++) {
                    kHat[b] = Math.max(kHat[b], Math.abs(in.k().get(i, b)));
                    qHat[b] = Math.max(qHat[b], Math.abs(in.q().get(i, b)));
                }
            }
            for (int k = 0; k < s.size(); k++) {
                double w = 0;
                for (int m = -(n - 1); m <= n - 1; m++) {
                    w = Math.max(w, Math.abs(fam.weight(m, s.row(k), s.col(k))));
                }
                w += omega;
                wMax = Math.max(wMax, w);
                rows[s.row(k)] += w * kHat[s.col(k)];
                cols[s.col(k)] += w * qHat[s.row(k)];
            }
            double kRowW = 0;
            double qColW = 0;
            for (int b = 0; b < d; b++) {
                kRowW = Math.max(kRowW, rows[b]);
                qColW = Math.max(qColW, cols[b]);
            }
            double fCol = Math.exp(2 * fwd.beta());
            gradX = kappa * a1Sum * a2Max * wMax / d + (g(2L * n + 2) + 4 * omega / wMax) * magnitude * a1Sum * a2Max * wMax / d;
            double dqMag = magnitude * kRowW / d;
            double dkMag = fCol * magnitude * qColW / d;
            dq = kappa * kRowW / d + (g(8) + 4 * omega) * dqMag;
            dk = fCol * kappa * qColW / d + (g(8) + 4 * omega) * dkMag;
            double c1 = cBar + epsC;
            double dvMag = fCol * (1 + phi + rhoP) * c1;
            dv = fCol * (phi * c1 + epsC) + rhoP * c1 + g(n + 4) * dvMag;
            gradWq = a1Sum * dq + g(n) * a1Sum * dqMag;
            gradWk = a2Sum * dk + g(n) * a2Sum * dkMag;
            gradWv = a3Sum * dv + g(n) * a3Sum * dvMag;
        }
    }

    private static void close(double expected, double got, String what) {
        assertTrue(Double.isFinite(got) && got >= expected * (1 - 1e-12), what + ": " + got + " below the derivation's " + expected);
        assertEquals(expected, got, REL * expected, what + ": " + got + " vs the derivation's " + expected + " (ratio "
                + got / expected + ")");
    }

    private static FastForwardBound forward(RopeInstance in, double delta, double epsRound) {
        double beta = ScoreBound.beta(in);
        double sigma = FastForwardBound.scoreRounding(in.d(), beta, 0, beta);
        return new FastForwardBound(beta, delta, Math.exp(beta), sigma, epsRound, maxAbs(in.h()), 1e-15, maxAbs(in.e()));
    }

    @Test
    @DisplayName("Theorem 6.7 / Lemmas 6.2-6.6: every gradient bound equals its derivation (approximation- and rounding-dominated)")
    void theorem67BoundsEqualTheirDerivation() {
        InstanceSpec[] specs = {
            new InstanceSpec(5, 4, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 11L),
            new InstanceSpec(7, 2, FamilyKind.IDENTITY, 0.25, true, 12L),
            new InstanceSpec(3, 4, FamilyKind.ROPE_HALF_SPLIT, 1.0, true, 13L),
        };
        java.util.Map<String, RopeInstance> cases = new java.util.LinkedHashMap<>();
        for (InstanceSpec spec : specs) {
            cases.put(spec.toString(), spec.build());
        }
        // an explicit family whose largest weight (3.75, at m = n - 1) is not 1: W̄ scales G's bound
        RopeInstance growing = ExactRoundingModelFormulaTest.withWeights(3, 2, ExactRoundingModelFormulaTest.growing(3),
                new java.util.SplittableRandom(14L), 0.6).build();
        cases.put("explicit growing d=2 n=3", growing);
        for (java.util.Map.Entry<String, RopeInstance> cs : cases.entrySet()) {
            String spec = cs.getKey();
            RopeInstance in = cs.getValue();
            for (double[] regime : new double[][] {{1e-3, 1e-14}, {0, 0}, {0, 1e-13}, {1e-3, 1e-8}}) {
                FastForwardBound fwd = forward(in, regime[0], regime[1]);
                FastGradientBound b = new FastGradientBound(fwd, in);
                Expected e = new Expected(fwd, in);
                String w = spec + " delta=" + regime[0] + " epsRound=" + regime[1];
                close(e.phi, b.phi(), "phi " + w);
                close(e.kappa, b.kappa(), "kappa " + w);
                close(e.gradX, b.gradX(), "gradX " + w);
                close(e.dq, b.dq(), "dQ " + w);
                close(e.dk, b.dk(), "dK " + w);
                close(e.dv, b.dv(), "dV " + w);
                close(e.epsR, b.allowed(Quantity.R, in, null), "r " + w);
                close(e.hErr, b.allowed(Quantity.H, in, null), "h " + w);
                close(e.gradX, b.allowed(Quantity.GRAD_X, in, null), "allowed(gradX) " + w);
                close(e.dq, b.allowed(Quantity.DQ, in, null), "allowed(dQ) " + w);
                close(e.dk, b.allowed(Quantity.DK, in, null), "allowed(dK) " + w);
                close(e.dv, b.allowed(Quantity.DV, in, null), "allowed(dV) " + w);
                close(e.gradWq, b.allowed(Quantity.GRAD_WQ, in, null), "gradWQ " + w);
                close(e.gradWk, b.allowed(Quantity.GRAD_WK, in, null), "gradWK " + w);
                close(e.gradWv, b.allowed(Quantity.GRAD_WV, in, null), "gradWV " + w);
                close(fwd.attention(), b.allowed(Quantity.ATTENTION, in, null), "Att " + w);
                close(fwd.c(), b.allowed(Quantity.C, in, null), "c " + w);
                assertTrue(b.forward() == fwd);
                assertTrue(b.toString().contains("kappa="), b.toString());
            }
        }
    }

    @Test
    @DisplayName("alpha and loss bounds: from the trusted magnitudes when given, from the a-priori ones otherwise")
    void alphaAndLossUseTrustedMagnitudes() {
        RopeInstance in = new InstanceSpec(4, 2, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 21L).build();
        // approximation-dominated, and rounding alone: there the loss bound's gamma_2nd * lossBar term is of
        // the order of the rest, so lossBar itself (a priori or from the trusted loss) is resolved
        for (double[] regime : new double[][] {{1e-3, 1e-14}, {0, 0}}) {
            FastForwardBound fwd = forward(in, regime[0], regime[1]);
            FastGradientBound b = new FastGradientBound(fwd, in);
            String w = " delta=" + regime[0] + " epsRound=" + regime[1];
            int n = in.n();
            int d = in.d();
            double alphaApriori = fwd.alphaRelative() * n * ExpApproximationBound.expUp(fwd.beta());
            close(alphaApriori, b.allowed(Quantity.ALPHA, in, null), "alpha a priori" + w);
            double hErr = b.allowed(Quantity.H, in, null);
            double cBar = maxAbs(in.h()) + hErr + maxAbs(in.e());
            double epsC = fwd.c();
            long nd = (long) n * d;
            double lossApriori = fwd.loss(nd * (cBar + epsC), 0.5 * nd * (cBar + epsC) * (cBar + epsC), nd);
            close(lossApriori, b.allowed(Quantity.LOSS, in, null), "loss a priori" + w);

            DMatrixRMaj alpha = new DMatrixRMaj(n, 1);
            alpha.data[2] = 3.5;
            DMatrixRMaj c = new DMatrixRMaj(n, d);
            c.data[1] = -0.25;
            c.data[5] = 0.5;
            RopeResult trusted = RopeResult.builder("trusted").put(Quantity.ALPHA, alpha).put(Quantity.C, c)
                    .putScalar(Quantity.LOSS, 0.15625).build();
            // trusted magnitudes are inflated by 1e-6 (they are doubles rounded from the reference)
            double inflate = 1 + 1e-6;
            close(fwd.alphaRelative() * 3.5 * inflate, b.allowed(Quantity.ALPHA, in, trusted), "alpha trusted" + w);
            double sc = (0.75 + nd * epsC) * inflate;
            double lBar = (0.15625 + epsC * sc + nd * epsC * epsC) * inflate;
            close(fwd.loss(sc, lBar, nd), b.allowed(Quantity.LOSS, in, trusted), "loss trusted" + w);
            if (regime[0] == 0) {
                // the regime: the gamma_2nd lossBar term is far above the comparison's resolution
                assertTrue(g(2 * nd) * lBar > 1e3 * REL * fwd.loss(sc, lBar, nd), "lossBar resolved" + w);
                assertTrue(g(2 * nd) * lossApriori > 0 && g(2 * nd) * 0.5 * nd * (cBar + epsC) * (cBar + epsC)
                        > 1e3 * REL * lossApriori, "a-priori lossBar resolved" + w);
            }
            assertTrue(b.allowed(Quantity.ALPHA, in, trusted) < b.allowed(Quantity.ALPHA, in, null));
        }
    }

    @Test
    @DisplayName("MATH §5 / Lemma 6.2: phi = 2Δ/(1-Δ) is attained (perturbed mass -> 0), fraction >= 1 - 1e-9")
    void lemma62PhiAttained() {
        RopeInstance in = new InstanceSpec(3, 2, FamilyKind.IDENTITY, 0.5, true, 5L).build();
        for (double delta : new double[] {1e-5, 1e-2, 0.25}) {
            FastForwardBound fwd = new FastForwardBound(0.5, delta, 1, 0, 0, 1, 0, 0);
            double phi = new FastGradientBound(fwd, in).phi();
            double w = 1e-12;
            double measured = ((1 + delta) / ((1 + delta) * w + (1 - delta) * (1 - w))) - 1;
            assertTrue(measured <= phi, "delta=" + delta);
            assertTrue(measured / phi >= 1 - 1e-9, "delta=" + delta + ": phi attained only to " + measured / phi);
        }
    }

    @Test
    @DisplayName("fast-gradient-error.md §9: dQrot, dKrot are bounded by sqrt(2) times the dQ, dK bounds plus rounding of order u and omega")
    void rotatedRowGradientBounds() {
        for (FamilyKind f : new FamilyKind[] {FamilyKind.ROPE_INTERLEAVED, FamilyKind.IDENTITY}) {
            RopeInstance in = new InstanceSpec(6, 4, f, 0.5, true, 21L).build();
            FastGradientBound b = new FastGradientBound(new FastForwardBound(0.5, 1e-3, 1, 0, 0.1, 1, 0, 0), in);
            for (Quantity[] pair : new Quantity[][] {{Quantity.DQ, Quantity.DQROT}, {Quantity.DK, Quantity.DKROT}}) {
                double ratio = b.allowed(pair[1], in, null) / b.allowed(pair[0], in, null);
                assertTrue(ratio >= 1.4143 && ratio <= 1.4143 * (1 + 1e-6), f + " " + pair[1].key() + ": " + ratio);
            }
        }
    }

    @Test
    @DisplayName("No bound when Δ + ρ >= 1; quadratic quantities refused; null arguments refused; gradient set")
    void unusableAndRefusals() {
        RopeInstance in = new InstanceSpec(3, 2, FamilyKind.IDENTITY, 0.5, true, 5L).build();
        FastGradientBound none = new FastGradientBound(new FastForwardBound(0.5, 0.6, 1, 0, 0.5, 1, 0, 0), in);
        for (Quantity q : Quantity.values()) {
            assertEquals(Double.POSITIVE_INFINITY, none.allowed(q, in, null), q.key());
        }
        assertTrue(none.toString().contains("Infinity"), none.toString());
        FastGradientBound ok = new FastGradientBound(new FastForwardBound(0.5, 0.4, 1, 0, 0.1, 1, 0, 0), in);
        assertTrue(Double.isFinite(ok.allowed(Quantity.GRAD_X, in, null)));
        for (Quantity q : new Quantity[] {Quantity.A, Quantity.F, Quantity.P}) {
            assertThrows(IllegalArgumentException.class, () -> ok.allowed(q, in, null), q.key());
        }
        assertThrows(IllegalArgumentException.class, () -> new FastGradientBound(null, in));
        assertThrows(IllegalArgumentException.class, () -> new FastGradientBound(ok.forward(), null));
        for (Quantity q : Quantity.values()) {
            boolean expected = switch (q) {
                case R, GRAD_X, DQ, DK, DV, GRAD_WQ, GRAD_WK, GRAD_WV, DQROT, DKROT -> true;
                default -> false;
            };
            assertEquals(expected, FastGradientBound.isGradient(q), q.key());
        }
        QuantityBoundCheck.run(in);
    }

    /** {@link FastGradientBound#forEngine} builds the bound from the engine's forward bound. */
    private static final class QuantityBoundCheck {
        static void run(RopeInstance in) {
            FastForwardBound fwd = forward(in, 1e-3, 1e-14);
            QuantityBound qb = FastGradientBound.forEngine(x -> fwd);
            assertEquals(new FastGradientBound(fwd, in).gradX(), qb.allowed(Quantity.GRAD_X, in, null), 0.0);
        }
    }
}
