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
 */
public record CheckCases(boolean extended, List<Integer> sizes, List<Integer> dims, int seeds, List<Integer> timingSizes,
        List<Double> bounds) {

    public CheckCases {
        sizes = List.copyOf(sizes);
        dims = List.copyOf(dims);
        timingSizes = List.copyOf(timingSizes);
        bounds = List.copyOf(bounds);
    }

    public static CheckCases quick() {
        return new CheckCases(false, List.of(1, 2, 4, 8, 16, 32), List.of(2, 4), 2, List.of(256, 1024, 4096),
                List.of(0.25, 0.5, 1.0, 2.0));
    }

    public static CheckCases full() {
        return new CheckCases(true, List.of(1, 2, 4, 8, 16, 32, 64, 128), List.of(2, 4, 8), 4,
                List.of(256, 1024, 4096, 16384), List.of(0.25, 0.5, 1.0, 2.0, 4.0));
    }

    /** The largest size. */
    public int maxN() {
        return sizes.get(sizes.size() - 1);
    }
}
