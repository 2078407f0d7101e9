package dev.ropecheck.engine.exact;

/**
 * The per-row products of the rotated route, register-tiled: eight outputs are accumulated in
 * registers while the summation index runs, so each output sees its terms one at a time in
 * increasing order of the index, exactly as a plain loop would (the same result, bit for bit), and
 * no output is loaded or stored inside the loop. Outputs beyond the last multiple of eight take the
 * plain loop.
 */
final class RowKernels {
    private RowKernels() {
    }

    /**
     * {@code out[l] = Σ_{j < lim} f[fo + j] (h[j d + l] - h[hk + l])}, {@code l < d}: the centred
     * {@code D_i = Σ_j f_ij (h_j - h_k*)} of MATH §3 ({@code fl(h_jl - h_k*l)}, times {@code f}, added).
     */
    static void centred(double[] f, int fo, int lim, double[] h, int d, int hk, double[] out) {
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
            double s0 = 0.0;
            double s1 = 0.0;
            double s2 = 0.0;
            double s3 = 0.0;
            double s4 = 0.0;
            double s5 = 0.0;
            double s6 = 0.0;
            double s7 = 0.0;
            for (int j = 0; j < lim; j++) {
                double fj = f[fo + j];
                int o = j * d + l;
                s0 += fj * (h[o] - z0);
                s1 += fj * (h[o + 1] - z1);
                s2 += fj * (h[o + 2] - z2);
                s3 += fj * (h[o + 3] - z3);
                s4 += fj * (h[o + 4] - z4);
                s5 += fj * (h[o + 5] - z5);
                s6 += fj * (h[o + 6] - z6);
                s7 += fj * (h[o + 7] - z7);
            }
            out[l] = s0;
            out[l + 1] = s1;
            out[l + 2] = s2;
            out[l + 3] = s3;
            out[l + 4] = s4;
            out[l + 5] = s5;
            out[l + 6] = s6;
            out[l + 7] = s7;
        }
        for (; l < d; l++) {
            double z = h[hk + l];
            double s = 0.0;
            for (int j = 0; j < lim; j++) {
                s += f[fo + j] * (h[j * d + l] - z);
            }
            out[l] = s;
        }
    }

    /**
     * {@code t[j] = Σ_{l < d} c[co + l] ((hT[l ld + j] - h[hk + l]) - D[l])}, {@code j < lim}: the
     * cancellation-free {@code <c_i, (h_j - h_k*) - D_i>} of MATH §3.
     */
    static void shifted(double[] c, int co, double[] hT, int ld, double[] h, int hk, double[] dc, int d, int lim,
            double[] t) {
        int j = 0;
        for (; j + 8 <= lim; j += 8) {
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
                double dl = dc[l];
                int o = l * ld + j;
                s0 += cl * ((hT[o] - zl) - dl);
                s1 += cl * ((hT[o + 1] - zl) - dl);
                s2 += cl * ((hT[o + 2] - zl) - dl);
                s3 += cl * ((hT[o + 3] - zl) - dl);
                s4 += cl * ((hT[o + 4] - zl) - dl);
                s5 += cl * ((hT[o + 5] - zl) - dl);
                s6 += cl * ((hT[o + 6] - zl) - dl);
                s7 += cl * ((hT[o + 7] - zl) - dl);
            }
            t[j] = s0;
            t[j + 1] = s1;
            t[j + 2] = s2;
            t[j + 3] = s3;
            t[j + 4] = s4;
            t[j + 5] = s5;
            t[j + 6] = s6;
            t[j + 7] = s7;
        }
        for (; j < lim; j++) {
            double s = 0.0;
            for (int l = 0; l < d; l++) {
                s += c[co + l] * ((hT[l * ld + j] - h[hk + l]) - dc[l]);
            }
            t[j] = s;
        }
    }

    /** {@code out[a] = Σ_{j < lim} p[po + j] x[j d + a]}, {@code a < d}: one row of {@code p Kr}. */
    static void rowTimes(double[] p, int po, int lim, double[] x, int d, double[] out) {
        int a = 0;
        for (; a + 8 <= d; a += 8) {
            double s0 = 0.0;
            double s1 = 0.0;
            double s2 = 0.0;
            double s3 = 0.0;
            double s4 = 0.0;
            double s5 = 0.0;
            double s6 = 0.0;
            double s7 = 0.0;
            for (int j = 0; j < lim; j++) {
                double pj = p[po + j];
                int o = j * d + a;
                s0 += pj * x[o];
                s1 += pj * x[o + 1];
                s2 += pj * x[o + 2];
                s3 += pj * x[o + 3];
                s4 += pj * x[o + 4];
                s5 += pj * x[o + 5];
                s6 += pj * x[o + 6];
                s7 += pj * x[o + 7];
            }
            out[a] = s0;
            out[a + 1] = s1;
            out[a + 2] = s2;
            out[a + 3] = s3;
            out[a + 4] = s4;
            out[a + 5] = s5;
            out[a + 6] = s6;
            out[a + 7] = s7;
        }
        for (; a < d; a++) {
            double s = 0.0;
            for (int j = 0; j < lim; j++) {
                s += p[po + j] * x[j * d + a];
            }
            out[a] = s;
        }
    }

    /**
     * {@code out[j d + a] += w[r n + j] x[(i0 + r) d + a]} for the block's rows {@code r} in increasing
     * order with {@code j < lim[r]}, {@code j < maxLim}: a block's terms of {@code Σ_i w_ij x_i}
     * ({@code P^T Qr}, {@code f^T c}).
     */
    static void scatter(double[] w, int n, double[] x, int i0, int rows, int[] lim, int maxLim, int d, double[] out) {
        for (int j = 0; j < maxLim; j++) {
            int jo = j * d;
            int a = 0;
            for (; a + 8 <= d; a += 8) {
                int o = jo + a;
                double s0 = out[o];
                double s1 = out[o + 1];
                double s2 = out[o + 2];
                double s3 = out[o + 3];
                double s4 = out[o + 4];
                double s5 = out[o + 5];
                double s6 = out[o + 6];
                double s7 = out[o + 7];
                for (int r = 0; r < rows; r++) {
                    if (j >= lim[r]) {
                        continue;
                    }
                    double wj = w[r * n + j];
                    int xo = (i0 + r) * d + a;
                    s0 += wj * x[xo];
                    s1 += wj * x[xo + 1];
                    s2 += wj * x[xo + 2];
                    s3 += wj * x[xo + 3];
                    s4 += wj * x[xo + 4];
                    s5 += wj * x[xo + 5];
                    s6 += wj * x[xo + 6];
                    s7 += wj * x[xo + 7];
                }
                out[o] = s0;
                out[o + 1] = s1;
                out[o + 2] = s2;
                out[o + 3] = s3;
                out[o + 4] = s4;
                out[o + 5] = s5;
                out[o + 6] = s6;
                out[o + 7] = s7;
            }
            for (; a < d; a++) {
                double s = out[jo + a];
                for (int r = 0; r < rows; r++) {
                    if (j < lim[r]) {
                        s += w[r * n + j] * x[(i0 + r) * d + a];
                    }
                }
                out[jo + a] = s;
            }
        }
    }
}
