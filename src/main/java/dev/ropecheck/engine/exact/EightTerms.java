package dev.ropecheck.engine.exact;

/**
 * The inner kernels of the rotated route: eight terms added to a run of accumulators at once,
 * {@code out[o + x] = ((out[o + x] + t_0(x)) + t_1(x)) + ... + t_7(x)} for {@code x0 <= x < x1}
 * (every array is indexed as base + {@code x}),
 * left to right, so each accumulator sees its terms in increasing order exactly as a one-term-at-a-time
 * loop would (bitwise the same result), while the eight coefficients stay in registers and each
 * loaded run of {@code out} is reused eight times. The loops are over contiguous {@code x}, which the
 * JIT vectorises lane by lane.
 */
final class EightTerms {
    private EightTerms() {
    }

    /** {@code t_k(x) = c[co + k] y[yo + k ys + x]}. */
    static void axpy(double[] c, int co, double[] y, int yo, int ys, double[] out, int o, int x0, int x1) {
        double c0 = c[co];
        double c1 = c[co + 1];
        double c2 = c[co + 2];
        double c3 = c[co + 3];
        double c4 = c[co + 4];
        double c5 = c[co + 5];
        double c6 = c[co + 6];
        double c7 = c[co + 7];
        int y1 = yo + ys;
        int y2 = y1 + ys;
        int y3 = y2 + ys;
        int y4 = y3 + ys;
        int y5 = y4 + ys;
        int y6 = y5 + ys;
        int y7 = y6 + ys;
        for (int x = x0; x < x1; x++) {
            double s = out[o + x];
            s += c0 * y[yo + x];
            s += c1 * y[y1 + x];
            s += c2 * y[y2 + x];
            s += c3 * y[y3 + x];
            s += c4 * y[y4 + x];
            s += c5 * y[y5 + x];
            s += c6 * y[y6 + x];
            s += c7 * y[y7 + x];
            out[o + x] = s;
        }
    }

    /** {@code t_k(x) = c[co + k] (y[yo + k ys + x] - z[zo + x])}: the centred {@code Σ_j f_ij (h_j - h_k*)}. */
    static void centred(double[] c, int co, double[] y, int yo, int ys, double[] z, int zo, double[] out, int o,
            int x0, int x1) {
        double c0 = c[co];
        double c1 = c[co + 1];
        double c2 = c[co + 2];
        double c3 = c[co + 3];
        double c4 = c[co + 4];
        double c5 = c[co + 5];
        double c6 = c[co + 6];
        double c7 = c[co + 7];
        int y1 = yo + ys;
        int y2 = y1 + ys;
        int y3 = y2 + ys;
        int y4 = y3 + ys;
        int y5 = y4 + ys;
        int y6 = y5 + ys;
        int y7 = y6 + ys;
        for (int x = x0; x < x1; x++) {
            double zx = z[zo + x];
            double s = out[o + x];
            s += c0 * (y[yo + x] - zx);
            s += c1 * (y[y1 + x] - zx);
            s += c2 * (y[y2 + x] - zx);
            s += c3 * (y[y3 + x] - zx);
            s += c4 * (y[y4 + x] - zx);
            s += c5 * (y[y5 + x] - zx);
            s += c6 * (y[y6 + x] - zx);
            s += c7 * (y[y7 + x] - zx);
            out[o + x] = s;
        }
    }

    /**
     * {@code t_k(x) = c[co + k] ((y[yo + k ys + x] - a[ao + k]) - b[bo + k])}: the cancellation-free
     * {@code <c_i, (h_j - h_k*) - D_i>} of MATH §3, eight features at a time.
     */
    static void shifted(double[] c, int co, double[] y, int yo, int ys, double[] a, int ao, double[] b, int bo,
            double[] out, int o, int x0, int x1) {
        double c0 = c[co];
        double c1 = c[co + 1];
        double c2 = c[co + 2];
        double c3 = c[co + 3];
        double c4 = c[co + 4];
        double c5 = c[co + 5];
        double c6 = c[co + 6];
        double c7 = c[co + 7];
        double a0 = a[ao];
        double a1 = a[ao + 1];
        double a2 = a[ao + 2];
        double a3 = a[ao + 3];
        double a4 = a[ao + 4];
        double a5 = a[ao + 5];
        double a6 = a[ao + 6];
        double a7 = a[ao + 7];
        double b0 = b[bo];
        double b1 = b[bo + 1];
        double b2 = b[bo + 2];
        double b3 = b[bo + 3];
        double b4 = b[bo + 4];
        double b5 = b[bo + 5];
        double b6 = b[bo + 6];
        double b7 = b[bo + 7];
        int y1 = yo + ys;
        int y2 = y1 + ys;
        int y3 = y2 + ys;
        int y4 = y3 + ys;
        int y5 = y4 + ys;
        int y6 = y5 + ys;
        int y7 = y6 + ys;
        for (int x = x0; x < x1; x++) {
            double s = out[o + x];
            s += c0 * ((y[yo + x] - a0) - b0);
            s += c1 * ((y[y1 + x] - a1) - b1);
            s += c2 * ((y[y2 + x] - a2) - b2);
            s += c3 * ((y[y3 + x] - a3) - b3);
            s += c4 * ((y[y4 + x] - a4) - b4);
            s += c5 * ((y[y5 + x] - a5) - b5);
            s += c6 * ((y[y6 + x] - a6) - b6);
            s += c7 * ((y[y7 + x] - a7) - b7);
            out[o + x] = s;
        }
    }
}
