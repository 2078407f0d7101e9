package dev.ropecheck.engine.exact;

/**
 * A block of rows of {@code Qr Kr^T} (the unscaled scores {@code <qr_i, kr_j>}, MATH §1–2) on
 * row-major {@code double[]}: cache-blocked over {@code j} (tiles of {@link #TILE} columns, so the
 * tile of {@code Kr^T} and the rows of the block stay in L1) and over {@code a} (eight terms per
 * pass, kept in a register). Every entry is summed in the one order
 * {@code ((0 + qr_0 kr_0) + qr_1 kr_1) + ... + qr_{d-1} kr_{d-1}}, whatever the tiling and the
 * thread count: {@code d} products and {@code d - 1} additions, {@code d} roundings per term.
 * The inner loops run over contiguous {@code j}, which the JIT vectorises lane by lane without
 * changing any entry's order.
 */
final class ScoreKernel {
    /** Columns per tile. */
    static final int TILE = 256;

    private ScoreKernel() {
    }

    /**
     * {@code out[r n + j] = Σ_a qr[(i0 + r) d + a] krT[a n + j]} for {@code r < rows},
     * {@code j < lim[r]}; other entries of {@code out} are left alone.
     *
     * @param qr rotated queries, {@code n x d}
     * @param krT rotated keys transposed, {@code d x n}
     * @param lim per row, the number of columns computed ({@code n}, or {@code i + 1} under a causal mask)
     */
    static void block(double[] qr, int i0, int rows, double[] krT, int n, int d, int[] lim, double[] out) {
        int maxLim = 0;
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(out, r * n, r * n + lim[r], 0.0);
            maxLim = Math.max(maxLim, lim[r]);
        }
        for (int j0 = 0; j0 < maxLim; j0 += TILE) {
            int a = 0;
            for (; a + 8 <= d; a += 8) {
                for (int r = 0; r < rows; r++) {
                    int j1 = Math.min(j0 + TILE, lim[r]);
                    if (j1 > j0) {
                        EightTerms.axpy(qr, (i0 + r) * d + a, krT, a * n, n, out, r * n, j0, j1);
                    }
                }
            }
            for (; a < d; a++) {
                for (int r = 0; r < rows; r++) {
                    int j1 = Math.min(j0 + TILE, lim[r]);
                    double q = qr[(i0 + r) * d + a];
                    int ko = a * n;
                    int o = r * n;
                    for (int j = j0; j < j1; j++) {
                        out[o + j] += q * krT[ko + j];
                    }
                }
            }
        }
    }
}
