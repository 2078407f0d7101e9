package dev.ropecheck.engine.fast;

/**
 * The per-row updates of one monomial in {@link LowRankGradient} (MATH §6, AS24 style), shared by the
 * unmasked order (all of one side, then all of the other) and the causal one ({@link CausalSums}: each
 * row's update right after its running sum). Layouts are those of {@link LowRankGradient}:
 * {@code x''} and {@code y} are {@code n x (d+1)}, {@code V} is {@code n x k}, {@code Q'} and
 * {@code c~/alpha~} are {@code n x d}, row-major.
 */
final class RowKernels {
    private RowKernels() {
    }

    /** {@code sR[l*k + col] += ψ_j y_jl V[j,col]}. */
    static void addRight(int j, int d1, int k, double[] psi, double[] ys, double[] v, double[] sR) {
        double pj = psi[j];
        int yo = j * d1;
        int vo = j * k;
        for (int l = 0; l < d1; l++) {
            double tl = pj * ys[yo + l];
            int so = l * k;
            for (int col = 0; col < k; col++) {
                sR[so + col] += tl * v[vo + col];
            }
        }
    }

    /** {@code sL[l*d + b] += φ_i x''_il Q'[i,b]}, {@code sL[(d+1)d + l] += φ_i c~_il / alpha~_i}. */
    static void addLeft(int i, int d, int d1, double[] phi, double[] xs, double[] qr, double[] ca, double[] sL) {
        int off = d1 * d;
        double pi = phi[i];
        int xo = i * d1;
        int qo = i * d;
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
    }

    /** {@code z[i,col] += γ φ_i Σ_l x''_il sR[l,col]}. */
    static void updateRow(int i, int d1, int k, double gamma, double[] phi, double[] xs, double[] sR, double[] z) {
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

    /** {@code dk[j,e] += γ ψ_j Σ_l y_jl sL[l,e]}, {@code dv[j,l] += γ ψ_j sL[(d+1)d + l]}. */
    static void updateColumn(int j, int d, int d1, double gamma, double[] psi, double[] ys, double[] sL, double[] dk,
            double[] dv) {
        int off = d1 * d;
        double w = gamma * psi[j];
        int yo = j * d1;
        int o = j * d;
        for (int e = 0; e < d; e++) {
            double acc = 0;
            for (int l = 0; l < d1; l++) {
                acc += ys[yo + l] * sL[l * d + e];
            }
            dk[o + e] += w * acc;
            dv[o + e] += w * sL[off + e];
        }
    }
}
