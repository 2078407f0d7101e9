package dev.ropecheck.gen;

import dev.ropecheck.model.ExplicitFamily;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * A replayable description of a generated {@link RopeInstance}: everything QuickTheories shrinks
 * ({@code n, d, B}, the family, the parameterisation) plus the seed from which the entries are
 * drawn. {@link #toString()} is a Java expression that rebuilds the same instance, so a failing case
 * printed by a property can be pasted into a unit test.
 *
 * <p>Entries are dyadic rationals {@code k / 2^12} with {@code |k / 2^12| <= B}, so every engine sees
 * exactly the same numbers (no decimal rounding anywhere).
 *
 * @param n tokens
 * @param d features (even when the family is RoPE)
 * @param family which family
 * @param bound entry bound {@code B}; every input entry satisfies {@code |x| <= B}
 * @param weights {@code X = W_Q ⊗ W_K} when true, a general dense {@code X} when false
 * @param seed seed of the entries
 */
public record InstanceSpec(int n, int d, FamilyKind family, double bound, boolean weights, long seed) {

    /** Fractional bits of every generated entry. */
    public static final int FRACTION_BITS = 12;

    /** Builds the instance this spec describes. */
    public RopeInstance build() {
        SplittableRandom rnd = new SplittableRandom(seed);
        RopeInstance.Builder b = RopeInstance.builder()
                .a1(matrix(rnd, n, d, bound))
                .a2(matrix(rnd, n, d, bound))
                .a3(matrix(rnd, n, d, bound))
                .e(matrix(rnd, n, d, bound))
                .family(family(rnd))
                .entryBound(bound);
        if (weights) {
            b.wq(matrix(rnd, d, d, bound)).wk(matrix(rnd, d, d, bound));
        } else {
            b.x(matrix(rnd, d * d, d * d, bound));
        }
        b.wv(matrix(rnd, d, d, bound));
        return b.build();
    }

    private PositionFamily family(SplittableRandom rnd) {
        switch (family) {
            case ROPE_INTERLEAVED:
                return new RopeFamily(d, RopeFamily.DEFAULT_BASE, RopeFamily.Layout.INTERLEAVED);
            case ROPE_HALF_SPLIT:
                return new RopeFamily(d, RopeFamily.DEFAULT_BASE, RopeFamily.Layout.HALF_SPLIT);
            case IDENTITY:
                return new IdentityFamily(d);
            default:
                return explicitFamily(rnd, n, d);
        }
    }

    /** A random explicit family: a random support (never empty) and entries {@code k/2^12} in [-1, 1]. */
    static ExplicitFamily explicitFamily(SplittableRandom rnd, int n, int d) {
        boolean[][] mask = new boolean[d][d];
        mask[rnd.nextInt(d)][rnd.nextInt(d)] = true;
        for (int b = 0; b < d; b++) {
            for (int e = 0; e < d; e++) {
                mask[b][e] |= rnd.nextInt(3) == 0;
            }
        }
        Support s = Support.ofMask(mask);
        DMatrixRMaj[] w = new DMatrixRMaj[2 * n - 1];
        for (int idx = 0; idx < w.length; idx++) {
            w[idx] = new DMatrixRMaj(d, d);
            for (int k = 0; k < s.size(); k++) {
                w[idx].unsafe_set(s.row(k), s.col(k), dyadic(rnd, 1.0));
            }
        }
        return new ExplicitFamily(w, s);
    }

    /** A {@code rows x cols} matrix of dyadic entries in {@code [-bound, bound]}. */
    public static DMatrixRMaj matrix(SplittableRandom rnd, int rows, int cols, double bound) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = dyadic(rnd, bound);
        }
        return m;
    }

    /** A uniform dyadic rational {@code k / 2^12} with {@code |value| <= bound}. */
    public static double dyadic(SplittableRandom rnd, double bound) {
        long kmax = (long) Math.floor(bound * (1L << FRACTION_BITS));
        long k = kmax == 0 ? 0 : rnd.nextLong(-kmax, kmax + 1);
        return (double) k / (1L << FRACTION_BITS);
    }

    @Override
    public String toString() {
        return "new InstanceSpec(" + n + ", " + d + ", FamilyKind." + family + ", " + bound + ", " + weights + ", "
                + seed + "L)";
    }
}
