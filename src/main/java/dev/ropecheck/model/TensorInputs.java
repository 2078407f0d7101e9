package dev.ropecheck.model;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The validated fields of one {@link TensorInstance}, from its {@link TensorInstance.Builder} (Tensor-grad;
 * MATH §8): {@code 1 <= n <= }{@link TensorInstance#MAX_N}, {@code 1 <= d <= }{@link TensorInstance#MAX_D},
 * shapes, finiteness and the declared entry bound {@code B} of {@code A1..A5, E} and of whichever of
 * {@code X} / {@code W_Q, W_K1, W_K2} and {@code Y} / {@code W_V1, W_V2} were given (exactly one of each pair);
 * {@code X = W_Q (W_K1 ⊘' W_K2)^T} and {@code Y = W_V1 ⊘' W_V2} formed from the weights. The matrices are
 * private copies, handed out only through {@link TensorInstance}'s accessors.
 */
final class TensorInputs {
    final int n;
    final int d;
    final DMatrixRMaj a1;
    final DMatrixRMaj a2;
    final DMatrixRMaj a3;
    final DMatrixRMaj a4;
    final DMatrixRMaj a5;
    final DMatrixRMaj e;
    final DMatrixRMaj x;
    final DMatrixRMaj y;
    final DMatrixRMaj wq;
    final DMatrixRMaj wk1;
    final DMatrixRMaj wk2;
    final DMatrixRMaj wv1;
    final DMatrixRMaj wv2;
    final double entryBound;

    TensorInputs(TensorInstance.Builder b) {
        if (b.a1 == null) {
            throw new IllegalArgumentException("A1 is missing (expected n x d)");
        }
        this.n = b.a1.numRows;
        this.d = b.a1.numCols;
        Require.range("n", n, 1, TensorInstance.MAX_N);
        Require.range("d", d, 1, TensorInstance.MAX_D);
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
}
