package dev.ropecheck.model;

import java.util.Arrays;

/**
 * The support {@code S ⊆ [d] x [d]} of a relative-position family (RoPE-grad Def. 3.1): the
 * positions {@code (b,e)} where some {@code W_m[b,e]} may be non-zero. Stored as sorted row-major
 * pair indices {@code b*d + e}.
 */
public final class Support {
    private final int d;
    private final int[] pairs;

    private Support(int d, int[] sortedPairs) {
        this.d = d;
        this.pairs = sortedPairs;
    }

    /** A support from a {@code d x d} boolean mask. */
    public static Support ofMask(boolean[][] mask) {
        int d = mask.length;
        int count = 0;
        for (boolean[] row : mask) {
            if (row.length != d) {
                throw new IllegalArgumentException("support mask must be square d x d, got a row of length "
                        + row.length + " for d = " + d);
            }
            for (boolean b : row) {
                count += b ? 1 : 0;
            }
        }
        int[] p = new int[count];
        int k = 0;
        for (int b = 0; b < d; b++) {
            for (int e = 0; e < d; e++) {
                if (mask[b][e]) {
                    p[k++] = b * d + e;
                }
            }
        }
        return new Support(d, p);
    }

    /** The full support {@code [d] x [d]}. */
    public static Support full(int d) {
        int[] p = new int[d * d];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        return new Support(d, p);
    }

    public int d() {
        return d;
    }

    /** {@code |S|}. */
    public int size() {
        return pairs.length;
    }

    /** Row index {@code b} of the {@code k}-th pair. */
    public int row(int k) {
        return pairs[k] / d;
    }

    /** Column index {@code e} of the {@code k}-th pair. */
    public int col(int k) {
        return pairs[k] % d;
    }

    /** Row-major pair index {@code b*d + e} of the {@code k}-th pair. */
    public int pairIndex(int k) {
        return pairs[k];
    }

    public boolean contains(int b, int e) {
        return Arrays.binarySearch(pairs, b * d + e) >= 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("S{");
        for (int k = 0; k < pairs.length; k++) {
            sb.append(k == 0 ? "" : ",").append('(').append(row(k)).append(',').append(col(k)).append(')');
        }
        return sb.append('}').toString();
    }
}
