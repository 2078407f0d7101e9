package dev.ropecheck.engine.exact;

import java.util.Arrays;

/**
 * Rows {@code [from, to)} of one {@link RotatedPath} computation, in blocks of {@link #ROWS} rows:
 * scores by {@link ScoreKernel}, then per row the stable softmax (row maximum subtracted,
 * proofs-notes/stable-softmax.md), {@code Att_i = h_k* + D_i} with
 * {@code D_i = Σ_j f_ij (h_j - h_k*)}, {@code c}, the loss, {@code r}, the cancellation-free
 * {@code p_ij = f_ij <c_i, (h_j - h_k*) - D_i>} (MATH §3; each entry in the same order as
 * {@link RowWorker}), {@code dQrot_i = sigma Σ_j p_ij kr_j}; and the part's partial sums
 * {@code Σ_i p_ij qr_i} (for {@code dKrot}) and {@code Σ_i f_ij c_i} (for {@code dV}), rows in
 * increasing order. No allocation inside the loops.
 */
final class RotatedPart implements Runnable {
    /** Rows per block (the rows that share one pass over a tile of {@code Kr^T}). */
    static final int ROWS = 8;

    private final RotatedPlan pl;
    private final int from;
    private final int to;
    double loss;
    /** Partial {@code Σ_i p_ij qr_i} (unscaled), {@code n x d}, or null. */
    final double[] dk;
    /** Partial {@code Σ_i f_ij c_i}, {@code n x d}, or null. */
    final double[] dv;
    /** One column of a block's weights (scratch of {@link #scatter}). */
    private final double[] coef = new double[ROWS];

    RotatedPart(RotatedPlan plan, int from, int to) {
        this.pl = plan;
        this.from = from;
        this.to = to;
        this.dk = plan.needDK ? new double[plan.n * plan.d] : null;
        this.dv = plan.needDV ? new double[plan.n * plan.d] : null;
    }

    @Override
    public void run() {
        final int n = pl.n;
        final int d = pl.d;
        double[] s = new double[ROWS * n];
        double[] f = new double[ROWS * n];
        double[] p = pl.backward ? new double[ROWS * n] : null;
        double[] t = pl.backward ? new double[n] : null;
        double[] dcen = new double[d];
        double[] acc = new double[d];
        int[] lim = new int[ROWS];
        for (int i0 = from; i0 < to; i0 += ROWS) {
            int rows = Math.min(ROWS, to - i0);
            int maxLim = 0;
            for (int r = 0; r < rows; r++) {
                lim[r] = pl.limit(i0 + r);
                maxLim = Math.max(maxLim, lim[r]);
            }
            ScoreKernel.block(pl.qr, i0, rows, pl.krT, n, d, lim, s);
            for (int r = 0; r < rows; r++) {
                row(i0 + r, lim[r], s, f, p, t, dcen, acc, r * n);
            }
            if (pl.needDK) {
                scatter(p, pl.qr, i0, rows, lim, maxLim, dk);
            }
            if (pl.needDV) {
                scatter(f, pl.c, i0, rows, lim, maxLim, dv);
            }
        }
    }

