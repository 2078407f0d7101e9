package dev.ropecheck.report;

import dev.ropecheck.approx.ExpApproximations;
import dev.ropecheck.approx.ExpPolynomial;
import dev.ropecheck.approx.Method;
import java.util.List;
import java.util.Locale;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;

/**
 * Lemma 3.4 (AA22; MATH §4), certified form: for each {@code beta} of the run's bounds, each target
 * {@code eps ∈ {1e-3, 1e-6, 1e-9}} and each method (Taylor, Chebyshev), the minimal-degree polynomial of
 * {@link ExpApproximations#minimalDegree} (scope {@code POLYNOMIAL}); the measured
 * {@code max |P(z) - e^z|} over an equispaced grid of {@code [-beta, beta]} (both ends included), with {@code P}
 * evaluated exactly from its double coefficients and {@code e^z} at {@link #DIGITS} digits, must not exceed the
 * certified {@code eta = etaPolynomial} — and {@code eta <= eps e^{-beta}} is what the search promised
 * (it is checked too: a violation reports an infinite ratio).
 *
 * <p>Bound: {@code eta} itself (a proved bound, {@code proofs-notes/exp-approximation.md}); the measurement's own
 * error is {@code <= 10^{-DIGITS+5}} relative, far below any {@code eta >= 1e-16} here. Tightness near 1 means the
 * certificate is sharp; the Chebyshev remainder is attained up to the interpolation's equioscillation, Taylor's at
 * {@code z = ±beta}.
 */
public final class ExpApproximationVerification implements Verification {
    /** Digits of the exact evaluation. */
    static final long DIGITS = 34;
    private static final double[] EPS = {1e-3, 1e-6, 1e-9};

    @Override
    public String id() {
        return "lemma-3.4";
    }

    @Override
    public String title() {
        return "polynomial approximation of exp (Lemma 3.4): measured max |P(z) - e^z| on [-beta, beta] vs certified eta";
    }

    @Override
    public VerificationResult run(VerificationCases cases, Progress progress) {
        int points = cases.extended() ? 2001 : 121;
        List<Double> betas = cases.bounds();
        WorstCase w = new WorstCase();
        int total = betas.size() * EPS.length * Method.values().length;
        int done = 0;
        for (double beta : betas) {
            Apfloat[][] grid = grid(beta, points);
            for (double eps : EPS) {
                for (Method m : Method.values()) {
                    progress.step("Lemma 3.4: beta " + beta + ", eps " + eps + ", " + m, done++, total);
                    ExpPolynomial p;
                    try {
                        p = ExpApproximations.minimalDegree(m, beta, eps * Math.exp(-beta),
                                ExpApproximations.Scope.POLYNOMIAL);
                    } catch (IllegalArgumentException unreachable) {
                        continue; // below the double rounding floor: no certified polynomial to measure
                    }
                    w.countCase();
                    double measured = measure(p, grid);
                    double eta = p.etaPolynomial();
                    String where = String.format(Locale.ROOT, "%s beta = %s eps = %.0e degree %d (eta %.3e)", m, beta, eps,
                            p.degree(), eta);
                    double m2 = eta <= eps * Math.exp(-beta) * (1 + 1e-12) ? measured : Double.POSITIVE_INFINITY;
                    w.add(m2, eta, where, TightnessPoint.Axis.BETA, beta, m.name().toLowerCase(Locale.ROOT));
                    w.alsoAt(m2, eta, where, TightnessPoint.Axis.EPS, eps, m.name().toLowerCase(Locale.ROOT));
                }
            }
        }
        progress.step("Lemma 3.4", total, total);
        return w.result(this, Plot.ERROR_VS_DEGREE, "max |P(z) - e^z| (measured)");
    }

    /** {@code points} equispaced doubles {@code z} in {@code [-beta, beta]} (both ends) and {@code e^z}: rows {z, e^z}. */
    static Apfloat[][] grid(double beta, int points) {
        Apfloat[][] g = new Apfloat[points][];
        for (int t = 0; t < points; t++) {
            double zd = t == points - 1 ? beta : -beta + 2 * beta * t / (points - 1);
            Apfloat z = new Apfloat(new java.math.BigDecimal(zd), DIGITS);
            g[t] = new Apfloat[] {z, ApfloatMath.exp(z)};
        }
        return g;
    }

    /** {@code max |P(z) - e^z|} over the grid, {@code P} evaluated exactly (to {@link #DIGITS}) from its double coefficients. */
    static double measure(ExpPolynomial p, Apfloat[][] grid) {
        double[] a = p.coefficients();
        Apfloat[] ap = new Apfloat[a.length];
        for (int k = 0; k < a.length; k++) {
            ap[k] = new Apfloat(new java.math.BigDecimal(a[k]), DIGITS);
        }
        double max = 0;
        for (Apfloat[] point : grid) {
            Apfloat v = Apfloat.ZERO;
            for (int k = a.length - 1; k >= 0; k--) {
                v = v.multiply(point[0]).add(ap[k]);
            }
            Apfloat diff = ApfloatMath.abs(v.subtract(point[1]));
            max = Math.max(max, dev.ropecheck.engine.reference.TensorReferenceEngine_AP.toDouble(diff));
        }
        return max;
    }
}
