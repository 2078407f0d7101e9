package dev.ropecheck.engine.fast;

import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * The linear terms of the score, {@code s_ij = (1/d) Σ_t q_t(i) w_t(i-j) k_t(j)} (MATH §5):
 * <ul>
 *   <li>with weights ({@code X = W_Q ⊗ W_K}): one term per {@code (b,e) ∈ S}, {@code q = Q[:,b]},
 *       {@code k = K[:,e]}, {@code w = W[b,e]};</li>
 *   <li>general {@code X}: one term per {@code a ∈ [d]} and {@code (b,e) ∈ S}, {@code q = A1[:,a]},
 *       {@code k(j) = Σ_c A2[j,c] X[(a,c),(b,e)]}, {@code w = W[b,e]} — MATH §5's expansion over
 *       {@code (a,c,b,e)} with the sum over {@code c} done first (exact rearrangement), so
 *       {@code T = d |S|} terms.</li>
 * </ul>
 * Terms whose column is identically zero are dropped (they contribute no monomial). Columns are
 * primitive arrays: {@code q[t][i]}, {@code k[t][j]}, {@code w[t][m + n - 1]}.
 */
final class ExpansionTerms {
    final int n;
    final int count;
    final double[][] q;
    final double[][] k;
    final double[][] w;
    /** True when {@code w[t]} is the same at every offset (no FFT needed). */
    final boolean[] constant;

    private ExpansionTerms(int n, List<double[]> q, List<double[]> k, List<double[]> w) {
        this.n = n;
        this.count = q.size();
        this.q = q.toArray(new double[0][]);
        this.k = k.toArray(new double[0][]);
        this.w = w.toArray(new double[0][]);
        this.constant = new boolean[count];
        for (int t = 0; t < count; t++) {
            boolean c = true;
            for (double v : this.w[t]) {
                c &= v == this.w[t][0];
            }
            constant[t] = c;
        }
    }

    /**
     * Terms {@code q = Q'[:,b]}, {@code k = K'[:,b]}, {@code w ≡ 1} for {@code b ∈ [d]}: the scores
     * {@code s_ij = <Q'_i, K'_j>/d} of already rotated rows (low-rank variant, MATH §5).
     */
    static ExpansionTerms rotated(DMatrixRMaj qRot, DMatrixRMaj kRot) {
        int n = qRot.numRows;
        List<double[]> qs = new ArrayList<>();
        List<double[]> ks = new ArrayList<>();
        List<double[]> ws = new ArrayList<>();
        for (int b = 0; b < qRot.numCols; b++) {
            add(qs, ks, ws, column(qRot, b), column(kRot, b), new double[] {1.0});
        }
        return new ExpansionTerms(n, qs, ks, ws);
    }

    static ExpansionTerms of(RopeInstance in) {
        int n = in.n();
        int d = in.d();
        PositionFamily fam = in.family();
        Support s = fam.support();
        double[][] wcol = new double[s.size()][2 * n - 1];
        for (int p = 0; p < s.size(); p++) {
            for (int m = -(n - 1); m <= n - 1; m++) {
                wcol[p][m + n - 1] = fam.weight(m, s.row(p), s.col(p));
            }
        }
        List<double[]> qs = new ArrayList<>();
        List<double[]> ks = new ArrayList<>();
        List<double[]> ws = new ArrayList<>();
        if (in.hasWeights()) {
            DMatrixRMaj qm = in.q();
            DMatrixRMaj km = in.k();
            for (int p = 0; p < s.size(); p++) {
                add(qs, ks, ws, column(qm, s.row(p)), column(km, s.col(p)), wcol[p]);
            }
        } else {
            DMatrixRMaj a1 = in.a1();
            DMatrixRMaj a2 = in.a2();
            DMatrixRMaj x = in.x();
            for (int a = 0; a < d; a++) {
                double[] qa = column(a1, a);
                for (int p = 0; p < s.size(); p++) {
                    int b = s.row(p);
                    int e = s.col(p);
                    double[] kc = new double[n];
                    for (int j = 0; j < n; j++) {
                        double v = 0;
                        for (int c = 0; c < d; c++) {
                            v += a2.unsafe_get(j, c) * x.unsafe_get(a * d + c, b * d + e);
                        }
                        kc[j] = v;
                    }
                    add(qs, ks, ws, qa, kc, wcol[p]);
                }
            }
        }
        return new ExpansionTerms(n, qs, ks, ws);
    }

    private static void add(List<double[]> qs, List<double[]> ks, List<double[]> ws, double[] q, double[] k,
            double[] w) {
        if (allZero(q) || allZero(k) || allZero(w)) {
            return;
        }
        qs.add(q);
        ks.add(k);
        ws.add(w);
    }

    private static boolean allZero(double[] v) {
        for (double x : v) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    static double[] column(DMatrixRMaj m, int c) {
        double[] out = new double[m.numRows];
        for (int i = 0; i < out.length; i++) {
            out[i] = m.unsafe_get(i, c);
        }
        return out;
    }
}
