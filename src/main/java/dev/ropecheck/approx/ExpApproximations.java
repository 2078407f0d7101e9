package dev.ropecheck.approx;

import dev.ropecheck.bounds.ExpApproximationBound;
import java.math.BigDecimal;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;

/**
 * Builds certified polynomial approximations of {@code e^z} on {@code [-beta, beta]} (MATH §4,
 * RoPE-grad Lemma 3.4, AA22): Taylor or Chebyshev interpolation, coefficients computed in apfloat
 * and rounded to double, with the bounds of {@link ExpApproximationBound}.
 */
public final class ExpApproximations {
    /** Largest degree considered. */
    public static final int MAX_DEGREE = 150;
    /** Largest beta accepted (beyond it {@code e^beta} overflows the bounds' usefulness). */
    public static final double MAX_BETA = 200;

    /** Which error {@link #minimalDegree(Method, double, double, Scope)} compares with the target. */
    public enum Scope {
        /** {@link ExpPolynomial#etaPolynomial()}: the polynomial with double coefficients, exact arithmetic. */
        POLYNOMIAL,
        /** {@link ExpPolynomial#eta()}: also the Horner evaluation in double. */
        EVALUATION
    }

    private ExpApproximations() {
    }

    /** Smallest {@code g} whose {@link ExpPolynomial#eta()} is {@code <= eps}. */
    public static ExpPolynomial minimalDegree(Method method, double beta, double eps) {
        return minimalDegree(method, beta, eps, Scope.EVALUATION);
    }

    /**
     * Smallest degree {@code g <= MAX_DEGREE} whose bound (per {@code scope}) is {@code <= eps}.
     *
     * @throws IllegalArgumentException when {@code beta} is not in {@code (0, MAX_BETA]}, {@code eps}
     *     not in {@code (0, 1)}, or no degree reaches {@code eps} (the message gives the smallest bound
     *     reached: the double-rounding floor {@code ~ u g e^beta})
     */
    public static ExpPolynomial minimalDegree(Method method, double beta, double eps, Scope scope) {
        checkBeta(beta);
        if (!(eps > 0 && eps < 1)) {
            throw new IllegalArgumentException("eps = " + eps + " must lie in (0, 1)");
        }
        String key = method + ":" + Double.doubleToLongBits(beta) + ":" + Double.doubleToLongBits(eps) + ":" + scope;
        ExpPolynomial hit = MINIMAL.get(key);
        if (hit != null) {
            return hit;
        }
        ExpPolynomial p = searchMinimal(method, beta, eps, scope);
        MINIMAL.put(key, p);
        return p;
    }

