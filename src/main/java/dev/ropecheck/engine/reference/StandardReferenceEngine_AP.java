package dev.ropecheck.engine.reference;

import dev.ropecheck.engine.Engine;
import dev.ropecheck.engine.StandardAttentionEngine;
import dev.ropecheck.engine.StandardQuantity;
import dev.ropecheck.engine.StandardResult;
import dev.ropecheck.model.StandardInstance;
import java.util.EnumSet;
import java.util.Set;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;

/**
 * Standard attention (no positions) and its loss gradient in arbitrary precision (AS24; MATH §7,
 * the target of RoPE-grad Section 7's reduction):
 * {@code L_std(X0) = (1/2) ||diag(alpha)^{-1} exp(A1 X0 A2^T / d) A3 Y - E||_F^2} and
 * {@code ∇L_std = (1/d) A1^T p A2} with {@code p_ij = f_ij <c_i, h_j - Att_i>}.
 *
 * <p>Written directly from those formulas, sharing no arithmetic with the RoPE reference, so that the
 * Section 7 reduction test compares two independent computations. Entries are plain
 * {@code Apfloat[][]} arrays (the array form of {@link ApInputs}). Inputs are converted exactly
 * ({@link ApInputs#ap}); the computation carries {@code digits + 10} digits; {@link #compute} rounds
 * to doubles with {@link ApMatrix#toDouble(Apfloat[][])}.
 */
public final class StandardReferenceEngine_AP implements StandardAttentionEngine {
    private final long digits;

    /** @param digits decimal digits, {@code 10 <= digits <= 10000} */
    public StandardReferenceEngine_AP(long digits) {
        if (digits < 10 || digits > 10_000) {
            throw new IllegalArgumentException("precision digits = " + digits + " must lie in [10, 10000]");
        }
        this.digits = digits;
    }

    /**
     * The forward quantities and the gradient.
     *
     * @param f {@code n x n} normalised softmax
     * @param attention {@code f A3 Y}, {@code n x d}
     * @param loss {@code L_std}
     * @param grad {@code ∇L_std}, {@code d x d}
     */
    public record Values(Apfloat[][] f, Apfloat[][] attention, Apfloat loss, Apfloat[][] grad) {
    }

    @Override
    public String name() {
        return "standard-reference";
    }

    /** {@code f, Att, L_std, ∇L_std} ({@code p} is not kept). */
    @Override
    public Set<StandardQuantity> supported(StandardInstance instance) {
        return EnumSet.of(StandardQuantity.F, StandardQuantity.ATTENTION, StandardQuantity.LOSS, StandardQuantity.GRAD_X);
    }

    /** The apfloat values rounded to the nearest double. */
    @Override
    public StandardResult compute(StandardInstance instance, Set<StandardQuantity> wanted) {
        Engine.requireSupported(name(), wanted, supported(instance));
        Values v = evaluate(instance);
        return StandardResult.builder(name()).meta("digits", digits).put(StandardQuantity.F, ApMatrix.toDouble(v.f()))
                .put(StandardQuantity.ATTENTION, ApMatrix.toDouble(v.attention()))
                .putScalar(StandardQuantity.LOSS, ApMatrix.toDouble(v.loss()))
                .put(StandardQuantity.GRAD_X, ApMatrix.toDouble(v.grad())).build();
    }

    /** {@code f, Att, L_std, ∇L_std} in apfloat for {@code inst}. */
    public Values evaluate(StandardInstance inst) {
        long w = digits + 10;
        Apfloat[][] a1 = ApInputs.ap(inst.a1(), w);
        Apfloat[][] a2 = ApInputs.ap(inst.a2(), w);
        Apfloat[][] a3 = ApInputs.ap(inst.a3(), w);
        Apfloat[][] e = ApInputs.ap(inst.e(), w);
        Apfloat[][] x0 = ApInputs.ap(inst.x0(), w);
        Apfloat[][] y = ApInputs.ap(inst.y(), w);
        Apfloat dAp = new Apfloat(inst.d(), w);
        Apfloat[][] f = softmax(mul(a1, x0), a2, dAp, w);
        Apfloat[][] h = mul(a3, y);
        Apfloat[][] att = mul(f, h);
        Apfloat[][] c = residual(att, e);
        Apfloat loss = Apfloat.ZERO;
        for (Apfloat[] row : c) {
            for (Apfloat cl : row) {
                loss = loss.add(cl.multiply(cl));
            }
        }
        loss = loss.divide(new Apfloat(2, w));
        Apfloat[][] grad = weightGradient(a1, mul(upstreamP(f, c, h, att), a2), dAp);
        return new Values(f, att, loss, grad);
    }

