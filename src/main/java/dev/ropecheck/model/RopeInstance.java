package dev.ropecheck.model;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * One RoPE attention problem (MATH §2; RoPE-grad Defs. 3.1, 3.2): {@code A1, A2, A3, E ∈ R^{n x d}},
 * {@code X ∈ R^{d^2 x d^2}} (given, or {@code X = W_Q ⊗ W_K}), {@code Y ∈ R^{d x d}} (given, or
 * {@code Y = W_V}) and a relative-position family {@code W}.
 *
 * <p>Immutable and validated on construction ({@link Builder#build()}): shapes, finiteness, the
 * family's {@code d} and length, and, when an entry bound {@code B} is declared, {@code |entry| <= B}
 * for every entry of {@code A1, A2, A3, E} and of the weights or {@code X, Y}. Accessors return
 * copies.
 *
 * <p>In place of the target {@code E} an instance may give the upstream gradient {@code dO} of a kernel's
 * backward pass (MATH §9, specs/upstream-gradient.md; {@link Builder#dO}): then {@code c = dO} exactly
 * ({@link #c(double, double)}) and the loss is undefined.
 */
public final class RopeInstance implements AttentionInstance {
    private final int n;
    private final int d;
    private final DMatrixRMaj a1;
    private final DMatrixRMaj a2;
    private final DMatrixRMaj a3;
    private final DMatrixRMaj e;
    private final DMatrixRMaj wq;
    private final DMatrixRMaj wk;
    private final DMatrixRMaj x;
    private final DMatrixRMaj y;
    private final boolean yFromWv;
    private final PositionFamily family;
    private final double entryBound;
    /** The score scale {@code sigma}, or NaN for the papers' default {@code 1/d}. */
    private final double scale;
    private final boolean causal;
    /** True when {@code q, k, v} were given directly (MATH §9): {@code A1, A2, A3} are they, the weights are {@code I}. */
    private final boolean qkv;
    /** True when {@link #e} holds the upstream gradient {@code dO = c} in place of the target {@code E} (MATH §9). */
    private final boolean upstreamGradient;

    private RopeInstance(Builder b) {
        if (b.a1 == null) {
            throw new IllegalArgumentException("A1 is missing");
        }
        this.n = b.a1.numRows;
        this.d = b.a1.numCols;
        Require.range("n", n, 1, 1 << 24);
        Require.range("d", d, 1, 1 << 8);
        if (b.family == null) {
            throw new IllegalArgumentException("family is missing");
        }
        if (b.family.d() != d) {
            throw new IllegalArgumentException("family " + b.family.name() + " has d = " + b.family.d()
                    + " but A1 has d = " + d + " columns");
        }
        b.family.requireCovers(n);
        this.family = b.family;
        this.entryBound = b.entryBound;
        this.a1 = Require.input("A1", b.a1, n, d, entryBound);
        this.a2 = Require.input("A2", b.a2, n, d, entryBound);
        this.a3 = Require.input("A3", b.a3, n, d, entryBound);
        if (b.e != null && b.dO != null) {
            throw new IllegalArgumentException("give either E or dO, not both");
        }
        this.upstreamGradient = b.dO != null;
        this.e = upstreamGradient ? Require.input("dO", b.dO, n, d, entryBound) : Require.input("E", b.e, n, d, entryBound);
        if (b.x != null && (b.wq != null || b.wk != null)) {
            throw new IllegalArgumentException("give either X or W_Q and W_K, not both");
        }
        if (b.x != null) {
            this.wq = null;
            this.wk = null;
            this.x = Require.input("X", b.x, d * d, d * d, entryBound);
        } else {
            if (b.wq == null || b.wk == null) {
                throw new IllegalArgumentException("X is missing: give X (d^2 x d^2) or both W_Q and W_K (d x d)");
            }
            // With q, k, v given directly the weights are the identity: the entry bound is about q, k, v.
            double wBound = b.qkv ? Double.NaN : entryBound;
            this.wq = Require.input("W_Q", b.wq, d, d, wBound);
            this.wk = Require.input("W_K", b.wk, d, d, wBound);
            DMatrixRMaj kron = new DMatrixRMaj(d * d, d * d);
            CommonOps_DDRM.kron(wq, wk, kron);
            this.x = kron;
        }
        if (b.y != null && b.wv != null) {
            throw new IllegalArgumentException("give either Y or W_V, not both");
        }
        if (b.y == null && b.wv == null) {
            throw new IllegalArgumentException("Y is missing: give Y or W_V (d x d)");
        }
        this.yFromWv = b.wv != null;
        this.y = Require.input(yFromWv ? "W_V" : "Y", yFromWv ? b.wv : b.y, d, d, b.qkv ? Double.NaN : entryBound);
        this.scale = b.scale;
        this.causal = b.causal;
        this.qkv = b.qkv;
        if (qkv && !(isIdentity(wq) && isIdentity(b.wk) && isIdentity(y))) {
            throw new IllegalArgumentException("an instance given by q, k, v has identity weights");
        }
    }

    private static boolean isIdentity(DMatrixRMaj m) {
        if (m == null || m.numRows != m.numCols) {
            return false;
        }
        for (int r = 0; r < m.numRows; r++) {
            for (int c = 0; c < m.numCols; c++) {
                if (m.unsafe_get(r, c) != (r == c ? 1.0 : 0.0)) {
                    return false;
                }
            }
        }
        return true;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preloaded with this instance's fields. */
    public Builder toBuilder() {
        Builder b = new Builder().a1(a1).a2(a2).a3(a3).family(family);
        if (upstreamGradient) {
            b.dO(e);
        } else {
            b.e(e);
        }
        if (hasWeights()) {
            b.wq(wq).wk(wk);
        } else {
            b.x(x);
        }
        if (yFromWv) {
            b.wv(y);
        } else {
            b.y(y);
        }
        if (!Double.isNaN(entryBound)) {
            b.entryBound(entryBound);
        }
        if (!Double.isNaN(scale)) {
            b.scale(scale);
        }
        return b.causal(causal).qkvFlag(qkv);
    }

    public int n() {
        return n;
    }

    public int d() {
        return d;
    }

    public DMatrixRMaj a1() {
        return a1.copy();
    }

    public DMatrixRMaj a2() {
        return a2.copy();
    }

    public DMatrixRMaj a3() {
        return a3.copy();
    }

    /**
     * The target {@code E}.
     *
     * @throws IllegalStateException when the instance gives {@code dO} in place of {@code E}
     *     ({@link #hasUpstreamGradient()}): {@code E} is then not an input
     */
    public DMatrixRMaj e() {
        if (upstreamGradient) {
            throw new IllegalStateException("this instance gives the upstream gradient dO in place of the target E");
        }
        return e.copy();
    }

    /**
     * True when the instance gives the upstream gradient {@code dO} in place of the target {@code E}
     * (MATH §9): then {@code c = dO} exactly, and the loss {@code L = ||Att - E||^2 / 2} is undefined.
     */
    public boolean hasUpstreamGradient() {
        return upstreamGradient;
    }

    /** The upstream gradient {@code dO}; only when {@link #hasUpstreamGradient()}. */
    public DMatrixRMaj dO() {
        if (!upstreamGradient) {
            throw new IllegalStateException("this instance gives the target E, not the upstream gradient dO");
        }
        return e.copy();
    }

    /**
     * The input {@code c} is formed from: {@code dO} when {@link #hasUpstreamGradient()}, else {@code E}
     * (its name is {@link #upstreamName()}). Engines pass its entries to {@link #c(double, double)}.
     */
    public DMatrixRMaj upstream() {
        return e.copy();
    }

    /** {@code "dO"} or {@code "E"}: the field name of {@link #upstream()}. */
    public String upstreamName() {
        return upstreamGradient ? "dO" : "E";
    }

    /**
     * {@code c_il} in double from {@code Att_il} and the entry {@code u} of {@link #upstream()} at the same
     * index: {@code Att_il - E_il} (one rounding), or {@code dO_il} exactly. The one place this choice is made
     * for the double engines.
     */
    public double c(double att, double u) {
        return upstreamGradient ? u : att - u;
    }

    /** {@code X} ({@code d^2 x d^2}); equals {@code W_Q ⊗ W_K} when built from weights. */
    public DMatrixRMaj x() {
        return x.copy();
    }

    /** {@code Y} ({@code d x d}); equals {@code W_V} when built from weights. */
    public DMatrixRMaj y() {
        return y.copy();
    }

    /** True when {@code X = W_Q ⊗ W_K} was given through its factors. */
    public boolean hasWeights() {
        return wq != null;
    }

    /** True when {@code Y} was given as {@code W_V}. */
    public boolean hasValueWeight() {
        return yFromWv;
    }

    /** {@code W_Q}; only when {@link #hasWeights()}. */
    public DMatrixRMaj wq() {
        requireWeights();
        return wq.copy();
    }

    /** {@code W_K}; only when {@link #hasWeights()}. */
    public DMatrixRMaj wk() {
        requireWeights();
        return wk.copy();
    }

    /** {@code W_V = Y}. */
    public DMatrixRMaj wv() {
        return y.copy();
    }

    private void requireWeights() {
        if (wq == null) {
            throw new IllegalStateException("this instance was given X directly, not W_Q and W_K");
        }
    }

    public PositionFamily family() {
        return family;
    }

    /** The declared entry bound {@code B}, or NaN when none was declared. */
    public double entryBound() {
        return entryBound;
    }

    /**
     * The score scale {@code sigma} of MATH §9: {@code s_ij = sigma <Q_i W_{i-j}, K_j>}. The papers'
     * default is {@code 1/d}; attention kernels use {@code 1/sqrt(d)}.
     */
    public double scale() {
        return Double.isNaN(scale) ? 1.0 / d : scale;
    }

    /** True when {@code sigma} was left at the papers' default {@code 1/d}. */
    public boolean hasDefaultScale() {
        return Double.isNaN(scale);
    }

    /** True for a causal mask (MATH §9): only {@code j <= i} enters row {@code i}. */
    public boolean causal() {
        return causal;
    }

    /**
     * True when {@code q, k, v} were given directly (MATH §9): {@code A1 = q}, {@code A2 = k},
     * {@code A3 = v} with {@code W_Q = W_K = W_V = I} (so {@code Q = q}, {@code K = k}, {@code h = v}
     * exactly); the gradients are {@code dQ, dK, dV}, and {@code G} and the weight gradients are not
     * quantities of the problem.
     */
    public boolean hasQkv() {
        return qkv;
    }

    /** True when the instance uses the papers' conventions: scale {@code 1/d} and no mask. */
    public boolean hasPapersConventions() {
        return hasDefaultScale() && !causal;
    }

    /** {@code Q = A1 W_Q} (only with weights). */
    public DMatrixRMaj q() {
        requireWeights();
        DMatrixRMaj q = new DMatrixRMaj(n, d);
        CommonOps_DDRM.mult(a1, wq, q);
        return q;
    }

    /** {@code K = A2 W_K} (only with weights). */
    public DMatrixRMaj k() {
        requireWeights();
        DMatrixRMaj k = new DMatrixRMaj(n, d);
        CommonOps_DDRM.mult(a2, wk, k);
        return k;
    }

    /** {@code h = V = A3 Y} (Def. 3.15). */
    public DMatrixRMaj h() {
        DMatrixRMaj h = new DMatrixRMaj(n, d);
        CommonOps_DDRM.mult(a3, y, h);
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("RopeInstance{n=").append(n).append(", d=").append(d).append(", family=").append(family.name());
        if (!Double.isNaN(entryBound)) {
            sb.append(", B=").append(entryBound);
        }
        if (!Double.isNaN(scale)) {
            sb.append(", scale=").append(scale);
        }
        if (causal) {
            sb.append(", causal");
        }
        if (qkv) {
            sb.append(", q/k/v");
        }
        if (upstreamGradient) {
            sb.append(", dO");
        }
        sb.append('\n');
        Matrices.appendRows(sb, "A1", a1);
        Matrices.appendRows(sb, "A2", a2);
        Matrices.appendRows(sb, "A3", a3);
        Matrices.appendRows(sb, upstreamName(), e);
        if (hasWeights()) {
            Matrices.appendRows(sb, "W_Q", wq);
            Matrices.appendRows(sb, "W_K", wk);
        } else {
            Matrices.appendRows(sb, "X", x);
        }
        Matrices.appendRows(sb, yFromWv ? "W_V" : "Y", y);
        return sb.append('}').toString();
    }

    /** Collects the fields of a {@link RopeInstance}; {@link #build()} validates them. */
    public static final class Builder {
        private DMatrixRMaj a1;
        private DMatrixRMaj a2;
        private DMatrixRMaj a3;
        private DMatrixRMaj e;
        private DMatrixRMaj dO;
        private DMatrixRMaj wq;
        private DMatrixRMaj wk;
        private DMatrixRMaj x;
        private DMatrixRMaj y;
        private DMatrixRMaj wv;
        private PositionFamily family;
        private double entryBound = Double.NaN;
        private double scale = Double.NaN;
        private boolean causal;
        private boolean qkv;

        /**
         * Sets {@code q, k, v} directly (MATH §9): {@code A1 = q}, {@code A2 = k}, {@code A3 = v} and
         * identity weights; clears any {@code X} or {@code Y}.
         */
        public Builder qkv(DMatrixRMaj q, DMatrixRMaj k, DMatrixRMaj v) {
            a1 = q;
            a2 = k;
            a3 = v;
            int d = q == null ? 0 : q.numCols;
            x = null;
            y = null;
            wq = CommonOps_DDRM.identity(d);
            wk = CommonOps_DDRM.identity(d);
            wv = CommonOps_DDRM.identity(d);
            qkv = true;
            return this;
        }

        /** Keeps the q/k/v marking of {@link #toBuilder()} (the weights must stay the identity). */
        Builder qkvFlag(boolean v) {
            qkv = v;
            return this;
        }

        public Builder a1(DMatrixRMaj v) {
            a1 = v;
            return this;
        }

        public Builder a2(DMatrixRMaj v) {
            a2 = v;
            return this;
        }

        public Builder a3(DMatrixRMaj v) {
            a3 = v;
            return this;
        }

        /** Sets the target {@code E} (clears a {@code dO}). */
        public Builder e(DMatrixRMaj v) {
            e = v;
            dO = null;
            return this;
        }

        /**
         * Sets the upstream gradient {@code dO} in place of the target {@code E} (MATH §9; clears an {@code E}):
         * {@code c = dO}, and the loss is undefined.
         */
        public Builder dO(DMatrixRMaj v) {
            dO = v;
            e = null;
            return this;
        }

        public Builder wq(DMatrixRMaj v) {
            wq = v;
            return this;
        }

        public Builder wk(DMatrixRMaj v) {
            wk = v;
            return this;
        }

        public Builder x(DMatrixRMaj v) {
            x = v;
            return this;
        }

        public Builder y(DMatrixRMaj v) {
            y = v;
            return this;
        }

        public Builder wv(DMatrixRMaj v) {
            wv = v;
            return this;
        }

        public Builder family(PositionFamily v) {
            family = v;
            return this;
        }

        /** Declares {@code B}: every entry of every input matrix must satisfy {@code |entry| <= B}. */
        public Builder entryBound(double bound) {
            Require.positive("entry bound B", bound);
            entryBound = bound;
            return this;
        }

        /** Sets the score scale {@code sigma > 0} (MATH §9); left unset it is the papers' {@code 1/d}. */
        public Builder scale(double sigma) {
            Require.positive("scale", sigma);
            scale = sigma;
            return this;
        }

        /** Sets the causal mask (MATH §9): row {@code i} sees only {@code j <= i}. */
        public Builder causal(boolean v) {
            causal = v;
            return this;
        }

        /** Clears {@code X} and the query/key weights, so one of them can be set anew. */
        public Builder clearX() {
            x = null;
            wq = null;
            wk = null;
            return this;
        }

        /** Clears {@code Y} and {@code W_V}. */
        public Builder clearY() {
            y = null;
            wv = null;
            return this;
        }

        public RopeInstance build() {
            return new RopeInstance(this);
        }
    }
}
