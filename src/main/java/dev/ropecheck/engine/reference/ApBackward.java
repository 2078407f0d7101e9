package dev.ropecheck.engine.reference;

import dev.ropecheck.model.Support;
import java.util.Arrays;
import org.apfloat.Apfloat;

/**
 * The backward pass of {@link ReferenceRopeAttention} in arbitrary precision, from the definitions:
 * {@code p} (Lemmas 5.1–5.3, in the cancellation-free form and in the textbook form), {@code G = ∂L/∂X}
 * grouped by offset (Lemmas 5.4–5.6), {@code dQ} and {@code dK} (MATH §3 chain rule), their rotated
 * forms (MATH §9) and the chain rule through {@code G} to {@code W_Q}, {@code W_K}. Notation as in
 * {@link ReferenceRopeAttention}: {@code f} the softmax probabilities, {@code h = A3 W_V}, {@code c =
 * Att - E} (or {@code dO}), {@code r_i = <c_i, Att_i>}, {@code W_m} the offset-{@code m} weight.
 * Precondition: every matrix comes from one forward pass of the same {@link ApInstance}.
 */
final class ApBackward {
    private ApBackward() {
    }

    /** {@code p_ij = f_ij <c_i, h_j - Att_i>} (no cancellation between {@code q_ij} and {@code r_i}). */
    static ApMatrix p(ApMatrix f, ApMatrix h, ApMatrix att, ApMatrix c) {
        int n = f.rows();
        int d = h.cols();
        Apfloat[] p = new Apfloat[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                Apfloat sum = Apfloat.ZERO;
                for (int l = 0; l < d; l++) {
                    sum = sum.add(c.get(i, l).multiply(h.get(j, l).subtract(att.get(i, l))));
                }
                p[i * n + j] = f.get(i, j).multiply(sum);
            }
        }
        return new ApMatrix(n, n, p);
    }

    /**
     * The textbook form {@code p_ij = f_ij (q_ij - r_i)}, {@code q = c h^T} (Lemma 5.1–5.3); equal to
     * the form used by {@link ReferenceRopeAttention#evaluate} up to the cancellation in {@code q_ij - r_i}.
     */
    static ApMatrix pByQMinusR(ApMatrix f, ApMatrix h, ApMatrix c, ApMatrix r) {
        int n = f.rows();
        int d = h.cols();
        Apfloat[] p = new Apfloat[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                Apfloat q = Apfloat.ZERO;
                for (int l = 0; l < d; l++) {
                    q = q.add(c.get(i, l).multiply(h.get(j, l)));
                }
                p[i * n + j] = f.get(i, j).multiply(q.subtract(r.get(i, 0)));
            }
        }
        return new ApMatrix(n, n, p);
    }

    /**
     * {@code G[(a,c),(b,e)] = (1/d) Σ_m M_m[a,c] W_m[b,e]}, {@code M_m[a,c] = Σ_{i-j=m} p_ij A1[i,a] A2[j,c]}
     * (Lemmas 5.4–5.6); exactly zero for {@code (b,e) ∉ S}.
     */
    static ApMatrix gradX(ApInstance in, ApMatrix p) {
        int n = in.n();
        int d = in.d();
        int dd = d * d;
        Apfloat[][] mm = new Apfloat[2 * n - 1][dd];
        for (Apfloat[] row : mm) {
            Arrays.fill(row, Apfloat.ZERO);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                Apfloat[] m = mm[i - j + n - 1];
                Apfloat pij = p.get(i, j);
                for (int a = 0; a < d; a++) {
                    Apfloat t = pij.multiply(in.a1().get(i, a));
                    for (int c = 0; c < d; c++) {
                        m[a * d + c] = m[a * d + c].add(t.multiply(in.a2().get(j, c)));
                    }
                }
            }
        }
        Support sup = in.support();
        Apfloat[] g = new Apfloat[dd * dd];
        Arrays.fill(g, Apfloat.ZERO);
        for (int ac = 0; ac < dd; ac++) {
            for (int k = 0; k < sup.size(); k++) {
                Apfloat sum = Apfloat.ZERO;
                for (int m = -(n - 1); m <= n - 1; m++) {
                    sum = sum.add(mm[m + n - 1][ac].multiply(in.weight(m, k)));
                }
                g[ac * dd + sup.pairIndex(k)] = in.scaled(sum);
            }
        }
        return new ApMatrix(dd, dd, g);
    }

    /**
     * {@code dQ_i = (1/d) Σ_j p_ij K_j W_{i-j}^T}, {@code dK_j = (1/d) Σ_i p_ij Q_i W_{i-j}} with
     * {@code Q = A1 W_Q}, {@code K = A2 W_K} (MATH §3 chain rule).
     */
    static ApMatrix[] dQdK(ApInstance in, ApMatrix p, long prec) {
        int n = in.n();
        int d = in.d();
        ApMatrix q = in.a1().times(in.wq());
        ApMatrix kk = in.a2().times(in.wk());
        Support sup = in.support();
        Apfloat[] dq = new Apfloat[n * d];
        Apfloat[] dk = new Apfloat[n * d];
        Arrays.fill(dq, Apfloat.ZERO);
        Arrays.fill(dk, Apfloat.ZERO);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                Apfloat pij = p.get(i, j);
                for (int k = 0; k < sup.size(); k++) {
                    int b = sup.row(k);
                    int e = sup.col(k);
                    Apfloat pw = pij.multiply(in.weight(i - j, k));
                    dq[i * d + b] = dq[i * d + b].add(pw.multiply(kk.get(j, e)));
                    dk[j * d + e] = dk[j * d + e].add(pw.multiply(q.get(i, b)));
                }
            }
        }
        for (int t = 0; t < dq.length; t++) {
            dq[t] = in.scaled(dq[t]);
            dk[t] = in.scaled(dk[t]);
        }
        return new ApMatrix[] {new ApMatrix(n, d, dq), new ApMatrix(n, d, dk)};
    }

    /**
     * {@code g_i R_i} for every row (MATH §9: {@code dQrot_i = dQ_i R_i}), with {@code R_i = W_i}
     * ({@code W_{i-0} = R_i R_0^T}, {@code R_0 = I}) at the working precision; for the RoPE and
     * identity families.
     */
    static ApMatrix rotated(ApInstance in, ApMatrix g) {
        int n = in.n();
        int d = in.d();
        Apfloat[] out = new Apfloat[n * d];
        for (int i = 0; i < n; i++) {
            ApMatrix w = in.weightMatrix(i);
            for (int e = 0; e < d; e++) {
                Apfloat sum = Apfloat.ZERO;
                for (int b = 0; b < d; b++) {
                    sum = sum.add(g.get(i, b).multiply(w.get(b, e)));
                }
                out[i * d + e] = sum;
            }
        }
        return new ApMatrix(n, d, out);
    }

    /** The chain rule through {@code G}: {@code ∂L/∂W_Q[a,b] = Σ_{c,e} G[(a,c),(b,e)] W_K[c,e]}. */
    static ApMatrix gradWQFromG(ApMatrix g, ApMatrix wk) {
        int d = wk.rows();
        Apfloat[] out = new Apfloat[d * d];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                Apfloat sum = Apfloat.ZERO;
                for (int c = 0; c < d; c++) {
                    for (int e = 0; e < d; e++) {
                        sum = sum.add(g.get(a * d + c, b * d + e).multiply(wk.get(c, e)));
                    }
                }
                out[a * d + b] = sum;
            }
        }
        return new ApMatrix(d, d, out);
    }

    /** The chain rule through {@code G}: {@code ∂L/∂W_K[c,e] = Σ_{a,b} G[(a,c),(b,e)] W_Q[a,b]}. */
    static ApMatrix gradWKFromG(ApMatrix g, ApMatrix wq) {
        int d = wq.rows();
        Apfloat[] out = new Apfloat[d * d];
        for (int c = 0; c < d; c++) {
            for (int e = 0; e < d; e++) {
                Apfloat sum = Apfloat.ZERO;
                for (int a = 0; a < d; a++) {
                    for (int b = 0; b < d; b++) {
                        sum = sum.add(g.get(a * d + c, b * d + e).multiply(wq.get(a, b)));
                    }
                }
                out[c * d + e] = sum;
            }
        }
        return new ApMatrix(d, d, out);
    }
}
