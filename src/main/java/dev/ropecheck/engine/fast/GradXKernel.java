package dev.ropecheck.engine.fast;

import java.util.Arrays;

/**
 * {@code G~} of RoPE-grad Theorem 6.7 by the FFT, one monomial at a time (notation of
 * {@link FftGradient}): {@code G~[(a,c),(b,e)] = sigma Σ_κ γ_κ Σ_m τ_κ(m) W_m[b,e] M^κ_m[a,c]} with
 * {@code M^κ[a,c] = Σ_l corr(u[l][a], v[l][c])}. The sum over {@code l} is taken in the frequency
 * domain and the sum over {@code m} by Parseval against the kernel spectra
 * ({@link PackedSpectra#dotReal}), so no inverse transform is needed.
 */
final class GradXKernel {
    private final int d;
    private final int length;
    private final double[] acc;
    private final double[] dots;

    GradXKernel(int d, FftFrame frame, int supportSize) {
        this.d = d;
        this.length = frame.length;
        this.acc = new double[length];
        this.dots = new double[supportSize];
    }

    /** Adds the monomial with coefficient {@code gamma} to {@code out.g}. */
    void add(double gamma, FactorSpectra sp, SupportKernels ker, GradientSums out) {
        double scale = gamma / length;
        int ns = ker.size;
        for (int a = 0; a < d; a++) {
            for (int cc = 0; cc < d; cc++) {
                Arrays.fill(acc, 0.0);
                for (int l = 0; l <= d; l++) {
                    PackedSpectra.mulConjAcc(acc, sp.u[l][a], sp.v[l][cc], 1.0);
                }
                int o = (a * d + cc) * ns;
                for (int t = 0; t < ns; t++) {
                    if (ker.rep[t] == t) {
                        dots[t] = PackedSpectra.dotReal(ker.spectrum[t], acc);
                    }
                }
                for (int t = 0; t < ns; t++) {
                    out.g[o + t] += scale * ker.sgn[t] * dots[ker.rep[t]];
                }
            }
        }
    }
}
