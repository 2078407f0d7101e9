package dev.ropecheck.engine.reference;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.util.EnumMap;
import java.util.Map;
import org.apfloat.Apfloat;

/**
 * RoPE attention, its loss and its exact gradient in arbitrary precision: the oracle every other
 * engine is measured against (MATH §2–3; RoPE-grad Defs. 3.1, 3.2, 3.12–3.17, Lemma 3.18, Lemma 4.1
 * parts 1–7, Lemmas 5.1–5.6).
 *
 * <p>Everything is evaluated directly from the definitions, in {@code O(n^2 d^2 + n d^2 |S|)} apfloat
 * operations: scores through {@code T_m = Σ_{(b,e)∈S} X[(a,c),(b,e)] W_m[b,e]}, {@code p} in the
 * cancellation-free form {@code p_ij = f_ij <c_i, h_j - Att_i>}, and {@code G} grouped by offset,
 * {@code G[(a,c),(b,e)] = (1/d) Σ_m M_m[a,c] W_m[b,e]} with {@code M_m[a,c] = Σ_{i-j=m} p_ij A1[i,a] A2[j,c]}.
 *
 * <p>Kernel conventions (MATH §9): {@code sigma} replaces {@code 1/d} in the scores, {@code G},
 * {@code dQ} and {@code dK} ({@link ApInstance#scaled}); a causal mask sets {@code A_ij = 0} for
 * {@code j > i}, so {@code f_ij = p_ij = 0} there and every row sum runs over {@code j <= i}
 * ({@code specs/causal-mask.md}).
 *
 * <p>Precision: the caller asks for {@code digits} decimal digits; the computation runs with
 * {@link #GUARD_DIGITS} more. {@link #compute(RopeInstance)} runs twice, at {@code digits} and at
 * {@code digits + }{@link #TRUST_EXTRA_DIGITS}, and reports how many leading digits agree (see
 * {@link ReferenceResult#trustedDigits()} and {@code proofs-notes/reference-precision.md}).
 */
public final class ReferenceRopeAttention {
    /** Default requested precision, decimal digits. */
    public static final long DEFAULT_DIGITS = 50;
    /** Extra digits every evaluation carries beyond the requested precision. */
    public static final long GUARD_DIGITS = 10;
    /** How many more digits the second (trust) evaluation carries. */
    public static final long TRUST_EXTRA_DIGITS = 20;

    private final long digits;

    public ReferenceRopeAttention() {
        this(DEFAULT_DIGITS);
    }

    /** @param digits requested precision, {@code 10 <= digits <= 10000} */
    public ReferenceRopeAttention(long digits) {
        if (digits < 10 || digits > 10_000) {
            throw new IllegalArgumentException("precision digits = " + digits + " must lie in [10, 10000]");
        }
        this.digits = digits;
    }

    /** A copy with another requested precision. */
    public ReferenceRopeAttention withDigits(long newDigits) {
        return new ReferenceRopeAttention(newDigits);
    }

    /** The requested precision in decimal digits. */
    public long digits() {
        return digits;
    }

    /** {@code digits + GUARD_DIGITS}: the precision {@link #prepare} converts inputs to. */
    public long workingDigits() {
        return digits + GUARD_DIGITS;
    }

    /** {@code inst} converted exactly, at {@link #workingDigits()}. */
    public ApInstance prepare(RopeInstance inst) {
        return ApInstance.of(inst, workingDigits());
    }

    /**
     * Every quantity of MATH §2–3 (weight gradients only when {@code inst.hasWeights()}), computed at
     * {@link #workingDigits()} and again with {@link #TRUST_EXTRA_DIGITS} more; the returned values
     * are the first evaluation, the trust is their agreement with the second.
     */
    public ReferenceResult compute(RopeInstance inst) {
        ApInstance hiIn = ApInstance.of(inst, workingDigits() + TRUST_EXTRA_DIGITS);
        Evaluation hi = evaluate(hiIn);
        Evaluation lo = evaluate(hiIn.withDigits(workingDigits()));
        return ReferenceResult.of(lo, hi, digits);
    }

    /** The values of one evaluation: the quantities and the {@code q - r} form of {@code p}. */
    public record Evaluation(Map<Quantity, ApMatrix> values, ApMatrix pByQMinusR) {
    }

    /** The forward pass (Defs. 3.12–3.17): scores through loss. */
    public record Forward(ApMatrix s, ApMatrix a, ApMatrix alpha, ApMatrix f, ApMatrix h, ApMatrix attention,
            ApMatrix c, Apfloat loss) {
    }

