package dev.ropecheck.engine.exact;

import dev.ropecheck.model.RopeInstance;

/**
 * Computes one row of the score matrix {@code s_ij} (MATH §2) at a time, in {@code O(n (d + |S|))}
 * per row with weights and {@code O(n d^2)} per row with a general {@code X}.
 *
 * <ul>
 *   <li>With {@code X = W_Q ⊗ W_K}: {@code s_ij = sigma Σ_k (Q[i,b_k] W_{i-j}[b_k,e_k]) K[j,e_k]}
 *       (products left to right, terms in support order, one final scaling by {@code sigma}, MATH §9).
 *   <li>With a general {@code X}: {@code Z_m[a,c] = Σ_k X[(a,c),k] W_m[k]} once per offset, then
 *       {@code v_c = Σ_a A1[i,a] Z_{i-j}[a,c]}, {@code s_ij = sigma Σ_c v_c A2[j,c]}.
 * </ul>
 * The evaluation order is the one {@code ExactRoundingModel} assumes. Immutable after construction;
 * {@link #row} writes into a caller-supplied array, so threads may share one instance.
 */
final class ScoreRows {
    private final int n;
    private final int d;
    private final OffsetWeights w;
    private final ScoreScale scale;
    private final boolean weights;
    /** Q = A1 W_Q and K = A2 W_K, row-major n x d (weights route). */
    final double[] q;
    final double[] k;
    /** {@code ks[j |S| + k] = K[j, e_k]}: K gathered into support order (weights route). */
    final double[] ks;
    /** A1, A2 row-major (general route). */
    private final double[] a1;
    private final double[] a2;
    /** Z table, (2n-1) x d x d (general route). */
    private final double[] z;

    /** @param scale the score scale {@code sigma} (MATH §9) */
    ScoreRows(RopeInstance inst, OffsetWeights w, ScoreScale scale) {
        this.n = inst.n();
        this.d = inst.d();
        this.w = w;
        this.scale = scale;
        this.weights = inst.hasWeights();
        this.a1 = inst.a1().data;
        this.a2 = inst.a2().data;
        if (weights) {
            this.q = DenseOps.mult(a1, n, d, inst.wq().data, d);
            this.k = DenseOps.mult(a2, n, d, inst.wk().data, d);
            this.ks = new double[n * w.size];
            for (int j = 0; j < n; j++) {
                for (int kk = 0; kk < w.size; kk++) {
                    ks[j * w.size + kk] = k[j * d + w.col[kk]];
                }
            }
            this.z = null;
        } else {
            this.q = null;
            this.k = null;
            this.ks = null;
            double[] x = inst.x().data;
            int dd = d * d;
            int offsets = 2 * n - 1;
            this.z = new double[offsets * dd];
            for (int idx = 0; idx < offsets; idx++) {
                int wb = idx * w.size;
                for (int ac = 0; ac < dd; ac++) {
                    double acc = 0.0;
                    int xr = ac * dd;
                    for (int kk = 0; kk < w.size; kk++) {
                        acc += x[xr + w.pair[kk]] * w.w[wb + kk];
                    }
                    z[idx * dd + ac] = acc;
                }
            }
        }
    }

    /**
     * Writes {@code s_ij}, {@code j = 0..jEnd-1}, into {@code out}; {@code work} has length >= max(|S|, d);
     * {@code jEnd <= n} ({@code i + 1} under a causal mask).
     */
    void row(int i, int jEnd, double[] out, double[] work) {
        if (weights) {
            int size = w.size;
            int qi = i * d;
            for (int kk = 0; kk < size; kk++) {
                work[kk] = q[qi + w.row[kk]];
            }
            double[] ww = w.w;
            for (int j = 0; j < jEnd; j++) {
                int wb = (i - j + n - 1) * size;
                int kj = j * size;
                double acc = 0.0;
                for (int kk = 0; kk < size; kk++) {
                    acc += work[kk] * ww[wb + kk] * ks[kj + kk];
                }
                out[j] = scale.apply(acc);
            }
        } else {
            int dd = d * d;
            int ai = i * d;
            for (int j = 0; j < jEnd; j++) {
                int zb = (i - j + n - 1) * dd;
                int aj = j * d;
                double acc = 0.0;
                for (int c = 0; c < d; c++) {
                    double v = 0.0;
                    for (int a = 0; a < d; a++) {
                        v += a1[ai + a] * z[zb + a * d + c];
                    }
                    acc += v * a2[aj + c];
                }
                out[j] = scale.apply(acc);
            }
        }
    }
}
