package dev.ropecheck.candidates;

import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.model.RopeFamily;

/**
 * The cos/sin tables and pair layout of a RoPE kernel (MATH §1), and the rotation of one row and its
 * transpose (MATH §9). Row vector convention: {@code x' = x R_pos} with, for pair {@code (a, b)},
 * {@code x'[a] = x[a] cos - x[b] sin}, {@code x'[b] = x[a] sin + x[b] cos}.
 *
 * <p>Tables, {@code pos = 0..n-1}, {@code k = 0..d/2-1}:
 * <ul>
 *   <li>fp64: {@code cos/sin(pos * theta_k)} by {@code Math.cos/Math.sin} of the double angle,
 *       {@code theta_k} = {@link RopeFamily#theta(int)};
 *   <li>fp32: as an fp32 kernel builds them, {@code inv_freq_k = (float)(1 / Math.pow(base, 2k/d))},
 *       {@code angle = (float)(pos * inv_freq_k)}, {@code cos/sin = (float) Math.cos/sin(angle)};
 *   <li>bf16/fp16: the fp32 tables rounded to the storage format.
 * </ul>
 */
final class RopeTables {
    private final int half;
    private final int[] dimA;
    private final int[] dimB;
    private final double[] cos;
    private final double[] sin;

    /**
     * @param layout the layout the kernel uses (the instance's, or the other one for {@link Bug#WRONG_ROPE_LAYOUT})
     * @param flipSin negate every sine ({@link Bug#FLIPPED_SIN})
     */
    RopeTables(RopeFamily family, RopeFamily.Layout layout, int n, Arith ar, boolean flipSin) {
        int d = family.d();
        this.half = d / 2;
        this.dimA = new int[half];
        this.dimB = new int[half];
        for (int k = 0; k < half; k++) {
            dimA[k] = layout == RopeFamily.Layout.INTERLEAVED ? 2 * k : k;
            dimB[k] = layout == RopeFamily.Layout.INTERLEAVED ? 2 * k + 1 : k + half;
        }
        this.cos = new double[n * half];
        this.sin = new double[n * half];
        boolean fp64 = ar.storage() == FloatFormat.FP64;
        for (int k = 0; k < half; k++) {
            double invFreq = fp64 ? family.theta(k) : (float) (1.0 / Math.pow(family.base(), 2.0 * k / d));
            for (int pos = 0; pos < n; pos++) {
                double c;
                double s;
                if (fp64) {
                    double angle = pos * invFreq;
                    c = Math.cos(angle);
                    s = Math.sin(angle);
                } else {
                    float angle = (float) pos * (float) invFreq;
                    c = ar.st((float) Math.cos(angle));
                    s = ar.st((float) Math.sin(angle));
                }
                cos[pos * half + k] = c;
                sin[pos * half + k] = flipSin ? -s : s;
            }
        }
    }

    /** {@code out[oo..oo+d) = st(x[xo..xo+d) R_pos)}. */
    void rotate(double[] x, int xo, int pos, double[] out, int oo, Arith ar) {
        for (int k = 0; k < half; k++) {
            double c = cos[pos * half + k];
            double s = sin[pos * half + k];
            double xa = x[xo + dimA[k]];
            double xb = x[xo + dimB[k]];
            out[oo + dimA[k]] = ar.st(ar.op(ar.op(xa * c) - ar.op(xb * s)));
            out[oo + dimB[k]] = ar.st(ar.op(ar.op(xa * s) + ar.op(xb * c)));
        }
    }

    /** {@code out[oo..oo+d) = st(g[go..go+d) R_pos^T)}, the gradient through {@link #rotate}. */
    void rotateBack(double[] g, int go, int pos, double[] out, int oo, Arith ar) {
        for (int k = 0; k < half; k++) {
            double c = cos[pos * half + k];
            double s = sin[pos * half + k];
            double ga = g[go + dimA[k]];
            double gb = g[go + dimB[k]];
            out[oo + dimA[k]] = ar.st(ar.op(ar.op(ga * c) + ar.op(gb * s)));
            out[oo + dimB[k]] = ar.st(ar.op(ar.op(gb * c) - ar.op(ga * s)));
        }
    }
}
