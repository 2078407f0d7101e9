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

    private final int n;
    private final int d;
    private final DMatrixRMaj a1;
    private final DMatrixRMaj a2;
    private final DMatrixRMaj a3;
    private final DMatrixRMaj a4;
    private final DMatrixRMaj a5;
    private final DMatrixRMaj e;
    private final DMatrixRMaj x;
    private final DMatrixRMaj y;
    private final DMatrixRMaj wq;
    private final DMatrixRMaj wk1;
    private final DMatrixRMaj wk2;
    private final DMatrixRMaj wv1;
    private final DMatrixRMaj wv2;
    private final double entryBound;

    private TensorInstance(Builder b) {
        if (b.a1 == null) {
            throw new IllegalArgumentException("A1 is missing (expected n x d)");
        }
        this.n = b.a1.numRows;
        this.d = b.a1.numCols;
        Require.range("n", n, 1, MAX_N);
        Require.range("d", d, 1, MAX_D);
        this.entryBound = b.entryBound;
        this.a1 = Require.input("A1", b.a1, n, d, entryBound);
        this.a2 = Require.input("A2", b.a2, n, d, entryBound);
        this.a3 = Require.input("A3", b.a3, n, d, entryBound);
        this.a4 = Require.input("A4", b.a4, n, d, entryBound);
        this.a5 = Require.input("A5", b.a5, n, d, entryBound);
        this.e = Require.input("E", b.e, n, d, entryBound);
        boolean anyKey = b.wq != null || b.wk1 != null || b.wk2 != null;
        if (b.x != null && anyKey) {
            throw new IllegalArgumentException("give either X or W_Q, W_K1 and W_K2, not both");
        }
        if (b.x != null) {
            this.x = Require.input("X", b.x, d, d * d, entryBound);
            this.wq = null;
            this.wk1 = null;
            this.wk2 = null;
        } else {
            if (b.wq == null || b.wk1 == null || b.wk2 == null) {
                throw new IllegalArgumentException(
                        "X is missing: give X (d x d^2) or all of W_Q, W_K1, W_K2 (d x d)");
            }
            this.wq = Require.input("W_Q", b.wq, d, d, entryBound);
            this.wk1 = Require.input("W_K1", b.wk1, d, d, entryBound);
            this.wk2 = Require.input("W_K2", b.wk2, d, d, entryBound);
            DMatrixRMaj x0 = new DMatrixRMaj(d, d * d);
            CommonOps_DDRM.multTransB(wq, Kronecker.colKron(wk1, wk2), x0);
            this.x = x0;
        }
        boolean anyValue = b.wv1 != null || b.wv2 != null;
        if (b.y != null && anyValue) {
            throw new IllegalArgumentException("give either Y or W_V1 and W_V2, not both");
        }
        if (b.y != null) {
            this.y = Require.input("Y", b.y, d * d, d, entryBound);
            this.wv1 = null;
            this.wv2 = null;
        } else {
            if (b.wv1 == null || b.wv2 == null) {
                throw new IllegalArgumentException("Y is missing: give Y (d^2 x d) or both W_V1 and W_V2 (d x d)");
            }
            this.wv1 = Require.input("W_V1", b.wv1, d, d, entryBound);
            this.wv2 = Require.input("W_V2", b.wv2, d, d, entryBound);
            this.y = Kronecker.colKron(wv1, wv2);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preloaded with this instance's fields (weights when given by weights). */
    public Builder toBuilder() {
        Builder b = new Builder().a1(a1).a2(a2).a3(a3).a4(a4).a5(a5).e(e);
        if (hasKeyWeights()) {
            b.wq(wq).wk1(wk1).wk2(wk2);
        } else {
            b.x(x);
        }
        if (hasValueWeights()) {
            b.wv1(wv1).wv2(wv2);
        } else {
            b.y(y);
        }
        if (!Double.isNaN(entryBound)) {
            b.entryBound(entryBound);
        }
        return b;
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

    public DMatrixRMaj a4() {
        return a4.copy();
    }

    public DMatrixRMaj a5() {
        return a5.copy();
    }

    public DMatrixRMaj e() {
        return e.copy();
    }

    /** {@code X} ({@code d x d^2}); equals {@code W_Q (W_K1 ⊘' W_K2)^T} (rounded to double) when built from weights. */
    public DMatrixRMaj x() {
        return x.copy();
    }

    /** {@code Y} ({@code d^2 x d}); equals {@code W_V1 ⊘' W_V2} (rounded to double) when built from weights. */
    public DMatrixRMaj y() {
        return y.copy();
    }

    /** True when {@code X} was given through {@code W_Q, W_K1, W_K2}. */
    public boolean hasKeyWeights() {
        return wq != null;
    }

    /** True when {@code Y} was given through {@code W_V1, W_V2}. */
    public boolean hasValueWeights() {
        return wv1 != null;
    }

    public DMatrixRMaj wq() {
        requireKey();
        return wq.copy();
    }

    public DMatrixRMaj wk1() {
        requireKey();
        return wk1.copy();
    }

    public DMatrixRMaj wk2() {
        requireKey();
        return wk2.copy();
    }

    public DMatrixRMaj wv1() {
        requireValue();
        return wv1.copy();
    }

    public DMatrixRMaj wv2() {
        requireValue();
        return wv2.copy();
    }

    /** {@code Q = A1 W_Q} (only with key weights). */
    public DMatrixRMaj q() {
        requireKey();
        return mult(a1, wq);
    }

    /** {@code K1 = A2 W_K1} (only with key weights). */
    public DMatrixRMaj k1() {
        requireKey();
        return mult(a2, wk1);
    }

    /** {@code K2 = A3 W_K2} (only with key weights). */
    public DMatrixRMaj k2() {
        requireKey();
        return mult(a3, wk2);
    }

    /** {@code V1 = A4 W_V1} (only with value weights). */
    public DMatrixRMaj v1() {
        requireValue();
        return mult(a4, wv1);
    }

    /** {@code V2 = A5 W_V2} (only with value weights). */
    public DMatrixRMaj v2() {
        requireValue();
        return mult(a5, wv2);
    }

    /** The declared entry bound {@code B}, or NaN when none was declared. */
    public double entryBound() {
        return entryBound;
    }

    private static DMatrixRMaj mult(DMatrixRMaj p, DMatrixRMaj r) {
        DMatrixRMaj out = new DMatrixRMaj(p.numRows, r.numCols);
        CommonOps_DDRM.mult(p, r, out);
        return out;
    }

    private void requireKey() {
        if (wq == null) {
            throw new IllegalStateException("this instance was given X directly, not W_Q, W_K1, W_K2");
        }
    }

    private void requireValue() {
        if (wv1 == null) {
            throw new IllegalStateException("this instance was given Y directly, not W_V1, W_V2");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TensorInstance{n=").append(n).append(", d=").append(d);
        if (!Double.isNaN(entryBound)) {
            sb.append(", B=").append(entryBound);
        }
        sb.append('\n');
        Matrices.appendRows(sb, "A1", a1);
        Matrices.appendRows(sb, "A2", a2);
        Matrices.appendRows(sb, "A3", a3);
        Matrices.appendRows(sb, "A4", a4);
        Matrices.appendRows(sb, "A5", a5);
        Matrices.appendRows(sb, "E", e);
        if (hasKeyWeights()) {
            Matrices.appendRows(sb, "W_Q", wq);
            Matrices.appendRows(sb, "W_K1", wk1);
            Matrices.appendRows(sb, "W_K2", wk2);
        } else {
            Matrices.appendRows(sb, "X", x);
        }
        if (hasValueWeights()) {
            Matrices.appendRows(sb, "W_V1", wv1);
            Matrices.appendRows(sb, "W_V2", wv2);
        } else {
            Matrices.appendRows(sb, "Y", y);
        }
        return sb.append('}').toString();
    }

    /** Collects the fields of a {@link TensorInstance}; {@link #build()} validates them. */
    public static final class Builder {
        private DMatrixRMaj a1;
        private DMatrixRMaj a2;
        private DMatrixRMaj a3;
        private DMatrixRMaj a4;
        private DMatrixRMaj a5;
        private DMatrixRMaj e;
        private DMatrixRMaj x;
        private DMatrixRMaj y;
        private DMatrixRMaj wq;
        private DMatrixRMaj wk1;
        private DMatrixRMaj wk2;
        private DMatrixRMaj wv1;
        private DMatrixRMaj wv2;
        private double entryBound = Double.NaN;

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
