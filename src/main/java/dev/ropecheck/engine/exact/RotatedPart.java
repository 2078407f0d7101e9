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
    /** Rows per block (the rows that share one pass over {@code Kr}, {@code h}, {@code h^T}). */
    static final int ROWS = 8;
    /** Columns {@code j} per chunk: a chunk of {@code h}, {@code h^T} or {@code Kr} stays in L1 while every row of the block uses it. */
    static final int CHUNK = 64;

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

    /** The block's working rows, allocated once per part. */
    private static final class Scratch {
        final double[] s;
        final double[] f;
        final double[] p;
        final double[] t;
        final double[] dcen;
        final double[] acc;
        final int[] lim = new int[ROWS];
        final int[] hk = new int[ROWS];

        Scratch(int n, int d, boolean backward) {
            s = new double[ROWS * n];
            f = new double[ROWS * n];
            p = backward ? new double[ROWS * n] : null;
            t = backward ? new double[ROWS * n] : null;
            dcen = new double[ROWS * d];
            acc = new double[ROWS * d];
        }
    }

    @Override
    public void run() {
        Scratch w = new Scratch(pl.n, pl.d, pl.backward);
        for (int i0 = from; i0 < to; i0 += ROWS) {
            int rows = Math.min(ROWS, to - i0);
            int maxLim = forwardBlock(w, i0, rows);
            if (pl.backward) {
                backwardBlock(w, i0, rows, maxLim);
            }
        }
    }

    /** Scores, softmax, {@code D_i} and the row outputs of rows {@code [i0, i0 + rows)}; returns the largest row length. */
    private int forwardBlock(Scratch w, int i0, int rows) {
        final int n = pl.n;
        final int d = pl.d;
        int[] lim = w.lim;
        int maxLim = 0;
        for (int r = 0; r < rows; r++) {
            lim[r] = pl.limit(i0 + r);
            maxLim = Math.max(maxLim, lim[r]);
        }
        if (pl.simd) {
            SimdKernels.scores(pl.qr, i0, rows, pl.kr, pl.krT, pl.ld, n, d, lim, w.s);
        } else {
            ScoreKernel.block(pl.qr, i0, rows, pl.kr, n, d, lim, w.s);
        }
        for (int r = 0; r < rows; r++) {
            w.hk[r] = softmax(i0 + r, lim[r], w.s, w.f, r * n) * d;
        }
        // D_i = Σ_j f_ij (h_j - h_k*), j in increasing order, in chunks shared by the block's rows.
        java.util.Arrays.fill(w.dcen, 0.0);
        for (int j0 = 0; j0 < maxLim; j0 += CHUNK) {
            for (int r = 0; r < rows; r++) {
                int j1 = Math.min(j0 + CHUNK, lim[r]);
                if (j1 > j0 && pl.simd) {
                    SimdKernels.centred(w.f, r * n, j0, j1, pl.h, d, w.hk[r], w.dcen, r * d);
                } else if (j1 > j0) {
                    RowKernels.centred(w.f, r * n, j0, j1, pl.hT, pl.ld, pl.h, d, w.hk[r], w.dcen, r * d);
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            output(i0 + r, w.hk[r], w.dcen, r * d);
        }
        return maxLim;
    }

    /** {@code t, p}, {@code dQrot} and the partial {@code dKrot}, {@code dV} sums of rows {@code [i0, i0 + rows)}. */
    private void backwardBlock(Scratch w, int i0, int rows, int maxLim) {
        final int n = pl.n;
        final int d = pl.d;
        int[] lim = w.lim;
        double[] p = w.p;
        double[] t = w.t;
        // t_ij = Σ_l c_il ((h_jl - h_k*l) - D_il), l in increasing order; p_ij = f_ij t_ij.
        for (int j0 = 0; j0 < maxLim; j0 += CHUNK) {
            for (int r = 0; r < rows; r++) {
                int j1 = Math.min(j0 + CHUNK, lim[r]);
                if (j1 > j0 && pl.simd) {
                    SimdKernels.shifted(pl.c, (i0 + r) * d, pl.h, pl.hT, pl.ld, w.hk[r], w.dcen, r * d, d, j0, j1, t,
                            r * n);
                } else if (j1 > j0) {
                    RowKernels.shifted(pl.c, (i0 + r) * d, pl.h, w.hk[r], w.dcen, r * d, d, j0, j1, t, r * n);
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            for (int j = 0; j < lim[r]; j++) {
                p[o + j] = w.f[o + j] * t[o + j];
            }
            if (pl.wantP) {
                System.arraycopy(p, o, pl.pOut, (i0 + r) * n, lim[r]);
            }
        }
        if (pl.needDQ) {
            dqBlock(w, i0, rows, maxLim);
        }
        if (pl.needDK) {
            scatter(p, pl.qr, i0, rows, lim, maxLim, dk);
        }
        if (pl.needDV) {
            scatter(w.f, pl.c, i0, rows, lim, maxLim, dv);
        }
    }

    /** {@code out += w^T x} over the block's rows ({@link RowKernels#scatter}, or its SIMD twin). */
    private void scatter(double[] wt, double[] x, int i0, int rows, int[] lim, int maxLim, double[] out) {
        if (pl.simd) {
            SimdKernels.scatter(wt, pl.n, x, i0, rows, lim, maxLim, pl.d, out);
        } else {
            RowKernels.scatter(wt, pl.n, x, i0, rows, lim, maxLim, pl.d, out);
        }
    }

    /** {@code dQrot_i = sigma Σ_j p_ij kr_j}, {@code j} in increasing order. */
    private void dqBlock(Scratch w, int i0, int rows, int maxLim) {
        final int n = pl.n;
        final int d = pl.d;
        double[] acc = w.acc;
        java.util.Arrays.fill(acc, 0.0);
        for (int j0 = 0; j0 < maxLim; j0 += CHUNK) {
            for (int r = 0; r < rows; r++) {
                int j1 = Math.min(j0 + CHUNK, w.lim[r]);
                if (j1 > j0 && pl.simd) {
                    SimdKernels.rowTimes(w.p, r * n, j0, j1, pl.kr, d, acc, r * d);
                } else if (j1 > j0) {
                    RowKernels.rowTimes(w.p, r * n, j0, j1, pl.krT, pl.ld, d, acc, r * d);
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            int io = (i0 + r) * d;
            for (int a = 0; a < d; a++) {
                pl.dq[io + a] = pl.scaled(acc[r * d + a]);
            }
        }
    }

    /**
     * Scales row {@code i}'s scores and takes the stable softmax (the first maximum {@code k*}
     * subtracted); writes {@code f}, {@code alpha} and, if wanted, {@code A}, {@code f}. Returns {@code k*}.
     */
    private int softmax(int i, int lim, double[] s, double[] f, int o) {
        final int n = pl.n;
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
        return kstar;
    }

    /** {@code Att_i = h_k* + D_i}, {@code c_i}, {@code r_i}; adds {@code c_il^2} to {@link #loss} in order of {@code l}. */
    private void output(int i, int hk, double[] dcen, int dco) {
        final int d = pl.d;
        final double[] h = pl.h;
        double ri = 0.0;
        double sq = loss;
        int io = i * d;
        for (int l = 0; l < d; l++) {
            double a = h[hk + l] + dcen[dco + l];
            double cl = pl.inst.c(a, pl.e[io + l]);
            pl.att[io + l] = a;
            pl.c[io + l] = cl;
            sq += cl * cl;
            ri += cl * a;
        }
        pl.r[i] = ri;
        loss = sq;
    }
}