    private static final java.util.Map<String, ExpPolynomial> MINIMAL = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * {@code log} of the truncation bound in double, for screening only (certified value: {@link #truncation}):
     * with {@code L = (g+1) ln beta - ln (g+1)!}, Chebyshev {@code L + beta - g ln 2}; Taylor
     * {@code L + beta}, or {@code min(L + beta, L - ln(1 - beta/(g+2)))} when {@code g + 2 > beta}.
     * Package-private for the tests.
     */
    static double logTruncationEstimate(Method method, double beta, int g) {
        double logBase = (g + 1) * Math.log(beta) - org.apache.commons.math3.special.Gamma.logGamma(g + 2.0);
        if (method == Method.CHEBYSHEV) {
            return logBase + beta - g * Math.log(2);
        }
        double lagrange = logBase + beta;
        return g + 2 > beta ? Math.min(lagrange, logBase - Math.log1p(-beta / (g + 2))) : lagrange;
    }

    /** The search behind {@link #minimalDegree(Method, double, double, Scope)}, uncached (package-private for the tests). */
    static ExpPolynomial searchMinimal(Method method, double beta, double eps, Scope scope) {
        double best = Double.POSITIVE_INFINITY;
        for (int g = 0; g <= MAX_DEGREE; g++) {
            // cheap screen in double (1% margin) before the certified apfloat bound
            if (logTruncationEstimate(method, beta, g) > Math.log(eps) + 0.01) {
                continue;
            }
            double trunc = truncation(method, beta, g);
            if (trunc > eps) {
                continue;
            }
            ExpPolynomial p = ofDegree(method, beta, g);
            double e = scope == Scope.POLYNOMIAL ? p.etaPolynomial() : p.eta();
            if (e <= eps) {
                return p;
            }
            best = Math.min(best, e);
            if (trunc <= 1e-3 * eps) {
                break; // the rounding floor, not the truncation, misses eps: more degree cannot help
            }
        }
        throw new IllegalArgumentException("eps = " + eps + " is not reachable for beta = " + beta + " with "
                + method + " in double (degree <= " + MAX_DEGREE + "; smallest certified error " + best
                + ", the rounding floor ~ g u e^beta)");
    }

    /** The method's truncation remainder for degree {@code g} (no rounding). */
    public static double truncation(Method method, double beta, int g) {
        return method == Method.TAYLOR ? ExpApproximationBound.taylorRemainder(beta, g)
                : ExpApproximationBound.chebyshevRemainder(beta, g);
    }

    /** The degree-{@code g} approximation on {@code [-beta, beta]} with its certified bounds. */
    public static ExpPolynomial ofDegree(Method method, double beta, int g) {
        checkBeta(beta);
        if (g < 0 || g > MAX_DEGREE) {
            throw new IllegalArgumentException("degree g = " + g + " must lie in [0, " + MAX_DEGREE + "]");
        }
        String key = method + ":" + Double.doubleToLongBits(beta) + ":" + g;
        return CACHE.computeIfAbsent(key, k -> build(method, beta, g));
    }

    private static final java.util.Map<String, ExpPolynomial> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    /** Builds the degree-{@code g} polynomial afresh (uncached; {@link #ofDegree} caches what this returns). */
    static ExpPolynomial build(Method method, double beta, int g) {
        if (g < 0 || g > MAX_DEGREE) {
            throw new IllegalArgumentException("degree g = " + g + " must lie in [0, " + MAX_DEGREE + "]");
        }
        long digits = 40 + g;
        Apfloat[] exactCoef = method == Method.TAYLOR ? taylor(g, digits) : chebyshev(beta, g, digits);
        Apfloat b = new Apfloat(new BigDecimal(beta), digits);
        double[] a = new double[g + 1];
        Apfloat coefErr = new Apfloat(0, digits);
        Apfloat absSum = new Apfloat(0, digits);
        Apfloat pow = new Apfloat(1, digits);
        for (int k = 0; k <= g; k++) {
            a[k] = exactCoef[k].doubleValue();
            Apfloat ak = new Apfloat(new BigDecimal(a[k]), digits);
            coefErr = coefErr.add(ApfloatMath.abs(ak.subtract(exactCoef[k])).multiply(pow));
            absSum = absSum.add(ApfloatMath.abs(ak).multiply(pow));
            pow = pow.multiply(b);
        }
        // apfloat's own error in the exact coefficients: below 10^-(digits-25) relative to the
        // scale Σ|a_k| beta^k (digits = 40 + g covers the cancellation of the Chebyshev-to-monomial
        // change of basis, whose coefficients grow at most like 3^g < 10^(g/2)); note #4.
        Apfloat apSlack = absSum.multiply(ApfloatMath.pow(new Apfloat(10, digits), -(digits - 25)));
        double trunc = truncation(method, beta, g);
        return new ExpPolynomial(method, beta, a, trunc, ExpApproximationBound.up(coefErr.add(apSlack)),
                ExpApproximationBound.up(absSum));
    }

    private static void checkBeta(double beta) {
        if (!(beta > 0 && beta <= MAX_BETA)) {
            throw new IllegalArgumentException("beta = " + beta + " must lie in (0, " + MAX_BETA + "]");
        }
    }

    private static Apfloat[] taylor(int g, long digits) {
        Apfloat[] c = new Apfloat[g + 1];
        Apfloat f = new Apfloat(1, digits);
        for (int k = 0; k <= g; k++) {
            if (k > 0) {
                f = f.multiply(new Apfloat(k, digits));
            }
            c[k] = new Apfloat(1, digits).divide(f);
        }
        return c;
    }

    /**
     * Monomial coefficients (in {@code z}) of the interpolant of {@code e^z} at the Chebyshev nodes
     * {@code z_k = beta cos(pi (2k+1) / (2g+2))}: {@code I(z) = Σ_j c_j T_j(z/beta)} with
     * {@code c_j = (2/(g+1)) Σ_k e^{z_k} T_j(t_k)} ({@code c_0} halved), then expanded by the
     * recurrence {@code T_{j+1} = 2t T_j - T_{j-1}} and scaled by {@code beta^-k}.
     */
    private static Apfloat[] chebyshev(double beta, int g, long digits) {
        Apfloat b = new Apfloat(new BigDecimal(beta), digits);
        int nodes = g + 1;
        Apfloat[] cosMul = cosMultiples(nodes, digits);
        Apfloat[] fval = new Apfloat[nodes];
        for (int k = 0; k < nodes; k++) {
            // the references' exponential (halving and Taylor, the same digits as ApfloatMath.exp's contract,
            // about twenty times faster at these precisions: the node values dominated a small call)
            fval[k] = dev.ropecheck.engine.reference.ApExp.exp(b.multiply(cosMul[2 * k + 1]), digits);
        }
        Apfloat[] inT = monomialsInT(chebyshevWeights(fval, cosMul, digits), digits);
        Apfloat[] c = new Apfloat[nodes];
        Apfloat scale = new Apfloat(1, digits);
        for (int k = 0; k < nodes; k++) {
            c[k] = inT[k].divide(scale);
            scale = scale.multiply(b);
        }
        return c;
    }

    /**
     * {@code cos(j x)} for {@code j = 0..2 nodes}, {@code x = pi/(2 nodes)}, by the recurrence
     * {@code c_{j+1} = 2 c_1 c_j - c_{j-1}} (one apfloat cos; the recurrence loses at most
     * {@code log10(4 nodes^2)} digits, covered by the guard digits).
     */
    private static Apfloat[] cosMultiples(int nodes, long digits) {
        Apfloat x = ApfloatMath.pi(digits).divide(new Apfloat(2L * nodes, digits));
        Apfloat[] cosMul = new Apfloat[2 * nodes + 1];
        cosMul[0] = new Apfloat(1, digits);
        cosMul[1] = ApfloatMath.cos(x);
        Apfloat two = new Apfloat(2, digits);
        for (int j = 2; j <= 2 * nodes; j++) {
            // apfloat tracks *relative* precision and marks a near-zero difference as having lost its
            // digits; the recurrence's *absolute* error is what matters here (bounded as noted above), so
            // the working precision is restored after each step.
            cosMul[j] = two.multiply(cosMul[1]).multiply(cosMul[j - 1]).subtract(cosMul[j - 2]).precision(digits);
        }
        // cos(pi/2) = 0 exactly (a node when g + 1 is odd).
        cosMul[nodes] = new Apfloat(0, digits);
        return cosMul;
    }

    /** The Chebyshev weights {@code c_j = (2/nodes) sum_k f(t_k) T_j(t_k)} ({@code c_0} halved) from the node values. */
    private static Apfloat[] chebyshevWeights(Apfloat[] fval, Apfloat[] cosMul, long digits) {
        int nodes = fval.length;
        Apfloat two = new Apfloat(2, digits);
        Apfloat[] cheb = new Apfloat[nodes];
        for (int j = 0; j < nodes; j++) {
            Apfloat s = new Apfloat(0, digits);
            for (int k = 0; k < nodes; k++) {
                // cos(j (2k+1) x), reduced mod 4 nodes (period 2 pi) and by symmetry to [0, 2 nodes]
                int idx = (int) (((long) j * (2 * k + 1)) % (4L * nodes));
                if (idx > 2 * nodes) {
                    idx = 4 * nodes - idx;
                }
                s = s.add(fval[k].multiply(cosMul[idx]));
            }
            s = s.multiply(two).divide(new Apfloat(nodes, digits));
            cheb[j] = j == 0 ? s.divide(two) : s;
        }
        return cheb;
    }

    /** The monomial coefficients in {@code t} of {@code sum_j cheb[j] T_j(t)}, the {@code T_j} by their recurrence. */
    private static Apfloat[] monomialsInT(Apfloat[] cheb, long digits) {
        int nodes = cheb.length;
        Apfloat zero = new Apfloat(0, digits);
        Apfloat[] inT = new Apfloat[nodes];
        java.util.Arrays.fill(inT, zero);
        Apfloat[] tPrev = new Apfloat[nodes];
        Apfloat[] tCur = new Apfloat[nodes];
        java.util.Arrays.fill(tPrev, zero);
        java.util.Arrays.fill(tCur, zero);
        tPrev[0] = new Apfloat(1, digits); // T_0
        if (nodes > 1) {
            tCur[1] = new Apfloat(1, digits); // T_1
        }
        for (int j = 0; j < nodes; j++) {
            Apfloat[] tj = j == 0 ? tPrev : tCur;
            for (int k = 0; k <= j; k++) {
                inT[k] = inT[k].add(cheb[j].multiply(tj[k]));
            }
            if (j >= 1 && j + 1 < nodes) {
                Apfloat[] next = new Apfloat[nodes];
                for (int k = 0; k < nodes; k++) {
                    Apfloat v = k > 0 ? tCur[k - 1].multiply(new Apfloat(2, digits)) : zero;
                    next[k] = v.subtract(tPrev[k]);
                }
                tPrev = tCur;
                tCur = next;
            }
        }
        return inT;
    }
}
