package dev.ropecheck.engine.fast;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jtransforms.fft.DoubleFFT_1D;

/** Cached JTransforms plans, one per transform length (plans are read-only after construction). */
final class FftPlans {
    private static final Map<Integer, DoubleFFT_1D> PLANS = new ConcurrentHashMap<>();

    static {
        // Each transform runs on its calling thread: the engine parallelises over monomials itself
        // (RopeFftEngine_F64, --threads). JTransforms' own threading splits every large transform across
        // its pool, which ignores --threads and pays several thread hand-offs per transform (at n = 65536,
        // d = 4 about 5 s of system time of 78 s CPU; single-threaded 0.8 s, with bit-identical output).
        pl.edu.icm.jlargearrays.ConcurrencyUtils.setNumberOfThreads(1);
    }

    private FftPlans() {
    }

    static DoubleFFT_1D plan(int length) {
        return PLANS.computeIfAbsent(length, DoubleFFT_1D::new);
    }

    /** Smallest power of two {@code >= 2n - 1} (and {@code >= 2}): linear convolution without wrap-around. */
    static int lengthFor(int n) {
        int need = Math.max(2, 2 * n - 1);
        int l = Integer.highestOneBit(need);
        return l == need ? l : l << 1;
    }

    /**
     * In place {@code x <- x * k} for two spectra in JTransforms' packed real format
     * ({@code a[0] = Re 0, a[1] = Re L/2, a[2k], a[2k+1] = Re, Im of bin k}).
     */
    static void multiplyPacked(double[] x, double[] k, int length) {
        x[0] *= k[0];
        x[1] *= k[1];
        for (int i = 2; i < length; i += 2) {
            double xr = x[i];
            double xi = x[i + 1];
            double kr = k[i];
            double ki = k[i + 1];
            x[i] = xr * kr - xi * ki;
            x[i + 1] = xr * ki + xi * kr;
        }
    }
}
