package dev.ropecheck.bounds;

import dev.ropecheck.report.BoundAttainment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Tightness of {@link FastForwardBound} (MATH §5 "Error transfer", RoPE-fwd Thm 1.3; derivation in
 * {@code proofs-notes/fast-forward-error.md}, fractions in {@code proofs-notes/mutation.md}): the
 * approximation part is attained by the two-token instance with factor {@code 1+δ} on mass {@code w} and
 * {@code 1-δ} on the rest, values {@code h = ±1}; the relative alpha bound by {@code Ã = (1+δ) A}; the
 * rounding slack by the worst perturbation of numerator and denominator. The rounding constants are checked
 * against their closed forms, and {@code usable()} at its threshold.
 */
class FastForwardBoundTightnessTest {
    private static final double U = dev.ropecheck.bounds.FloatFormat.FP64.u();

    private static FastForwardBound pure(double delta, double hInf) {
        return BoundAttainment.approximationOnly(delta, hInf);
    }

    @Test
    @DisplayName("MATH §5: ||Att~ - Att|| <= 2δ/(1+sqrt(1-δ²)) ||h|| is attained (fraction >= 1 - 1e-9)")
    void math5TransferAttainedByTwoTokenInstance() {
        for (double delta : new double[] {1e-6, 1e-3, 0.05, 0.3, 0.9}) {
            for (double hInf : new double[] {1.0, 0.375}) {
                FastForwardBound b = pure(delta, hInf);
                double measured = BoundAttainment.worstTwoToken(delta) * hInf;
                double bound = b.attentionApproximation();
                assertTrue(measured <= bound, "delta=" + delta + ": attained error " + measured + " above the bound "
                        + bound);
                // the bound carries deltaEff = (1+δ)(1+4u) - 1 and a factor (1+8u); the search is exact to O(1e-24)
                assertTrue(measured / bound >= 1 - 1e-9, "delta=" + delta + ": measured/bound = " + measured / bound
                        + " below 1 - 1e-9: the sharp constant is not attained");
                double crude = b.attentionApproximationCrude();
                double expectRatio = (1 + Math.sqrt(1 - delta * delta)) / (1 - delta);
                assertEquals(expectRatio, crude / bound, 1e-9 * expectRatio, "crude/sharp at delta=" + delta);
                // with zero rounding the total bound is the approximation part plus 2u||h||
                assertEquals(bound + 2 * U * hInf, b.attention(), 1e-12 * bound + 8 * U * hInf);
                assertEquals(crude + 2 * U * hInf, b.attentionCrude(), 1e-12 * crude + 8 * U * hInf);
            }
        }
    }

    @Test
    @DisplayName("MATH §5: |f~ - f| <= 2δ/(1-δ) f (FastGradientBound.phi) is attained as the perturbed mass w -> 0")
    void math5RowTransferAttained() {
        for (double delta : new double[] {1e-4, 0.01, 0.2}) {
            BoundAttainment.Attained a = BoundAttainment.rowTransfer(delta);
            assertTrue(a.measured() <= a.allowed() * (1 + 1e-12), "delta=" + delta);
            assertTrue(a.ratio() >= 1 - 1e-9, "delta=" + delta + ": f transfer attained only to " + a.ratio());
            // δ_eff = (1+δ)(1+4u) - 1 is δ to 4u(1+δ)/δ relative; φ = 2δ_eff/(1-δ_eff) moves by at most twice that
            assertEquals(2 * delta / (1 - delta), a.allowed(), 16 * U / delta * a.allowed(), "phi = 2δ/(1-δ) to δ_eff's rounding");
        }
    }

    @Test
    @DisplayName("alphaRelative = deltaEff + rho is attained by A~ = (1+δ) A (fraction >= 1 - 1e-9)")
    void alphaRelativeAttained() {
        for (double delta : new double[] {1e-6, 1e-3, 0.1}) {
            FastForwardBound b = pure(delta, 1);
            double measured = delta; // |alpha~ - alpha| / alpha with every entry scaled by (1 + δ)
            assertTrue(measured <= b.alphaRelative());
            assertTrue(measured / b.alphaRelative() >= 1 - 1e-9, "alpha: " + measured / b.alphaRelative());
            assertEquals(b.deltaEffective() + b.rho(), b.alphaRelative(), 8 * U * b.alphaRelative());
        }
        // with rounding: rho = epsRound Pabs e^beta of the order of delta, so both parts are resolved
        for (double epsRound : new double[] {1e-7, 1e-6}) {
            FastForwardBound b = new FastForwardBound(1.0, 1e-6, 1.0, 0, epsRound, 1, 0, 1);
            assertTrue(b.rho() > 0.1 * b.deltaEffective(), "rho " + b.rho());
            assertEquals(b.deltaEffective() + b.rho(), b.alphaRelative(), 8 * U * b.alphaRelative(),
                    "alphaRelative at epsRound=" + epsRound);
        }
    }

