package dev.ropecheck.approx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The coefficients and the coefficient-error accounting of {@link ExpApproximations#build} (uncached, so a
 * change of the construction is seen even where {@link ExpApproximations#ofDegree}'s cache holds earlier
 * results), against independent computations in exact decimal arithmetic (Lemma 3.4; MATH §4).
 */
class ExpPolynomialBuildTest {
    private static final MathContext MC = new MathContext(60);

    /** {@code Σ_k |c_k| beta^k} in exact decimal arithmetic (60 digits). */
    private static BigDecimal weighted(double[] c, double beta) {
        BigDecimal b = new BigDecimal(beta);
        BigDecimal pow = BigDecimal.ONE;
        BigDecimal s = BigDecimal.ZERO;
        for (double ck : c) {
            s = s.add(new BigDecimal(ck).abs().multiply(pow, MC), MC);
            pow = pow.multiply(b, MC);
        }
        return s;
    }

    /** The accounting shared by both methods: absSum and etaPolynomial as {@code ExpApproximations.build} states them. */
    private static void accounting(ExpPolynomial p, BigDecimal coefErrLow, BigDecimal coefErrHigh, String what) {
        double beta = p.beta();
        int g = p.degree();
        double absSum = weighted(p.coefficients(), beta).doubleValue();
        assertTrue(p.absSum() >= absSum && p.absSum() <= absSum * (1 + 1e-14), what + ": absSum " + p.absSum() + " vs " + absSum);
        double trunc = ExpApproximations.truncation(p.method(), beta, g);
        assertEquals(trunc, p.truncationBound(), 0.0, what);
        double low = trunc + coefErrLow.doubleValue();
        // upper: truncation + coefficient error + apfloat slack absSum 10^-(15+g), each rounded up once or twice
        double high = (trunc + coefErrHigh.doubleValue() * (1 + 1e-12) + absSum * Math.pow(10, -(15 + g))) * (1 + 1e-12);
        assertTrue(p.etaPolynomial() >= low * (1 - 1e-15) && p.etaPolynomial() <= high,
                what + ": etaPolynomial " + p.etaPolynomial() + " outside [" + low + ", " + high + "]");
    }

    @dev.ropecheck.specs.Spec("lemma-3.4")
    @Test
    @DisplayName("Lemma 3.4, Taylor: a_k = 1/k! to 4 ulps; absSum, etaPolynomial as stated, with the coefficient error exact")
    void taylorCoefficientsAreTheInverseFactorials() {
        for (double beta : new double[] {0.5, 2, 7.5}) {
            for (int g = 0; g <= 24; g++) {
                ExpPolynomial p = ExpApproximations.build(Method.TAYLOR, beta, g);
                BigDecimal fact = BigDecimal.ONE;
                BigDecimal pow = BigDecimal.ONE;
                BigDecimal err = BigDecimal.ZERO;
                for (int k = 0; k <= g; k++) {
                    if (k > 0) {
                        fact = fact.multiply(BigDecimal.valueOf(k));
                    }
                    BigDecimal exact = BigDecimal.ONE.divide(fact, MC);
                    // apfloat's doubleValue is not correctly rounded (1/24 comes out one ulp low, 1/20! more than
                    // one): within 4 ulps here; the error is charged below from the double actually used
                    double want = exact.doubleValue();
                    assertEquals(want, p.coefficient(k), 4 * Math.ulp(want), "beta " + beta + ", g " + g + ", a_" + k);
                    err = err.add(new BigDecimal(p.coefficient(k)).subtract(exact).abs().multiply(pow, MC), MC);
                    pow = pow.multiply(new BigDecimal(beta), MC);
                }
                accounting(p, err, err, "Taylor beta " + beta + ", g " + g);
            }
        }
    }

    @dev.ropecheck.specs.Spec("lemma-3.4")
    @Test
    @DisplayName("Lemma 3.4, Chebyshev: P interpolates e^z at the g+1 Chebyshev nodes to within the coefficient error")
    void chebyshevInterpolatesAtItsNodes() {
        for (double beta : new double[] {0.5, 2, 7.5}) {
            for (int g = 1; g <= 20; g++) {
                ExpPolynomial p = ExpApproximations.build(Method.CHEBYSHEV, beta, g);
                double coefErr = p.etaPolynomial() - p.truncationBound();
                for (int k = 0; k <= g; k++) {
                    double z = beta * Math.cos(Math.PI * (2 * k + 1) / (2.0 * g + 2));
                    BigDecimal bz = new BigDecimal(z);
                    BigDecimal v = BigDecimal.ZERO;
                    for (int j = g; j >= 0; j--) {
                        v = v.multiply(bz, MC).add(new BigDecimal(p.coefficient(j)), MC);
                    }
                    double miss = Math.abs(v.doubleValue() - Math.exp(z));
                    // the node z is within a few ulps of beta cos(...): P' ~ e^z moves P - e^z by (g + 1) 4 ulp(beta) e^beta
                    double slack = (g + 1) * 4 * Math.ulp(beta) * Math.exp(beta) + 2 * Math.ulp(Math.exp(z));
                    assertTrue(miss <= coefErr + slack, "beta " + beta + ", g " + g + ", node " + k + ": |P - e^z| = "
                            + miss + " > coefficient error " + coefErr + " + " + slack);
                }
                // the accounting: each double coefficient within 4 ulps of the exact one (as for Taylor), so the
                // coefficient error lies in [0, 4 Σ ulp(a_k) beta^k]
                double[] ulps = p.coefficients();
                for (int k = 0; k <= g; k++) {
                    ulps[k] = 4 * Math.ulp(ulps[k]);
                }
                accounting(p, BigDecimal.ZERO, weighted(ulps, beta), "Chebyshev beta " + beta + ", g " + g);
                assertTrue(coefErr <= 1e-12 * p.absSum(), "coefficient error " + coefErr + " vs absSum " + p.absSum());
            }
        }
    }

    /** {@code γ_k = k u / (1 - k u)}, {@code u = 2^-53}, exactly (to 60 digits). */
    private static BigDecimal gamma(int k) {
        BigDecimal ku = new BigDecimal(k).multiply(new BigDecimal(0x1p-53));
        return ku.divide(BigDecimal.ONE.subtract(ku), MC);
    }

    @dev.ropecheck.specs.Spec("lemma-3.4")
    @Test
    @DisplayName("Lemma 3.4: eta = etaPolynomial + γ_2g absSum (Horner), delta = eta e^beta, deltaPolynomial = etaPolynomial e^beta, "
            + "absValue = Σ |a_k| x^k, each against exact decimals")
    void evaluationBoundsAreTheirFormulas() {
        for (Method m : Method.values()) {
            for (double beta : new double[] {0.5, 2, 7.5}) {
                org.apfloat.Apfloat expBeta = org.apfloat.ApfloatMath.exp(dev.ropecheck.model.ExactValues.apfloat(beta, 40));
                BigDecimal eBeta = new BigDecimal(expBeta.toString(true));
                for (int g : new int[] {0, 1, 4, 9, 16, 24}) {
                    ExpPolynomial p = ExpApproximations.build(m, beta, g);
                    String what = m + " beta " + beta + " g " + g;
                    // Higham 5.3: the Horner evaluation adds γ_2g Σ|a_k| beta^k; rounded outward by a few ulps only
                    BigDecimal eta = new BigDecimal(p.etaPolynomial()).add(gamma(2 * g).multiply(new BigDecimal(p.absSum()), MC));
                    within(eta, p.eta(), what + ": eta");
                    within(new BigDecimal(p.eta()).multiply(eBeta, MC), p.delta(), what + ": delta");
                    within(new BigDecimal(p.etaPolynomial()).multiply(eBeta, MC), p.deltaPolynomial(), what + ": deltaPolynomial");
                    for (double x : new double[] {0, 0.3, beta, 2.5}) {
                        // Σ |a_k| x^k exactly; the double Horner sum of non-negative terms is within γ_2g+1 of it
                        BigDecimal bx = new BigDecimal(x);
                        BigDecimal pow = BigDecimal.ONE;
                        BigDecimal sum = BigDecimal.ZERO;
                        for (int k = 0; k <= g; k++) {
                            sum = sum.add(new BigDecimal(p.coefficient(k)).abs().multiply(pow, MC), MC);
                            pow = pow.multiply(bx, MC);
                        }
                        double want = sum.doubleValue();
                        double tol = gamma(2 * g + 1).doubleValue() * want;
                        assertEquals(want, p.absValue(x), tol, what + ": absValue(" + x + ")");
                    }
                    String text = p.toString();
                    assertTrue(text.contains(m.toString()) && text.contains("g=" + g) && text.contains("beta=" + beta),
                            what + ": toString names the method, beta and degree: " + text);
                }
            }
        }
    }

    /** {@code got} is the real {@code want} rounded up: {@code want <= got <= want (1 + 1e-14)}. */
    private static void within(BigDecimal want, double got, String what) {
        BigDecimal g = new BigDecimal(got);
        assertTrue(g.compareTo(want) >= 0, what + " " + got + " below its formula " + want);
        assertTrue(g.compareTo(want.multiply(new BigDecimal("1.00000000000001"), MC)) <= 0,
                what + " " + got + " above its formula " + want + " by more than 1e-14 relative");
    }
}
