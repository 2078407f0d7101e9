package dev.ropecheck.model;

import org.apfloat.Apfloat;
import org.ejml.data.DMatrixRMaj;

/**
 * A relative-position family {@code W_m ∈ R^{d x d}}, {@code m = -(n-1)..n-1} (RoPE-fwd Def. 1.1,
 * RoPE-grad Def. 3.1), every member supported inside one set {@link #support() S}.
 *
 * <p>Implementations are immutable. {@link #weight(int, int, int)} is the double value the
 * double-precision engines use; {@link #weight(int, int, int, long)} is the value the reference
 * engine uses, correct to the requested number of decimal digits (for RoPE the cos/sin of the
 * exact angle, not of a rounded one).
 */
public interface PositionFamily {

    /** The feature dimension {@code d}. */
    int d();

    /**
     * The largest {@code |m|} this family defines, or {@link Integer#MAX_VALUE} for families defined
     * at every offset (RoPE, identity).
     */
    int maxOffset();

    /** The support {@code S}. */
    Support support();

    /** {@code W_m[b,e]} in double precision. */
    double weight(int m, int b, int e);

    /** {@code W_m[b,e]} to {@code digits} decimal digits. */
    Apfloat weight(int m, int b, int e, long digits);

    /** A short name for reports ("rope-interleaved", "identity", "explicit"). */
    String name();

    /** {@code W_m} as a dense {@code d x d} matrix (double). */
    default DMatrixRMaj matrix(int m) {
        int d = d();
        DMatrixRMaj w = new DMatrixRMaj(d, d);
        Support s = support();
        for (int k = 0; k < s.size(); k++) {
            w.unsafe_set(s.row(k), s.col(k), weight(m, s.row(k), s.col(k)));
        }
        return w;
    }

    /** Requires this family to be defined for every offset {@code |m| <= n-1}. */
    default void requireCovers(int n) {
        if (n - 1 > maxOffset()) {
            throw new IllegalArgumentException("family " + name() + " defines W_m for |m| <= " + maxOffset()
                    + " (2n-1 = " + (2 * maxOffset() + 1) + " matrices) but n = " + n + " needs |m| <= " + (n - 1));
        }
    }
}
