package dev.ropecheck.engine.fast;

import java.util.Arrays;

/**
 * The causal form (MATH §9) of one monomial's update in {@link LowRankGradient}: the sums over the
 * other index run only over the kept pairs {@code j <= i}. The row side uses a running prefix sum
 * {@code S_i = Σ_{j <= i} ψ_j y_j ⊗ V_j} (a {@code (d+1) x k} block, updated then used at each
 * {@code i}), the key side a running suffix sum {@code Σ_{i >= j} φ_i x''_i ⊗ [Q'_i, c~_i/alpha~_i]}:
 * {@code O(n (d+1) k)} per monomial, as the unmasked sums. Layouts are those of {@link LowRankGradient}.
 */
final class CausalSums {
    private CausalSums() {
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
            double pj = psi[i];
            int yo = i * d1;
            int vo = i * k;
            for (int l = 0; l < d1; l++) {
                double tl = pj * ys[yo + l];
                int so = l * k;
                for (int col = 0; col < k; col++) {
                    sR[so + col] += tl * v[vo + col];
                }
            }
            double w = gamma * phi[i];
            int xo = i * d1;
            int zo = i * k;
            for (int l = 0; l < d1; l++) {
                double tl = w * xs[xo + l];
                int so = l * k;
                for (int col = 0; col < k; col++) {
                    z[zo + col] += tl * sR[so + col];
                }
            }
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
        int off = d1 * d;
        for (int j = n - 1; j >= 0; j--) {
            double pi = phi[j];
            int xo = j * d1;
            int qo = j * d;
            for (int l = 0; l < d1; l++) {
                double tl = pi * xs[xo + l];
                int so = l * d;
                for (int b = 0; b < d; b++) {
                    sL[so + b] += tl * qr[qo + b];
                }
            }
            for (int l = 0; l < d; l++) {
                sL[off + l] += pi * ca[qo + l];
            }
            double w = gamma * psi[j];
            int yo = j * d1;
            for (int e = 0; e < d; e++) {
                double acc = 0;
                for (int l = 0; l < d1; l++) {
                    acc += ys[yo + l] * sL[l * d + e];
                }
                dk[qo + e] += w * acc;
                dv[qo + e] += w * sL[off + e];
            }
        }
    }
}
