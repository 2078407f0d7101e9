package dev.ropecheck.engine.exact;

import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.Support;

/**
 * The {@code 2n-1} matrices {@code W_m} of a relative-position family restricted to their support
 * {@code S} (MATH §1), evaluated once per computation in double: {@code w[(m + n - 1) * |S| + k]}
 * is {@code W_m[b_k, e_k]} for the {@code k}-th support pair {@code (b_k, e_k)}.
 *
 * <p>Offset {@code m} holds the matrix of offset {@link OffsetPathRules#weightOffset rules.weightOffset(m)}
 * ({@code m} itself for the paper's rules).
 */
final class OffsetWeights {
    final int n;
    final int d;
    /** {@code |S|}. */
    final int size;
    /** Row {@code b_k} of each support pair. */
    final int[] row;
    /** Column {@code e_k} of each support pair. */
    final int[] col;
    /** Row-major pair index {@code b_k * d + e_k}. */
    final int[] pair;
    /** Flat table, {@code (2n-1) x |S|}. */
    final double[] w;

    OffsetWeights(PositionFamily family, int n, OffsetPathRules rules) {
        this.n = n;
        this.d = family.d();
        Support s = family.support();
        this.size = s.size();
        this.row = new int[size];
        this.col = new int[size];
        this.pair = new int[size];
        for (int k = 0; k < size; k++) {
            row[k] = s.row(k);
            col[k] = s.col(k);
            pair[k] = s.pairIndex(k);
        }
        this.w = new double[(2 * n - 1) * size];
        for (int m = -(n - 1); m <= n - 1; m++) {
            int src = rules.weightOffset(m);
            int base = (m + n - 1) * size;
            for (int k = 0; k < size; k++) {
                w[base + k] = family.weight(src, row[k], col[k]);
            }
        }
    }
}
