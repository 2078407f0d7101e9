package dev.ropecheck.candidates;

import java.util.Arrays;

/**
 * The {@link Summation#BLOCKED_ONLINE_SOFTMAX} kernel (FlashAttention-2, Dao, arXiv 2307.08691,
 * Algorithm 1 forward, Algorithm 2 backward), one query row at a time (a row tile of height 1 has the
 * same arithmetic per row as any height). Forward, per key tile {@code T} of {@code Bc} keys:
 * {@code m_new = max(m, max_{j in T} s_ij)}, {@code P~_ij = exp(s_ij - m_new)} (accumulator),
 * {@code l = exp(m - m_new) l + Σ_{j in T} P~_ij},
 * {@code acc = exp(m - m_new) acc + Σ_{j in T} st(P~_ij) v_j} (sums within a tile straight); at the
 * end {@code O_i = st(acc / l)}, {@code lse_i = m + log l}, {@code alpha_i = exp(m) l}. Backward:
 * {@code P_ij = st(exp(s_ij - lse_i))} recomputed, {@code D_i = <dO_i, O_i>} (straight over
 * {@code d}), sums over keys and over queries blocked in tiles of {@code Bc}.
 *
 * <p>With {@link Bug#SOFTMAX_WRONG_AXIS} the statistics run down the columns instead (an online
 * pass over the queries gives {@code m_j, l_j}), {@code P_ij = st(exp(s_ij - lse_j))},
 * {@code alpha_j = exp(m_j) l_j}.
 */
final class OnlineSoftmaxPass extends AttentionPass {
    private final double[] acc;
    private final double[] tileAcc;
    private double[] lseCol;

    OnlineSoftmaxPass(int n, int d, double sigma, Arith ar, int block, double[] qrot, double[] krot, double[] v,
            double[] e, boolean wrongAxis) {
        super(n, d, sigma, ar, Summation.BLOCKED_ONLINE_SOFTMAX, block, qrot, krot, v, e, wrongAxis);
        this.acc = new double[d];
        this.tileAcc = new double[d];
    }

    @Override
    protected void prepare() {
        if (!wrongAxis) {
            return;
        }
        double[] m = new double[n];
        double[] l = new double[n];
        Arrays.fill(m, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i++) {
            scores(i, 0, n);
            for (int j = 0; j < n; j++) {
                double mNew = Math.max(m[j], s[j]);
                l[j] = ar.op(ar.op(l[j] * ar.exp(ar.op(m[j] - mNew))) + ar.exp(ar.op(s[j] - mNew)));
                m[j] = mNew;
            }
        }
        lseCol = new double[n];
        for (int j = 0; j < n; j++) {
            lseCol[j] = ar.op(m[j] + ar.log(l[j]));
            alpha[j] = ar.op(ar.exp(m[j]) * l[j]);
        }
    }

    @Override
    protected double forwardRow(int i) {
        int io = i * d;
        if (wrongAxis) {
            scores(i, 0, n);
            for (int j = 0; j < n; j++) {
                p[j] = ar.st(ar.exp(ar.op(s[j] - lseCol[j])));
            }
            rowTimesValues(i);
            residual(i);
            return ar.dot(c, io, 1, att, io, 1, d, false);
        }
        double m = Double.NEGATIVE_INFINITY;
        double l = 0;
        Arrays.fill(acc, 0);
        for (int t0 = 0; t0 < n; t0 += block) {
            int t1 = Math.min(n, t0 + block);
            scores(i, t0, t1);
            double mNew = m;
            for (int j = t0; j < t1; j++) {
                mNew = Math.max(mNew, s[j]);
            }
            double scale = ar.exp(ar.op(m - mNew));
            double lt = 0;
            Arrays.fill(tileAcc, 0);
            for (int j = t0; j < t1; j++) {
                double pt = ar.exp(ar.op(s[j] - mNew));
                lt = ar.op(lt + pt);
                double pj = ar.st(pt);
                int jo = j * d;
                for (int k = 0; k < d; k++) {
                    tileAcc[k] = ar.op(tileAcc[k] + ar.op(pj * v[jo + k]));
                }
            }
            l = ar.op(ar.op(scale * l) + lt);
            for (int k = 0; k < d; k++) {
                acc[k] = ar.op(ar.op(scale * acc[k]) + tileAcc[k]);
            }
            m = mNew;
        }
        for (int k = 0; k < d; k++) {
            att[io + k] = ar.st(ar.op(acc[k] / l));
        }
        double lse = ar.op(m + ar.log(l));
        alpha[i] = ar.op(ar.exp(m) * l);
        residual(i);
        double dI = ar.dot(c, io, 1, att, io, 1, d, false);
        for (int j = 0; j < n; j++) {
            p[j] = ar.st(ar.exp(ar.op(s[j] - lse)));
        }
        return dI;
    }
}