    /** One row: softmax, attention, c, r, p and dQrot; adds {@code c_il^2} to {@link #loss} in order of {@code l}. */
    private void row(int i, int lim, double[] s, double[] f, double[] p, double[] t, double[] dcen, double[] acc,
            int o) {
        final int n = pl.n;
        final int d = pl.d;
        final double[] h = pl.h;
        for (int j = 0; j < lim; j++) {
            s[o + j] = pl.scaled(s[o + j]);
        }
        int kstar = 0;
        double mx = s[o];
        for (int j = 1; j < lim; j++) {
            if (s[o + j] > mx) {
                mx = s[o + j];
                kstar = j;
            }
        }
        double sum = 0.0;
        for (int j = 0; j < lim; j++) {
            double ej = Math.exp(s[o + j] - mx);
            f[o + j] = ej;
            sum += ej;
        }
        for (int j = 0; j < lim; j++) {
            f[o + j] = f[o + j] / sum;
        }
        pl.alpha[i] = Math.exp(mx) * sum;
        if (pl.wantA) {
            for (int j = 0; j < lim; j++) {
                pl.aOut[i * n + j] = Math.exp(s[o + j]);
            }
        }
        if (pl.wantF) {
            System.arraycopy(f, o, pl.fOut, i * n, lim);
        }
        int hk = kstar * d;
        Arrays.fill(dcen, 0.0);
        int j8 = 0;
        for (; j8 + 8 <= lim; j8 += 8) {
            EightTerms.centred(f, o + j8, h, j8 * d, d, h, hk, dcen, 0, 0, d);
        }
        for (int j = j8; j < lim; j++) {
            double fj = f[o + j];
            int hj = j * d;
            for (int l = 0; l < d; l++) {
                double gl = h[hj + l] - h[hk + l];
                dcen[l] += fj * gl;
            }
        }
        double ri = 0.0;
        double sq = loss;
        int io = i * d;
        for (int l = 0; l < d; l++) {
            double a = h[hk + l] + dcen[l];
            double cl = a - pl.e[io + l];
            pl.att[io + l] = a;
            pl.c[io + l] = cl;
            sq += cl * cl;
            ri += cl * a;
        }
        pl.r[i] = ri;
        loss = sq;
        if (!pl.backward) {
            return;
        }
        // t_ij = Σ_l c_il ((h_jl - h_k*l) - D_il), l in increasing order, vectorised over j.
        Arrays.fill(t, 0, lim, 0.0);
        final double[] hT = pl.hT;
        int l8 = 0;
        for (; l8 + 8 <= d; l8 += 8) {
            EightTerms.shifted(pl.c, io + l8, hT, l8 * n, n, h, hk + l8, dcen, l8, t, 0, 0, lim);
        }
        for (int l = l8; l < d; l++) {
            double cl = pl.c[io + l];
            double hkl = h[hk + l];
            double dl = dcen[l];
            int lo = l * n;
            for (int j = 0; j < lim; j++) {
                t[j] += cl * ((hT[lo + j] - hkl) - dl);
            }
        }
        for (int j = 0; j < lim; j++) {
            p[o + j] = f[o + j] * t[j];
        }
        if (pl.wantP) {
            System.arraycopy(p, o, pl.pOut, i * n, lim);
        }
        if (pl.needDQ) {
            Arrays.fill(acc, 0.0);
            final double[] kr = pl.kr;
            int q8 = 0;
            for (; q8 + 8 <= lim; q8 += 8) {
                EightTerms.axpy(p, o + q8, kr, q8 * d, d, acc, 0, 0, d);
            }
            for (int j = q8; j < lim; j++) {
                double pj = p[o + j];
                int ko = j * d;
                for (int a = 0; a < d; a++) {
                    acc[a] += pj * kr[ko + a];
                }
            }
            for (int a = 0; a < d; a++) {
                pl.dq[io + a] = pl.scaled(acc[a]);
            }
        }
    }

    /**
     * {@code out_j += w[r n + j] x_{i0 + r}} for the block's rows in increasing order, {@code j < lim[r]}:
     * the {@code Σ_i w_ij x_i} of {@code P^T Qr} and {@code f^T c}.
     */
    private void scatter(double[] w, double[] x, int i0, int rows, int[] lim, int maxLim, double[] out) {
        final int n = pl.n;
        final int d = pl.d;
        int minLim = rows == 8 ? lim[0] : 0;
        for (int r = 1; r < rows; r++) {
            minLim = Math.min(minLim, lim[r]);
        }
        double[] coef = this.coef;
        for (int j = 0; j < maxLim; j++) {
            int jo = j * d;
            if (j < minLim) {
                for (int r = 0; r < 8; r++) {
                    coef[r] = w[r * n + j];
                }
                EightTerms.axpy(coef, 0, x, i0 * d, d, out, jo, 0, d);
                continue;
            }
            for (int r = 0; r < rows; r++) {
                if (j >= lim[r]) {
                    continue;
                }
                double wj = w[r * n + j];
                int xo = (i0 + r) * d;
                for (int a = 0; a < d; a++) {
                    out[jo + a] += wj * x[xo + a];
                }
            }
        }
    }
}
