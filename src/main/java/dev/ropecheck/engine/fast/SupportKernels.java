package dev.ropecheck.engine.fast;

import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.Support;
import java.util.Arrays;

/**
 * The position weights of {@link FftGradient} on the support {@code S = {(b_t, e_t)}} (MATH §1):
 * {@code w[t][m + n - 1] = W_m[b_t, e_t]}, and per monomial the spectra of the Toeplitz kernels
 * {@code τ_κ(m) W_m[b_t, e_t]} and {@code τ_κ(m)}. Support entries whose weights are equal, or
 * negated, share one transform: {@code W_·[b_t, e_t] = sgn[t] · W_·[b_{rep[t]}, e_{rep[t]}]}.
 */
final class SupportKernels {
    /** {@code |S|}. */
    final int size;
    /** {@code b_t}, the row of support entry {@code t}. */
    final int[] row;
    /** {@code e_t}, its column. */
    final int[] col;
    /** {@code w[t][m + n - 1] = W_m[b_t, e_t]}, {@code |m| <= n - 1}. */
    final double[][] w;
    /** The first support entry with the same weights as {@code t} up to sign. */
    final int[] rep;
    /** {@code ±1}: entry {@code t}'s weights are {@code sgn[t]} times those of {@code rep[t]}. */
    final double[] sgn;
    /** Every {@code W_m} is {@code W_0} and there is no causal mask: no transform is needed. */
    final boolean constant;
    /** Per monomial: {@code spectrum[t]} = transform of {@code τ_κ(m) W_m[b_t, e_t]} (representatives only). */
    final double[][] spectrum;
    /** Per monomial: the transform of {@code τ_κ(m)} alone. */
    final double[] tauSpectrum;

    SupportKernels(PositionFamily family, FftFrame frame) {
        int n = frame.n;
        Support s = family.support();
        this.size = s.size();
        this.row = new int[size];
        this.col = new int[size];
        this.w = new double[size][2 * n - 1];
        boolean cf = true;
        for (int t = 0; t < size; t++) {
            row[t] = s.row(t);
            col[t] = s.col(t);
            for (int m = -(n - 1); m <= n - 1; m++) {
                w[t][m + n - 1] = family.weight(m, row[t], col[t]);
                cf &= w[t][m + n - 1] == w[t][0];
            }
        }
        this.constant = cf && !frame.causal;
        this.rep = new int[size];
        this.sgn = new double[size];
        shareTransforms();
        int len = constant ? 0 : frame.length;
        this.spectrum = new double[size][len];
        this.tauSpectrum = new double[len];
    }

    /** A copy for another thread: the same weights, its own per-monomial spectra. */
    private SupportKernels(SupportKernels o) {
        this.size = o.size;
        this.row = o.row;
        this.col = o.col;
        this.w = o.w;
        this.rep = o.rep;
        this.sgn = o.sgn;
        this.constant = o.constant;
        this.spectrum = new double[size][o.tauSpectrum.length];
        this.tauSpectrum = new double[o.tauSpectrum.length];
    }

    /** Another thread's kernels: the weights shared (read only), the per-monomial spectra its own. */
    SupportKernels scratch() {
        return new SupportKernels(this);
    }

    private void shareTransforms() {
        for (int t = 0; t < size; t++) {
            rep[t] = t;
            sgn[t] = 1.0;
            for (int t2 = 0; t2 < t; t2++) {
                if (rep[t2] != t2) {
                    continue;
                }
                if (Arrays.equals(w[t], w[t2])) {
                    rep[t] = t2;
                    break;
                }
                if (negated(w[t], w[t2])) {
                    rep[t] = t2;
                    sgn[t] = -1.0;
                    break;
                }
            }
        }
    }

    private static boolean negated(double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            if (x[i] != -y[i]) {
                return false;
            }
        }
        return true;
    }

    /** Transforms the kernels of one monomial with offset factor {@code tau}. */
    void load(FftFrame frame, double[] tau) {
        for (int t = 0; t < size; t++) {
            if (rep[t] == t) {
                frame.kernel(spectrum[t], tau, w[t]);
            }
        }
        frame.kernel(tauSpectrum, tau, null);
    }
}