    @Test
    @DisplayName("deltaEff = (1+δ) e^sigma - 1 and rho = epsRound Pabs e^beta, to their outward rounding")
    void deltaEffAndRhoClosedForms() {
        double delta = 1e-4;
        double sigma = 3e-6;
        double beta = 1.5;
        double eps = 2e-13;
        double pAbs = 7.25;
        FastForwardBound b = new FastForwardBound(beta, delta, pAbs, sigma, eps, 1, 0, 0);
        double de = (1 + delta) * Math.exp(sigma) - 1;
        assertTrue(b.deltaEffective() >= de && b.deltaEffective() <= de + 8 * U, "deltaEff " + b.deltaEffective());
        double rho = eps * pAbs * Math.exp(beta);
        assertTrue(b.rho() >= rho && b.rho() <= rho * (1 + 12 * U), "rho " + b.rho() + " vs " + rho);
        assertEquals(beta, b.beta(), 0.0);
        assertEquals(delta, b.delta(), 0.0);
        assertEquals(sigma, b.sigma(), 0.0);
        assertTrue(b.toString().contains("beta=1.500"), b.toString());
    }

    @Test
    @DisplayName("Rounding slack: 2 rho ||h||/(1 - deltaEff - rho) is attained by the worst numerator/denominator perturbation")
    void roundingSlackClosedFormAndAttained() {
        double hInf = 0.75;
        double hErr = 3e-12;
        for (double rho : new double[] {1e-9, 1e-4, 0.05}) {
            // epsRound chosen so that rho = epsRound * Pabs * e^beta with Pabs = 1, beta = 0
            FastForwardBound b = new FastForwardBound(0.0, 0.0, 1.0, 0.0, rho, hInf, hErr, 0.0);
            double de = b.deltaEffective();
            double r = b.rho();
            double closed = hErr + 2 * r * hInf / (1 - de - r) + 2 * U * hInf;
            assertTrue(b.roundingSlack() >= closed && b.roundingSlack() <= closed * (1 + 20 * U),
                    "slack " + b.roundingSlack() + " vs " + closed);
            // N/D = ||h|| with N' = N + rho D ||h||, D' = D - rho D: N'/D' - N/D = 2 rho ||h|| / (1 - rho)
            double attained = 2 * rho * hInf / (1 - rho);
            double part = b.roundingSlack() - hErr - 2 * U * hInf;
            assertTrue(attained <= part * (1 + 1e-12), "rho=" + rho);
            assertTrue(attained / part >= 1 - 1e-9, "rho=" + rho + ": slack attained only to " + attained / part);
        }
        // rounding together with an approximation error: the slack's 1 - deltaEff - rho at a large delta, and
        // both attention bounds as their approximation part plus the slack
        for (double delta : new double[] {0.3, 1e-6}) {
            FastForwardBound b = new FastForwardBound(0.0, delta, 1.0, 0.0, 1e-4, hInf, hErr, 0.0);
            double de = b.deltaEffective();
            double r = b.rho();
            double closed = hErr + 2 * r * hInf / (1 - de - r) + 2 * U * hInf;
            assertTrue(b.roundingSlack() >= closed && b.roundingSlack() <= closed * (1 + 20 * U),
                    "delta=" + delta + ": slack " + b.roundingSlack() + " vs " + closed);
            assertEquals(b.attentionApproximation() + b.roundingSlack(), b.attention(), 4 * U * b.attention(),
                    "attention at delta=" + delta);
            assertEquals(b.attentionApproximationCrude() + b.roundingSlack(), b.attentionCrude(),
                    4 * U * b.attentionCrude(), "attentionCrude at delta=" + delta);
        }
    }

    @Test
    @DisplayName("c = attention + 2u(||h|| + ||E||) and the loss bound's three terms")
    void cAndLossClosedForms() {
        double hInf = 0.5;
        double eInf = 1.25;
        FastForwardBound b = new FastForwardBound(0.5, 1e-3, 2, 1e-10, 1e-14, hInf, 1e-13, eInf);
        double c = b.attention() + 2 * U * (hInf + eInf);
        assertTrue(b.c() >= c && b.c() <= c * (1 + 4 * U));
        double sumAbs = 3.5;
        double lTilde = 0.8;
        long entries = 24;
        double dl = b.c();
        double closed = dl * sumAbs + entries * dl * dl / 2 + ExpApproximationBound.gamma(2 * entries) * lTilde;
        double loss = b.loss(sumAbs, lTilde, entries);
        assertTrue(loss >= closed && loss <= closed * (1 + 20 * U), "loss " + loss + " vs " + closed);
        // each term matters: doubling any input raises the bound
        assertTrue(b.loss(2 * sumAbs, lTilde, entries) > loss);
        assertTrue(b.loss(sumAbs, 2 * lTilde, entries) > loss);
        assertTrue(b.loss(sumAbs, lTilde, 2 * entries) > loss);
        // |c² - c~²|/2 <= Δ(|c~| + Δ/2) is attained by c = c~ + Δ entrywise: the loss bound's first two terms
        double cTilde = sumAbs / entries;
        double attained = entries * (Math.pow(cTilde + dl, 2) - cTilde * cTilde) / 2;
        assertTrue(attained <= loss);
        assertTrue(attained / (dl * sumAbs + entries * dl * dl / 2) >= 1 - 1e-9);
    }

