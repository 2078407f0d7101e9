package dev.ropecheck.approx;

import dev.ropecheck.bounds.ExpApproximationBound;

/**
 * A polynomial {@code P(z) = Σ_{k<=g} a_k z^k} with double coefficients approximating {@code e^z} on
 * {@code [-beta, beta]}, with certified error bounds (MATH §4, RoPE-grad Lemma 3.4). Immutable.
 *
 * <ul>
 *   <li>{@link #etaPolynomial()} {@code >= max |P(z) - e^z|} for the double coefficients evaluated
 *       exactly (truncation + coefficient rounding) — what the fast engines' expansion needs;</li>
 *   <li>{@link #eta()} {@code >= max |evaluate(z) - e^z|} over double {@code |z| <= beta}: adds the
 *       Horner rounding of {@link #evaluate};</li>
 *   <li>{@link #delta()} {@code = eta e^beta}, so {@code |evaluate(z) - e^z| <= delta e^z};
 *       {@link #deltaPolynomial()} likewise from {@code etaPolynomial}.</li>
 * </ul>
 * Derivations: {@code proofs-notes/exp-approximation.md}.
 */
public final class ExpPolynomial {
    private final Method method;
    private final double beta;
    private final double[] coefficients;
    private final double truncation;
    private final double etaPolynomial;
    private final double eta;
    private final double absSum;
    private final double delta;
    private final double deltaPolynomial;

    ExpPolynomial(Method method, double beta, double[] coefficients, double truncation, double coefficientError,
            double absSum) {
        this.method = method;
        this.beta = beta;
        this.coefficients = coefficients.clone();
        this.truncation = truncation;
        this.absSum = absSum;
        this.etaPolynomial = Math.nextUp(truncation + coefficientError);
        int g = coefficients.length - 1;
        this.eta = Math.nextUp(etaPolynomial + ExpApproximationBound.hornerError(g, absSum));
        this.delta = ExpApproximationBound.relative(eta, beta);
        this.deltaPolynomial = ExpApproximationBound.relative(etaPolynomial, beta);
    }

    public Method method() {
        return method;
    }

    public double beta() {
        return beta;
    }

    public int degree() {
        return coefficients.length - 1;
    }

    /** {@code a_0..a_g} (a copy). */
    public double[] coefficients() {
        return coefficients.clone();
    }

    /** {@code a_k}. */
    public double coefficient(int k) {
        return coefficients[k];
    }

    /** The truncation (method) remainder alone, exact coefficients, exact arithmetic. */
    public double truncationBound() {
        return truncation;
    }

    /** Bound on {@code max |P(z) - e^z|} for the double coefficients in exact arithmetic. */
    public double etaPolynomial() {
        return etaPolynomial;
    }

    /** Bound on {@code max |evaluate(z) - e^z|} over doubles {@code |z| <= beta}. */
    public double eta() {
        return eta;
    }

    /** {@code eta e^beta} (rounded up). */
    public double delta() {
        return delta;
    }

    /** {@code etaPolynomial e^beta} (rounded up): {@code |P(z) - e^z| <= deltaPolynomial e^z}. */
    public double deltaPolynomial() {
        return deltaPolynomial;
    }

    /** An upper bound on {@code Σ |a_k| beta^k} (the rounding scale of any evaluation of P). */
    public double absSum() {
        return absSum;
    }

    /**
     * An upper bound on {@code Σ |a_k| x^k} for {@code x >= 0}, for a rounding scale at a magnitude other than
     * {@code beta} (the fast-fft engine's expansion, {@code proofs-notes/fast-forward-error.md} §2): {@link #absValue}
     * enlarged by its relative error {@code γ_{2g+1}} ({@code fl(1 + 4γ) >= 1 + 2γ >= 1/(1 - γ)}), rounded up.
     */
    public double absSumAt(double x) {
        return Math.nextUp(absValue(x) * (1 + 4 * ExpApproximationBound.gamma(2 * degree() + 1)));
    }

    /** {@code Σ |a_k| x^k} for {@code x >= 0}, computed in double (relative error {@code <= γ_{2g+1}}). */
    public double absValue(double x) {
        double r = 0;
        for (int k = coefficients.length - 1; k >= 0; k--) {
            r = r * x + Math.abs(coefficients[k]);
        }
        return r;
    }

    /** {@code P(z)} by Horner in double; {@code |evaluate(z) - e^z| <= eta} for {@code |z| <= beta}. */
    public double evaluate(double z) {
        double r = 0;
        for (int k = coefficients.length - 1; k >= 0; k--) {
            r = r * z + coefficients[k];
        }
        return r;
    }

    @Override
    public String toString() {
        return "ExpPolynomial{" + method + ", beta=" + beta + ", g=" + degree() + ", eta=" + eta + ", delta="
                + delta() + "}";
    }
}
