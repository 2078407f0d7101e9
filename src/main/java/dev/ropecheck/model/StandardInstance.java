package dev.ropecheck.model;

import org.ejml.data.DMatrixRMaj;

/**
 * A standard (no position) attention problem of AS24, used by RoPE-grad Section 7's reduction:
 * {@code L_std(X0) = (1/2) ||diag(alpha)^{-1} exp(A1 X0 A2^T / d) A3 Y - E||_F^2} with
 * {@code A1, A2, A3, E ∈ R^{n x d}}, {@code X0, Y ∈ R^{d x d}}. Immutable; validated on construction;
 * accessors return copies.
 */
public final class StandardInstance implements AttentionInstance {
    private final int n;
    private final int d;
    private final DMatrixRMaj a1;
    private final DMatrixRMaj a2;
    private final DMatrixRMaj a3;
    private final DMatrixRMaj e;
    private final DMatrixRMaj x0;
    private final DMatrixRMaj y;

    public StandardInstance(DMatrixRMaj a1, DMatrixRMaj a2, DMatrixRMaj a3, DMatrixRMaj e, DMatrixRMaj x0,
            DMatrixRMaj y) {
        if (a1 == null) {
            throw new IllegalArgumentException("A1 is missing");
        }
        this.n = a1.numRows;
        this.d = a1.numCols;
        Require.range("n", n, 1, 1 << 24);
        Require.range("d", d, 1, 1 << 8);
        this.a1 = Require.input("A1", a1, n, d, Double.NaN);
        this.a2 = Require.input("A2", a2, n, d, Double.NaN);
        this.a3 = Require.input("A3", a3, n, d, Double.NaN);
        this.e = Require.input("E", e, n, d, Double.NaN);
        this.x0 = Require.input("X0", x0, d, d, Double.NaN);
        this.y = Require.input("Y", y, d, d, Double.NaN);
    }

    /** The standard-attention problem underlying {@code r} with {@code X0} as the key-query matrix. */
    public static StandardInstance of(RopeInstance r, DMatrixRMaj x0) {
        return new StandardInstance(r.a1(), r.a2(), r.a3(), r.e(), x0, r.y());
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

    public DMatrixRMaj e() {
        return e.copy();
    }

    public DMatrixRMaj x0() {
        return x0.copy();
    }

    public DMatrixRMaj y() {
        return y.copy();
    }
}
