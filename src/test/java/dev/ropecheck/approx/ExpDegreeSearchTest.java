package dev.ropecheck.approx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.approx.ExpApproximations.Scope;
import dev.ropecheck.model.ExactValues;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The degree search of {@link ExpApproximations} without its caches (Lemma 3.4): {@code searchMinimal}
 * returns the smallest degree whose certified error is {@code <= eps}, the certified errors of every
 * degree taken from the uncached {@link ExpApproximations#build}; the double screen
 * {@code logTruncationEstimate} is the logarithm of the stated remainder (apfloat, 40 digits); and
 * {@code ofDegree} / {@code minimalDegree} return, and keep returning, what {@code build} and the search give.
 * (The caches are JVM-wide: a test that only went through them would see polynomials built by earlier calls.)
 */
class ExpDegreeSearchTest {
    private static final long DIGITS = 40;
    private static final double[] BETAS = {0.25, 0.5, 1, 2, 4, 8};
    private static final double[] EPSS = {1e-3, 1e-6, 1e-9, 1e-12};
    /** Degrees built per (method, beta) at most: beyond the minimal degree of every case asked below. */
    private static final int G_MAX = 45;

    /** The certified error of degree {@code g} per scope, uncached. */
    private static double certified(ExpPolynomial p, Scope scope) {
        return scope == Scope.POLYNOMIAL ? p.etaPolynomial() : p.eta();
    }

    private static Apfloat ap(double v) {
        return ExactValues.apfloat(v, DIGITS);
    }

    /** The stated remainder's logarithm in apfloat: {@code L = (g+1) ln beta - ln (g+1)!} and the method's form. */
    private static Apfloat logRemainder(Method method, double beta, int g) {
        Apfloat fact = new Apfloat(1, DIGITS);
        for (int i = 2; i <= g + 1; i++) {
            fact = fact.multiply(new Apfloat(i, DIGITS));
        }
        Apfloat b = ap(beta);
        Apfloat logBase = new Apfloat(g + 1, DIGITS).multiply(ApfloatMath.log(b)).subtract(ApfloatMath.log(fact));
        if (method == Method.CHEBYSHEV) {
            // beta^(g+1) e^beta / (2^g (g+1)!)
            return logBase.add(b).subtract(new Apfloat(g, DIGITS).multiply(ApfloatMath.log(new Apfloat(2, DIGITS))));
        }
        Apfloat lagrange = logBase.add(b);
        if (!(g + 2 > beta)) {
            return lagrange; // the geometric tail diverges: Lagrange form alone
        }
        Apfloat one = new Apfloat(1, DIGITS);
        Apfloat geometric = logBase.subtract(ApfloatMath.log(one.subtract(b.divide(new Apfloat(g + 2, DIGITS)))));
        return geometric.compareTo(lagrange) < 0 ? geometric : lagrange;
    }

    @dev.ropecheck.specs.Spec("lemma-3.4")
    @Test
    @DisplayName("Lemma 3.4: the double screen is ln of the stated remainder (apfloat) and of the certified bound")
    void logTruncationEstimateIsTheLogOfTheStatedRemainder() {
        // beta = g + 2 (4 at g = 2, 8 at g = 6) is where the Taylor geometric form stops applying
        double[] betas = {0.25, 0.5, 2, 3.75, 4, 8, 48, 200};
        // apfloat at these degrees (its logarithm costs about a millisecond); the certified bound at every degree
        int[] exactAt = {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 13, 20, 30, 45, 46, 47, 60, 100, 149, 150};
        for (Method m : Method.values()) {
            for (double beta : betas) {
                for (int g : exactAt) {
                    double exact = logRemainder(m, beta, g).doubleValue();
                    // double logs and logGamma of arguments <= 152: a few ulps of terms below 1100 in magnitude
                    assertEquals(exact, ExpApproximations.logTruncationEstimate(m, beta, g), 1e-12 * (1 + Math.abs(exact)),
                            m + " beta " + beta + " g " + g);
                }
                for (int g = 0; g <= ExpApproximations.MAX_DEGREE; g++) {
                    double certified = ExpApproximations.truncation(m, beta, g);
                    if (certified > 1e-300 && certified < 1e300) {
                        // the certified bound is the same real number, rounded up by a few ulps
                        double log = Math.log(certified);
                        assertEquals(log, ExpApproximations.logTruncationEstimate(m, beta, g), 1e-12 * (1 + Math.abs(log)),
                                m + " beta " + beta + " g " + g + " vs ln(truncation)");
                    }
                }
            }
        }
    }

    /** Certified errors per scope of degrees {@code 0, 1, ...} for one (method, beta), from {@code build}, built as asked. */
    private static final class Errors {
        private final Method m;
        private final double beta;
        private final List<double[]> byDegree = new ArrayList<>();

        Errors(Method m, double beta) {
            this.m = m;
            this.beta = beta;
        }

        double at(int g, Scope s) {
            while (byDegree.size() <= g) {
                ExpPolynomial p = ExpApproximations.build(m, beta, byDegree.size());
                double[] e = new double[Scope.values().length];
                for (Scope s2 : Scope.values()) {
                    e[s2.ordinal()] = certified(p, s2);
                }
                byDegree.add(e);
            }
            return byDegree.get(g)[s.ordinal()];
        }
    }

    @dev.ropecheck.specs.Spec("lemma-3.4")
    @Test
    @DisplayName("Lemma 3.4: searchMinimal (uncached) returns the smallest degree whose certified error (build) is <= eps, "
            + "also at eps equal to a degree's truncation bound and between its two errors")
    void searchMinimalReturnsTheSmallestCertifiedDegree() {
        int cases = 0;
        int scopesDiffer = 0;
        int pastTruncation = 0;
        for (Method m : Method.values()) {
            for (double beta : BETAS) {
                Errors err = new Errors(m, beta);
                List<Double> targets = new ArrayList<>();
                for (double eps : EPSS) {
                    // 1e-12 at beta 8 is below the rounding floor (the spec's table; refused, badArgumentsRejected)
                    if (!(beta == 8 && eps == 1e-12)) {
                        targets.add(eps);
                    }
                }
                // boundary targets from the bounds themselves, at degrees 2, 6, 10, 14:
                // eps = the truncation bound alone (the degree's rounding then pushes it past eps) and eps
                // between etaPolynomial and eta (the two scopes disagree on that degree)
                for (int g = 2; g <= 14; g += 4) {
                    double trunc = ExpApproximations.truncation(m, beta, g);
                    double poly = err.at(g, Scope.POLYNOMIAL);
                    double eval = err.at(g, Scope.EVALUATION);
                    for (double eps : new double[] {trunc, poly + (eval - poly) / 2}) {
                        if (eps > 1e-13 && eps < 1e-2) {
                            targets.add(eps);
                        }
                    }
                }
                for (double eps : targets) {
                    int[] found = new int[2];
                    for (Scope s : Scope.values()) {
                        String what = m + " beta " + beta + " eps " + eps + " " + s;
                        int want = 0;
                        while (err.at(want, s) > eps) {
                            want++;
                            assertTrue(want <= G_MAX, what + ": no degree up to " + G_MAX + " reaches eps");
                        }
                        ExpPolynomial p = ExpApproximations.searchMinimal(m, beta, eps, s);
                        assertNotNull(p, what);
                        assertEquals(m, p.method(), what);
                        assertEquals(beta, p.beta(), 0.0, what);
                        assertTrue(certified(p, s) <= eps, what + ": certified error " + certified(p, s) + " > eps");
                        // every lower degree misses eps (the loop above), degree want meets it
                        assertEquals(want, p.degree(), what + ": degree " + p.degree() + " instead of " + want);
                        assertEquals(err.at(want, s), certified(p, s), 0.0, what + ": the search's polynomial is build's");
                        if (want > 0 && ExpApproximations.truncation(m, beta, want - 1) <= eps) {
                            pastTruncation++;
                        }
                        found[s.ordinal()] = want;
                        cases++;
                    }
                    if (found[0] != found[1]) {
                        scopesDiffer++;
                    }
                }
            }
        }
        // the boundary targets did reach the cases they are for
        assertTrue(scopesDiffer >= 4, "cases where the scopes give different degrees: " + scopesDiffer);
        assertTrue(pastTruncation >= 4, "cases whose degree below meets eps by its truncation alone: " + pastTruncation);
        assertTrue(cases >= 100, "cases " + cases);
    }

    private static void sameBounds(ExpPolynomial want, ExpPolynomial got, String what) {
        assertEquals(want.method(), got.method(), what);
        assertEquals(want.beta(), got.beta(), 0.0, what);
        assertArrayEquals(want.coefficients(), got.coefficients(), 0.0, what + ": coefficients");
        assertEquals(want.truncationBound(), got.truncationBound(), 0.0, what + ": truncation");
        assertEquals(want.etaPolynomial(), got.etaPolynomial(), 0.0, what + ": etaPolynomial");
        assertEquals(want.eta(), got.eta(), 0.0, what + ": eta");
        assertEquals(want.absSum(), got.absSum(), 0.0, what + ": absSum");
        assertEquals(want.delta(), got.delta(), 0.0, what + ": delta");
    }

    /** Gives each run of the cache test betas no earlier call in this JVM has asked for (a cache miss first). */
    private static final AtomicInteger FRESH = new AtomicInteger();

    @dev.ropecheck.specs.Spec("lemma-3.4")
    @Test
    @DisplayName("Lemma 3.4: ofDegree and minimalDegree return build's and the search's polynomial, on a miss "
            + "and as the same object afterwards")
    void cachesReturnWhatBuildAndTheSearchGive() {
        for (Method m : Method.values()) {
            for (double base : new double[] {0.75, 3}) {
                // a beta not asked before in this JVM: the first call below is a cache miss
                double beta = base + FRESH.incrementAndGet() * 0x1p-30;
                for (int g : new int[] {0, 5, 12}) {
                    String what = m + " beta " + beta + " g " + g;
                    ExpPolynomial first = ExpApproximations.ofDegree(m, beta, g);
                    assertNotNull(first, what);
                    assertEquals(g, first.degree(), what);
                    sameBounds(ExpApproximations.build(m, beta, g), first, what);
                    assertSame(first, ExpApproximations.ofDegree(m, beta, g), what + ": second call");
                }
                for (Scope s : Scope.values()) {
                    for (double eps : new double[] {1e-4, 1e-10}) {
                        String what = m + " beta " + beta + " eps " + eps + " " + s;
                        ExpPolynomial first = ExpApproximations.minimalDegree(m, beta, eps, s);
                        assertNotNull(first, what);
                        sameBounds(ExpApproximations.searchMinimal(m, beta, eps, s), first, what);
                        assertTrue(certified(first, s) <= eps, what);
                        assertSame(first, ExpApproximations.minimalDegree(m, beta, eps, s), what + ": second call");
                        if (s == Scope.EVALUATION) {
                            assertSame(first, ExpApproximations.minimalDegree(m, beta, eps), what + ": default scope");
                        }
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("ofDegree and minimalDegree refuse beta outside (0, MAX_BETA] and eps outside (0, 1), naming the limit")
    void argumentsOutsideTheirRangesAreRefusedWithTheRange() {
        for (double beta : new double[] {0, -1, Double.NaN, 200.5, Double.POSITIVE_INFINITY}) {
            for (Method m : Method.values()) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> ExpApproximations.ofDegree(m, beta, 3), "ofDegree beta " + beta);
                assertTrue(e.getMessage().contains("must lie in (0, 200"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class,
                        () -> ExpApproximations.minimalDegree(m, beta, 1e-3), "minimalDegree beta " + beta);
                assertTrue(e.getMessage().contains("beta = " + beta + " must lie in (0, 200"), e.getMessage());
            }
        }
        // eps = 1 and above would be met by degree 0 at beta 0.25 (Taylor truncation 0.29): still refused
        for (double eps : new double[] {0, -1e-3, 1, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ExpApproximations.minimalDegree(Method.TAYLOR, 0.25, eps), "eps " + eps);
            assertTrue(e.getMessage().contains("eps = " + eps + " must lie in (0, 1)"), e.getMessage());
        }
        assertTrue(ExpApproximations.truncation(Method.TAYLOR, 0.25, 0) < 1, "degree 0 meets eps = 1 at beta 0.25");
    }
}
