package dev.ropecheck.engine.fast;

import java.util.Arrays;

/**
 * {@code dQ~} and {@code dK~} of RoPE-grad Theorem 6.7 by Toeplitz products, one monomial at a time
 * (notation of {@link FftGradient}):
 * {@code dQ~_i[b] = sigma Σ_l x_il Σ_κ γ_κ φ_κ(i) Σ_e (τ_κ W[b,e]) * (ψ_κ y_l ∘ K[:,e])} (a
 * convolution), and {@code dK~} the same with the transposed kernel (a correlation) on the i-side.
 * The spectra of {@code ψ_κ y_l ∘ K[:,e]} are the combinations {@code Σ_c W_K[c,e] v[l][c]} (and
 * of {@code φ_κ x_l ∘ Q[:,b]} the combinations {@code Σ_a W_Q[a,b] u[l][a]}), summed over the
 * support in the frequency domain: one inverse transform per {@code (b, l)} and per {@code (e, l)}.
 */
final class QKGradKernel {
    private final int d;
    private final FftFrame frame;
    /** {@code W_Q}, {@code W_K} row-major. */
    private final double[] wq;
    private final double[] wk;
    private final double[][] tmp;
    private final double[] buf;

    QKGradKernel(int d, FftFrame frame, double[] wq, double[] wk) {
        this.d = d;
        this.frame = frame;
        this.wq = wq;
        this.wk = wk;
        this.tmp = new double[d][frame.length];
        this.buf = new double[frame.length];
    }

    /** Adds the monomial {@code (gamma, phi, psi)} to {@code out.dq} and {@code out.dk}. */
    void add(double gamma, double[] phi, double[] psi, FactorSpectra sp, SupportKernels ker, GradientSums out) {
        // dq: the spectra of ψ y_l ∘ K[:,e] are Σ_c W_K[c,e] v[l][c]; dk: of φ x_l ∘ Q[:,b], Σ_a W_Q[a,b] u[l][a]
        side(gamma, phi, sp.v, wk, sp.factors.x, ker, true, out.dq);
        side(gamma, psi, sp.u, wq, sp.factors.y, ker, false, out.dk);
    }

    /**
     * {@code out[b][i] += γ rowFactor_i factor[l]_i (Σ kernels · combined spectra)^∨_i} for every
     * {@code l} and output column {@code b}: the row side ({@code dQ~}) or the column side ({@code dK~}).
     */
    private void side(double gamma, double[] rowFactor, double[][][] spectra, double[] w, double[][] factor,
            SupportKernels ker, boolean rowSide, double[][] out) {
        int n = frame.n;
        for (int l = 0; l <= d; l++) {
            combine(tmp, spectra[l], w);
            double[] x = factor[l];
            for (int b = 0; b < d; b++) {
                if (!sumKernels(b, ker, rowSide)) {
                    continue;
                }
                double[] o = out[b];
                for (int i = 0; i < n; i++) {
                    o[i] += gamma * rowFactor[i] * x[i] * buf[i];
                }
            }
        }
    }

    /**
     * {@code buf} = the inverse transform of {@code Σ_{t: b_t = index} k̂_t tmp[e_t]} (row side) or
     * {@code Σ_{t: e_t = index} tmp[b_t] conj(k̂_t)} (column side); false, {@code buf} unused, when no
     * support entry has that row (column).
     */
    private boolean sumKernels(int index, SupportKernels ker, boolean rowSide) {
        Arrays.fill(buf, 0.0);
        boolean any = false;
        for (int t = 0; t < ker.size; t++) {
            if (rowSide && ker.row[t] == index) {
                PackedSpectra.mulAcc(buf, ker.spectrum[ker.rep[t]], tmp[ker.col[t]], ker.sgn[t]);
                any = true;
            } else if (!rowSide && ker.col[t] == index) {
                PackedSpectra.mulConjAcc(buf, tmp[ker.row[t]], ker.spectrum[ker.rep[t]], ker.sgn[t]);
                any = true;
            }
        }
        if (any) {
            frame.inverse(buf);
        }
        return any;
    }

    /** {@code out[e] = Σ_c w[c*d + e] in[c]} (spectra are linear). */
    private void combine(double[][] out, double[][] in, double[] w) {
        for (int e = 0; e < d; e++) {
            double[] o = out[e];
            Arrays.fill(o, 0.0);
            for (int cc = 0; cc < d; cc++) {
                double f = w[cc * d + e];
                if (f == 0) {
                    continue;
                }
                double[] x = in[cc];
                for (int t = 0; t < frame.length; t++) {
                    o[t] += f * x[t];
                }
            }
        }
    }
}
