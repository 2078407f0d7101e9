package dev.ropecheck.contract;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.reference.ApInstance;
import dev.ropecheck.engine.reference.ApMatrix;
import dev.ropecheck.model.ExactValues;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.util.EnumSet;
import java.util.Set;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;

/**
 * An independent {@code O(n^2)} evaluation, in apfloat, of every quantity of MATH §2–3 under the
 * kernel conventions of MATH §9 (score scale {@code sigma}, causal mask), straight from the definitions:
 * {@code s_ij = sigma Σ A1[i,a] A2[j,c] X[(a,c),(b,e)] W_{i-j}[b,e]} on the kept pairs ({@code j <= i}
 * when causal, all otherwise), {@code A = exp(s)}, {@code alpha_i = Σ_{kept j} A_ij}, {@code f = A/alpha},
 * {@code h = A3 Y}, {@code Att = f h}, {@code c = Att - E}, {@code L}, {@code q = c h^T},
 * {@code r_i = <c_i, Att_i>}, {@code p = f ∘ (q - r)} (zero off the kept pairs),
 * {@code G = sigma Σ_ij p_ij A1[i,a] A2[j,c] W_{i-j}[b,e]}, {@code dQ_i = sigma Σ_j p_ij K_j W_{i-j}^T},
 * {@code dK_j = sigma Σ_i p_ij Q_i W_{i-j}}, {@code dV = f^T c} and the weight gradients. Inputs and
 * weights come exactly (RoPE angles at full precision) from {@link ApInstance}; arithmetic at
 * {@link #digits} digits, rounded once to double at the end, so against a bound of relative size
 * {@code >= 1e-20} it is exact for the purpose of the fast-engine tests.
 *
 * <p>Test-only stand-in for the trusted reference on causal and scaled instances: once the reference
 * engine implements MATH §9, replace {@code new MaskedScaledReference()} by
 * {@code RopeReferenceEngine_AP.withDigits(40)} (or {@code new RopeExactEngine_F64()} with its rounding model) — the
 * one line in {@link CausalContractCases#reference()}. Intended for small {@code n} (the RoPE angles at
 * full precision dominate).
 */
public final class MaskedScaledReference implements RopeAttentionEngine {
    private final long digits;

    public MaskedScaledReference() {
        this(40);
    }

    public MaskedScaledReference(long digits) {
        this.digits = digits;
    }

    @Override
    public String name() {
        return "masked-scaled-reference";
    }

    @Override
    public Set<Quantity> supported(RopeInstance instance) {
        return RopeAttentionEngine.withoutWeightQuantities(EnumSet.allOf(Quantity.class), instance);
    }

