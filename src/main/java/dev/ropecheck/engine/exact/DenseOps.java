package dev.ropecheck.engine.exact;

/**
 * Small dense helpers on row-major {@code double[]} arrays, in a fixed summation order: each entry
 * is {@code ((0 + x_0 y_0) + x_1 y_1) + ...} over the inner index in increasing order. The loops
 * run with the output row innermost (contiguous, vectorised by the JIT), which changes no entry's
 * order.
 */
final class DenseOps {
    private DenseOps() {
    }

    /** {@code (r x inner) * (inner x cols)}; each entry summed over the inner index in increasing order. */
    static double[] mult(double[] x, int r, int inner, double[] y, int cols) {
        double[] out = new double[r * cols];
        for (int i = 0; i < r; i++) {
            int o = i * cols;
            for (int t = 0; t < inner; t++) {
                double xt = x[i * inner + t];
                int yo = t * cols;
                for (int c = 0; c < cols; c++) {
                    out[o + c] += xt * y[yo + c];
                }
            }
        }
        return out;
    }

    /** {@code x^T y} for {@code x: n x a}, {@code y: n x b}; each entry summed over rows in increasing order. */
    static double[] transposeMult(double[] x, int n, int a, double[] y, int b) {
        double[] out = new double[a * b];
        for (int i = 0; i < n; i++) {
            int yo = i * b;
            for (int p = 0; p < a; p++) {
                double xp = x[i * a + p];
                int o = p * b;
                for (int q = 0; q < b; q++) {
                    out[o + q] += xp * y[yo + q];
                }
            }
        }
        return out;
    }
}
