package dev.ropecheck.engine.fast;

import java.util.Arrays;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * The transform length {@code L >= 2n - 1} of one {@link FftGradient} pass and its two loads: a
 * Toeplitz kernel indexed by offset {@code m = i - j}, and an {@code n}-vector zero-padded to
 * {@code L}; both transformed in place (real forward FFT, packed). Under the causal mask only the
 * offsets {@code m >= 0} are loaded.
 */
final class FftFrame {
    final int n;
    /** {@code L}. */
    final int length;
    final boolean causal;
    final DoubleFFT_1D fft;

    FftFrame(int n, boolean causal) {
        this.n = n;
        this.causal = causal;
        this.length = FftPlans.lengthFor(n);
        this.fft = FftPlans.plan(length);
    }

    /**
     * Loads {@code out[m mod L] = tau(m) w(m)} for {@code |m| <= n-1} (causal: {@code 0 <= m <= n-1};
     * {@code w == null} means 1) and transforms it.
     */
    void kernel(double[] out, double[] tau, double[] w) {
        Arrays.fill(out, 0.0);
        // tau has one entry when no term survives (every score column zero): constant
        int o = tau.length == 1 ? 0 : n - 1;
        int step = tau.length == 1 ? 0 : 1;
        for (int m = 0; m < n; m++) {
            out[m] = tau[o + step * m] * (w == null ? 1.0 : w[m + n - 1]);
        }
        for (int m = 1; m < n && !causal; m++) {
            out[length - m] = tau[o - step * m] * (w == null ? 1.0 : w[n - 1 - m]);
        }
        fft.realForward(out);
    }

    /** Loads {@code out[i] = weight_i x_i col_i} ({@code col == null} means 1), zero-padded, and transforms it. */
    void vector(double[] out, double[] weight, double[] x, double[] col) {
        for (int i = 0; i < n; i++) {
            out[i] = weight[i] * x[i] * (col == null ? 1.0 : col[i]);
        }
        Arrays.fill(out, n, length, 0.0);
        fft.realForward(out);
    }

    /** Inverse transform in place, scaled by {@code 1/L}. */
    void inverse(double[] spectrum) {
        fft.realInverse(spectrum, true);
    }
}
