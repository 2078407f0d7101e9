package dev.ropecheck.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.approx.ExpApproximations;
import dev.ropecheck.approx.ExpPolynomial;
import dev.ropecheck.approx.Method;
import dev.ropecheck.model.ExactValues;
import java.util.SplittableRandom;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Tightness and soundness of {@link ExpApproximationBound} (MATH §4, RoPE-grad Lemma 3.4), in the style of
 * commons-numbers: each bound passes at its constant and fails at a smaller one. The attained fractions are
 * derived in {@code proofs-notes/mutation.md} §"Tightness fractions":
 * <ul>
 *   <li>Taylor: at {@code z = beta} the remainder is {@code Σ_{k>g} beta^k/k! >= beta^(g+1)/(g+1)!}, so
 *       measured/bound {@code >= max(e^-beta, 1 - beta/(g+2))} (the latter when the geometric form applies);</li>
 *   <li>Chebyshev: {@code e^z - I_g(z) = e^ξ ω(z)/(g+1)!} with {@code |ω| = beta^(g+1)/2^g} at the
 *       {@code g+2} extrema of {@code T_(g+1)(z/beta)}, so measured/bound {@code >= e^(-2 beta)};</li>
 *   <li>Horner, {@code γ_k}, {@code relative}, {@code expUp}, {@code up}: the stated closed forms, to within
 *       their documented outward rounding.</li>
 * </ul>
 */
class ExpApproximationBoundTightnessTest {
    private static final long DIGITS = 60;
    private static final double U = dev.ropecheck.bounds.FloatFormat.FP64.u();

    private static Apfloat ap(double v) {
        return ExactValues.apfloat(v, DIGITS);
    }

    /** {@code e^beta - Σ_{k<=g} beta^k/k!} in apfloat (60 digits). */
    private static double taylorErrorAt(double beta, int g) {
        return dev.ropecheck.report.BoundAttainment.taylorRemainder(beta, g).measured();
    }

    /** {@code |P(z) - e^z|} with P's double coefficients, exact arithmetic. */
    private static Apfloat polyError(double[] a, Apfloat z) {
        Apfloat p = new Apfloat(0, DIGITS);
        for (int k = a.length - 1; k >= 0; k--) {
            p = p.multiply(z).add(ap(a[k]));
        }
        return ApfloatMath.abs(p.subtract(ApfloatMath.exp(z)));
    }

    @Test
    @DisplayName("Lemma 3.4 (Taylor): the remainder bound is nearly attained at z = beta, at the derived fraction")
    void lemma34TaylorRemainderNearlyAttainedAtIntervalEnd() {
        double[][] cases = {{0.25, 1}, {0.25, 3}, {0.5, 4}, {1, 2}, {1, 8}, {2, 6}, {2, 12}, {4, 2}, {4, 9}, {4, 20},
            {8, 3}, {8, 5}, {8, 14}, {8, 30}, {0.01, 0}};
        for (double[] c : cases) {
            double beta = c[0];
            int g = (int) c[1];
            double bound = ExpApproximationBound.taylorRemainder(beta, g);
            double measured = taylorErrorAt(beta, g);
            double fraction = Math.exp(-beta);
            if (g + 2 > beta) {
                fraction = Math.max(fraction, 1 - beta / (g + 2));
            }
            assertTrue(measured <= bound, "Taylor beta=" + beta + " g=" + g + ": remainder " + measured
                    + " above the bound " + bound);
            double ratio = measured / bound;
            assertTrue(ratio >= fraction * (1 - 1e-12), "Taylor beta=" + beta + " g=" + g + ": measured/bound "
                    + ratio + " below the derived fraction " + fraction);
            // the bound is the smaller of the two forms: never above the Lagrange form
            assertTrue(bound <= ExpApproximationBound.taylorLagrangeRemainder(beta, g));
        }
    }

