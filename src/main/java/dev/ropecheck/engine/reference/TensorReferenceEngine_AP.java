package dev.ropecheck.engine.reference;

import dev.ropecheck.model.Require;
import dev.ropecheck.engine.TensorAttentionEngine;
import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.model.TensorInstance;
import java.util.EnumSet;
import java.util.Set;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;

/**
 * The trusted tensor attention engine (Tensor-grad; MATH §8): every quantity straight from its
 * definition in apfloat arithmetic, inputs converted exactly ({@link ApInputs#of}).
 *
 * <p>{@code S = A1 X (A2 ⊗ A3)^T / d}, {@code A = exp(S)}, {@code alpha = A 1}, {@code f = diag(alpha)^{-1} A},
 * {@code h = (A4 ⊗ A5) Y}, {@code Att = f h}, {@code c = Att - E}, {@code L = ||c||_F^2 / 2}, {@code q = c h^T},
 * {@code r_i = <f_i, q_i>}, {@code p = f ∘ q - diag(r) f}, {@code ∇_X L = (1/d) A1^T p (A2 ⊗ A3)},
 * {@code ∇_Y L = (A4 ⊗ A5)^T f^T c}, and the weight gradients by the chain rule
 * ({@link dev.ropecheck.engine.TensorChainRule}, here in apfloat).
 *
 * <p>Precision: every operation is carried to {@code digits} significant digits (default 50); the work is
 * about {@code n^3 d^2} operations, so each result carries a relative error of order
 * {@code n^3 d^2 10^{-digits}}, far below any double-precision tolerance. Size guard: {@code n^3 d^2 <=}
 * {@link #MAX_WORK}.
 */
public final class TensorReferenceEngine_AP implements TensorAttentionEngine {
    /** Default working precision in decimal digits. */
    public static final long DEFAULT_DIGITS = 50;
    /** Largest accepted {@code n^3 d^2}. */
    public static final long MAX_WORK = 2_000_000L;

    private final long digits;

    public TensorReferenceEngine_AP() {
        this(DEFAULT_DIGITS);
    }

    /** @param digits working precision, at least 20 decimal digits */
    public TensorReferenceEngine_AP(long digits) {
        Require.range("digits", digits, 20, 100_000);
        this.digits = digits;
    }

    public long digits() {
        return digits;
    }

    @Override
    public String name() {
        return "tensor-reference";
    }

    @Override
    public Set<TensorQuantity> supported(TensorInstance instance) {
        Set<TensorQuantity> s = EnumSet.range(TensorQuantity.A, TensorQuantity.GRAD_Y);
        s.addAll(TensorAttentionEngine.weightQuantities(instance));
        return s;
    }

    @Override
    public TensorResult compute(TensorInstance instance, Set<TensorQuantity> wanted) {
        TensorAttentionEngine.requireSupported(name(), wanted, supported(instance));
        Values v = evaluate(ApInputs.of(instance, digits));
        TensorResult.Builder b = TensorResult.builder(name()).meta("digits", digits);
        for (TensorQuantity q : wanted) {
            b.put(q, toDouble(value(v, q, instance)));
        }
        return b.build();
    }

    private Apfloat[][] value(Values v, TensorQuantity q, TensorInstance in) {
        switch (q) {
            case A:
                return v.a;
            case ALPHA:
                return column(v.alpha);
            case F:
                return v.f;
            case H:
                return v.h;
            case ATTENTION:
                return v.att;
            case C:
                return v.c;
            case LOSS:
                return new Apfloat[][] {{v.loss}};
            case R:
                return column(v.r);
            case P:
                return v.p;
            case GRAD_X:
                return v.gradX;
            case GRAD_Y:
                return v.gradY;
            default:
                return weightGradient(q, in, v);
        }
    }

    /**
     * A weight gradient ({@code GRAD_WQ, GRAD_WK1, GRAD_WK2, GRAD_WV1, GRAD_WV2}) by the chain rule of
     * {@link dev.ropecheck.engine.TensorChainRule}, in apfloat, from {@code v = evaluate(ApInputs.of(in, digits))}.
     */
    public Apfloat[][] weightGradient(TensorQuantity q, TensorInstance in, Values v) {
        int d = in.d();
        Apfloat[][] out = new Apfloat[d][d];
        if (q.needsKeyWeights()) {
            Apfloat[][] wq = ApInputs.ap(in.wq(), digits);
            Apfloat[][] wk1 = ApInputs.ap(in.wk1(), digits);
            Apfloat[][] wk2 = ApInputs.ap(in.wk2(), digits);
            for (int row = 0; row < d; row++) {
                for (int l = 0; l < d; l++) {
                    Apfloat s = zero();
                    for (int u = 0; u < d; u++) {
                        for (int w = 0; w < d; w++) {
                            Apfloat term;
                            if (q == TensorQuantity.GRAD_WQ) {
                                term = v.gradX[row][u * d + w].multiply(wk1[u][l]).multiply(wk2[w][l]);
                            } else if (q == TensorQuantity.GRAD_WK1) {
                                term = v.gradX[u][row * d + w].multiply(wq[u][l]).multiply(wk2[w][l]);
                            } else {
                                term = v.gradX[u][w * d + row].multiply(wq[u][l]).multiply(wk1[w][l]);
                            }
                            s = s.add(term);
                        }
                    }
                    out[row][l] = s;
                }
            }
        } else {
            Apfloat[][] wv1 = ApInputs.ap(in.wv1(), digits);
            Apfloat[][] wv2 = ApInputs.ap(in.wv2(), digits);
            for (int row = 0; row < d; row++) {
                for (int l = 0; l < d; l++) {
                    Apfloat s = zero();
                    for (int u = 0; u < d; u++) {
                        s = s.add(q == TensorQuantity.GRAD_WV1 ? v.gradY[row * d + u][l].multiply(wv2[u][l])
                                : v.gradY[u * d + row][l].multiply(wv1[u][l]));
                    }
                    out[row][l] = s;
                }
            }
        }
        return out;
    }

