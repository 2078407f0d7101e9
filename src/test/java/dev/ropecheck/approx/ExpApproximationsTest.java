package dev.ropecheck.approx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.bounds.ExpApproximationBound;
import dev.ropecheck.model.ExactValues;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Certified polynomial approximation of exp (MATH §4, RoPE-grad Lemma 3.4, AA22). */
class ExpApproximationsTest {
    static final double[] BETAS = {0.25, 0.5, 1, 2, 4, 8};
    static final double[] EPSS = {1e-3, 1e-6, 1e-9, 1e-12};
    static final long DIGITS = 25;

    /** max over a grid of {@code 2k+1} doubles (and the end points) of |evaluate(z) - e^z|, exp in apfloat. */
    static double measuredError(ExpPolynomial p, int k) {
        double beta = p.beta();
        Apfloat[] exps = EXP_GRID.computeIfAbsent(beta + ":" + k, key -> {
            Apfloat[] v = new Apfloat[2 * k + 1];
            for (int t = -k; t <= k; t++) {
                v[t + k] = ApfloatMath.exp(ExactValues.apfloat(gridPoint(beta, t, k), DIGITS));
            }
            return v;
        });
        double worst = 0;
        for (int t = -k; t <= k; t++) {
            double z = gridPoint(beta, t, k);
            Apfloat exact = exps[t + k];
            Apfloat diff = ExactValues.apfloat(p.evaluate(z), DIGITS).subtract(exact);
            worst = Math.max(worst, ApfloatMath.abs(diff).doubleValue());
        }
        return worst;
    }

    static final java.util.Map<String, Apfloat[]> EXP_GRID = new java.util.concurrent.ConcurrentHashMap<>();

    static double gridPoint(double beta, int t, int k) {
        return t == k ? beta : t == -k ? -beta : beta * t / k;
    }

    @Test
    @DisplayName("Lemma 3.4: measured max |P(z) - e^z| (apfloat, 401-point grid) <= eta <= eps (beta 0.25,1,4 x eps 1e-3,1e-9,1e-12)")
    @dev.ropecheck.specs.Spec("lemma-3.4")
    void lemma34MeasuredErrorWithinEtaWithinEps() {
        measuredWithinEta(new double[] {0.25, 1, 4}, new double[] {1e-3, 1e-9, 1e-12});
    }

    @Test
    @org.junit.jupiter.api.Tag("long")
    @DisplayName("Lemma 3.4: measured <= eta <= eps on the full beta x eps grid")
    void lemma34MeasuredErrorWithinEtaFullGrid() {
        measuredWithinEta(BETAS, EPSS);
    }

    static void measuredWithinEta(double[] betas, double[] epss) {
        for (Method m : Method.values()) {
            for (double beta : betas) {
                for (double eps : epss) {
                    ExpPolynomial p;
                    try {
                        p = ExpApproximations.minimalDegree(m, beta, eps);
                    } catch (IllegalArgumentException unreachable) {
                        // only the double-rounding floor may make a target unreachable: u g e^beta > eps
                        assertTrue(0x1.0p-53 * 10 * Math.exp(beta) > eps * 1e-3,
                                "unexpectedly unreachable: " + unreachable.getMessage());
                        continue;
                    }
                    assertTrue(p.eta() <= eps, () -> p + " eta > eps " + eps);
                    double measured = measuredError(p, 200);
                    assertTrue(measured <= p.eta(), () -> p + ": measured " + measured + " = "
                            + measured / p.eta() + " x eta");
                    assertTrue(measured > 0, "a zero error means the evaluation was not compared");
                }
            }
        }
    }

    @Test
    @DisplayName("Lemma 3.4: minimal degree — degree g-1 misses the target, g meets it")
    @dev.ropecheck.specs.Spec("lemma-3.4")
    void lemma34DegreeIsMinimal() {
        for (Method m : Method.values()) {
            for (double beta : BETAS) {
                for (double eps : new double[] {1e-3, 1e-6, 1e-9}) {
                    ExpPolynomial p = ExpApproximations.minimalDegree(m, beta, eps);
                    if (p.degree() > 0) {
                        ExpPolynomial lower = ExpApproximations.ofDegree(m, beta, p.degree() - 1);
                        assertTrue(lower.eta() > eps, () -> "degree " + lower.degree() + " already meets " + eps
                                + " for " + m + " beta=" + beta);
                    }
                }
            }
        }
    }

    /**
     * MATH §4's measured table: its Taylor column is the Lagrange form {@code beta^(g+1) e^beta/(g+1)!};
     * with the sharper geometric-tail form (also MATH §4, used by {@link ExpApproximations}) Taylor
     * needs at most as many (fewer for beta >= 2). The Chebyshev column is reproduced exactly.
     */
    @Test
    @DisplayName("MATH §4 measured degree table reproduced (Taylor Lagrange form / Chebyshev, eps 1e-3 and 1e-9)")
    @dev.ropecheck.specs.Spec("lemma-3.4")
    void math4DegreeTableReproduced() {
        double[] betas = {0.25, 0.5, 1, 2, 4};
        int[][] taylor = {{3, 4, 6, 10, 17}, {7, 9, 12, 17, 25}};
        int[][] cheb = {{2, 3, 5, 7, 11}, {6, 8, 10, 13, 18}};
        double[] eps = {1e-3, 1e-9};
        for (int e = 0; e < 2; e++) {
            for (int b = 0; b < betas.length; b++) {
                int lagrange = 0;
                while (ExpApproximationBound.taylorLagrangeRemainder(betas[b], lagrange) > eps[e]) {
                    lagrange++;
                }
                assertEquals(taylor[e][b], lagrange, "Taylor (Lagrange form) beta=" + betas[b] + " eps=" + eps[e]);
                int used = ExpApproximations.minimalDegree(Method.TAYLOR, betas[b], eps[e]).degree();
                assertTrue(used <= lagrange, "Taylor with the geometric tail needs <= the Lagrange degree");
                assertEquals(cheb[e][b], ExpApproximations.minimalDegree(Method.CHEBYSHEV, betas[b], eps[e]).degree(),
                        "Chebyshev beta=" + betas[b] + " eps=" + eps[e]);
            }
        }
    }

