package dev.ropecheck.approx;

import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import org.ejml.data.DMatrixRMaj;

/**
 * Data-dependent bounds {@code beta >= max_{i,j} |s_ij|} on the scores (MATH §4; with the score scale
 * {@code sigma} of MATH §9 in place of {@code 1/d}), never smaller than
 * the exact value (see {@code proofs-notes/exp-approximation.md}, note #5):
 * <ul>
 *   <li>with weights: {@code beta = (1/d) Σ_{(b,e)∈S} Q̄_b · W̄_{be} · K̄_e} where
 *       {@code Q̄_b = max_i Σ_a |A1[i,a]| |W_Q[a,b]| >= max_i |Q[i,b]|} (exact Q, and the double Q),
 *       likewise {@code K̄_e}, and {@code W̄_{be} = max_m |W_m[b,e]|};</li>
 *   <li>general X: {@code beta = (1/d) Σ_{a,c,b,e} |X[(a,c),(b,e)]| Ā1_a Ā2_c W̄_{be}}.</li>
 * </ul>
 * Each is a nested sum of non-negative double products (at most {@code 2^24} terms per sum), so its
 * floating-point value is within relative {@code 2^24 u < 2e-9} of the real one; the result is
 * inflated by {@link #INFLATION} to be an upper bound. For RoPE the family's double weights
 * ({@code |cos|, |sin| <= 1}) are bounded by 1 and so is the exact rotation; we use {@code W̄ = 1}.
 */
public final class ScoreBound {
    /** Covers the relative rounding of the sums and of the double {@code Q, K, W}: {@code 1 + 1e-8}. */
    public static final double INFLATION = 1 + 1e-8;

    private ScoreBound() {
    }

    /** {@code beta} of MATH §4 for {@code instance} (weights form when available, else general X). */
    public static double beta(RopeInstance instance) {
        int n = instance.n();
        int d = instance.d();
        PositionFamily fam = instance.family();
        double[][] wmax = weightMax(fam, n);
        double sum = 0;
        if (instance.hasWeights()) {
            double[] qbar = colAbsBound(instance.a1(), instance.wq());
            double[] kbar = colAbsBound(instance.a2(), instance.wk());
            Support s = fam.support();
            for (int k = 0; k < s.size(); k++) {
                sum += qbar[s.row(k)] * wmax[s.row(k)][s.col(k)] * kbar[s.col(k)];
            }
        } else {
            double[] a1 = colMax(instance.a1());
            double[] a2 = colMax(instance.a2());
            DMatrixRMaj x = instance.x();
            Support s = fam.support();
            for (int a = 0; a < d; a++) {
                for (int c = 0; c < d; c++) {
                    for (int k = 0; k < s.size(); k++) {
                        int b = s.row(k);
                        int e = s.col(k);
                        sum += Math.abs(x.unsafe_get(a * d + c, b * d + e)) * a1[a] * a2[c] * wmax[b][e];
                    }
                }
            }
        }
        return scaled(sum, instance) * INFLATION;
    }

    /**
     * For the rotated rows {@code Q'_i = rope(Q)_i}, {@code K'_j = rope(K)_j} (low-rank variant, MATH §5):
     * {@code |s_ij| = |<Q'_i, K'_j>|/d <= (1/d) Σ_k ||Q_i||_{pair k} ||K_j||_{pair k}}, since the rotation
     * preserves each pair's 2-norm; bounded by {@code (1/d) Σ_k max_i ||Q̄_i||_k max_j ||K̄_j||_k}
     * (note #6). For the identity family {@code (1/d) Σ_b Q̄_b K̄_b}. Requires weights.
     */
    public static double betaRotated(RopeInstance instance) {
        if (!instance.hasWeights()) {
            throw new IllegalArgumentException("betaRotated needs W_Q and W_K (the instance gives X)");
        }
        int d = instance.d();
        double[] qm = pairMax(instance.a1(), instance.wq(), instance.family());
        double[] km = pairMax(instance.a2(), instance.wk(), instance.family());
        double sum = 0;
        for (int p = 0; p < qm.length; p++) {
            sum += qm[p] * km[p];
        }
        return scaled(sum, instance) * INFLATION;
    }

