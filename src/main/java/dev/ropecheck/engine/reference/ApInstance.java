package dev.ropecheck.engine.reference;

import dev.ropecheck.model.ExactValues;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.util.Arrays;
import org.apfloat.Apfloat;

/**
 * The arbitrary-precision image of a {@link RopeInstance} (MATH §2): every input converted exactly,
 * the family's {@code W_m[b,e]} for {@code (b,e) ∈ S} and {@code |m| <= n-1} to {@link #digits()}
 * digits (RoPE: cos/sin of the exact angle). Immutable; the {@code with*} methods return perturbed
 * copies, which is how finite-difference tests move {@code X}, {@code W_Q}, {@code W_K}, {@code Y}
 * by amounts no double can represent.
 */
public final class ApInstance {
    private final int n;
    private final int d;
    private final long digits;
    private final ApMatrix a1;
    private final ApMatrix a2;
    private final ApMatrix a3;
    private final ApMatrix e;
    private final ApMatrix x;
    private final ApMatrix y;
    private final ApMatrix wq;
    private final ApMatrix wk;
    private final PositionFamily family;
    private final Support support;
    /** {@code w[m + n - 1][k] = W_m[S_k]}. */
    private final Apfloat[][] w;
    /** The score scale {@code sigma} as the instance's double, or NaN for the papers' {@code 1/d}. */
    private final double scale;
    private final boolean causal;
    /** True when {@link #e} holds the upstream gradient {@code dO} in place of {@code E} (MATH §9). */
    private final boolean upstreamGradient;

    private ApInstance(int n, int d, long digits, ApMatrix a1, ApMatrix a2, ApMatrix a3, ApMatrix e, ApMatrix x,
            ApMatrix y, ApMatrix wq, ApMatrix wk, PositionFamily family, Support support, Apfloat[][] w, double scale,
            boolean causal, boolean upstreamGradient) {
        this.n = n;
        this.d = d;
        this.digits = digits;
        this.a1 = a1;
        this.a2 = a2;
        this.a3 = a3;
        this.e = e;
        this.x = x;
        this.y = y;
        this.wq = wq;
        this.wk = wk;
        this.family = family;
        this.support = support;
        this.w = w;
        this.scale = scale;
        this.causal = causal;
        this.upstreamGradient = upstreamGradient;
    }

    /**
     * Converts {@code inst} exactly; with weights, {@code X = W_Q ⊗ W_K} is formed in apfloat.
     *
     * @param digits working precision in decimal digits, {@code >= 10}
     */
    public static ApInstance of(RopeInstance inst, long digits) {
        if (digits < 10 || digits > 100_000) {
            throw new IllegalArgumentException("digits = " + digits + " must lie in [10, 100000]");
        }
        int n = inst.n();
        int d = inst.d();
        PositionFamily fam = inst.family();
        Support s = fam.support();
        Apfloat[][] w = new Apfloat[2 * n - 1][s.size()];
        for (int m = -(n - 1); m <= n - 1; m++) {
            for (int k = 0; k < s.size(); k++) {
                w[m + n - 1][k] = fam.weight(m, s.row(k), s.col(k), digits);
            }
        }
        ApMatrix wq = inst.hasWeights() ? ApMatrix.of(inst.wq(), digits) : null;
        ApMatrix wk = inst.hasWeights() ? ApMatrix.of(inst.wk(), digits) : null;
        ApMatrix x = inst.hasWeights() ? wq.kron(wk) : ApMatrix.of(inst.x(), digits);
        return new ApInstance(n, d, digits, ApMatrix.of(inst.a1(), digits), ApMatrix.of(inst.a2(), digits),
                ApMatrix.of(inst.a3(), digits), ApMatrix.of(inst.upstream(), digits), x, ApMatrix.of(inst.y(), digits), wq,
                wk, fam, s, w, inst.hasDefaultScale() ? Double.NaN : inst.scale(), inst.causal(),
                inst.hasUpstreamGradient());
    }

    /**
     * This instance carried at fewer digits: every entry and every weight rounded to {@code lower}
     * digits (exact inputs with fewer significant digits are unchanged). Reusing the weights saves
     * recomputing the family's full-precision cos/sin, the dominant cost for RoPE.
     */
    public ApInstance withDigits(long lower) {
        if (lower < 10 || lower > digits) {
            throw new IllegalArgumentException("digits = " + lower + " must lie in [10, " + digits + "]");
        }
        Apfloat[][] w2 = new Apfloat[w.length][];
        for (int i = 0; i < w.length; i++) {
            w2[i] = new Apfloat[w[i].length];
            for (int k = 0; k < w[i].length; k++) {
                w2[i][k] = round(w[i][k], lower);
            }
        }
        return new ApInstance(n, d, lower, a1.rounded(lower), a2.rounded(lower), a3.rounded(lower), e.rounded(lower),
                x.rounded(lower), y.rounded(lower), wq == null ? null : wq.rounded(lower),
                wk == null ? null : wk.rounded(lower), family, support, w2, scale, causal, upstreamGradient);
    }

