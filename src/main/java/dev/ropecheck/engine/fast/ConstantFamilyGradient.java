package dev.ropecheck.engine.fast;

/**
 * {@link FftGradient}'s monomial step when every {@code W_m} is {@code W_0} and there is no causal
 * mask (the identity family): {@code τ_κ} is a constant {@code c0 / γ_κ}, so
 * {@code p~_ij = Σ_κ c0 φ_κ(i) ψ_κ(j) <x_i, y_j>} and every product with {@code p~} is a plain sum,
 * no transform (notation of {@link FftGradient}).
 */
final class ConstantFamilyGradient {
    private final int n;
    private final int d;
    private final boolean weights;
    private final boolean wantG;
    private final GradientFactors f;
    private final double[][] a1;
    private final double[][] a2;
    /** {@code Q[:,b]}, {@code K[:,e]} by column ({@code null} without weights). */
    private final double[][] q;
    private final double[][] k;
    private final SupportKernels ker;
    // Σ_i of the i-side (φ x_l times A1, Q) and j-side (ψ y_l times A2, K) vectors, and Σ_i φ_i x_il
    private final double[][] sUA;
    private final double[][] sA;
    private final double[][] sQ;
    private final double[][] sK;
    private final double[] sC;

    ConstantFamilyGradient(GradientFactors f, double[][] a1, double[][] a2, double[][] q, double[][] k,
            SupportKernels ker, boolean wantG) {
        this.n = f.n;
        this.d = f.d;
        this.f = f;
        this.a1 = a1;
        this.a2 = a2;
        this.q = q;
        this.k = k;
        this.weights = q != null;
        this.ker = ker;
        this.wantG = wantG;
        this.sUA = new double[d + 1][d];
        this.sA = new double[d + 1][d];
        this.sQ = new double[d + 1][d];
        this.sK = new double[d + 1][d];
        this.sC = new double[d];
    }

    /** Adds the monomial with constant {@code c0 = γ_κ τ_κ} and row factors {@code phi, psi} to {@code out}. */
    void add(double c0, double[] phi, double[] psi, GradientSums out) {
        sums(phi, psi);
        if (wantG) {
            addG(c0, out.g);
        }
        if (weights) {
            addQK(c0, phi, psi, out);
        }
        for (int l = 0; l < d; l++) {
            double v = c0 * sC[l];
            double[] o = out.dv[l];
            for (int j = 0; j < n; j++) {
                o[j] += v * psi[j];
            }
        }
    }

    private void sums(double[] phi, double[] psi) {
        for (int l = 0; l <= d; l++) {
            double[] x = f.x[l];
            double[] y = f.y[l];
            for (int a = 0; a < d; a++) {
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                double s4 = 0;
                double[] c1 = a1[a];
                double[] c2 = a2[a];
                for (int i = 0; i < n; i++) {
                    double pi = phi[i] * x[i];
                    double pj = psi[i] * y[i];
                    s1 += pi * c1[i];
                    s2 += pj * c2[i];
                    if (weights) {
                        s3 += pi * q[a][i];
                        s4 += pj * k[a][i];
                    }
                }
                sUA[l][a] = s1;
                sA[l][a] = s2;
                sQ[l][a] = s3;
                sK[l][a] = s4;
            }
        }
        for (int l = 0; l < d; l++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += phi[i] * f.x[l][i];
            }
            sC[l] = s;
        }
    }

    private void addG(double c0, double[] g) {
        int ns = ker.size;
        for (int a = 0; a < d; a++) {
            for (int cc = 0; cc < d; cc++) {
                double m = 0;
                for (int l = 0; l <= d; l++) {
                    m += sUA[l][a] * sA[l][cc];
                }
                int o = (a * d + cc) * ns;
                for (int t = 0; t < ns; t++) {
                    g[o + t] += c0 * m * ker.w[t][0];
                }
            }
        }
    }

    /** {@code dq[b][i] += c0 φ_i Σ_l x_il Σ_e W0[b,e] sK[l][e]}; {@code dk[e][j] += c0 ψ_j Σ_l y_jl Σ_b W0[b,e] sQ[l][b]}. */
    private void addQK(double c0, double[] phi, double[] psi, GradientSums out) {
        double[][] kw = new double[d + 1][d];
        double[][] qw = new double[d + 1][d];
        for (int l = 0; l <= d; l++) {
            for (int t = 0; t < ker.size; t++) {
                kw[l][ker.row[t]] += ker.w[t][0] * sK[l][ker.col[t]];
                qw[l][ker.col[t]] += ker.w[t][0] * sQ[l][ker.row[t]];
            }
        }
        for (int b = 0; b < d; b++) {
            double[] oq = out.dq[b];
            double[] ok = out.dk[b];
            for (int i = 0; i < n; i++) {
                double sq = 0;
                double sk = 0;
                for (int l = 0; l <= d; l++) {
                    sq += f.x[l][i] * kw[l][b];
                    sk += f.y[l][i] * qw[l][b];
                }
                oq[i] += c0 * phi[i] * sq;
                ok[i] += c0 * psi[i] * sk;
            }
        }
    }
}
