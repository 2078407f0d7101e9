package dev.ropecheck.candidates;

import dev.ropecheck.bounds.FloatFormat;

/**
 * The arithmetic of one candidate run: {@link #op} rounds the result of every operation to the
 * accumulator format, {@link #st} rounds a stored value to the storage format.
 *
 * <p>Accumulator: binary64 for {@link FloatFormat#FP64}, binary32 for the others. Binary32 arithmetic
 * is carried out as {@code (float)} of the binary64 result of an operation on binary32 operands; for
 * {@code + - * /} this equals the IEEE binary32 operation bit for bit, since 53 >= 2·24 + 2 makes the
 * double rounding innocuous (Figueroa, "When is double rounding innocuous?", SIGNUM Newsletter 30(3),
 * 1995). {@code exp}, {@code log}, {@code cos}, {@code sin} in binary32 are {@code Math.exp} etc. of the
 * binary32 argument rounded to binary32 (at most {@code u_32 + 2^-52} relative from the exact value,
 * like a good {@code expf}). No fused multiply-add is used.
 *
 * <p>Not thread safe (one scratch row for pairwise dot products).
 */
final class Arith {
    private final FloatFormat storage;
    private final boolean single;
    private final double[] scratch;

    /**
     * @param storage FP64, FP32, BF16 or FP16
     * @param maxDot the longest dot product {@link #dot} will be asked for
     */
    Arith(FloatFormat storage, int maxDot) {
        if (storage != FloatFormat.FP64 && storage != FloatFormat.FP32 && storage != FloatFormat.BF16
                && storage != FloatFormat.FP16) {
            throw new IllegalArgumentException("candidate precision must be fp64, fp32, bf16 or fp16, got " + storage);
        }
        this.storage = storage;
        this.single = storage != FloatFormat.FP64;
        this.scratch = new double[Math.max(1, maxDot)];
    }

    FloatFormat storage() {
        return storage;
    }

    /** {@code x} rounded to the accumulator format (the result of one operation). */
    double op(double x) {
        return single ? (float) x : x;
    }

    /** {@code x} rounded to the storage format (correctly, {@link FloatFormat#round}). */
    double st(double x) {
        return single ? storage.round((float) x) : x;
    }

    /** {@code exp(x)} in the accumulator format. */
    double exp(double x) {
        return op(Math.exp(x));
    }

    /** {@code log(x)} in the accumulator format. */
    double log(double x) {
        return op(Math.log(x));
    }

    /**
     * {@code Σ_k a[ao + k*as] b[bo + k*bs]}, {@code k < len}, each product and sum rounded by {@link #op};
     * straight left to right, or pairwise ({@code t_k + t_{k+w}} for {@code w = 1, 2, 4, ...}).
     */
    double dot(double[] a, int ao, int as, double[] b, int bo, int bs, int len, boolean pairwise) {
        if (!pairwise) {
            double s = 0;
            for (int k = 0; k < len; k++) {
                s = op(s + op(a[ao + k * as] * b[bo + k * bs]));
            }
            return s;
        }
        double[] t = scratch;
        for (int k = 0; k < len; k++) {
            t[k] = op(a[ao + k * as] * b[bo + k * bs]);
        }
        for (int w = 1; w < len; w <<= 1) {
            for (int k = 0; k + w < len; k += 2 * w) {
                t[k] = op(t[k] + t[k + w]);
            }
        }
        return len == 0 ? 0 : t[0];
    }

    /** Every entry of {@code x} rounded by {@link #st}, in place; returns {@code x}. */
    double[] storeAll(double[] x) {
        for (int k = 0; k < x.length; k++) {
            x[k] = st(x[k]);
        }
        return x;
    }
}