    /**
     * The directional derivatives of Lemma 4.1 along a direction {@code Xdot} of {@code x = vec(X)}:
     * part 1 {@code ds} ({@code D_ij = ∂s_ij}), part 2 {@code du = u ∘ D}, part 3
     * {@code dalpha_i = <u_i, D_i>}, part 4 {@code df_ij = f_ij D_ij - f_ij <f_i, D_i>}, part 5
     * {@code dAtt_il = <f_i ∘ D_i, h_l> - <f_i, D_i> <f_i, h_l>}, part 6 {@code dc = dAtt} ({@code E}
     * is constant), part 7 {@code dL = Σ c_il dc_il}.
     */
    public record Directional(ApMatrix ds, ApMatrix du, ApMatrix dalpha, ApMatrix df, ApMatrix dAttention,
            ApMatrix dc, Apfloat dLoss) {
    }

    /**
     * All quantities at the precision of {@code in} (one evaluation, no trust estimate).
     * {@link Quantity#DQ}, {@link Quantity#DK}, {@link Quantity#GRAD_WQ}, {@link Quantity#GRAD_WK}
     * only when {@code in.hasWeights()}.
     */
    public Evaluation evaluate(ApInstance in) {
        Forward fw = forward(in);
        int n = in.n();
        int d = in.d();
        long prec = in.digits();
        Map<Quantity, ApMatrix> v = new EnumMap<>(Quantity.class);
        v.put(Quantity.A, fw.a());
        v.put(Quantity.ALPHA, fw.alpha());
        v.put(Quantity.F, fw.f());
        v.put(Quantity.H, fw.h());
        v.put(Quantity.ATTENTION, fw.attention());
        v.put(Quantity.C, fw.c());
        if (!in.hasUpstreamGradient()) {
            // with dO in place of E (MATH §9) the loss is undefined
            v.put(Quantity.LOSS, ApMatrix.scalar(fw.loss()));
        }
        ApMatrix f = fw.f();
        ApMatrix h = fw.h();
        ApMatrix att = fw.attention();
        ApMatrix c = fw.c();
        Apfloat[] r = new Apfloat[n];
        for (int i = 0; i < n; i++) {
            Apfloat sum = Apfloat.ZERO;
            for (int l = 0; l < d; l++) {
                sum = sum.add(c.get(i, l).multiply(att.get(i, l)));
            }
            r[i] = sum;
        }
        v.put(Quantity.R, new ApMatrix(n, 1, r));
        ApMatrix p = ApBackward.p(f, h, att, c);
        v.put(Quantity.P, p);
        v.put(Quantity.GRAD_X, ApBackward.gradX(in, p));
        ApMatrix dv = f.transpose().times(c);
        v.put(Quantity.DV, dv);
        v.put(Quantity.GRAD_WV, in.a3().transpose().times(dv));
        if (in.hasWeights()) {
            ApMatrix[] dqdk = ApBackward.dQdK(in, p, prec);
            v.put(Quantity.DQ, dqdk[0]);
            v.put(Quantity.DK, dqdk[1]);
            v.put(Quantity.GRAD_WQ, in.a1().transpose().times(dqdk[0]));
            v.put(Quantity.GRAD_WK, in.a2().transpose().times(dqdk[1]));
            if (in.family() instanceof RopeFamily || in.family() instanceof IdentityFamily) {
                v.put(Quantity.DQROT, ApBackward.rotated(in, dqdk[0]));
                v.put(Quantity.DKROT, ApBackward.rotated(in, dqdk[1]));
            }
        }
        return new Evaluation(v, pByQMinusR(f, h, c, new ApMatrix(n, 1, r)));
    }

    /** The forward pass at the precision of {@code in}. */
    public Forward forward(ApInstance in) {
        return forwardFromScores(in, scores(in, in.x()));
    }

    /** The loss {@code L} (Def. 3.17) at the precision of {@code in}. */
    public Apfloat loss(ApInstance in) {
        return forward(in).loss();
    }

    /**
     * {@code L} as a function of the score matrix {@code s} ({@code n x n}) with {@code h, E} from
     * {@code in}: the function whose partial derivatives are {@code p_ij} (Lemma 5.1–5.3).
     */
    public Apfloat lossFromScores(ApInstance in, ApMatrix s) {
        if (s.rows() != in.n() || s.cols() != in.n()) {
            throw new IllegalArgumentException("s must be " + in.n() + "x" + in.n() + ", got " + s.rows() + "x" + s.cols());
        }
        return forwardFromScores(in, s).loss();
    }

