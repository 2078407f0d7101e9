package dev.ropecheck.engine.fast;

/**
 * {@code dV~ = f~^T c~} of RoPE-grad Theorem 6.7, one monomial at a time (notation of
 * {@link FftGradient}): {@code dV~[j,l] = Σ_κ γ_κ ψ_κ(j) Σ_i τ_κ(i-j) φ_κ(i) x_il} for
 * {@code l < d} ({@code x_il = c~_il / alpha~_i}), one correlation with the kernel {@code τ_κ} per
 * column.
 */
final class ValueGradKernel {
    private final FftFrame frame;
    private final double[] buf;

    ValueGradKernel(FftFrame frame) {
        this.frame = frame;
        this.buf = new double[frame.length];
    }

    /** Adds the monomial {@code (gamma, phi, psi)} to {@code out.dv}. */
    void add(double gamma, double[] phi, double[] psi, GradientFactors factors, SupportKernels ker,
            GradientSums out) {
        int n = frame.n;
        for (int l = 0; l < factors.d; l++) {
            frame.vector(buf, phi, factors.x[l], null);
            PackedSpectra.conjMul(buf, ker.tauSpectrum);
            frame.inverse(buf);
            double[] o = out.dv[l];
            for (int j = 0; j < n; j++) {
                o[j] += gamma * psi[j] * buf[j];
            }
        }
    }
}
