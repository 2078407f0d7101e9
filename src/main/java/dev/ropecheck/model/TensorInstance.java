package dev.ropecheck.model;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * One tensor attention training problem (Tensor-grad; MATH §8).
 *
 * <p>Inputs {@code A1, A2, A3, A4, A5, E ∈ R^{n x d}}, {@code X ∈ R^{d x d^2}}, {@code Y ∈ R^{d^2 x d}}.
 * Pair indices are row-major as in MATH §0: token pair {@code (j1,j2) -> j1*n + j2}, feature pair
 * {@code (c1,c2) -> c1*d + c2}. The score is
 * {@code S[i,(j1,j2)] = (1/d) Σ_{a,c1,c2} A1[i,a] X[a,(c1,c2)] A2[j1,c1] A3[j2,c2]}, i.e.
 * {@code S = A1 X (A2 ⊗ A3)^T / d}, and the values are {@code h = (A4 ⊗ A5) Y ∈ R^{n^2 x d}}.
 *
 * <p>{@code X} is given directly or through weights {@code W_Q, W_K1, W_K2 ∈ R^{d x d}}:
 * {@code X = W_Q (W_K1 ⊘' W_K2)^T}, where {@code ⊘'} is the column-wise Kronecker product of
 * {@link Kronecker#colKron}: {@code (W_K1 ⊘' W_K2)[(c1,c2),l] = W_K1[c1,l] W_K2[c2,l]}, so
 * {@code X[a,(c1,c2)] = Σ_l W_Q[a,l] W_K1[c1,l] W_K2[c2,l]}. Then, with {@code Q = A1 W_Q},
 * {@code K1 = A2 W_K1}, {@code K2 = A3 W_K2}, {@code S[i,(j1,j2)] = (1/d) Σ_l Q[i,l] K1[j1,l] K2[j2,l]}
 * (the trilinear score of tensor attention).
 *
 * <p>{@code Y} is given directly or through weights {@code W_V1, W_V2 ∈ R^{d x d}}:
 * {@code Y = W_V1 ⊘' W_V2}, {@code Y[(c1,c2),l] = W_V1[c1,l] W_V2[c2,l]}; then
 * {@code h = (A4 ⊗ A5) Y = V1 ⊘' V2} with {@code V1 = A4 W_V1}, {@code V2 = A5 W_V2}.
 *
 * <p>Immutable; validated on construction ({@link Builder#build()}): shapes, finiteness and, when an entry
 * bound {@code B} is declared, {@code |entry| <= B} for every entry of {@code A1..A5, E} and of whichever of
 * {@code X}/{@code W_Q, W_K1, W_K2} and {@code Y}/{@code W_V1, W_V2} were given. Accessors return copies.
 */
public final class TensorInstance implements AttentionInstance {
    /** Largest accepted {@code n}. */
    public static final int MAX_N = 1 << 20;
    /** Largest accepted {@code d} ({@code X} has {@code d^3} entries). */
    public static final int MAX_D = 64;

    /** The validated fields ({@link TensorInputs}: every check of {@link Builder#build()}). */
    private final TensorInputs v;

    private TensorInstance(Builder b) {
        this.v = new TensorInputs(b);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preloaded with this instance's fields (weights when given by weights). */
    public Builder toBuilder() {
        Builder b = new Builder().a1(v.a1).a2(v.a2).a3(v.a3).a4(v.a4).a5(v.a5).e(v.e);
        if (hasKeyWeights()) {
            b.wq(v.wq).wk1(v.wk1).wk2(v.wk2);
        } else {
            b.x(v.x);
        }
        if (hasValueWeights()) {
            b.wv1(v.wv1).wv2(v.wv2);
        } else {
            b.y(v.y);
        }
        if (!Double.isNaN(v.entryBound)) {
            b.entryBound(v.entryBound);
        }
        return b;
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

    public DMatrixRMaj a4() {
        return v.a4.copy();
    }

    public DMatrixRMaj a5() {
        return v.a5.copy();
    }

    public DMatrixRMaj e() {
        return v.e.copy();
    }

    /** {@code X} ({@code d x d^2}); equals {@code W_Q (W_K1 ⊘' W_K2)^T} (rounded to double) when built from weights. */
    public DMatrixRMaj x() {
        return v.x.copy();
    }

    /** {@code Y} ({@code d^2 x d}); equals {@code W_V1 ⊘' W_V2} (rounded to double) when built from weights. */
    public DMatrixRMaj y() {
        return v.y.copy();
    }

    /** True when {@code X} was given through {@code W_Q, W_K1, W_K2}. */
    public boolean hasKeyWeights() {
        return v.wq != null;
    }

    /** True when {@code Y} was given through {@code W_V1, W_V2}. */
    public boolean hasValueWeights() {
        return v.wv1 != null;
    }

    public DMatrixRMaj wq() {
        requireKey();
        return v.wq.copy();
    }

    public DMatrixRMaj wk1() {
        requireKey();
        return v.wk1.copy();
    }

    public DMatrixRMaj wk2() {
        requireKey();
        return v.wk2.copy();
    }

    public DMatrixRMaj wv1() {
        requireValue();
        return v.wv1.copy();
    }

    public DMatrixRMaj wv2() {
        requireValue();
        return v.wv2.copy();
    }

    /** {@code Q = A1 W_Q} (only with key weights). */
    public DMatrixRMaj q() {
        requireKey();
        return mult(v.a1, v.wq);
    }

    /** {@code K1 = A2 W_K1} (only with key weights). */
    public DMatrixRMaj k1() {
        requireKey();
        return mult(v.a2, v.wk1);
    }

    /** {@code K2 = A3 W_K2} (only with key weights). */
    public DMatrixRMaj k2() {
        requireKey();
        return mult(v.a3, v.wk2);
    }

    /** {@code V1 = A4 W_V1} (only with value weights). */
    public DMatrixRMaj v1() {
        requireValue();
        return mult(v.a4, v.wv1);
    }

    /** {@code V2 = A5 W_V2} (only with value weights). */
    public DMatrixRMaj v2() {
        requireValue();
        return mult(v.a5, v.wv2);
    }

    /** The declared entry bound {@code B}, or NaN when none was declared. */
    public double entryBound() {
        return v.entryBound;
    }

    private static DMatrixRMaj mult(DMatrixRMaj p, DMatrixRMaj r) {
        DMatrixRMaj out = new DMatrixRMaj(p.numRows, r.numCols);
        CommonOps_DDRM.mult(p, r, out);
        return out;
    }

    private void requireKey() {
        if (v.wq == null) {
            throw new IllegalStateException("this instance was given X directly, not W_Q, W_K1, W_K2");
        }
    }

    private void requireValue() {
        if (v.wv1 == null) {
            throw new IllegalStateException("this instance was given Y directly, not W_V1, W_V2");
        }
    }

    @Override
    public String toString() {
        return TensorInstanceText.describe(v);
    }

    /** Collects the fields of a {@link TensorInstance}; {@link #build()} validates them. */
    public static final class Builder {
        DMatrixRMaj a1;
        DMatrixRMaj a2;
        DMatrixRMaj a3;
        DMatrixRMaj a4;
        DMatrixRMaj a5;
        DMatrixRMaj e;
        DMatrixRMaj x;
        DMatrixRMaj y;
        DMatrixRMaj wq;
        DMatrixRMaj wk1;
        DMatrixRMaj wk2;
        DMatrixRMaj wv1;
        DMatrixRMaj wv2;
        double entryBound = Double.NaN;

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

        public Builder a4(DMatrixRMaj v) {
            a4 = v;
            return this;
        }

        public Builder a5(DMatrixRMaj v) {
            a5 = v;
            return this;
        }

        public Builder e(DMatrixRMaj v) {
            e = v;
            return this;
        }

        /** {@code X ∈ R^{d x d^2}}. */
        public Builder x(DMatrixRMaj v) {
            x = v;
            return this;
        }

        /** {@code Y ∈ R^{d^2 x d}}. */
        public Builder y(DMatrixRMaj v) {
            y = v;
            return this;
        }

        public Builder wq(DMatrixRMaj v) {
            wq = v;
            return this;
        }

        public Builder wk1(DMatrixRMaj v) {
            wk1 = v;
            return this;
        }

        public Builder wk2(DMatrixRMaj v) {
            wk2 = v;
            return this;
        }

        public Builder wv1(DMatrixRMaj v) {
            wv1 = v;
            return this;
        }

        public Builder wv2(DMatrixRMaj v) {
            wv2 = v;
            return this;
        }

        /** Declares {@code B}: every entry of every given input matrix must satisfy {@code |entry| <= B}. */
        public Builder entryBound(double bound) {
            Require.positive("entry bound B", bound);
            entryBound = bound;
            return this;
        }

        /** Clears {@code X} and the key weights, so one of them can be set anew. */
        public Builder clearX() {
            x = null;
            wq = null;
            wk1 = null;
            wk2 = null;
            return this;
        }

        /** Clears {@code Y} and the value weights. */
        public Builder clearY() {
            y = null;
            wv1 = null;
            wv2 = null;
            return this;
        }

        public TensorInstance build() {
            return new TensorInstance(this);
        }
    }
}
