package dev.ropecheck.engine.fast;

/**
 * Arithmetic on real spectra in JTransforms' packed format ({@code a[0] = Re} of bin 0,
 * {@code a[1] = Re} of bin {@code L/2}, {@code a[2k], a[2k+1] = Re, Im} of bin {@code k}), for
 * {@link FftGradient}'s kernels. {@code s = ±1} multiplies each product exactly.
 */
final class PackedSpectra {
    private PackedSpectra() {
    }

    /** {@code acc += s · x * conj(y)}. */
    static void mulConjAcc(double[] acc, double[] x, double[] y, double s) {
        multiplyAdd(acc, x, y, s, true);
    }

    /** {@code acc += s · x * y}. */
    static void mulAcc(double[] acc, double[] x, double[] y, double s) {
        multiplyAdd(acc, x, y, s, false);
    }

    /** {@code acc += s · x * y}, or {@code s · x * conj(y)} when {@code conj}. */
    private static void multiplyAdd(double[] acc, double[] x, double[] y, double s, boolean conj) {
        acc[0] += s * (x[0] * y[0]);
        acc[1] += s * (x[1] * y[1]);
        for (int i = 2; i < acc.length; i += 2) {
            double xr = x[i];
            double xi = x[i + 1];
            double yr = y[i];
            double yi = conj ? -y[i + 1] : y[i + 1];
            acc[i] += s * (xr * yr - xi * yi);
            acc[i + 1] += s * (xr * yi + xi * yr);
        }
    }

    /** {@code x <- x * conj(k)}. */
    static void conjMul(double[] x, double[] k) {
        x[0] *= k[0];
        x[1] *= k[1];
        for (int i = 2; i < x.length; i += 2) {
            double xr = x[i];
            double xi = x[i + 1];
            double kr = k[i];
            double ki = k[i + 1];
            x[i] = xr * kr + xi * ki;
            x[i + 1] = xi * kr - xr * ki;
        }
    }

    /**
     * {@code Σ_f Re(k̂_f conj(ĉ_f))} over all {@code L} bins from packed half spectra, which is
     * {@code L Σ_t k[t] c[t]} (Parseval) for real {@code k, c}.
     */
    static double dotReal(double[] k, double[] cs) {
        double s = 0;
        for (int i = 2; i < k.length; i += 2) {
            s += k[i] * cs[i] + k[i + 1] * cs[i + 1];
        }
        return k[0] * cs[0] + k[1] * cs[1] + 2 * s;
    }
}