    /** All quantities of MATH §8 for {@code in}, in apfloat (the precision of this engine). */
    public Values evaluate(ApInputs in) {
        int n = in.n();
        int d = in.d();
        requireWithinLimit(n, d);
        Apfloat invD = new Apfloat(1, digits).divide(new Apfloat(d, digits));
        Values v = new Values();
        scoresAndSoftmax(v, in, invD);
        values(v, in);
        attentionAndLoss(v, in);
        gradientOfScores(v);
        gradients(v, in, invD);
        return v;
    }

    /** {@code S = A1 X (A2 ⊗ A3)^T / d} (through {@code Qx = A1 X}), {@code A = exp(S)}, {@code alpha = A 1}, {@code f = diag(alpha)^{-1} A}. */
    private void scoresAndSoftmax(Values v, ApInputs in, Apfloat invD) {
        int n = in.n();
        int d = in.d();
        int nn = n * n;
        // Qx = A1 X (n x d^2)
        Apfloat[][] qx = new Apfloat[n][d * d];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < d * d; s++) {
                Apfloat acc = zero();
                for (int a = 0; a < d; a++) {
                    acc = acc.add(in.a1()[i][a].multiply(in.x()[a][s]));
                }
                qx[i][s] = acc;
            }
        }
        v.s = new Apfloat[n][nn];
        v.a = new Apfloat[n][nn];
        v.alpha = new Apfloat[n];
        v.f = new Apfloat[n][nn];
        for (int i = 0; i < n; i++) {
            Apfloat alpha = zero();
            for (int j1 = 0; j1 < n; j1++) {
                for (int j2 = 0; j2 < n; j2++) {
                    Apfloat acc = zero();
                    for (int c1 = 0; c1 < d; c1++) {
                        for (int c2 = 0; c2 < d; c2++) {
                            acc = acc.add(qx[i][c1 * d + c2].multiply(in.a2()[j1][c1]).multiply(in.a3()[j2][c2]));
                        }
                    }
                    Apfloat sij = acc.multiply(invD);
                    v.s[i][j1 * n + j2] = sij;
                    Apfloat aij = ApExp.exp(sij, digits);
                    v.a[i][j1 * n + j2] = aij;
                    alpha = alpha.add(aij);
                }
            }
            v.alpha[i] = alpha;
            for (int j = 0; j < nn; j++) {
                v.f[i][j] = v.a[i][j].divide(alpha);
            }
        }
    }

    /** {@code h = (A4 ⊗ A5) Y}, {@code n^2 x d}. */
    private void values(Values v, ApInputs in) {
        int n = in.n();
        int d = in.d();
        int nn = n * n;
        v.h = new Apfloat[nn][d];
        for (int j1 = 0; j1 < n; j1++) {
            for (int j2 = 0; j2 < n; j2++) {
                for (int l = 0; l < d; l++) {
                    Apfloat acc = zero();
                    for (int c1 = 0; c1 < d; c1++) {
                        for (int c2 = 0; c2 < d; c2++) {
                            acc = acc.add(in.a4()[j1][c1].multiply(in.a5()[j2][c2]).multiply(in.y()[c1 * d + c2][l]));
                        }
                    }
                    v.h[j1 * n + j2][l] = acc;
                }
            }
        }
    }

    /** {@code Att = f h}, {@code c = Att - E}, {@code L = ||c||_F^2 / 2}. */
    private void attentionAndLoss(Values v, ApInputs in) {
        int n = in.n();
        int d = in.d();
        int nn = n * n;
        v.att = new Apfloat[n][d];
        v.c = new Apfloat[n][d];
        Apfloat twoL = zero();
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < d; l++) {
                Apfloat acc = zero();
                for (int j = 0; j < nn; j++) {
                    acc = acc.add(v.f[i][j].multiply(v.h[j][l]));
                }
                v.att[i][l] = acc;
                v.c[i][l] = acc.subtract(in.e()[i][l]);
                twoL = twoL.add(v.c[i][l].multiply(v.c[i][l]));
            }
        }
        v.loss = twoL.divide(new Apfloat(2, digits));
    }

    /** {@code q = c h^T}, {@code r_i = <f_i, q_i>}, {@code p = f ∘ q - diag(r) f} (Tensor-grad; MATH §8). */
    private void gradientOfScores(Values v) {
        int n = v.f.length;
        int d = v.c[0].length;
        int nn = n * n;
        v.r = new Apfloat[n];
        v.p = new Apfloat[n][nn];
        for (int i = 0; i < n; i++) {
            Apfloat[] qi = new Apfloat[nn];
            Apfloat ri = zero();
            for (int j = 0; j < nn; j++) {
                Apfloat acc = zero();
                for (int l = 0; l < d; l++) {
                    acc = acc.add(v.c[i][l].multiply(v.h[j][l]));
                }
                qi[j] = acc;
                ri = ri.add(v.f[i][j].multiply(acc));
            }
            v.r[i] = ri;
            for (int j = 0; j < nn; j++) {
                v.p[i][j] = v.f[i][j].multiply(qi[j]).subtract(ri.multiply(v.f[i][j]));
            }
        }
    }

    /** {@code ∇_X L = (1/d) A1^T p (A2 ⊗ A3)} and {@code ∇_Y L = (A4 ⊗ A5)^T f^T c}. */
    private void gradients(Values v, ApInputs in, Apfloat invD) {
        int n = in.n();
        int d = in.d();
        v.gradX = new Apfloat[d][d * d];
        v.gradY = new Apfloat[d * d][d];
        for (int c1 = 0; c1 < d; c1++) {
            for (int c2 = 0; c2 < d; c2++) {
                // pk[i] = Σ_{j1,j2} p[i,(j1,j2)] A2[j1,c1] A3[j2,c2]; fk[i] likewise with f, A4, A5
                Apfloat[] pk = new Apfloat[n];
                Apfloat[] fk = new Apfloat[n];
                for (int i = 0; i < n; i++) {
                    Apfloat accP = zero();
                    Apfloat accF = zero();
                    for (int j1 = 0; j1 < n; j1++) {
                        for (int j2 = 0; j2 < n; j2++) {
                            int j = j1 * n + j2;
                            accP = accP.add(v.p[i][j].multiply(in.a2()[j1][c1]).multiply(in.a3()[j2][c2]));
                            accF = accF.add(v.f[i][j].multiply(in.a4()[j1][c1]).multiply(in.a5()[j2][c2]));
                        }
                    }
                    pk[i] = accP;
                    fk[i] = accF;
                }
                for (int a = 0; a < d; a++) {
                    Apfloat acc = zero();
                    for (int i = 0; i < n; i++) {
                        acc = acc.add(in.a1()[i][a].multiply(pk[i]));
                    }
                    v.gradX[a][c1 * d + c2] = acc.multiply(invD);
                }
                for (int l = 0; l < d; l++) {
                    Apfloat acc = zero();
                    for (int i = 0; i < n; i++) {
                        acc = acc.add(fk[i].multiply(v.c[i][l]));
                    }
                    v.gradY[c1 * d + c2][l] = acc;
                }
            }
        }
    }

    /** The loss alone, for finite differences (same arithmetic as {@link #evaluate}). */
    public Apfloat loss(ApInputs in) {
        return evaluate(in).loss;
    }

    private Apfloat zero() {
        return new Apfloat(0, digits);
    }

    private static Apfloat[][] column(Apfloat[] v) {
        Apfloat[][] out = new Apfloat[v.length][1];
        for (int i = 0; i < v.length; i++) {
            out[i][0] = v[i];
        }
        return out;
    }

    /** Rounds to the nearest doubles ({@link #toDouble(Apfloat)}). */
    public static DMatrixRMaj toDouble(Apfloat[][] m) {
        return ApMatrix.toDouble(m);
    }

    /** The double nearest to {@code v} ({@link ApMatrix#toDouble(Apfloat)}). */
    public static double toDouble(Apfloat v) {
        return ApMatrix.toDouble(v);
    }

    /** Every quantity of MATH §8 in apfloat; fields are read-only by convention. */
    public static final class Values {
        /** Scores {@code S} ({@code n x n^2}). */
        public Apfloat[][] s;
        public Apfloat[][] a;
        public Apfloat[] alpha;
        public Apfloat[][] f;
        public Apfloat[][] h;
        public Apfloat[][] att;
        public Apfloat[][] c;
        public Apfloat loss;
        public Apfloat[] r;
        public Apfloat[][] p;
        public Apfloat[][] gradX;
        public Apfloat[][] gradY;
    }

    /**
     * The size guard: refuses {@code n^3 d^2 > MAX_WORK}, naming the work and the limit.
     *
     * @throws IllegalArgumentException if the instance is larger than the reference limit
     */
    static void requireWithinLimit(int n, int d) {
        long work = (long) n * n * n * d * d;
        if (work > MAX_WORK) {
            throw new IllegalArgumentException("reference work n^3 d^2 = " + work + " (n = " + n + ", d = " + d
                    + ") exceeds the reference limit " + MAX_WORK + "; use the exact double engine");
        }
    }
}
