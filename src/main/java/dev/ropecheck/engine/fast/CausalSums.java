package dev.ropecheck.engine.fast;

import java.util.Arrays;

/**
 * The causal order (MATH §9, {@code proofs-notes/causal-fast.md} §2) of one monomial's update: the sums
 * over the other index run only over the kept pairs {@code j <= i}, as running sums updated and used
 * row by row, {@code O(n (d+1) k)} per monomial like the unmasked sums.
 * <ul>
 *   <li>{@link #prefixApply}: the forward products {@code (Ã v)_i} of both engines (low-rank, and the FFT
 *       engine's constant-{@code τ} monomials);</li>
 *   <li>{@link #rows}, {@link #columns}: {@link LowRankGradient}'s row side (prefix sums over {@code j <= i})
 *       and key side (suffix sums over {@code i >= j}), with the per-row updates of {@link RowKernels}.</li>
 * </ul>
 */
final class CausalSums {
    private CausalSums() {
    }

    /** {@code out[r]_i += c φ_i Σ_{j <= i} ψ_j v_j} for every vector {@code v = vectors[r]}. */
    static void prefixApply(double c, double[] phi, double[] psi, double[][] vectors, double[][] out) {
        int n = phi.length;
        for (int r = 0; r < vectors.length; r++) {
            double[] v = vectors[r];
            double[] o = out[r];
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += psi[i] * v[i];
                o[i] += c * s * phi[i];
            }
        }
    }

    /**
     * {@code z[i,col] += γ φ_i Σ_l x''_il Σ_{j <= i} ψ_j y_jl V[j,col]}.
     *
     * @param sR scratch of length {@code (d+1) k}, overwritten
     */
    static void rows(int n, int d1, int k, double gamma, double[] phi, double[] psi, double[] xs, double[] ys,
            double[] v, double[] sR, double[] z) {
        Arrays.fill(sR, 0.0);
        for (int i = 0; i < n; i++) {
            RowKernels.addRight(i, d1, k, psi, ys, v, sR);
            RowKernels.updateRow(i, d1, k, gamma, phi, xs, sR, z);
        }
    }

    /**
     * {@code dk[j,e] += γ ψ_j Σ_l y_jl Σ_{i >= j} φ_i x''_il Q'[i,e]} and
     * {@code dv[j,l] += γ ψ_j Σ_{i >= j} φ_i c~_il / alpha~_i}.
     *
     * @param sL scratch of length {@code (d+1) d + d}, overwritten
     */
    static void columns(int n, int d, int d1, double gamma, double[] phi, double[] psi, double[] xs, double[] ys,
            double[] qr, double[] ca, double[] sL, double[] dk, double[] dv) {
        Arrays.fill(sL, 0.0);
        for (int j = n - 1; j >= 0; j--) {
            RowKernels.addLeft(j, d, d1, phi, xs, qr, ca, sL);
            RowKernels.updateColumn(j, d, d1, gamma, psi, ys, sL, dk, dv);
        }
    }
}
