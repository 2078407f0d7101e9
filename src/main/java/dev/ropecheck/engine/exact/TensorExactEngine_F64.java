package dev.ropecheck.engine.exact;

import dev.ropecheck.engine.TensorAttentionEngine;
import dev.ropecheck.engine.TensorChainRule;
import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.engine.TensorRowOutputs;
import dev.ropecheck.model.TensorInstance;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * Exact tensor attention in double precision, {@code Θ(n^3 d)} time after {@code Θ(n^2 d^2)} set-up
 * (Tensor-grad; MATH §8). One pass per query row {@code i} over its {@code n^2} key pairs; nothing of size
 * {@code n x n^2} is formed unless {@code A, f} or {@code p} is requested (then {@code n^3 <=}
 * {@link #MAX_QUADRATIC_ENTRIES}).
 *
 * <p>Per row: scores {@code S[i,(j1,j2)] = Σ_{c2} (Σ_{c1} (A1 X)[i,(c1,c2)] A2[j1,c1]) A3[j2,c2] · (1/d)};
 * stable softmax (shift by the row maximum {@code m_i}; {@code alpha_i = e^{m_i} Σ_j e^{S_ij - m_i}});
 * {@code Att_i = f_i h} with {@code h = (A4 ⊗ A5) Y} formed once ({@code n^2 x d});
 * {@code c_i = Att_i - E_i}; the cancellation-free {@code p_ij = f_ij <c_i, h_j - Att_i>} (MATH §3);
 * the row's contribution {@code A1[i,:]^T ⊗ (Σ_{j1} A2[j1,:]^T Σ_{j2} p_{i,(j1,j2)} A3[j2,:])} to
 * {@code d ∇_X L}, and {@code (Σ_j f_ij (A4 ⊗ A5)_j)^T c_i} to {@code ∇_Y L}. Weight gradients by
 * {@link TensorChainRule}.
 *
 * <p>Error: the rounding model of {@code proofs-notes/tensor-rounding.md}, implemented by
 * {@link dev.ropecheck.bounds.TensorExactRounding}, which follows this exact order of operations.
 */
public final class TensorExactEngine_F64 implements TensorAttentionEngine {
    /** Largest {@code n^3} for which the {@code n x n^2} quantities are returned. */
    public static final long MAX_QUADRATIC_ENTRIES = 1L << 24;
    /** Largest {@code n^2 d} (entries of {@code h}). */
    public static final long MAX_H_ENTRIES = 1L << 27;

    @Override
    public String name() {
        return "tensor-exact";
    }

    @Override
    public Set<TensorQuantity> supported(TensorInstance instance) {
        Set<TensorQuantity> s = EnumSet.range(TensorQuantity.A, TensorQuantity.GRAD_Y);
        long n = instance.n();
        if (n * n * n > MAX_QUADRATIC_ENTRIES) {
            s.remove(TensorQuantity.A);
            s.remove(TensorQuantity.F);
            s.remove(TensorQuantity.P);
            s.remove(TensorQuantity.H);
        }
        s.addAll(TensorAttentionEngine.weightQuantities(instance));
        return s;
    }

    @Override
    public TensorResult compute(TensorInstance in, Set<TensorQuantity> wanted) {
        TensorAttentionEngine.requireSupported(name(), wanted, supported(in));
        final int n = in.n();
        final int d = in.d();
        final int nn = n * n;
        final int dd = d * d;
        if ((long) nn * d > MAX_H_ENTRIES) {
            throw new IllegalArgumentException("exact engine: n^2 d = " + (long) nn * d + " exceeds " + MAX_H_ENTRIES
                    + " (n = " + n + "); use the fast engine");
        }
        RowPass pass = new RowPass(in, wanted);
        for (int i = 0; i < n; i++) {
            pass.row(i);
        }
        double[] gx = pass.gx;
        for (int k = 0; k < gx.length; k++) {
            gx[k] *= pass.invD;
        }
        TensorResult.Builder b = TensorResult.builder(name());
        putIfWanted(b, wanted, TensorQuantity.A, pass.aOut);
        putIfWanted(b, wanted, TensorQuantity.F, pass.fOut);
        putIfWanted(b, wanted, TensorQuantity.P, pass.pOut);
        putIfWanted(b, wanted, TensorQuantity.H, DMatrixRMaj.wrap(nn, d, pass.h));
        TensorRowOutputs.put(in, wanted, pass.alpha, pass.att, pass.c, pass.twoLoss, pass.r, DMatrixRMaj.wrap(d, dd, gx),
                DMatrixRMaj.wrap(dd, d, pass.gy), b);
        return b.build();
    }

    /**
     * The per-row pass: the inputs, the row outputs {@code alpha, Att, c, r} and the accumulated
     * {@code d ∇_X L} ({@code gx}) and {@code ∇_Y L} ({@code gy}), with the row's scratch arrays allocated once.
     */
    private static final class RowPass {
        final int n;
        final int d;
        final int nn;
        final int dd;
        final double invD;
        final double[] a1;
        final double[] a2;
        final double[] a3;
        final double[] a4;
        final double[] a5;
        final double[] e;
        final boolean wantGradX;
        final boolean wantGradY;
        final double[] qx;
        final double[] h;
        final double[] alpha;
        final double[] att;
        final double[] c;
        final double[] r;
        final double[] gx;
        final double[] gy;
        final DMatrixRMaj aOut;
        final DMatrixRMaj fOut;
        final DMatrixRMaj pOut;
        double twoLoss;
        final double[] t;
        final double[] row;
        final double[] pi;
        final double[] fi;
        final double[] u;
        final double[] w;

        RowPass(TensorInstance in, Set<TensorQuantity> wanted) {
            n = in.n();
            d = in.d();
            nn = n * n;
            dd = d * d;
            invD = 1.0 / d;
            a1 = in.a1().data;
            a2 = in.a2().data;
            a3 = in.a3().data;
            a4 = in.a4().data;
            a5 = in.a5().data;
            e = in.e().data;
            wantGradX = TensorRowOutputs.needsGradX(wanted) || wanted.contains(TensorQuantity.P);
            wantGradY = TensorRowOutputs.needsGradY(wanted);
            qx = queryTimesX(a1, in.x().data, n, d);
            h = values(a4, a5, in.y().data, n, d);
            alpha = new double[n];
            att = new double[n * d];
            c = new double[n * d];
            r = new double[n];
            gx = new double[d * dd];
            gy = new double[dd * d];
            aOut = wanted.contains(TensorQuantity.A) ? new DMatrixRMaj(n, nn) : null;
            fOut = wanted.contains(TensorQuantity.F) ? new DMatrixRMaj(n, nn) : null;
            pOut = wanted.contains(TensorQuantity.P) ? new DMatrixRMaj(n, nn) : null;
            t = new double[n * d];
            row = new double[nn];
            pi = new double[dd];
            fi = new double[dd];
            u = new double[d];
            w = new double[d];
        }

        /** Query row {@code i}: softmax, {@code Att_i, c_i, r_i}, and its terms of both gradients. */
        void row(int i) {
            double m = scores(i, qx, a2, a3, n, d, invD, t, row);
            double sum = expShifted(row, nn, m);
            double em = Math.exp(m);
            alpha[i] = sum * em;
            if (aOut != null) {
                for (int j = 0; j < nn; j++) {
                    aOut.unsafe_set(i, j, row[j] * em);
                }
            }
            double inv = 1.0 / sum;
            for (int j = 0; j < nn; j++) {
                row[j] *= inv; // row now holds f_i
            }
            if (fOut != null) {
                System.arraycopy(row, 0, fOut.data, i * nn, nn);
            }
            attentionRow(row, h, nn, d, w);
            double ri = 0;
            for (int l = 0; l < d; l++) {
                att[i * d + l] = w[l];
                double cl = w[l] - e[i * d + l];
                c[i * d + l] = cl;
                twoLoss += cl * cl;
                ri += cl * w[l];
            }
            r[i] = ri;
            if (wantGradY) {
                // F_i[c1,c2] = Σ_{j1} A4[j1,c1] Σ_{j2} f_{i,(j1,j2)} A5[j2,c2]; GY[(c1,c2),l] += F_i[c1,c2] c_il
                contractPairs(row, a4, a5, n, d, u, fi);
                addOuter(gy, fi, 0, c, i * d, dd, d);
            }
            if (wantGradX) {
                pRow(row, c, i * d, h, w, nn, d);
                if (pOut != null) {
                    System.arraycopy(row, 0, pOut.data, i * nn, nn);
                }
                // P_i[c1,c2] = Σ_{j1} A2[j1,c1] Σ_{j2} p_{i,(j1,j2)} A3[j2,c2]; G[a,s] += A1[i,a] P_i[s]
                contractPairs(row, a2, a3, n, d, u, pi);
                addOuter(gx, a1, i * d, pi, 0, d, dd);
            }
        }
    }

    private static void putIfWanted(TensorResult.Builder b, Set<TensorQuantity> wanted, TensorQuantity q, DMatrixRMaj m) {
        if (wanted.contains(q)) {
            b.put(q, m);
        }
    }

    /** {@code row[j] <- exp(row[j] - m)} for {@code j < nn}; returns their sum, in increasing {@code j}. */
    private static double expShifted(double[] row, int nn, double m) {
        double sum = 0;
        for (int j = 0; j < nn; j++) {
            double ej = Math.exp(row[j] - m);
            row[j] = ej;
            sum += ej;
        }
        return sum;
    }

    /** {@code w = Att_i = f_i h} ({@code f_i} in {@code row}, {@code h} row-major {@code n^2 x d}). */
    private static void attentionRow(double[] row, double[] h, int nn, int d, double[] w) {
        Arrays.fill(w, 0);
        for (int j = 0; j < nn; j++) {
            double fj = row[j];
            int base = j * d;
            for (int l = 0; l < d; l++) {
                w[l] += fj * h[base + l];
            }
        }
    }

    /** {@code p_ij = f_ij <c_i, h_j - Att_i>} over {@code row} ({@code f_i} in, {@code p_i} out; {@code c_i} at {@code c[ci..]}). */
    private static void pRow(double[] row, double[] c, int ci, double[] h, double[] w, int nn, int d) {
        for (int j = 0; j < nn; j++) {
            int base = j * d;
            double acc = 0;
            for (int l = 0; l < d; l++) {
                acc += c[ci + l] * (h[base + l] - w[l]);
            }
            row[j] *= acc;
        }
    }

    /** {@code out[a, s] += x[xi + a] y[yi + s]}, {@code a < rows}, {@code s < cols}: one row's rank-one term of a gradient. */
    private static void addOuter(double[] out, double[] x, int xi, double[] y, int yi, int rows, int cols) {
        for (int a = 0; a < rows; a++) {
            double v1 = x[xi + a];
            for (int s = 0; s < cols; s++) {
                out[a * cols + s] += v1 * y[yi + s];
            }
        }
    }

    /** {@code Qx = A1 X}, {@code n x d^2} (row-major arrays; {@code a1} is {@code n x d}, {@code x} is {@code d x d^2}). */
    private static double[] queryTimesX(double[] a1, double[] x, int n, int d) {
        int dd = d * d;
        double[] qx = new double[n * dd];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < dd; s++) {
                double acc = 0;
                for (int a = 0; a < d; a++) {
                    acc += a1[i * d + a] * x[a * dd + s];
                }
                qx[i * dd + s] = acc;
            }
        }
        return qx;
    }

    /**
     * {@code h = (A4 ⊗ A5) Y}, {@code n^2 x d}, via {@code Z[j1][c2][l] = Σ_{c1} A4[j1,c1] Y[(c1,c2),l]} and
     * {@code h[(j1,j2),l] = Σ_{c2} A5[j2,c2] Z[j1][c2][l]}.
     */
    private static double[] values(double[] a4, double[] a5, double[] y, int n, int d) {
        double[] h = new double[n * n * d];
        double[] z = new double[d * d];
        for (int j1 = 0; j1 < n; j1++) {
            for (int c2 = 0; c2 < d; c2++) {
                for (int l = 0; l < d; l++) {
                    double acc = 0;
                    for (int c1 = 0; c1 < d; c1++) {
                        acc += a4[j1 * d + c1] * y[(c1 * d + c2) * d + l];
                    }
                    z[c2 * d + l] = acc;
                }
            }
            for (int j2 = 0; j2 < n; j2++) {
                int base = (j1 * n + j2) * d;
                for (int l = 0; l < d; l++) {
                    double acc = 0;
                    for (int c2 = 0; c2 < d; c2++) {
                        acc += a5[j2 * d + c2] * z[c2 * d + l];
                    }
                    h[base + l] = acc;
                }
            }
        }
        return h;
    }

    /**
     * Row {@code i} of the scores {@code S = A1 X (A2 ⊗ A3)^T / d} into {@code row} ({@code n^2}), through
     * {@code t[j1][c2] = Σ_{c1} Qx[i,(c1,c2)] A2[j1,c1]} (scratch {@code t}, {@code n x d}).
     *
     * @return {@code max_j S_ij}, the softmax shift
     */
    private static double scores(int i, double[] qx, double[] a2, double[] a3, int n, int d, double invD, double[] t,
            double[] row) {
        int dd = d * d;
        for (int j1 = 0; j1 < n; j1++) {
            for (int c2 = 0; c2 < d; c2++) {
                double acc = 0;
                for (int c1 = 0; c1 < d; c1++) {
                    acc += qx[i * dd + c1 * d + c2] * a2[j1 * d + c1];
                }
                t[j1 * d + c2] = acc;
            }
        }
        double m = Double.NEGATIVE_INFINITY;
        for (int j1 = 0; j1 < n; j1++) {
            for (int j2 = 0; j2 < n; j2++) {
                double acc = 0;
                for (int c2 = 0; c2 < d; c2++) {
                    acc += t[j1 * d + c2] * a3[j2 * d + c2];
                }
                double s = acc * invD;
                row[j1 * n + j2] = s;
                if (s > m) {
                    m = s;
                }
            }
        }
        return m;
    }

    /**
     * {@code out[c1,c2] = Σ_{j1} left[j1,c1] Σ_{j2} v_{(j1,j2)} right[j2,c2]}: a row {@code v} over token pairs
     * contracted with {@code left ⊗ right} ({@code n x d} each), the Kronecker identity of MATH §8; scratch {@code u}
     * has {@code d} entries, {@code out} has {@code d^2}.
     */
    private static void contractPairs(double[] v, double[] left, double[] right, int n, int d, double[] u, double[] out) {
        Arrays.fill(out, 0);
        for (int j1 = 0; j1 < n; j1++) {
            Arrays.fill(u, 0);
            for (int j2 = 0; j2 < n; j2++) {
                double vj = v[j1 * n + j2];
                for (int c2 = 0; c2 < d; c2++) {
                    u[c2] += vj * right[j2 * d + c2];
                }
            }
            for (int c1 = 0; c1 < d; c1++) {
                double vl = left[j1 * d + c1];
                for (int c2 = 0; c2 < d; c2++) {
                    out[c1 * d + c2] += vl * u[c2];
                }
            }
        }
    }
}