    /**
     * For each RoPE pair {@code (a, b)} (or each dim for the identity family) the largest 2-norm over
     * rows of the row bound {@code Σ_c |A[i,c]| |W[c,·]|} restricted to the pair; streaming over rows.
     * {@code sqrt(x² + y²)} in double is within {@code 2u} relative (covered by {@link #INFLATION}).
     */
    private static double[] pairMax(DMatrixRMaj a, DMatrixRMaj w, PositionFamily fam) {
        int n = a.numRows;
        int d = a.numCols;
        RopeFamily rope = fam instanceof RopeFamily ? (RopeFamily) fam : null;
        int pairs = rope != null ? d / 2 : d;
        double[] out = new double[pairs];
        double[] row = new double[d];
        double[] ad = a.data;
        double[] wd = w.data;
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(row, 0.0);
            for (int c = 0; c < d; c++) {
                double ac = Math.abs(ad[i * d + c]);
                for (int b = 0; b < d; b++) {
                    row[b] += ac * Math.abs(wd[c * d + b]);
                }
            }
            for (int p = 0; p < pairs; p++) {
                double v;
                if (rope != null) {
                    double x = row[rope.dimA(p)];
                    double y = row[rope.dimB(p)];
                    v = Math.sqrt(x * x + y * y);
                } else {
                    v = row[p];
                }
                if (v > out[p]) {
                    out[p] = v;
                }
            }
        }
        return out;
    }

    /**
     * {@code sigma * sum} with the instance's score scale (MATH §9: {@code beta} scales with {@code sigma});
     * {@code sum / d} for the papers' default, as before the scale existed. One more rounding, covered
     * by {@link #INFLATION}.
     */
    static double scaled(double sum, RopeInstance instance) {
        return instance.hasDefaultScale() ? sum / instance.d() : sum * instance.scale();
    }

    /** {@code W̄[b][e] = max_m |W_m[b,e]|} over {@code |m| <= n-1} (1 for RoPE). */
    static double[][] weightMax(PositionFamily fam, int n) {
        int d = fam.d();
        double[][] w = new double[d][d];
        Support s = fam.support();
        for (int k = 0; k < s.size(); k++) {
            int b = s.row(k);
            int e = s.col(k);
            if (fam instanceof RopeFamily) {
                w[b][e] = 1.0;
                continue;
            }
            double mx = 0;
            for (int m = -(n - 1); m <= n - 1; m++) {
                mx = Math.max(mx, Math.abs(fam.weight(m, b, e)));
            }
            w[b][e] = mx;
        }
        return w;
    }

    /** {@code max_i Σ_a |A[i,a]| |W[a,b]|} for each column {@code b}. */
    static double[] colAbsBound(DMatrixRMaj a, DMatrixRMaj w) {
        double[][] r = rowAbsBound(a, w);
        double[] out = new double[w.numCols];
        for (double[] row : r) {
            for (int b = 0; b < out.length; b++) {
                out[b] = Math.max(out[b], row[b]);
            }
        }
        return out;
    }

    /** {@code Σ_a |A[i,a]| |W[a,b]|} for every {@code i, b}. */
    static double[][] rowAbsBound(DMatrixRMaj a, DMatrixRMaj w) {
        int n = a.numRows;
        int d = a.numCols;
        double[][] out = new double[n][w.numCols];
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < w.numCols; b++) {
                double s = 0;
                for (int c = 0; c < d; c++) {
                    s += Math.abs(a.unsafe_get(i, c)) * Math.abs(w.unsafe_get(c, b));
                }
                out[i][b] = s;
            }
        }
        return out;
    }

    static double[] colMax(DMatrixRMaj a) {
        double[] out = new double[a.numCols];
        for (int i = 0; i < a.numRows; i++) {
            for (int c = 0; c < a.numCols; c++) {
                out[c] = Math.max(out[c], Math.abs(a.unsafe_get(i, c)));
            }
        }
        return out;
    }
}