    @Test
    @DisplayName("Lemma 3.4 (Taylor, Lagrange form): attained to e^-beta at z = beta")
    void lemma34TaylorLagrangeFormAttainedToExpMinusBeta() {
        double[][] cases = {{0.01, 1}, {0.25, 2}, {1, 3}, {2, 5}, {4, 1}, {6, 10}};
        for (double[] c : cases) {
            double beta = c[0];
            int g = (int) c[1];
            double bound = ExpApproximationBound.taylorLagrangeRemainder(beta, g);
            double measured = taylorErrorAt(beta, g);
            assertTrue(measured <= bound, "beta=" + beta + " g=" + g);
            assertTrue(measured / bound >= Math.exp(-beta) * (1 - 1e-12), "Lagrange beta=" + beta + " g=" + g
                    + ": measured/bound " + measured / bound + " below e^-beta");
            // and it exceeds measured/bound e^beta never: the bound is at most e^beta times the first term
            assertTrue(measured / bound <= 1);
        }
    }

    @Test
    @DisplayName("Lemma 3.4 (Chebyshev): interpolation remainder attained to e^(-2 beta) at the extrema of T_(g+1)")
    void lemma34ChebyshevRemainderAttainedAtChebyshevExtrema() {
        double[][] cases = {{0.25, 2}, {0.5, 3}, {1, 4}, {1, 7}, {2, 5}, {2, 10}, {4, 8}, {4, 14}, {8, 16}};
        for (double[] c : cases) {
            double beta = c[0];
            int g = (int) c[1];
            ExpPolynomial p = ExpApproximations.ofDegree(Method.CHEBYSHEV, beta, g);
            double bound = ExpApproximationBound.chebyshevRemainder(beta, g);
            assertEquals(bound, p.truncationBound(), 0.0, "the polynomial carries the Chebyshev remainder");
            double coefficientError = p.etaPolynomial() - p.truncationBound();
            double worst = 0;
            Apfloat b = ap(beta);
            Apfloat pi = ApfloatMath.pi(DIGITS);
            for (int k = 0; k <= g + 1; k++) {
                Apfloat z = b.multiply(ApfloatMath.cos(pi.multiply(new Apfloat(k, DIGITS))
                        .divide(new Apfloat(g + 1, DIGITS))));
                worst = Math.max(worst, polyError(p.coefficients(), z).doubleValue());
            }
            assertTrue(worst <= p.etaPolynomial(), "Chebyshev beta=" + beta + " g=" + g + ": " + worst
                    + " above etaPolynomial " + p.etaPolynomial());
            double fraction = Math.exp(-2 * beta);
            double lower = fraction * bound * (1 - 1e-9) - coefficientError;
            assertTrue(worst >= lower, "Chebyshev beta=" + beta + " g=" + g + ": measured " + worst
                    + " = " + worst / bound + " x bound, below the derived fraction e^(-2 beta) = " + fraction);
        }
    }

    @Test
    @DisplayName("Lemma 3.4 soundness search: |P(z) - e^z| <= etaPolynomial on a fine grid, both methods, largest beta per degree")
    void lemma34PolynomialErrorWithinEtaOnFineGrid() {
        for (Method m : Method.values()) {
            for (double[] c : new double[][] {{0.5, 3}, {2, 9}, {8, 20}}) {
                ExpPolynomial p = ExpApproximations.ofDegree(m, c[0], (int) c[1]);
                double worst = 0;
                for (int k = -32; k <= 32; k++) {
                    double z = c[0] * k / 32.0;
                    worst = Math.max(worst, polyError(p.coefficients(), ap(z)).doubleValue());
                }
                assertTrue(worst <= p.etaPolynomial(), m + " " + c[0] + "/" + c[1] + ": " + worst + " > "
                        + p.etaPolynomial());
                assertTrue(worst > 0);
            }
        }
    }

