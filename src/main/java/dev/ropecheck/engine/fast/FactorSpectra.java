package dev.ropecheck.engine.fast;

/**
 * One monomial's share of {@code p~} in the frequency domain (RoPE-grad Lemmas 6.5 and 6.6, in
 * {@link FftGradient}'s notation): {@code p~ = Σ_κ γ_κ Σ_l diag(φ_κ x_l) T_κ diag(ψ_κ y_l)} with
 * {@code T_κ[i,j] = τ_κ(i-j)}; the columns {@code l < d} are Lemma 6.5's {@code p1 = f~ ∘ q~}, the
 * column {@code l = d} ({@code x_id = -r~_i / alpha~_i}, {@code y_jd = 1}) Lemma 6.6's
 * {@code p2 = diag(r~) f~}, so {@code p1 - p2} is one product of rank {@code d + 1}. Holds, for the
 * current monomial, {@code u[l][a] = FFT(φ_κ x_l ∘ A1[:,a])} and {@code v[l][c] = FFT(ψ_κ y_l ∘ A2[:,c])}.
 */
final class FactorSpectra {
    final GradientFactors factors;
    /** {@code A1[:,a]} by column. */
    final double[][] a1;
    /** {@code A2[:,c]} by column. */
    final double[][] a2;
    /** {@code u[l][a]}, {@code (d+1) x d} spectra of length {@code L}. */
    final double[][][] u;
    /** {@code v[l][c]}, {@code (d+1) x d} spectra of length {@code L}. */
    final double[][][] v;

    FactorSpectra(GradientFactors factors, double[][] a1, double[][] a2, int length) {
        this.factors = factors;
        this.a1 = a1;
        this.a2 = a2;
        int d = factors.d;
        this.u = new double[d + 1][d][length];
        this.v = new double[d + 1][d][length];
    }

    /** Transforms the i-side and j-side vectors of the monomial with row factors {@code phi}, {@code psi}. */
    void load(FftFrame frame, double[] phi, double[] psi) {
        int d = factors.d;
        for (int l = 0; l <= d; l++) {
            for (int a = 0; a < d; a++) {
                frame.vector(u[l][a], phi, factors.x[l], a1[a]);
                frame.vector(v[l][a], psi, factors.y[l], a2[a]);
            }
        }
    }
}