    @Test
    @DisplayName("No bound (infinity) exactly when deltaEff + rho >= 1; finite just below")
    void usableThreshold() {
        FastForwardBound none = pure(1.0, 1);
        assertEquals(Double.POSITIVE_INFINITY, none.attentionApproximation());
        assertEquals(Double.POSITIVE_INFINITY, none.attentionApproximationCrude());
        assertEquals(Double.POSITIVE_INFINITY, none.roundingSlack());
        assertEquals(Double.POSITIVE_INFINITY, none.attention());
        assertEquals(Double.POSITIVE_INFINITY, none.c());
        FastForwardBound split = new FastForwardBound(0.0, 0.5, 1.0, 0.0, 0.5, 1, 0, 0);
        assertEquals(Double.POSITIVE_INFINITY, split.attention(), "deltaEff + rho = 1 has no bound");
        FastForwardBound below = pure(0.99, 1);
        assertTrue(Double.isFinite(below.attention()) && below.attention() > 1.5, "" + below.attention());
        assertTrue(Double.isFinite(below.roundingSlack()));
    }

    @Test
    @DisplayName("fftRounding = max(sqrt2 epsFft(L), γ_n) + γ_{5g+6} + γ_M, k = log2 L + 1 stages, both branches")
    void fftRoundingClosedForm() {
        int[][] cases = {{1024, 2, 10, 4}, {1025, 2, 10, 4}, {2, 1, 1, 1}, {1 << 20, 6, 5000, 1 << 19}, {64, 3, 35, 1_000_000}};
        for (int[] c : cases) {
            int len = c[0];
            int g = c[1];
            long m = c[2];
            int n = c[3];
            int k = (int) Math.ceil(Math.log(len) / Math.log(2) - 1e-12) + 1;
            double epsFft = (3 * k * (1 + Math.sqrt(5) + 4) + Math.sqrt(5)) * U;
            double closed = Math.max(Math.sqrt(2) * epsFft, ExpApproximationBound.gamma(n))
                    + ExpApproximationBound.gamma(5L * g + 6) + ExpApproximationBound.gamma(m);
            double got = FastForwardBound.fftRounding(len, g, m, n);
            assertTrue(got >= closed, "fftRounding(" + len + "," + g + "," + m + "," + n + ") below the first-order form");
            // the implementation adds 1 % to the first-order epsFft and 1e-6 overall
            assertTrue(got <= closed * 1.0101, "fftRounding(" + len + ") = " + got + " vs " + closed + " ratio "
                    + got / closed);
        }
        // one more FFT stage is visible when the convolution term dominates
        assertTrue(FastForwardBound.fftRounding(1025, 2, 10, 4) > FastForwardBound.fftRounding(1024, 2, 10, 4));
    }

    @Test
    @DisplayName("lowRankRounding = γ_n + γ_r + γ_{5g+6}; scoreRounding, rotatedScoreRounding, ropeWeightError closed forms")
    void otherRoundingConstantsClosedForms() {
        double lr = ExpApproximationBound.gamma(100) + ExpApproximationBound.gamma(35) + ExpApproximationBound.gamma(16);
        double got = FastForwardBound.lowRankRounding(100, 35, 2);
        assertTrue(got >= lr && got <= lr * (1 + 2e-6), "lowRank " + got + " vs " + lr);
        double beta = 0.75;
        double beta1 = 1.5;
        double omega = 1e-14;
        double sr = 2.01 * ExpApproximationBound.gamma(9) * beta + 1.01 * omega * beta1;
        got = FastForwardBound.scoreRounding(8, beta, omega, beta1);
        assertTrue(got >= sr && got <= sr * (1 + 4 * U), "score " + got + " vs " + sr);
        double rr = 2.01 * (ExpApproximationBound.gamma(8) + 2 * omega + 3 * ExpApproximationBound.gamma(2)) * beta;
        got = FastForwardBound.rotatedScoreRounding(8, beta, omega);
        assertTrue(got >= rr && got <= rr * (1 + 4 * U), "rotated " + got + " vs " + rr);
        double w = ((4096 - 1.0) * (Math.log(10000) + 3) + 2) * U * 1.01;
        got = FastForwardBound.ropeWeightError(4096, 10000);
        assertTrue(got >= w && got <= w * (1 + 4 * U), "omega " + got + " vs " + w);
    }
}