    @Override
    public RopeResult compute(RopeInstance inst, Set<Quantity> wanted) {
        int n = inst.n();
        int d = inst.d();
        ApInstance ap = ApInstance.of(inst, digits);
        Apfloat sigma = ExactValues.apfloat(inst.scale(), digits);
        if (inst.hasDefaultScale()) {
            sigma = new Apfloat(1, digits).divide(new Apfloat(d, digits));
        }
        boolean causal = inst.causal();
        Support sup = ap.support();
        int ns = sup.size();
        Apfloat[][] a1 = rows(ap.a1());
        Apfloat[][] a2 = rows(ap.a2());
        Apfloat[][] x = rows(ap.x());
        Apfloat zero = new Apfloat(0, digits);
        // kq[j][a][k] = Σ_c A2[j,c] X[(a,c), S_k]: s_ij = sigma Σ_a Σ_k A1[i,a] kq[j][a][k] W_{i-j}[k]
        Apfloat[][][] kq = new Apfloat[n][d][ns];
        for (int j = 0; j < n; j++) {
            for (int a = 0; a < d; a++) {
                for (int k = 0; k < ns; k++) {
                    Apfloat s = zero;
                    for (int c = 0; c < d; c++) {
                        s = s.add(a2[j][c].multiply(x[a * d + c][sup.pairIndex(k)]));
                    }
                    kq[j][a][k] = s;
                }
            }
        }
        Apfloat[][] f = new Apfloat[n][n];
        Apfloat[][] bigA = new Apfloat[n][n];
        Apfloat[] alpha = new Apfloat[n];
        for (int i = 0; i < n; i++) {
            Apfloat sum = zero;
            for (int j = 0; j < n; j++) {
                bigA[i][j] = zero;
                if (causal && j > i) {
                    continue;
                }
                Apfloat s = zero;
                for (int a = 0; a < d; a++) {
                    for (int k = 0; k < ns; k++) {
                        s = s.add(a1[i][a].multiply(kq[j][a][k]).multiply(ap.weight(i - j, k)));
                    }
                }
                bigA[i][j] = ApfloatMath.exp(sigma.multiply(s).precision(digits)).precision(digits);
                sum = sum.add(bigA[i][j]);
            }
            alpha[i] = sum;
            for (int j = 0; j < n; j++) {
                f[i][j] = bigA[i][j].divide(sum);
            }
        }
        Apfloat[][] h = rows(ap.a3().times(ap.y()));
        Apfloat[][] e = rows(ap.e());
        Apfloat[][] att = new Apfloat[n][d];
        Apfloat[][] c = new Apfloat[n][d];
        Apfloat loss = zero;
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < d; l++) {
                Apfloat s = zero;
                for (int j = 0; j < n; j++) {
                    s = s.add(f[i][j].multiply(h[j][l]));
                }
                att[i][l] = s;
                c[i][l] = s.subtract(e[i][l]);
                loss = loss.add(c[i][l].multiply(c[i][l]));
            }
        }
        loss = loss.divide(new Apfloat(2, digits));
        if (!wantsGradient(wanted)) {
            RopeResult.Builder fb = RopeResult.builder(name());
            fb.put(Quantity.A, toDouble(bigA)).put(Quantity.F, toDouble(f)).put(Quantity.ALPHA, column(alpha));
            fb.put(Quantity.H, toDouble(h)).put(Quantity.ATTENTION, toDouble(att)).put(Quantity.C, toDouble(c));
            return finish(fb.putScalar(Quantity.LOSS, ApMatrix.toDouble(loss)));
        }
        Apfloat[] r = new Apfloat[n];
        Apfloat[][] p = new Apfloat[n][n];
        for (int i = 0; i < n; i++) {
            r[i] = dot(c[i], att[i], zero);
            for (int j = 0; j < n; j++) {
                p[i][j] = f[i][j].multiply(dot(c[i], h[j], zero).subtract(r[i]));
            }
        }
        // G[(a,c), S_k] = sigma Σ_ij p_ij A1[i,a] A2[j,c] W_{i-j}[k]
        DMatrixRMaj g = new DMatrixRMaj(d * d, d * d);
        for (int a = 0; a < d; a++) {
            for (int cc = 0; cc < d; cc++) {
                for (int k = 0; k < ns; k++) {
                    Apfloat s = zero;
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < n; j++) {
                            s = s.add(p[i][j].multiply(a1[i][a]).multiply(a2[j][cc]).multiply(ap.weight(i - j, k)));
                        }
                    }
                    g.unsafe_set(a * d + cc, sup.pairIndex(k), ApMatrix.toDouble(sigma.multiply(s)));
                }
            }
        }
        Apfloat[][] dv = new Apfloat[n][d];
        for (int j = 0; j < n; j++) {
            for (int l = 0; l < d; l++) {
                Apfloat s = zero;
                for (int i = 0; i < n; i++) {
                    s = s.add(f[i][j].multiply(c[i][l]));
                }
                dv[j][l] = s;
            }
        }
        RopeResult.Builder b = RopeResult.builder(name());
        b.put(Quantity.A, toDouble(bigA)).put(Quantity.F, toDouble(f)).put(Quantity.P, toDouble(p));
        b.put(Quantity.ALPHA, column(alpha)).put(Quantity.R, column(r));
        b.put(Quantity.H, toDouble(h)).put(Quantity.ATTENTION, toDouble(att)).put(Quantity.C, toDouble(c));
        b.putScalar(Quantity.LOSS, ApMatrix.toDouble(loss));
        b.put(Quantity.GRAD_X, g).put(Quantity.DV, toDouble(dv));
        b.put(Quantity.GRAD_WV, toDouble(transposeTimes(rows(ap.a3()), dv, zero)));
        if (inst.hasWeights()) {
            Apfloat[][] q = rows(ap.a1().times(ap.wq()));
            Apfloat[][] kk = rows(ap.a2().times(ap.wk()));
            Apfloat[][] dq = new Apfloat[n][d];
            Apfloat[][] dk = new Apfloat[n][d];
            for (int i = 0; i < n; i++) {
                for (int bb = 0; bb < d; bb++) {
                    dq[i][bb] = zero;
                    dk[i][bb] = zero;
                }
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    Apfloat pij = p[i][j].multiply(sigma);
                    for (int k = 0; k < ns; k++) {
                        int bb = sup.row(k);
                        int ee = sup.col(k);
                        Apfloat w = ap.weight(i - j, k).multiply(pij);
                        dq[i][bb] = dq[i][bb].add(w.multiply(kk[j][ee]));
                        dk[j][ee] = dk[j][ee].add(w.multiply(q[i][bb]));
                    }
                }
            }
            b.put(Quantity.DQ, toDouble(dq)).put(Quantity.DK, toDouble(dk));
            b.put(Quantity.GRAD_WQ, toDouble(transposeTimes(a1, dq, zero)));
            b.put(Quantity.GRAD_WK, toDouble(transposeTimes(a2, dk, zero)));
        }
        return finish(b);
    }

    /** Whether any of {@code wanted} needs the gradient part (MATH §3). */
    private static boolean wantsGradient(Set<Quantity> wanted) {
        for (Quantity q : wanted) {
            switch (q) {
                case A:
                case F:
                case ALPHA:
                case H:
                case ATTENTION:
                case C:
                case LOSS:
                    break;
                default:
                    return true;
            }
        }
        return false;
    }

    /** Adds the error claim of every field and builds. */
    private static RopeResult finish(RopeResult.Builder b) {
        RopeResult values = b.build();
        for (Quantity q : values.quantities()) {
            b.meta("absError." + q.key(), ERROR_SCALE * Math.max(1, maxAbs(values.get(q))));
        }
        return b.meta("trustedDigits", 30).build();
    }

    /**
     * The absolute error claimed for each field, relative to {@code max(1, max |entry|)}: at 40 digits, sums
     * of at most {@code n^2 d^2 |S| <= 10^6} terms of magnitude at most {@code e^{2 beta} max(1, |entry|)}
     * lose far fewer than 10 digits; the check adds it to the double rounding of each entry.
     */
    static final double ERROR_SCALE = 1e-30;

    private static double maxAbs(DMatrixRMaj m) {
        double r = 0;
        for (double v : m.data) {
            r = Math.max(r, Math.abs(v));
        }
        return r;
    }

    private static Apfloat dot(Apfloat[] x, Apfloat[] y, Apfloat zero) {
        Apfloat s = zero;
        for (int l = 0; l < x.length; l++) {
            s = s.add(x[l].multiply(y[l]));
        }
        return s;
    }

    private static Apfloat[][] transposeTimes(Apfloat[][] a, Apfloat[][] m, Apfloat zero) {
        int n = a.length;
        int d = a[0].length;
        int k = m[0].length;
        Apfloat[][] out = new Apfloat[d][k];
        for (int x = 0; x < d; x++) {
            for (int y = 0; y < k; y++) {
                Apfloat s = zero;
                for (int i = 0; i < n; i++) {
                    s = s.add(a[i][x].multiply(m[i][y]));
                }
                out[x][y] = s;
            }
        }
        return out;
    }

    private static Apfloat[][] rows(ApMatrix m) {
        Apfloat[][] out = new Apfloat[m.rows()][m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            for (int c = 0; c < m.cols(); c++) {
                out[r][c] = m.get(r, c);
            }
        }
        return out;
    }

    private static DMatrixRMaj toDouble(Apfloat[][] m) {
        DMatrixRMaj out = new DMatrixRMaj(m.length, m.length == 0 ? 0 : m[0].length);
        for (int r = 0; r < out.numRows; r++) {
            for (int c = 0; c < out.numCols; c++) {
                out.unsafe_set(r, c, ApMatrix.toDouble(m[r][c]));
            }
        }
        return out;
    }

    private static DMatrixRMaj column(Apfloat[] v) {
        DMatrixRMaj out = new DMatrixRMaj(v.length, 1);
        for (int i = 0; i < v.length; i++) {
            out.unsafe_set(i, 0, ApMatrix.toDouble(v[i]));
        }
        return out;
    }
}