    /**
     * {@code s_ij = (1/d) Σ_{a,c,b,e} A1[i,a] A2[j,c] X[(a,c),(b,e)] W_{i-j}[b,e]} for the given
     * {@code X} (Def. 3.1 / Lemma 3.18's {@code (𝖠 ⊘ 𝖶) vec(X) / d}); linear in {@code X}, so with a
     * direction {@code Xdot} it is {@code D = ∂s} (Lemma 4.1 part 1).
     */
    public ApMatrix scores(ApInstance in, ApMatrix x) {
        int n = in.n();
        int d = in.d();
        int dd = d * d;
        if (x.rows() != dd || x.cols() != dd) {
            throw new IllegalArgumentException("X must be " + dd + "x" + dd + ", got " + x.rows() + "x" + x.cols());
        }
        Support sup = in.support();
        Apfloat[][] t = new Apfloat[2 * n - 1][dd];
        for (int m = -(n - 1); m <= n - 1; m++) {
            Apfloat[] tm = t[m + n - 1];
            for (int ac = 0; ac < dd; ac++) {
                Apfloat sum = Apfloat.ZERO;
                for (int k = 0; k < sup.size(); k++) {
                    sum = sum.add(x.get(ac, sup.pairIndex(k)).multiply(in.weight(m, k)));
                }
                tm[ac] = sum;
            }
        }
        Apfloat[] s = new Apfloat[n * n];
        Apfloat[] u = new Apfloat[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                Apfloat[] tm = t[i - j + n - 1];
                for (int c = 0; c < d; c++) {
                    Apfloat sum = Apfloat.ZERO;
                    for (int a = 0; a < d; a++) {
                        sum = sum.add(in.a1().get(i, a).multiply(tm[a * d + c]));
                    }
                    u[c] = sum;
                }
                Apfloat sum = Apfloat.ZERO;
                for (int c = 0; c < d; c++) {
                    sum = sum.add(u[c].multiply(in.a2().get(j, c)));
                }
                s[i * n + j] = in.scaled(sum);
            }
        }
        return new ApMatrix(n, n, s);
    }

    private Forward forwardFromScores(ApInstance in, ApMatrix s) {
        int n = in.n();
        int d = in.d();
        long prec = in.digits();
        Apfloat[] a = new Apfloat[n * n];
        Apfloat[] alpha = new Apfloat[n];
        Apfloat[] f = new Apfloat[n * n];
        for (int i = 0; i < n; i++) {
            Apfloat sum = Apfloat.ZERO;
            for (int j = 0; j < n; j++) {
                // A causal mask removes the term: exp(-inf) = 0 (MATH §9, specs/causal-mask.md).
                Apfloat e = in.masked(i, j) ? Apfloat.ZERO : ApExp.exp(s.get(i, j), prec);
                a[i * n + j] = e;
                sum = sum.add(e);
            }
            alpha[i] = sum;
            for (int j = 0; j < n; j++) {
                f[i * n + j] = a[i * n + j].divide(sum);
            }
        }
        ApMatrix fm = new ApMatrix(n, n, f);
        ApMatrix h = in.a3().times(in.y());
        ApMatrix att = fm.times(h);
        ApMatrix c = in.c(att);
        Apfloat loss = Apfloat.ZERO;
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < d; l++) {
                loss = loss.add(c.get(i, l).multiply(c.get(i, l)));
            }
        }
        loss = loss.divide(new Apfloat(2, prec));
        return new Forward(s, new ApMatrix(n, n, a), new ApMatrix(n, 1, alpha), fm, h, att, c, loss);
    }

    /**
     * The textbook form {@code p_ij = f_ij (q_ij - r_i)}, {@code q = c h^T} (Lemma 5.1–5.3); equal to
     * the form used by {@link #evaluate} up to the cancellation in {@code q_ij - r_i}.
     */
    public static ApMatrix pByQMinusR(ApMatrix f, ApMatrix h, ApMatrix c, ApMatrix r) {
        return ApBackward.pByQMinusR(f, h, c, r);
    }

    /** The chain rule through {@code G}: {@code ∂L/∂W_Q[a,b] = Σ_{c,e} G[(a,c),(b,e)] W_K[c,e]}. */
    public static ApMatrix gradWQFromG(ApMatrix g, ApMatrix wk) {
        return ApBackward.gradWQFromG(g, wk);
    }

    /** The chain rule through {@code G}: {@code ∂L/∂W_K[c,e] = Σ_{a,b} G[(a,c),(b,e)] W_Q[a,b]}. */
    public static ApMatrix gradWKFromG(ApMatrix g, ApMatrix wq) {
        return ApBackward.gradWKFromG(g, wq);
    }

    /** Lemma 4.1 parts 1–7 along {@code xdot} ({@code d^2 x d^2}), at the precision of {@code in}. */
    public Directional directional(ApInstance in, ApMatrix xdot) {
        ApMatrix ds = scores(in, xdot);
        return ApDirectional.along(in, ds, forward(in));
    }

    /** {@code v} with finite precision at most {@code prec} (apfloat keeps exact values at infinite precision). */
    static Apfloat finite(Apfloat v, long prec) {
        return v.signum() != 0 && v.precision() > prec ? v.precision(prec) : v;
    }
}
