package dev.ropecheck.engine.exact;

/**
 * The per-row products of the rotated route, register-tiled: eight outputs are accumulated in
 * registers while the summation index runs, so each output sees its terms one at a time in
 * increasing order of the index, exactly as a plain loop would (the same result, bit for bit).
 * Every inner loop walks its arrays with stride 1 (so the JIT removes the bounds checks); that is
 * why {@code D} and {@code p Kr} read the transposed {@code h^T}, {@code Kr^T} and {@code t} the
 * row-major {@code h}. Outputs beyond the last multiple of eight take the plain loop. Sums may be
 * taken in chunks of the summation index (terms {@code j0 <= j < j1} added to the outputs), in order.
 */
final class RowKernels {
    private RowKernels() {
    }

    /**
     * {@code out[oo + l] += Σ_{j0 <= j < j1} f[fo + j] (hT[l ld + j] - h[hk + l])}, {@code l < d}: the
     * centred {@code D_i = Σ_j f_ij (h_j - h_k*)} of MATH §3 ({@code fl(h_jl - h_k*l)}, times {@code f}, added).
     */
    static void centred(double[] f, int fo, int j0, int j1, double[] hT, int ld, double[] h, int d, int hk,
            double[] out, int oo) {
        int l = 0;
        for (; l + 8 <= d; l += 8) {
            double z0 = h[hk + l];
            double z1 = h[hk + l + 1];
            double z2 = h[hk + l + 2];
            double z3 = h[hk + l + 3];
            double z4 = h[hk + l + 4];
            double z5 = h[hk + l + 5];
            double z6 = h[hk + l + 6];
            double z7 = h[hk + l + 7];
            int b0 = l * ld;
            int b1 = b0 + ld;
            int b2 = b1 + ld;
            int b3 = b2 + ld;
            int b4 = b3 + ld;
            int b5 = b4 + ld;
            int b6 = b5 + ld;
            int b7 = b6 + ld;
            double s0 = out[oo + l];
            double s1 = out[oo + l + 1];
            double s2 = out[oo + l + 2];
            double s3 = out[oo + l + 3];
            double s4 = out[oo + l + 4];
            double s5 = out[oo + l + 5];
            double s6 = out[oo + l + 6];
            double s7 = out[oo + l + 7];
            for (int j = j0; j < j1; j++) {
                double fj = f[fo + j];
                s0 += fj * (hT[b0 + j] - z0);
                s1 += fj * (hT[b1 + j] - z1);
                s2 += fj * (hT[b2 + j] - z2);
                s3 += fj * (hT[b3 + j] - z3);
                s4 += fj * (hT[b4 + j] - z4);
                s5 += fj * (hT[b5 + j] - z5);
                s6 += fj * (hT[b6 + j] - z6);
                s7 += fj * (hT[b7 + j] - z7);
            }
            out[oo + l] = s0;
            out[oo + l + 1] = s1;
            out[oo + l + 2] = s2;
            out[oo + l + 3] = s3;
            out[oo + l + 4] = s4;
            out[oo + l + 5] = s5;
            out[oo + l + 6] = s6;
            out[oo + l + 7] = s7;
        }
        for (; l < d; l++) {
            double z = h[hk + l];
            int b = l * ld;
            double s = out[oo + l];
            for (int j = j0; j < j1; j++) {
                s += f[fo + j] * (hT[b + j] - z);
            }
            out[oo + l] = s;
        }
    }

    /**
     * {@code t[to + j] = Σ_{l < d} c[co + l] ((h[j d + l] - h[hk + l]) - dc[dco + l])}, {@code j0 <= j < j1}:
     * the cancellation-free {@code <c_i, (h_j - h_k*) - D_i>} of MATH §3.
     */
    static void shifted(double[] c, int co, double[] h, int hk, double[] dc, int dco, int d, int j0, int j1,
            double[] t, int to) {
        int j = j0;
        for (; j + 8 <= j1; j += 8) {
            int b0 = j * d;
            int b1 = b0 + d;
            int b2 = b1 + d;
            int b3 = b2 + d;
            int b4 = b3 + d;
            int b5 = b4 + d;
            int b6 = b5 + d;
            int b7 = b6 + d;
            double s0 = 0.0;
            double s1 = 0.0;
            double s2 = 0.0;
            double s3 = 0.0;
            double s4 = 0.0;
            double s5 = 0.0;
            double s6 = 0.0;
            double s7 = 0.0;
            for (int l = 0; l < d; l++) {
                double cl = c[co + l];
                double zl = h[hk + l];
                double dl = dc[dco + l];
                s0 += cl * ((h[b0 + l] - zl) - dl);
                s1 += cl * ((h[b1 + l] - zl) - dl);
                s2 += cl * ((h[b2 + l] - zl) - dl);
                s3 += cl * ((h[b3 + l] - zl) - dl);
                s4 += cl * ((h[b4 + l] - zl) - dl);
                s5 += cl * ((h[b5 + l] - zl) - dl);
                s6 += cl * ((h[b6 + l] - zl) - dl);
                s7 += cl * ((h[b7 + l] - zl) - dl);
            }
            t[to + j] = s0;
            t[to + j + 1] = s1;
            t[to + j + 2] = s2;
            t[to + j + 3] = s3;
            t[to + j + 4] = s4;
            t[to + j + 5] = s5;
            t[to + j + 6] = s6;
            t[to + j + 7] = s7;
        }
        for (; j < j1; j++) {
            int b = j * d;
            double s = 0.0;
            for (int l = 0; l < d; l++) {
                s += c[co + l] * ((h[b + l] - h[hk + l]) - dc[dco + l]);
            }
            t[to + j] = s;
        }
    }

