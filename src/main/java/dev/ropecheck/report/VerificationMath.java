package dev.ropecheck.report;

import java.math.BigDecimal;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import java.util.TreeMap;

/** Small helpers shared by the checks. */
final class VerificationMath {
    static final double U = dev.ropecheck.bounds.FloatFormat.FP64.u();

    private VerificationMath() {
    }

    /**
     * {@code max_i |Σ_j m_ij - target|}, each row summed exactly (BigDecimal) so the measurement adds no
     * rounding of its own; {@code +inf} when a row holds a NaN or an infinity.
     */
    static double maxRowSumDeviation(DMatrixRMaj m, double target) {
        BigDecimal t = new BigDecimal(target);
        double worst = 0;
        for (int i = 0; i < m.numRows; i++) {
            BigDecimal sum = BigDecimal.ZERO;
            for (int j = 0; j < m.numCols; j++) {
                double v = m.unsafe_get(i, j);
                if (!Double.isFinite(v)) {
                    return Double.POSITIVE_INFINITY;
                }
                sum = sum.add(new BigDecimal(v));
            }
            worst = Math.max(worst, Math.abs(sum.subtract(t).doubleValue()));
        }
        return worst;
    }

    /** {@code gamma_k = k u / (1 - k u)} (Higham's constant), from {@code bounds.FloatFormat}. */
    static double gamma(long k) {
        return dev.ropecheck.bounds.FloatFormat.FP64.gamma(k);
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
