package dev.ropecheck.model;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The validated fields of one {@link RopeInstance}, from its {@link RopeInstance.Builder}: the checks
 * of {@link RopeInstance.Builder#build()} (MATH §2, §9; RoPE-grad Defs. 3.1, 3.2): {@code 1 <= n <= 2^24},
 * {@code 1 <= d <= 2^8}, the family's {@code d} and length, shapes, finiteness and the declared entry
 * bound {@code B} of {@code A1, A2, A3, E} (or {@code dO}) and of the weights or {@code X, Y}; exactly one
 * of {@code E} and {@code dO}, of {@code X} and {@code (W_Q, W_K)}, of {@code Y} and {@code W_V}; identity
 * weights for an instance given by {@code q, k, v}. The matrices are private copies; nothing here is
 * handed out but through {@link RopeInstance}'s accessors.
 */
final class RopeInputs {
    final int n;
    final int d;
    final DMatrixRMaj a1;
    final DMatrixRMaj a2;
    final DMatrixRMaj a3;
    final DMatrixRMaj e;
    final DMatrixRMaj wq;
    final DMatrixRMaj wk;
    final DMatrixRMaj x;
    final DMatrixRMaj y;
    final boolean yFromWv;
    final PositionFamily family;
    final double entryBound;
    /** The score scale {@code sigma}, or NaN for the papers' default {@code 1/d}. */
    final double scale;
    final boolean causal;
    /** True when {@code q, k, v} were given directly (MATH §9): {@code A1, A2, A3} are they, the weights are {@code I}. */
    final boolean qkv;
    /** True when {@link #e} holds the upstream gradient {@code dO = c} in place of the target {@code E} (MATH §9). */
    final boolean upstreamGradient;

    RopeInputs(RopeInstance.Builder b) {
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
}
