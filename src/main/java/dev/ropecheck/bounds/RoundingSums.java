package dev.ropecheck.bounds;

import static dev.ropecheck.bounds.ExactRoundingModel.TRUSTED_SLACK;
import static dev.ropecheck.bounds.ExactRoundingModel.gamma;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.Matrices;
import org.ejml.data.DMatrixRMaj;

/**
 * The magnitudes the exact engine's rounding model is stated in ({@code proofs-notes/rounding-model.md}
 * §0, §11): {@code |x||y|} products rounded up, absolute row, column and total sums, and the magnitudes
 * of a trusted result inflated by {@link ExactRoundingModel#TRUSTED_SLACK}.
 */
final class RoundingSums {
    private RoundingSums() {
    }

    static double max(double[] v) {
        double best = 0;
        for (double x : v) {
            best = Math.max(best, x);
        }
        return best;
    }

    /** {@code |x| |y|} (entrywise absolute values, then the product). */
    static DMatrixRMaj absProduct(DMatrixRMaj x, DMatrixRMaj y) {
        DMatrixRMaj out = new DMatrixRMaj(x.numRows, y.numCols);
        for (int i = 0; i < x.numRows; i++) {
            for (int c = 0; c < y.numCols; c++) {
                double acc = 0;
                for (int t = 0; t < x.numCols; t++) {
                    acc += Math.abs(x.unsafe_get(i, t)) * Math.abs(y.unsafe_get(t, c));
                }
                out.unsafe_set(i, c, acc * (1 + 2 * gamma(x.numCols + 1)));
            }
        }
        return out;
    }

    /** Column maxima of {@code |x||y|}: {@code Q̂_b = max_i Σ_a |A1[i,a]| |W_Q[a,b]|}. */
    static double[] absProductColMax(DMatrixRMaj x, DMatrixRMaj y) {
        return Matrices.colMaxAbs(absProduct(x, y));
    }

    static double trustedMaxAbs(RopeResult trusted, Quantity q, double fallback) {
        if (trusted == null || !trusted.has(q)) {
            return fallback;
        }
        return Matrices.maxAbs(trusted.get(q)) * (1 + TRUSTED_SLACK);
    }

    static double trustedColAbsSum(RopeResult trusted, Quantity q, double fallback) {
        if (trusted == null || !trusted.has(q)) {
            return fallback;
        }
        return Math.min(fallback, maxColAbsSum(trusted.get(q)) * (1 + TRUSTED_SLACK));
    }

    static double absSum(DMatrixRMaj m) {
        double s = 0;
        for (double v : m.data) {
            s += Math.abs(v);
        }
        return s;
    }

    static double maxRowAbsSum(DMatrixRMaj m) {
        double best = 0;
        for (int r = 0; r < m.numRows; r++) {
            double s = 0;
            for (int c = 0; c < m.numCols; c++) {
                s += Math.abs(m.unsafe_get(r, c));
            }
            best = Math.max(best, s);
        }
        return best;
    }

    static double maxColAbsSum(DMatrixRMaj m) {
        double best = 0;
        for (int c = 0; c < m.numCols; c++) {
            double s = 0;
            for (int r = 0; r < m.numRows; r++) {
                s += Math.abs(m.unsafe_get(r, c));
            }
            best = Math.max(best, s);
        }
        return best;
    }

    static double slack(double v, RopeResult trusted, Quantity q, double fallback) {
        return trusted != null && trusted.has(q) ? Math.min(fallback, v * (1 + TRUSTED_SLACK)) : fallback;
    }
}