    @Test
    @DisplayName("Higham eq. 5.3: hornerError = gamma_{2g} * absSum (outward-rounded), and Horner in double stays within it")
    void hornerErrorIsGamma2gTimesAbsSum() {
        for (int g : new int[] {1, 3, 10, 40, 150}) {
            for (double s : new double[] {1e-3, 1, 3.5, 1e6}) {
                double h = ExpApproximationBound.hornerError(g, s);
                double closed = 2.0 * g * U / (1 - 2.0 * g * U) * s;
                assertTrue(h >= closed, "hornerError below gamma_2g absSum: g=" + g);
                assertTrue(h <= closed * (1 + 1e-14), "hornerError above gamma_2g absSum (1 + 1e-14): g=" + g
                        + " ratio " + h / closed);
            }
        }
        // soundness search: the double Horner evaluation of exp polynomials at many doubles |z| <= beta
        SplittableRandom rnd = new SplittableRandom(20261124L);
        for (Method m : Method.values()) {
            ExpPolynomial p = ExpApproximations.ofDegree(m, 4, 18);
            double allowed = ExpApproximationBound.hornerError(p.degree(), p.absSum());
            for (int t = 0; t < 400; t++) {
                double z = t < 2 ? (t == 0 ? 4.0 : -4.0) : (rnd.nextDouble() * 2 - 1) * 4;
                Apfloat exact = new Apfloat(0, DIGITS);
                for (int k = p.degree(); k >= 0; k--) {
                    exact = exact.multiply(ap(z)).add(ap(p.coefficient(k)));
                }
                double err = ApfloatMath.abs(ap(p.evaluate(z)).subtract(exact)).doubleValue();
                assertTrue(err <= allowed, m + " z=" + z + ": Horner error " + err + " above " + allowed);
            }
        }
    }

    @Test
    @DisplayName("gamma_k = k u / (1 - k u), rounded up by at most 5u relative; undefined from k u >= 1/2")
    void gammaClosedFormAndDomain() {
        for (long k : new long[] {1, 2, 7, 1000, 1L << 30, (1L << 52) - 1}) {
            double ku = k * U;
            double closed = ku / (1 - ku);
            double g = ExpApproximationBound.gamma(k);
            assertTrue(g >= closed && g <= closed * (1 + 6 * U) + Double.MIN_VALUE, "gamma_" + k + " = " + g
                    + " vs " + closed);
        }
        assertTrue(ExpApproximationBound.gamma(0) <= Double.MIN_VALUE);
        assertThrows(IllegalArgumentException.class, () -> ExpApproximationBound.gamma(1L << 52));
        assertThrows(IllegalArgumentException.class, () -> ExpApproximationBound.gamma(1L << 53));
    }

    @Test
    @DisplayName("relative(eta, beta) = eta e^beta, expUp(x) = e^x, up(v) = v: each rounded up by at most 1e-14")
    void relativeExpUpAndUpAreOutwardRoundedClosedForms() {
        for (double[] c : new double[][] {{1e-3, 0.5}, {1e-9, 4}, {2.5e-16, 20}, {0.3, 1e-3}}) {
            double r = ExpApproximationBound.relative(c[0], c[1]);
            double exact = ap(c[0]).multiply(ApfloatMath.exp(ap(c[1]))).doubleValue();
            assertTrue(r >= exact && r <= exact * (1 + 1e-14), "relative " + r + " vs " + exact);
        }
        for (double x : new double[] {-3, 0, 1e-8, 0.5, 7, 300}) {
            double e = ExpApproximationBound.expUp(x);
            double exact = ApfloatMath.exp(ap(x)).doubleValue();
            assertTrue(e >= exact && e <= exact * (1 + 1e-14), "expUp(" + x + ") = " + e + " vs " + exact);
            assertTrue(e > Math.exp(x) || e >= exact, "expUp rounds up");
        }
        Apfloat third = new Apfloat(1, DIGITS).divide(new Apfloat(3, DIGITS));
        double up = ExpApproximationBound.up(third);
        assertTrue(up > 1.0 / 3 && up <= (1.0 / 3) * (1 + 1e-14), "up(1/3) = " + up);
        assertTrue(ExpApproximationBound.up(new Apfloat(0)) >= 0);
        assertTrue(ExpApproximationBound.up(new Apfloat(0)) <= Double.MIN_VALUE * 2);
        assertThrows(IllegalArgumentException.class, () -> ExpApproximationBound.up(new Apfloat(-1)));
    }
}