    /** {@code out[oo + a] += Σ_{j0 <= j < j1} p[po + j] xT[a ld + j]}, {@code a < d}: one row of {@code p Kr}. */
    static void rowTimes(double[] p, int po, int j0, int j1, double[] xT, int ld, int d, double[] out, int oo) {
        int a = 0;
        for (; a + 8 <= d; a += 8) {
            int b0 = a * ld;
            int b1 = b0 + ld;
            int b2 = b1 + ld;
            int b3 = b2 + ld;
            int b4 = b3 + ld;
            int b5 = b4 + ld;
            int b6 = b5 + ld;
            int b7 = b6 + ld;
            double s0 = out[oo + a];
            double s1 = out[oo + a + 1];
            double s2 = out[oo + a + 2];
            double s3 = out[oo + a + 3];
            double s4 = out[oo + a + 4];
            double s5 = out[oo + a + 5];
            double s6 = out[oo + a + 6];
            double s7 = out[oo + a + 7];
            for (int j = j0; j < j1; j++) {
                double pj = p[po + j];
                s0 += pj * xT[b0 + j];
                s1 += pj * xT[b1 + j];
                s2 += pj * xT[b2 + j];
                s3 += pj * xT[b3 + j];
                s4 += pj * xT[b4 + j];
                s5 += pj * xT[b5 + j];
                s6 += pj * xT[b6 + j];
                s7 += pj * xT[b7 + j];
            }
            out[oo + a] = s0;
            out[oo + a + 1] = s1;
            out[oo + a + 2] = s2;
            out[oo + a + 3] = s3;
            out[oo + a + 4] = s4;
            out[oo + a + 5] = s5;
            out[oo + a + 6] = s6;
            out[oo + a + 7] = s7;
        }
        for (; a < d; a++) {
            int b = a * ld;
            double s = out[oo + a];
            for (int j = j0; j < j1; j++) {
                s += p[po + j] * xT[b + j];
            }
            out[oo + a] = s;
        }
    }

    /**
     * {@code out[j d + a] += w[r n + j] x[(i0 + r) d + a]} for the block's rows {@code r} in increasing
     * order with {@code j < lim[r]}, {@code j < maxLim}: a block's terms of {@code Σ_i w_ij x_i}
     * ({@code P^T Qr}, {@code f^T c}). Where all eight rows of a full block take part ({@code j <}
     * {@link #commonLimit}), the eight weights stay in registers and the loop runs over {@code a}
     * ({@link #eight}); elsewhere row by row ({@link #rowsOf}).
     */
    static void scatter(double[] w, int n, double[] x, int i0, int rows, int[] lim, int maxLim, int d, double[] out) {
        int common = commonLimit(rows, lim);
        for (int j = 0; j < maxLim; j++) {
            if (j < common) {
                eight(w, n, x, i0 * d, d, out, j, 0);
            } else {
                rowsOf(w, n, x, i0, rows, lim, d, out, j);
            }
        }
    }

    /** The columns {@code j} that all rows of a full block of eight see: {@code min lim}, or 0 for a shorter block. */
    static int commonLimit(int rows, int[] lim) {
        int common = rows == 8 ? lim[0] : 0;
        for (int r = 1; r < rows && common > 0; r++) {
            common = Math.min(common, lim[r]);
        }
        return common;
    }

    /** Column {@code j}, features {@code a0 <= a < d}, of a full block: {@code out[j d + a] += w_rj x_ra}, {@code r = 0..7} in order. */
    static void eight(double[] w, int n, double[] x, int x0, int d, double[] out, int j, int a0) {
        int x1 = x0 + d;
        int x2 = x1 + d;
        int x3 = x2 + d;
        int x4 = x3 + d;
        int x5 = x4 + d;
        int x6 = x5 + d;
        int x7 = x6 + d;
        int jo = j * d;
        double w0 = w[j];
        double w1 = w[n + j];
        double w2 = w[2 * n + j];
        double w3 = w[3 * n + j];
        double w4 = w[4 * n + j];
        double w5 = w[5 * n + j];
        double w6 = w[6 * n + j];
        double w7 = w[7 * n + j];
        for (int a = a0; a < d; a++) {
            double s = out[jo + a];
            s += w0 * x[x0 + a];
            s += w1 * x[x1 + a];
            s += w2 * x[x2 + a];
            s += w3 * x[x3 + a];
            s += w4 * x[x4 + a];
            s += w5 * x[x5 + a];
            s += w6 * x[x6 + a];
            s += w7 * x[x7 + a];
            out[jo + a] = s;
        }
    }

    /** Column {@code j} row by row: {@code out[j d + a] += w_rj x_ra} for the rows with {@code j < lim[r]}, in order. */
    static void rowsOf(double[] w, int n, double[] x, int i0, int rows, int[] lim, int d, double[] out, int j) {
        int jo = j * d;
        for (int r = 0; r < rows; r++) {
            if (j < lim[r]) {
                double wj = w[r * n + j];
                int xo = (i0 + r) * d;
                for (int a = 0; a < d; a++) {
                    out[jo + a] += wj * x[xo + a];
                }
            }
        }
    }
}
