package dev.ropecheck.engine.exact;

/**
 * Processes rows {@code [from, to)} of one {@link RopeExactEngine_F64} computation: scores, stable softmax,
 * attention, loss, {@code p}, and the worker's partial sums of {@code M_m}, {@code dK}, {@code dV}
 * (MATH §2–3, RoPE-grad Lemmas 5.4–5.6); under a causal mask (MATH §9) row {@code i} runs over
 * {@code j <= i} only. No allocation inside the {@code O(n)} per-row loops.
 */
final class RowWorker implements Runnable {
    /** Rows of {@code p} buffered before they are added to {@code M} ({@link #flushM}). */
    static final int BLOCK = 64;

    private final RopeExactEngine_F64.Plan pl;
    private final int from;
    private final int to;
    double loss;
    /** Partial {@code M_m}, {@code (2n-1) x d x d}. */
    final double[] m;
    /** Partial {@code dK} (before the scaling by sigma), {@code n x d}. */
    final double[] dk;
    /** Partial {@code dV}, {@code n x d}. */
    final double[] dv;

    // Per-row buffers, reused for every row of this worker (no allocation in the row loops).
    private final double[] s;
    private final double[] f;
    private final double[] work;
    /** {@code Q[i, b_k]} per support entry. */
    private final double[] qs;
    /** {@code D_i = Σ_j f_ij (h_j - h_k*)}. */
    private final double[] dcen;
    /** {@code c_i}. */
    private final double[] ci;
    /** Row {@code i}'s terms of {@code dQ} per support entry, before the sum over each row of {@code S}. */
    private final double[] dqS;
    /** {@code g[j d + l] = h_jl - h_k*l} for the current row. */
    private final double[] g;
    private final double[] pBlock;
    private final double[] acc;
    private final double[] xbuf;
    private double lossSum;

    RowWorker(RopeExactEngine_F64.Plan plan, int from, int to) {
        this.pl = plan;
        this.from = from;
        this.to = to;
        int n = plan.n;
        int d = plan.d;
        int size = plan.w.size;
        this.m = plan.needG ? new double[(2 * n - 1) * d * d] : null;
        this.dk = plan.needDK ? new double[n * d] : null;
        this.dv = plan.needDV ? new double[n * d] : null;
        this.s = new double[n];
        this.f = new double[n];
        this.work = new double[Math.max(size, d)];
        this.qs = new double[size];
        this.dcen = new double[d];
        this.ci = new double[d];
        this.dqS = new double[size];
        this.g = new double[n * d];
        this.pBlock = plan.needG ? new double[BLOCK * n] : null;
        this.acc = plan.needG ? new double[d * d] : null;
        this.xbuf = plan.needG ? new double[BLOCK * d] : null;
    }

    @Override
    public void run() {
        lossSum = 0.0;
        int blockStart = from;
        for (int i = from; i < to; i++) {
            if (pl.needG && i - blockStart == BLOCK) {
                flushM(pBlock, blockStart, i, acc, xbuf);
                blockStart = i;
            }
            final int jEnd = pl.causal ? i + 1 : pl.n;
            pl.scores.row(i, jEnd, s, work);
            int kstar = softmax(i, jEnd);
            double ri = attention(i, jEnd, kstar);
            if (pl.backward) {
                backward(i, jEnd, ri, blockStart);
            }
        }
        if (pl.needG && to > blockStart) {
            flushM(pBlock, blockStart, to, acc, xbuf);
        }
        this.loss = lossSum;
    }

    /**
     * Stable softmax of row {@code i}'s scores {@code s}: subtracts the row maximum {@code s_{i,k*}}
     * (proofs-notes/stable-softmax.md); writes {@code f}, {@code alpha_i} (and {@code A_i}, {@code f_i}
     * when wanted); returns {@code k*}.
     */
    private int softmax(int i, int jEnd) {
        final int n = pl.n;
        int kstar = 0;
        double mx = s[0];
        for (int j = 1; j < jEnd; j++) {
            if (s[j] > mx) {
                mx = s[j];
                kstar = j;
            }
        }
        double sum = 0.0;
        for (int j = 0; j < jEnd; j++) {
            double ej = Math.exp(s[j] - mx);
            f[j] = ej;
            sum += ej;
        }
        for (int j = 0; j < jEnd; j++) {
            f[j] = f[j] / sum;
        }
        pl.alpha[i] = Math.exp(mx) * sum;
        if (pl.wantA) {
            for (int j = 0; j < jEnd; j++) {
                pl.aOut[i * n + j] = Math.exp(s[j]);
            }
        }
        if (pl.wantF) {
            System.arraycopy(f, 0, pl.fOut, i * n, jEnd);
        }
        return kstar;
    }

    /**
     * {@code Att_i = h_k* + D_i} with {@code D_i = Σ_j f_ij (h_j - h_k*)}, {@code c_i = Att_i - E_i},
     * the loss terms; returns {@code r_i = <c_i, Att_i>}.
     */
    private double attention(int i, int jEnd, int kstar) {
        final int d = pl.d;
        final double[] h = pl.h;
        int hk = kstar * d;
        java.util.Arrays.fill(dcen, 0.0);
        for (int j = 0; j < jEnd; j++) {
            double fj = f[j];
            int hj = j * d;
            for (int l = 0; l < d; l++) {
                double gl = h[hj + l] - h[hk + l];
                g[hj + l] = gl;
                dcen[l] += fj * gl;
            }
        }
        double ri = 0.0;
        for (int l = 0; l < d; l++) {
            double a = h[hk + l] + dcen[l];
            double cl = pl.inst.c(a, pl.e[i * d + l]);
            ci[l] = cl;
            pl.att[i * d + l] = a;
            pl.c[i * d + l] = cl;
            lossSum += cl * cl;
            ri += cl * a;
        }
        pl.r[i] = ri;
        return ri;
    }