    static Apfloat round(Apfloat v, long digits) {
        return v.signum() != 0 && v.precision() > digits ? v.precision(digits) : v;
    }

    /** A copy with a general {@code X} ({@code d^2 x d^2}); the weights are dropped. */
    public ApInstance withX(ApMatrix newX) {
        shape("X", newX, d * d, d * d);
        return new ApInstance(n, d, digits, a1, a2, a3, e, newX, y, null, null, family, support, w, scale, causal, upstreamGradient);
    }

    /** A copy with new {@code W_Q, W_K} and {@code X = W_Q ⊗ W_K}. */
    public ApInstance withWeights(ApMatrix newWq, ApMatrix newWk) {
        shape("W_Q", newWq, d, d);
        shape("W_K", newWk, d, d);
        return new ApInstance(n, d, digits, a1, a2, a3, e, newWq.kron(newWk), y, newWq, newWk, family, support, w, scale, causal, upstreamGradient);
    }

    /** A copy with a new {@code Y = W_V}. */
    public ApInstance withY(ApMatrix newY) {
        shape("Y", newY, d, d);
        return new ApInstance(n, d, digits, a1, a2, a3, e, x, newY, wq, wk, family, support, w, scale, causal, upstreamGradient);
    }

    /** A copy with a new target {@code E} (and no {@code dO}). */
    public ApInstance withE(ApMatrix newE) {
        shape("E", newE, n, d);
        return new ApInstance(n, d, digits, a1, a2, a3, newE, x, y, wq, wk, family, support, w, scale, causal, false);
    }

    private static void shape(String name, ApMatrix m, int rows, int cols) {
        if (m == null || m.rows() != rows || m.cols() != cols) {
            throw new IllegalArgumentException(name + " must be " + rows + "x" + cols + ", got "
                    + (m == null ? "none" : m.rows() + "x" + m.cols()));
        }
    }

    public int n() {
        return n;
    }

    public int d() {
        return d;
    }

    /** The working precision in decimal digits. */
    public long digits() {
        return digits;
    }

    public ApMatrix a1() {
        return a1;
    }

    public ApMatrix a2() {
        return a2;
    }

    public ApMatrix a3() {
        return a3;
    }

    /** {@code E}; not for an instance that gives {@code dO} ({@link #hasUpstreamGradient()}). */
    public ApMatrix e() {
        if (upstreamGradient) {
            throw new IllegalStateException("this instance gives the upstream gradient dO in place of the target E");
        }
        return e;
    }

    /** True when the instance gives {@code dO} in place of {@code E} (MATH §9; {@code RopeInstance#hasUpstreamGradient}). */
    public boolean hasUpstreamGradient() {
        return upstreamGradient;
    }

    /** {@code c = Att - E}, or {@code c = dO} exactly when the instance gives {@code dO} (MATH §9). */
    public ApMatrix c(ApMatrix att) {
        return upstreamGradient ? e : att.minus(e);
    }

    public ApMatrix x() {
        return x;
    }

    public ApMatrix y() {
        return y;
    }

    public boolean hasWeights() {
        return wq != null;
    }

    /** {@code W_Q}; only when {@link #hasWeights()}. */
    public ApMatrix wq() {
        requireWeights();
        return wq;
    }

    /** {@code W_K}; only when {@link #hasWeights()}. */
    public ApMatrix wk() {
        requireWeights();
        return wk;
    }

    private void requireWeights() {
        if (wq == null) {
            throw new IllegalStateException("this instance has a general X, not W_Q and W_K");
        }
    }

    /** True for a causal mask (MATH §9): row {@code i} sees only {@code j <= i}. */
    public boolean causal() {
        return causal;
    }

    /** True when {@code j} is masked out of row {@code i} ({@code j > i} under a causal mask). */
    public boolean masked(int i, int j) {
        return causal && j > i;
    }

    /**
     * {@code sigma x} (MATH §9): {@code x / d} at the papers' default, computed at {@link #digits()};
     * otherwise {@code x} times the instance's double {@code sigma}, converted exactly
     * ({@code specs/score-scale.md}: the scale is the double the instance holds).
     */
    public Apfloat scaled(Apfloat x) {
        if (Double.isNaN(scale)) {
            return x.divide(new Apfloat(d, digits));
        }
        return ReferenceRopeAttention.finite(x.multiply(ExactValues.apfloat(scale, digits)), digits);
    }

    public PositionFamily family() {
        return family;
    }

    public Support support() {
        return support;
    }

    /** {@code W_m[S_k]} for {@code |m| <= n-1}, {@code 0 <= k < |S|}. */
    public Apfloat weight(int m, int k) {
        return w[m + n - 1][k];
    }

    /** {@code W_m} as a dense {@code d x d} matrix (exact zeros outside {@code S}). */
    public ApMatrix weightMatrix(int m) {
        Apfloat[] a = new Apfloat[d * d];
        Arrays.fill(a, Apfloat.ZERO);
        for (int k = 0; k < support.size(); k++) {
            a[support.pairIndex(k)] = w[m + n - 1][k];
        }
        return new ApMatrix(d, d, a);
    }
}
