package dev.ropecheck.engine.exact;

/**
 * A block of rows of {@code Qr Kr^T} (the unscaled scores {@code <qr_i, kr_j>}, MATH §1–2) on
 * row-major {@code double[]}, register-tiled: a {@code 4 x 4} tile of entries is accumulated in
 * registers while {@code a} runs over the features, so each loaded {@code qr}, {@code kr} value is
 * used four times. Every entry, in a tile or on the edge, is summed in the one order
 * {@code ((0 + qr_0 kr_0) + qr_1 kr_1) + ... + qr_{d-1} kr_{d-1}}: {@code d} roundings per term,
 * the same for every tiling and thread count.
 */
final class ScoreKernel {
    private ScoreKernel() {
    }

    /**
     * {@code out[r n + j] = Σ_a qr[(i0 + r) d + a] kr[j d + a]} for {@code r < rows}, {@code j < lim[r]};
     * other entries of {@code out} are left alone.
     *
     * @param qr rotated queries, {@code n x d}
     * @param kr rotated keys, {@code n x d}
     * @param lim per row, the number of columns computed ({@code n}, or {@code i + 1} under a causal mask)
     */
    static void block(double[] qr, int i0, int rows, double[] kr, int n, int d, int[] lim, double[] out) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int common = Math.min(Math.min(lim[r], lim[r + 1]), Math.min(lim[r + 2], lim[r + 3]));
            int j = 0;
            for (; j + 4 <= common; j += 4) {
                tile(qr, (i0 + r) * d, kr, j * d, d, out, r * n + j, n);
            }
            for (int rr = r; rr < r + 4; rr++) {
                edge(qr, (i0 + rr) * d, kr, d, out, rr * n, j, lim[rr]);
            }
        }
        for (; r < rows; r++) {
            edge(qr, (i0 + r) * d, kr, d, out, r * n, 0, lim[r]);
        }
    }

    /** Entries {@code j0 <= j < j1} of one row, one dot product each. */
    static void edge(double[] qr, int qo, double[] kr, int d, double[] out, int o, int j0, int j1) {
        for (int j = j0; j < j1; j++) {
            int ko = j * d;
            double s = 0.0;
            for (int a = 0; a < d; a++) {
                s += qr[qo + a] * kr[ko + a];
            }
            out[o + j] = s;
        }
    }

    /** A {@code 4 x 4} tile: rows {@code qo + t d}, columns {@code ko + t d}, written at {@code o + r ld + c}. */
    private static void tile(double[] qr, int qo, double[] kr, int ko, int d, double[] out, int o, int ld) {
        int q1 = qo + d;
        int q2 = q1 + d;
        int q3 = q2 + d;
        int k1 = ko + d;
        int k2 = k1 + d;
        int k3 = k2 + d;
        double s00 = 0.0;
        double s01 = 0.0;
        double s02 = 0.0;
        double s03 = 0.0;
        double s10 = 0.0;
        double s11 = 0.0;
        double s12 = 0.0;
        double s13 = 0.0;
        double s20 = 0.0;
        double s21 = 0.0;
        double s22 = 0.0;
        double s23 = 0.0;
        double s30 = 0.0;
        double s31 = 0.0;
        double s32 = 0.0;
        double s33 = 0.0;
        for (int a = 0; a < d; a++) {
            double x0 = qr[qo + a];
            double x1 = qr[q1 + a];
            double x2 = qr[q2 + a];
            double x3 = qr[q3 + a];
            double y0 = kr[ko + a];
            double y1 = kr[k1 + a];
            double y2 = kr[k2 + a];
            double y3 = kr[k3 + a];
            s00 += x0 * y0;
            s01 += x0 * y1;
            s02 += x0 * y2;
            s03 += x0 * y3;
            s10 += x1 * y0;
            s11 += x1 * y1;
            s12 += x1 * y2;
            s13 += x1 * y3;
            s20 += x2 * y0;
            s21 += x2 * y1;
            s22 += x2 * y2;
            s23 += x2 * y3;
            s30 += x3 * y0;
            s31 += x3 * y1;
            s32 += x3 * y2;
            s33 += x3 * y3;
        }
        out[o] = s00;
        out[o + 1] = s01;
        out[o + 2] = s02;
        out[o + 3] = s03;
        o += ld;
        out[o] = s10;
        out[o + 1] = s11;
        out[o + 2] = s12;
        out[o + 3] = s13;
        o += ld;
        out[o] = s20;
        out[o + 1] = s21;
        out[o + 2] = s22;
        out[o + 3] = s23;
        o += ld;
        out[o] = s30;
        out[o + 1] = s31;
        out[o + 2] = s32;
        out[o + 3] = s33;
    }
}