    @Test
    @DisplayName("Taylor coefficients are 1/k! rounded to double; Chebyshev interpolates e^z at its nodes")
    @dev.ropecheck.specs.Spec("lemma-3.4")
    void coefficientsAreTheMethodsOwn() {
        ExpPolynomial t = ExpApproximations.ofDegree(Method.TAYLOR, 1.0, 10);
        double f = 1;
        for (int k = 0; k <= 10; k++) {
            f = k == 0 ? 1 : f * k;
            assertEquals(1.0 / f, t.coefficient(k), Math.ulp(1.0 / f) * 2, "a_" + k);
        }
        int g = 6;
        double beta = 2.0;
        ExpPolynomial c = ExpApproximations.ofDegree(Method.CHEBYSHEV, beta, g);
        for (int k = 0; k <= g; k++) {
            double z = beta * Math.cos(Math.PI * (2 * k + 1) / (2.0 * (g + 1)));
            double rel = Math.abs(c.evaluate(z) - Math.exp(z)) / Math.exp(z);
            // at a node the interpolant is exact: only coefficient rounding and Horner (<= eta, far below truncation)
            assertTrue(rel < 1e-13, "node " + k + " relative error " + rel);
        }
    }

    @Test
    @DisplayName("Bad arguments are rejected with the limit named")
    void badArgumentsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ExpApproximations.minimalDegree(Method.TAYLOR, -1, 1e-3));
        assertThrows(IllegalArgumentException.class, () -> ExpApproximations.minimalDegree(Method.TAYLOR, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> ExpApproximations.ofDegree(Method.TAYLOR, 1, -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExpApproximations.minimalDegree(Method.CHEBYSHEV, 8, 1e-15));
        assertTrue(e.getMessage().contains("not reachable"), e.getMessage());
    }

    /**
     * The Lemma 3.4 degree table for beta x eps beside AA22's {@code max(log(1/eps)/log(log(1/eps)/B), B)}
     * with {@code B = 2 beta} (AA22 works on {@code [0, B]}; {@code e^z = e^-beta e^{z+beta}}), written to
     * {@code target/lemma-3.4-degree-table.csv}; the observed constant is {@code g / AA22}.
     */
    @Test
    @DisplayName("Lemma 3.4 / AA22 degree table (printed, target/lemma-3.4-degree-table.csv)")
    @dev.ropecheck.specs.Spec("lemma-3.4")
    void lemma34DegreeTableAgainstAa22() throws IOException {
        Path out = Path.of("target", "lemma-3.4-degree-table.csv");
        Files.createDirectories(out.getParent());
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            w.println("beta,eps,taylor,chebyshev,aa22,taylor_over_aa22,chebyshev_over_aa22");
            for (double beta : BETAS) {
                for (double eps : EPSS) {
                    int gt = degreeOrMinus(Method.TAYLOR, beta, eps);
                    int gc = degreeOrMinus(Method.CHEBYSHEV, beta, eps);
                    double aa = aa22(2 * beta, eps);
                    String line = String.format("%s,%s,%d,%d,%.3f,%.3f,%.3f", beta, eps, gt, gc, aa, gt / aa, gc / aa);
                    w.println(line);
                    System.out.println("lemma-3.4 " + line);
                    if (gc > 0) {
                        assertTrue(gc <= gt, "Chebyshev never needs more than Taylor");
                    }
                }
            }
        }
    }

    static int degreeOrMinus(Method m, double beta, double eps) {
        try {
            return ExpApproximations.minimalDegree(m, beta, eps).degree();
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    /** AA22's degree expression; where {@code log(1/eps)/B <= e} the log-ratio is replaced by 1. */
    static double aa22(double b, double eps) {
        double l = Math.log(1 / eps);
        double ratio = l / b;
        return Math.max(ratio > Math.E ? l / Math.log(ratio) : l, b);
    }

    @Test
    @DisplayName("Lemma 3.4: Chebyshev interpolation at large beta and high degree (odd and even node counts) "
            + "is built, and an unreachable target is refused with a clear message")
    void chebyshevLargeBetaHighDegree() {
        for (int g : new int[] {60, 61, 149, 150}) {
            ExpPolynomial p = ExpApproximations.ofDegree(Method.CHEBYSHEV, 48.0, g);
            // the interpolant matches e^z at a node to well within the certified truncation bound
            double z = 48.0 * Math.cos(Math.PI / (2.0 * (g + 1)));
            double rel = Math.abs(p.evaluate(z) - Math.exp(z)) / Math.exp(z);
            assertTrue(rel < 1e-6, "g = " + g + ": relative error at a node " + rel);
        }
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> ExpApproximations.minimalDegree(Method.CHEBYSHEV, 48.0, 1e-6));
        assertTrue(ex.getMessage().contains("not reachable"), ex.getMessage());
    }
}