    /**
     * Row {@code i}'s {@code p_ij = f_ij t} ({@link OffsetPathRules#pFactor}) and its terms of
     * {@code M}, {@code dQ_i}, {@code dK}, {@code dV}.
     */
    private void backward(int i, int jEnd, double ri, int blockStart) {
        final int n = pl.n;
        final int d = pl.d;
        final int size = pl.w.size;
        final double[] h = pl.h;
        final double[] ww = pl.w.w;
        final int[] wrow = pl.w.row;
        final int[] wcol = pl.w.col;
        final double[] ks = pl.scores.ks;
        final OffsetPathRules rules = pl.rules;
        if (pl.needDK) {
            for (int kk = 0; kk < size; kk++) {
                qs[kk] = pl.scores.q[i * d + wrow[kk]];
            }
        }
        if (pl.needDQ) {
            java.util.Arrays.fill(dqS, 0.0);
        }
        for (int j = 0; j < jEnd; j++) {
            int hj = j * d;
            double p = f[j] * rules.pFactor(ci, h, hj, g, dcen, ri, d);
            if (pl.wantP) {
                pl.pOut[i * n + j] = p;
            }
            int wb = (i - j + n - 1) * size;
            if (pl.needG) {
                pBlock[(i - blockStart) * n + j] = p;
            }
            if (pl.needDQ) {
                int js = j * size;
                for (int kk = 0; kk < size; kk++) {
                    dqS[kk] += p * ww[wb + kk] * ks[js + kk];
                }
            }
            if (pl.needDK) {
                for (int kk = 0; kk < size; kk++) {
                    dk[hj + wcol[kk]] += p * qs[kk] * ww[wb + kk];
                }
            }
            if (pl.needDV) {
                double fj = f[j];
                for (int l = 0; l < d; l++) {
                    dv[hj + l] += fj * ci[l];
                }
            }
        }
        if (pl.needDQ) {
            // dQ[i,b] = sigma Σ_{k in row b of S} dqS[k]: n + r_b + 1 <= n r_b + 2 roundings per term.
            for (int b = 0; b < d; b++) {
                double sb = 0.0;
                for (int kk = 0; kk < size; kk++) {
                    if (wrow[kk] == b) {
                        sb += dqS[kk];
                    }
                }
                pl.dq[i * d + b] = pl.scale.apply(sb);
            }
        }
    }

    /**
     * Adds the rows {@code [i0, i1)} of {@code p} to {@code M_m[a,c] = Σ_{i-j=m} p_ij A1[i,a] A2[j,c]},
     * one offset at a time with a local accumulator (so {@code M} is streamed once per block of
     * {@link #BLOCK} rows, not once per row). Each term passes through 2 multiplications, fewer than
     * {@code BLOCK} additions in the block and one addition per block into {@code M_m}: at most
     * {@code n + 1} roundings before the worker merge.
     */
    private void flushM(double[] pBlock, int i0, int i1, double[] acc, double[] xbuf) {
        final int n = pl.n;
        final int d = pl.d;
        final int dd = d * d;
        final double[] a1 = pl.a1;
        final double[] a2 = pl.a2;
        // Offsets present in rows [i0, i1): m = i - j from i0 - (n - 1) to i1 - 1.
        // Under a causal mask p_ij = 0 for j > i: the negative offsets carry nothing.
        for (int mo = pl.causal ? Math.max(0, i0 - (n - 1)) : i0 - (n - 1); mo <= i1 - 1; mo++) {
            int lo = Math.max(i0, mo);
            int hi = Math.min(i1, n + mo);
            if (lo >= hi) {
                continue;
            }
            // x[(i - lo), a] = p_{i,i-m} A1[i,a]; then M_m[a,c] += Σ_i x[i,a] A2[i-m,c] as a small GEMM
            // with four independent accumulators (one rounding order per entry: increasing i).
            int len = hi - lo;
            for (int i = lo; i < hi; i++) {
                double p = pBlock[(i - i0) * n + (i - mo)];
                int ai = i * d;
                int xo = (i - lo) * d;
                for (int a = 0; a < d; a++) {
                    xbuf[xo + a] = p * a1[ai + a];
                }
            }
            int a2o = (lo - mo) * d;
            for (int a = 0; a < d; a++) {
                int c = 0;
                for (; c + 3 < d; c += 4) {
                    double s0 = 0.0;
                    double s1 = 0.0;
                    double s2 = 0.0;
                    double s3 = 0.0;
                    for (int t = 0; t < len; t++) {
                        double x = xbuf[t * d + a];
                        int q = a2o + t * d + c;
                        s0 += x * a2[q];
                        s1 += x * a2[q + 1];
                        s2 += x * a2[q + 2];
                        s3 += x * a2[q + 3];
                    }
                    acc[a * d + c] = s0;
                    acc[a * d + c + 1] = s1;
                    acc[a * d + c + 2] = s2;
                    acc[a * d + c + 3] = s3;
                }
                for (; c < d; c++) {
                    double s0 = 0.0;
                    for (int t = 0; t < len; t++) {
                        s0 += xbuf[t * d + a] * a2[a2o + t * d + c];
                    }
                    acc[a * d + c] = s0;
                }
            }
            int mb = (mo + n - 1) * dd;
            for (int t = 0; t < dd; t++) {
                m[mb + t] += acc[t];
            }
        }
    }
}
