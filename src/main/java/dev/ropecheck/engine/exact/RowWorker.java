package dev.ropecheck.engine.exact;

/**
 * Processes rows {@code [from, to)} of one {@link ExactEngine} computation: scores, stable softmax,
 * attention, loss, {@code p}, and the worker's partial sums of {@code M_m}, {@code dK}, {@code dV}
 * (MATH §2–3, RoPE-grad Lemmas 5.4–5.6); under a causal mask (MATH §9) row {@code i} runs over
 * {@code j <= i} only. No allocation inside the {@code O(n)} per-row loops.
 */
final class RowWorker implements Runnable {
    /** Rows of {@code p} buffered before they are added to {@code M} ({@link #flushM}). */
    static final int BLOCK = 64;

    private final ExactEngine.Plan pl;
    private final int from;
    private final int to;
    double loss;
    /** Partial {@code M_m}, {@code (2n-1) x d x d}. */
    final double[] m;
    /** Partial {@code dK} (before the scaling by sigma), {@code n x d}. */
    final double[] dk;
    /** Partial {@code dV}, {@code n x d}. */
    final double[] dv;

    RowWorker(ExactEngine.Plan plan, int from, int to) {
        this.pl = plan;
        this.from = from;
        this.to = to;
        int n = plan.n;
        int d = plan.d;
        this.m = plan.needG ? new double[(2 * n - 1) * d * d] : null;
        this.dk = plan.needDK ? new double[n * d] : null;
        this.dv = plan.needDV ? new double[n * d] : null;
    }

    @Override
    public void run() {
        final int n = pl.n;
        final int d = pl.d;
        final int dd = d * d;
        final int size = pl.w.size;
        final double[] h = pl.h;
        final double[] ww = pl.w.w;
        final int[] wrow = pl.w.row;
        final int[] wcol = pl.w.col;
        final double[] q = pl.scores.q;
        final double[] ks = pl.scores.ks;
        final Fault fault = pl.fault;
        double[] s = new double[n];
        double[] f = new double[n];
        double[] work = new double[Math.max(size, d)];
        double[] qs = new double[size];
        double[] dcen = new double[d];
        double[] ci = new double[d];
        double[] ai = new double[d];
        double[] a1i = new double[d];
        double[] dqS = new double[size];
        double[] g = new double[n * d];
        double lossAcc = 0.0;
        double[] pBlock = pl.needG ? new double[BLOCK * n] : null;
        double[] acc = pl.needG ? new double[dd] : null;
        double[] xbuf = pl.needG ? new double[BLOCK * d] : null;
        int blockStart = from;
        for (int i = from; i < to; i++) {
            if (pl.needG && i - blockStart == BLOCK) {
                flushM(pBlock, blockStart, i, acc, xbuf);
                blockStart = i;
            }
            final int jEnd = pl.causal ? i + 1 : n;
            pl.scores.row(i, jEnd, s, work);
            // Stable softmax: subtract the row maximum s_{i,k*} (proofs-notes/stable-softmax.md).
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
            // Att_i = h_k* + D_i, D_i = Σ_j f_ij (h_j - h_k*).
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
                ai[l] = a;
                double cl = pl.inst.c(a, pl.e[i * d + l]);
                ci[l] = cl;
                pl.att[i * d + l] = a;
                pl.c[i * d + l] = cl;
                lossAcc += cl * cl;
                ri += cl * a;
            }
            pl.r[i] = ri;
            if (!pl.backward) {
                continue;
            }
            for (int a = 0; a < d; a++) {
                a1i[a] = pl.a1[i * d + a];
            }
            if (pl.needDK) {
                for (int kk = 0; kk < size; kk++) {
                    qs[kk] = q[i * d + wrow[kk]];
                }
            }
            if (pl.needDQ) {
                java.util.Arrays.fill(dqS, 0.0);
            }
            for (int j = 0; j < jEnd; j++) {
                int hj = j * d;
                double t = 0.0;
                switch (fault) {
                    case NAIVE_P:
                        for (int l = 0; l < d; l++) {
                            t += ci[l] * h[hj + l];
                        }
                        t = t - ri;
                        break;
                    case P_WITHOUT_DIAG_R_F:
                        for (int l = 0; l < d; l++) {
                            t += ci[l] * h[hj + l];
                        }
                        break;
                    default:
                        for (int l = 0; l < d; l++) {
                            t += ci[l] * (g[hj + l] - dcen[l]);
                        }
                }
                double p = f[j] * t;
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
                    int kj = j * d;
                    for (int kk = 0; kk < size; kk++) {
                        dk[kj + wcol[kk]] += p * qs[kk] * ww[wb + kk];
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
        if (pl.needG && to > blockStart) {
            flushM(pBlock, blockStart, to, acc, xbuf);
        }
        this.loss = lossAcc;
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
