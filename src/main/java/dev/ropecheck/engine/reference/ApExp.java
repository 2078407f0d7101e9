package dev.ropecheck.engine.reference;

import org.apfloat.Apfloat;

/**
 * {@code exp(x)} in apfloat, the one exponential of every arbitrary-precision reference (RoPE
 * attention's {@code u = exp(s)}, Def. 3.12, and tensor attention's {@code A = exp(S)}, MATH §8).
 *
 * <p>Algorithm: argument halving and Taylor series. {@code r = x / 2^k} with {@code |r| < 2^-10}
 * ({@code k = max(0, exponent(|x|) + 11)}, so {@code k <= 61} on the accepted range), {@code e^r = Σ_m r^m / m!}
 * summed at work precision {@code w} until a term is below {@code 10^-(w+2)} (the tail is then below
 * twice that: later terms shrink by at least {@code 2^-10} each), then squared {@code k} times.
 *
 * <p>Error contract (for exact {@code x}, {@code |x| <= 1e15}): the {@code m} Taylor steps and {@code k}
 * squarings each commit a relative error of order {@code 10^-w}, and each squaring doubles the error
 * carried in, so before the final rounding the relative error is at most about
 * {@code (m + k) 2^k 10^-w}. With {@code w = prec + ceil(k log10 2) + 12} and {@code m + k < 10^5} that is
 * below {@code 10^-(prec+7)}: the result, rounded to {@code prec} digits, is good to {@code prec} digits
 * relative, with seven guard digits before that rounding. About twenty times faster than
 * {@code ApfloatMath.exp} at 50–100 digits, which matters because the references need {@code n^2}
 * (RoPE) or {@code n^3} (tensor) exponentials. Checked against {@code ApfloatMath.exp} in
 * {@code ApExpTest} (both ranges) and {@code TensorEngineContractTest#referenceExpAgreesWithApfloat}.
 */
public final class ApExp {
    /** The largest accepted {@code |x|}. */
    public static final double MAX_ARGUMENT = 1e15;
    /** Digits carried beyond {@code prec + ceil(k log10 2)} (seven guard digits, five for the error sum). */
    private static final int EXTRA_DIGITS = 12;

    private ApExp() {
    }

    /**
     * {@code exp(x)} to {@code prec} decimal digits.
     *
     * @param x exact argument, {@code |x| <= } {@link #MAX_ARGUMENT}
     * @throws IllegalArgumentException when {@code |x|} exceeds {@link #MAX_ARGUMENT}
     */
    public static Apfloat exp(Apfloat x, long prec) {
        if (x.signum() == 0) {
            return new Apfloat(1, prec);
        }
        double ax = Math.abs(ApMatrix.toDouble(x));
        if (!(ax <= MAX_ARGUMENT)) {
            throw new IllegalArgumentException("exp argument |x| = " + ax + " exceeds 1e15");
        }
        int k = Math.max(0, Math.getExponent(ax) + 11);
        long w = prec + (long) Math.ceil(k * 0.30103) + EXTRA_DIGITS;
        Apfloat r = (x.precision() < w ? x.precision(w) : x).divide(new Apfloat(1L << Math.min(k, 62), w));
        if (k > 62) {
            r = r.divide(new Apfloat(1L << (k - 62), w));
        }
        Apfloat one = new Apfloat(1, w);
        Apfloat sum = one;
        Apfloat term = one;
        long threshold = -(w + 2);
        for (int m = 1; m < 10_000; m++) {
            term = term.multiply(r).divide(new Apfloat(m, w));
            sum = sum.add(term);
            if (term.signum() == 0 || term.scale() < threshold) {
                break;
            }
        }
        for (int i = 0; i < k; i++) {
            sum = sum.multiply(sum);
        }
        return sum.precision(prec);
    }
}
