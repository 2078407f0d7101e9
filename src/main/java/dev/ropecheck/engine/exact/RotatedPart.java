package dev.ropecheck.engine.exact;


/**
 * Rows {@code [from, to)} of one {@link RotatedPath} computation, in blocks of {@link #ROWS} rows:
 * scores by {@link ScoreKernel}, then per row ({@link RowKernels}) the stable softmax (row maximum subtracted,
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
            ScoreKernel.block(pl.qr, i0, rows, pl.kr, n, d, lim, s);
            for (int r = 0; r < rows; r++) {
                row(i0 + r, lim[r], s, f, p, t, dcen, acc, r * n);
            }
            if (pl.needDK) {
                RowKernels.scatter(p, n, pl.qr, i0, rows, lim, maxLim, d, dk);
            }
            if (pl.needDV) {
                RowKernels.scatter(f, n, pl.c, i0, rows, lim, maxLim, d, dv);
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
        RowKernels.centred(f, o, lim, h, d, hk, dcen);
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
        // t_ij = Σ_l c_il ((h_jl - h_k*l) - D_il), l in increasing order.
        RowKernels.shifted(pl.c, io, pl.hT, pl.ld, h, hk, dcen, d, lim, t);
        for (int j = 0; j < lim; j++) {
            p[o + j] = f[o + j] * t[j];
        }
        if (pl.wantP) {
            System.arraycopy(p, o, pl.pOut, i * n, lim);
        }
        if (pl.needDQ) {
            RowKernels.rowTimes(p, o, lim, pl.kr, d, acc);
            for (int a = 0; a < d; a++) {
                pl.dq[io + a] = pl.scaled(acc[a]);
            }
        }
    }
}
