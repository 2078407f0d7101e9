package dev.ropecheck.report;

import java.util.List;
import java.util.TreeMap;

/** Small helpers shared by the checks. */
final class Checks {
    static final double U = 0x1.0p-53;

    private Checks() {
    }

    /** {@code gamma_k = k u / (1 - k u)} (Higham's constant). */
    static double gamma(long k) {
        return k * U / (1 - k * U);
    }

    /** A series with, for each distinct x, the largest y. */
    static Series maxByX(Plot plot, String name, List<Double> xs, List<Double> ys) {
        TreeMap<Double, Double> m = new TreeMap<>();
        for (int i = 0; i < xs.size(); i++) {
            m.merge(xs.get(i), ys.get(i), Math::max);
        }
        double[] x = new double[m.size()];
        double[] y = new double[m.size()];
        int k = 0;
        for (var e : m.entrySet()) {
            x[k] = e.getKey();
            y[k] = e.getValue();
            k++;
        }
        return new Series(plot, name, x, y);
    }
}
