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
    /** The validated fields ({@link RopeInputs}: every check of {@link Builder#build()}). */
    private final RopeInputs v;

    private RopeInstance(Builder b) {
        this.v = new RopeInputs(b);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preloaded with this instance's fields. */
    public Builder toBuilder() {
        Builder b = new Builder().a1(v.a1).a2(v.a2).a3(v.a3).family(v.family);
        if (v.upstreamGradient) {
            b.dO(v.e);
        } else {
            b.e(v.e);
        }
        if (hasWeights()) {
            b.wq(v.wq).wk(v.wk);
        } else {
            b.x(v.x);
        }
        if (v.yFromWv) {
            b.wv(v.y);
        } else {
            b.y(v.y);
        }
        if (!Double.isNaN(v.entryBound)) {
            b.entryBound(v.entryBound);
        }
        if (!Double.isNaN(v.scale)) {
            b.scale(v.scale);
        }
        return b.causal(v.causal).qkvFlag(v.qkv);
    }

    public int n() {
        return v.n;
    }

    public int d() {
        return v.d;
    }

    public DMatrixRMaj a1() {
        return v.a1.copy();
    }

    public DMatrixRMaj a2() {
        return v.a2.copy();
    }

    public DMatrixRMaj a3() {
        return v.a3.copy();
    }

    /**
     * The target {@code E}.
     *
     * @throws IllegalStateException when the instance gives {@code dO} in place of {@code E}
     *     ({@link #hasUpstreamGradient()}): {@code E} is then not an input
     */
    public DMatrixRMaj e() {
        if (v.upstreamGradient) {
            throw new IllegalStateException("this instance gives the upstream gradient dO in place of the target E");
        }
        return v.e.copy();
    }

    /**
     * True when the instance gives the upstream gradient {@code dO} in place of the target {@code E}
     * (MATH §9): then {@code c = dO} exactly, and the loss {@code L = ||Att - E||^2 / 2} is undefined.
     */
    public boolean hasUpstreamGradient() {
        return v.upstreamGradient;
    }

    /** The upstream gradient {@code dO}; only when {@link #hasUpstreamGradient()}. */
    public DMatrixRMaj dO() {
        if (!v.upstreamGradient) {
            throw new IllegalStateException("this instance gives the target E, not the upstream gradient dO");
        }
        return v.e.copy();
    }

    /**
     * The input {@code c} is formed from: {@code dO} when {@link #hasUpstreamGradient()}, else {@code E}
     * (its name is {@link #upstreamName()}). Engines pass its entries to {@link #c(double, double)}.
     */
    public DMatrixRMaj upstream() {
        return v.e.copy();
    }

    /** {@code "dO"} or {@code "E"}: the field name of {@link #upstream()}. */
    public String upstreamName() {
        return v.upstreamGradient ? "dO" : "E";
    }

    /**
     * {@code c_il} in double from {@code Att_il} and the entry {@code u} of {@link #upstream()} at the same
     * index: {@code Att_il - E_il} (one rounding), or {@code dO_il} exactly. The one place this choice is made
     * for the double engines.
     */
    public double c(double att, double u) {
        return v.upstreamGradient ? u : att - u;
    }

    /** {@code X} ({@code d^2 x d^2}); equals {@code W_Q ⊗ W_K} when built from weights. */
    public DMatrixRMaj x() {
        return v.x.copy();
    }

    /** {@code Y} ({@code d x d}); equals {@code W_V} when built from weights. */
    public DMatrixRMaj y() {
        return v.y.copy();
    }

    /** True when {@code X = W_Q ⊗ W_K} was given through its factors. */
    public boolean hasWeights() {
        return v.wq != null;
    }

    /** True when {@code Y} was given as {@code W_V}. */
    public boolean hasValueWeight() {
        return v.yFromWv;
    }

    /** {@code W_Q}; only when {@link #hasWeights()}. */
    public DMatrixRMaj wq() {
        requireWeights();
        return v.wq.copy();
    }

    /** {@code W_K}; only when {@link #hasWeights()}. */
    public DMatrixRMaj wk() {
        requireWeights();
        return v.wk.copy();
    }

    /** {@code W_V = Y}. */
    public DMatrixRMaj wv() {
        return v.y.copy();
    }

    private void requireWeights() {
        if (v.wq == null) {
            throw new IllegalStateException("this instance was given X directly, not W_Q and W_K");
        }
    }

    public PositionFamily family() {
        return v.family;
    }

    /** The declared entry bound {@code B}, or NaN when none was declared. */
    public double entryBound() {
        return v.entryBound;
    }

    /**
     * The score scale {@code sigma} of MATH §9: {@code s_ij = sigma <Q_i W_{i-j}, K_j>}. The papers'
     * default is {@code 1/d}; attention kernels use {@code 1/sqrt(d)}.
     */
    public double scale() {
        return Double.isNaN(v.scale) ? 1.0 / v.d : v.scale;
    }

    /** True when {@code sigma} was left at the papers' default {@code 1/d}. */
    public boolean hasDefaultScale() {
        return Double.isNaN(v.scale);
    }

    /** True for a causal mask (MATH §9): only {@code j <= i} enters row {@code i}. */
    public boolean causal() {
        return v.causal;
    }

    /**
     * True when {@code q, k, v} were given directly (MATH §9): {@code A1 = q}, {@code A2 = k},
     * {@code A3 = v} with {@code W_Q = W_K = W_V = I} (so {@code Q = q}, {@code K = k}, {@code h = v}
     * exactly); the gradients are {@code dQ, dK, dV}, and {@code G} and the weight gradients are not
     * quantities of the problem.
     */
    public boolean hasQkv() {
        return v.qkv;
    }

    /** True when the instance uses the papers' conventions: scale {@code 1/d} and no mask. */
    public boolean hasPapersConventions() {
        return hasDefaultScale() && !v.causal;
    }

    /** {@code Q = A1 W_Q} (only with weights). */
    public DMatrixRMaj q() {
        requireWeights();
        DMatrixRMaj q = new DMatrixRMaj(v.n, v.d);
        CommonOps_DDRM.mult(v.a1, v.wq, q);
        return q;
    }

    /** {@code K = A2 W_K} (only with weights). */
    public DMatrixRMaj k() {
        requireWeights();
        DMatrixRMaj k = new DMatrixRMaj(v.n, v.d);
        CommonOps_DDRM.mult(v.a2, v.wk, k);
        return k;
    }

    /** {@code h = V = A3 Y} (Def. 3.15). */
    public DMatrixRMaj h() {
        DMatrixRMaj h = new DMatrixRMaj(v.n, v.d);
        CommonOps_DDRM.mult(v.a3, v.y, h);
        return h;
    }

    @Override
    public String toString() {
        return RopeInstanceText.describe(v);
    }

    /** Collects the fields of a {@link RopeInstance}; {@link #build()} validates them. */
    public static final class Builder {
        DMatrixRMaj a1;
        DMatrixRMaj a2;
        DMatrixRMaj a3;
        DMatrixRMaj e;
        DMatrixRMaj dO;
        DMatrixRMaj wq;
        DMatrixRMaj wk;
        DMatrixRMaj x;
        DMatrixRMaj y;
        DMatrixRMaj wv;
        PositionFamily family;
        double entryBound = Double.NaN;
        double scale = Double.NaN;
        boolean causal;
        boolean qkv;

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
