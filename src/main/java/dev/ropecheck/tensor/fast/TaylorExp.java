package dev.ropecheck.tensor.fast;

import dev.ropecheck.model.Check;

/**
 * A certified Taylor truncation {@code P(z) = Σ_{t<=g} z^t / t!} of {@code e^z} on {@code [-beta, beta]}
 * (MATH §4).
 *
 * <p>Derivation of the bound. By Lagrange's form of the remainder, for {@code |z| <= beta} there is a
 * {@code ξ} between 0 and {@code z} with {@code e^z - P(z) = e^ξ z^{g+1} / (g+1)!}, so
 * {@code |P(z) - e^z| <= eta := beta^{g+1} e^beta / (g+1)!}. Because {@code e^z >= e^{-beta}} on the interval,
 * {@code |P(z) - e^z| <= eta e^beta e^z}, i.e. the relative bound is {@code delta := eta e^beta}. (When
 * {@code g + 2 > beta} the tail {@code Σ_{t>g} |z|^t/t!} is also at most
 * {@code beta^{g+1} / ((g+1)! (1 - beta/(g+2)))}, a geometric majorant; {@code eta} is the smaller of the two.)
 * {@link #forRelativeError} picks the smallest {@code g} with {@code delta <= eps}.
 */
public final class TaylorExp {
    /** Largest degree {@link #forRelativeError} will use. */
    public static final int MAX_DEGREE = 150;

    private final double beta;
    private final int degree;
    private final double[] coefficients;
    private final double eta;

    private TaylorExp(double beta, int degree) {
        this.beta = beta;
        this.degree = degree;
        this.coefficients = new double[degree + 1];
        double c = 1;
        for (int t = 0; t <= degree; t++) {
            if (t > 0) {
                c /= t;
            }
            coefficients[t] = c;
        }
        this.eta = remainder(beta, degree);
    }

    /** {@code min(beta^{g+1} e^beta/(g+1)!, beta^{g+1}/((g+1)!(1-beta/(g+2))) when g+2 > beta)}. */
    static double remainder(double beta, int g) {
        double pow = 1; // beta^{g+1}/(g+1)!
        for (int t = 1; t <= g + 1; t++) {
            pow *= beta / t;
        }
        double lagrange = pow * Math.exp(beta);
        double bound = g + 2 > beta ? Math.min(lagrange, pow / (1 - beta / (g + 2))) : lagrange;
        // the loop and the last operations round at most 2g+8 times, each by a factor within 1 ± 2^-53
        return bound * (1 + (2 * g + 8) * 0x1p-52);
    }

    /** The Taylor polynomial of degree {@code g} on {@code [-beta, beta]}. */
    public static TaylorExp ofDegree(double beta, int g) {
        Check.range("degree g", g, 0, MAX_DEGREE);
        if (!(beta >= 0) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("beta = " + beta + " must be finite and >= 0");
        }
        return new TaylorExp(beta, g);
    }

    /**
     * The smallest degree whose relative bound {@code delta = eta e^beta} is at most {@code eps}.
     *
     * @throws IllegalArgumentException when {@code eps} is not in (0, 1) or no degree up to {@link #MAX_DEGREE} suffices
     */
    public static TaylorExp forRelativeError(double beta, double eps) {
        if (!(eps > 0 && eps < 1)) {
            throw new IllegalArgumentException("eps = " + eps + " must lie in (0, 1)");
        }
        if (!(beta >= 0) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("beta = " + beta + " must be finite and >= 0");
        }
        for (int g = 0; g <= MAX_DEGREE; g++) {
            if (remainder(beta, g) * Math.exp(beta) <= eps) {
                return new TaylorExp(beta, g);
            }
        }
        throw new IllegalArgumentException("no Taylor degree <= " + MAX_DEGREE + " reaches relative error eps = " + eps
                + " on [-beta, beta], beta = " + beta + " (entries too large for the polynomial method)");
    }

    public double beta() {
        return beta;
    }

    public int degree() {
        return degree;
    }

    /** {@code a_0..a_g} (a copy). */
    public double[] coefficients() {
        return coefficients.clone();
    }

    /** Certified {@code max |P(z) - e^z|} on {@code [-beta, beta]}. */
    public double eta() {
        return eta;
    }

    /** {@code Σ_t |a_t| beta^t = P(beta)} (Taylor coefficients are positive), at most {@code e^beta}. */
    public double absSum() {
        double s = 0;
        for (int t = degree; t >= 0; t--) {
            s = s * beta + coefficients[t];
        }
        return s * (1 + (2 * degree + 2) * 0x1p-52);
    }

    /** Certified relative bound: {@code |P(z) - e^z| <= delta e^z} on {@code [-beta, beta]}. */
    public double delta() {
        return eta * Math.exp(beta);
    }
}