    /**
     * {@code f = D^{-1} exp((A1 X0) A2^T / d)} row by row, each exponential at {@code w} digits. The
     * exponential is apfloat's own {@code ApfloatMath.exp}, not the references' {@link ApExp}, on
     * purpose: the Section 7 reduction test compares this engine with the RoPE reference, and the two
     * must not share the kernel whose error they check.
     */
    private static Apfloat[][] softmax(Apfloat[][] ax, Apfloat[][] a2, Apfloat dAp, long w) {
        int n = ax.length;
        int d = a2[0].length;
        Apfloat[][] f = new Apfloat[n][n];
        for (int i = 0; i < n; i++) {
            Apfloat[] ex = new Apfloat[n];
            Apfloat alpha = Apfloat.ZERO;
            for (int j = 0; j < n; j++) {
                Apfloat s = Apfloat.ZERO;
                for (int c = 0; c < d; c++) {
                    s = s.add(ax[i][c].multiply(a2[j][c]));
                }
                s = s.divide(dAp);
                Apfloat v = ApfloatMath.exp(s.signum() == 0 ? s : s.precision(Math.min(s.precision(), w)));
                if (v.precision() > w) {
                    v = v.precision(w);
                }
                ex[j] = v;
                alpha = alpha.add(v);
            }
            for (int j = 0; j < n; j++) {
                f[i][j] = ex[j].divide(alpha);
            }
        }
        return f;
    }

    /** {@code c = Att - E}. */
    private static Apfloat[][] residual(Apfloat[][] att, Apfloat[][] e) {
        Apfloat[][] c = new Apfloat[att.length][att[0].length];
        for (int i = 0; i < att.length; i++) {
            for (int l = 0; l < att[0].length; l++) {
                c[i][l] = att[i][l].subtract(e[i][l]);
            }
        }
        return c;
    }

    /** {@code p_ij = f_ij <c_i, h_j - Att_i>}, the gradient of the loss with respect to the scores. */
    private static Apfloat[][] upstreamP(Apfloat[][] f, Apfloat[][] c, Apfloat[][] h, Apfloat[][] att) {
        int n = f.length;
        int d = c[0].length;
        Apfloat[][] p = new Apfloat[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                Apfloat sum = Apfloat.ZERO;
                for (int l = 0; l < d; l++) {
                    sum = sum.add(c[i][l].multiply(h[j][l].subtract(att[i][l])));
                }
                p[i][j] = f[i][j].multiply(sum);
            }
        }
        return p;
    }

    /** {@code (1/d) A1^T (p A2)}. */
    private static Apfloat[][] weightGradient(Apfloat[][] a1, Apfloat[][] pa2, Apfloat dAp) {
        int n = a1.length;
        int d = a1[0].length;
        Apfloat[][] grad = new Apfloat[d][d];
        for (int a = 0; a < d; a++) {
            for (int c2 = 0; c2 < d; c2++) {
                Apfloat sum = Apfloat.ZERO;
                for (int i = 0; i < n; i++) {
                    sum = sum.add(a1[i][a].multiply(pa2[i][c2]));
                }
                grad[a][c2] = sum.divide(dAp);
            }
        }
        return grad;
    }

    private static Apfloat[][] mul(Apfloat[][] x, Apfloat[][] y) {
        int inner = y.length;
        Apfloat[][] out = new Apfloat[x.length][y[0].length];
        for (int r = 0; r < x.length; r++) {
            for (int c = 0; c < y[0].length; c++) {
                Apfloat s = Apfloat.ZERO;
                for (int k = 0; k < inner; k++) {
                    s = s.add(x[r][k].multiply(y[k][c]));
                }
                out[r][c] = s;
            }
        }
        return out;
    }
}
