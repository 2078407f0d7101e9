package dev.ropecheck.report;

import java.util.List;

/**
 * The sizes a verification run covers. {@link #quick()} keeps the whole run under two minutes on
 * two cores; {@link #full()} goes further in {@code n} and seeds.
 *
 * @param extended true for {@code --full}
 * @param sizes the {@code n} of the exactness checks (ascending)
 * @param dims the {@code d} values
 * @param seeds how many random instances per {@code (n, d, family)}
 * @param timingSizes the {@code n} of the timing measurements
 * @param bounds entry bounds {@code B} for the degree/rank measurements
 * @param scaleMaxN the largest {@code n} of the large-n tightness sweeps (fast engines against the exact engine)
 * @param trustedMaxN the largest {@code n} at which the exact engine is judged against the double-double reference
 */
public record VerificationCases(boolean extended, List<Integer> sizes, List<Integer> dims, int seeds, List<Integer> timingSizes,
        List<Double> bounds, int scaleMaxN, int trustedMaxN) {

    /** Cases whose large-n sweeps stop at the largest timing size (and the trusted sweep at the largest size). */
    public VerificationCases(boolean extended, List<Integer> sizes, List<Integer> dims, int seeds, List<Integer> timingSizes,
            List<Double> bounds) {
        this(extended, sizes, dims, seeds, timingSizes, bounds, timingSizes.get(timingSizes.size() - 1),
                sizes.get(sizes.size() - 1));
    }

    public VerificationCases {
        sizes = List.copyOf(sizes);
        dims = List.copyOf(dims);
        timingSizes = List.copyOf(timingSizes);
        bounds = List.copyOf(bounds);
    }

    public static VerificationCases quick() {
        return new VerificationCases(false, List.of(1, 2, 4, 8, 16, 32), List.of(2, 4), 2, List.of(256, 1024, 4096),
                List.of(0.25, 0.5, 1.0, 2.0), 1 << 12, 1 << 8);
    }

    public static VerificationCases full() {
        return new VerificationCases(true, List.of(1, 2, 4, 8, 16, 32, 64, 128), List.of(2, 4, 8), 4,
                List.of(256, 1024, 4096, 16384), List.of(0.25, 0.5, 1.0, 2.0, 4.0), 1 << 16, 1 << 12);
    }

    /** The largest size. */
    public int maxN() {
        return sizes.get(sizes.size() - 1);
    }
}
