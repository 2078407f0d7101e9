package dev.ropecheck.bounds;

import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;

/**
 * Rigorous upper bounds for {@code max |P(z) - e^z|} over {@code [-beta, beta]} (MATH §4, RoPE-grad
 * Lemma 3.4); derivations in {@code proofs-notes/exp-approximation.md}. Every method returns a double
 * that is never smaller than the real number it bounds (computed in apfloat, then rounded up).
 */
public final class ExpApproximationBound {
    /** Unit roundoff of IEEE double, {@code 2^-53} ({@link FloatFormat#u()} of {@link FloatFormat#FP64}). */
    public static final double U = FloatFormat.FP64.u();
    private static final long DIGITS = 40;

    private ExpApproximationBound() {
    }

    /**
     * Taylor truncation: for {@code |z| <= beta} and {@code T_g} the degree-{@code g} Taylor polynomial,
     * {@code |e^z - T_g(z)| <= min(beta^(g+1) e^beta / (g+1)!, beta^(g+1) / ((g+1)! (1 - beta/(g+2))))},
     * the second only when {@code g + 2 > beta} (geometric tail of the series; note #1 of the notes).
     */
    public static double taylorRemainder(double beta, int g) {
        Apfloat b = exact(beta);
        Apfloat base = ApfloatMath.pow(b, g + 1).divide(factorial(g + 1));
        Apfloat lagrange = base.multiply(expExact(beta));
        Apfloat best = lagrange;
        if (g + 2 > beta) {
            Apfloat ratio = b.divide(new Apfloat(g + 2, DIGITS));
            Apfloat geometric = base.divide(new Apfloat(1, DIGITS).subtract(ratio));
            if (geometric.compareTo(best) < 0) {
                best = geometric;
            }
        }
        return up(best);
    }

    /** Taylor remainder in Lagrange form alone: {@code beta^(g+1) e^beta / (g+1)!}. */
    public static double taylorLagrangeRemainder(double beta, int g) {
        Apfloat b = exact(beta);
        return up(ApfloatMath.pow(b, g + 1).divide(factorial(g + 1)).multiply(expExact(beta)));
    }

    /**
     * Chebyshev interpolation remainder on {@code [-beta, beta]} at the {@code g+1} Chebyshev nodes:
     * {@code |e^z - I_g(z)| <= beta^(g+1) e^beta / (2^g (g+1)!)} (note #2).
     */
    public static double chebyshevRemainder(double beta, int g) {
        Apfloat b = exact(beta);
        Apfloat v = ApfloatMath.pow(b, g + 1).multiply(expExact(beta))
                .divide(ApfloatMath.pow(new Apfloat(2, DIGITS), g)).divide(factorial(g + 1));
        return up(v);
    }

    /**
     * Horner evaluation in double of {@code Σ a_k z^k} at a double {@code |z| <= beta}: the computed
     * value differs from the exact one by at most {@code γ_{2g} Σ |a_k| beta^k} with
     * {@code γ_k = k u / (1 - k u)} (Higham, Accuracy and Stability, eq. 5.3; note #3).
     *
     * @param absSum {@code Σ |a_k| beta^k}, an upper bound
     */
    public static double hornerError(int g, double absSum) {
        return Math.nextUp(gamma(2 * g) * absSum * (1 + 4 * U));
    }

    /** {@code γ_k = k u / (1 - k u)} of fp64, rounded up ({@link FloatFormat#gammaUp}); {@code k u < 1/2}. */
    public static double gamma(long k) {
        return FloatFormat.FP64.gammaUp(k);
    }

    /** {@code delta = eta e^beta}: relative error, since {@code e^z >= e^-beta} on the interval. */
    public static double relative(double eta, double beta) {
        return up(exact(eta).multiply(expExact(beta)));
    }

    /** {@code e^x} rounded up. */
    public static double expUp(double x) {
        return up(expExact(x));
    }

    /**
     * {@code ApfloatMath.exp} of the exact double {@code x} at {@link #DIGITS} digits, kept per {@code x}:
     * the degree search asks for {@code e^beta} once per candidate degree and again for {@code delta}, and
     * the apfloat exponential dominated a small call. The same value every time (apfloat is deterministic).
     */
    static Apfloat expExact(double x) {
        return EXP.computeIfAbsent(Double.doubleToLongBits(x), k -> ApfloatMath.exp(exact(x)));
    }

    private static final java.util.Map<Long, Apfloat> EXP = new java.util.concurrent.ConcurrentHashMap<>();

    static Apfloat exact(double v) {
        return dev.ropecheck.model.ExactValues.apfloat(v, DIGITS);
    }

    static Apfloat factorial(int k) {
        Apfloat f = new Apfloat(1, DIGITS);
        for (int i = 2; i <= k; i++) {
            f = f.multiply(new Apfloat(i, DIGITS));
        }
        return f;
    }

    /**
     * A double {@code >= v} for an apfloat {@code v} carried to {@link #DIGITS} digits (its own relative
     * error is below {@code 1e-35}): inflate by {@code 1e-30}, convert, step up one ulp.
     */
    public static double up(Apfloat v) {
        if (v.signum() < 0) {
            throw new IllegalArgumentException("bounds are non-negative, got " + v);
        }
        double x = v.multiply(new Apfloat("1.000000000000000000000000000001", DIGITS)).doubleValue();
        return Math.nextUp(Math.nextUp(x));
    }

}
