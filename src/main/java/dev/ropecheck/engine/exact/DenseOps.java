package dev.ropecheck.engine.exact;

/** Small dense helpers on row-major {@code double[]} arrays, in a fixed summation order. */
final class DenseOps {
    private DenseOps() {
    }

    /** {@code (r x inner) * (inner x cols)}; each entry summed over the inner index in increasing order. */
    static double[] mult(double[] x, int r, int inner, double[] y, int cols) {
        double[] out = new double[r * cols];
        for (int i = 0; i < r; i++) {
            for (int c = 0; c < cols; c++) {
                double acc = 0.0;
                for (int t = 0; t < inner; t++) {
                    acc += x[i * inner + t] * y[t * cols + c];
                }
                out[i * cols + c] = acc;
            }
        }
        return out;
    }

    /** {@code x^T y} for {@code x: n x a}, {@code y: n x b}; each entry summed over rows in increasing order. */
    static double[] transposeMult(double[] x, int n, int a, double[] y, int b) {
        double[] out = new double[a * b];
        for (int p = 0; p < a; p++) {
            for (int q = 0; q < b; q++) {
                double acc = 0.0;
                for (int i = 0; i < n; i++) {
                    acc += x[i * a + p] * y[i * b + q];
                }
                out[p * b + q] = acc;
            }
        }
        return out;
    }
}
