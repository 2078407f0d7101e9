package dev.ropecheck.engine.fast;

import dev.ropecheck.model.TensorInstance;

/**
 * The score of MATH §8 as a sum of {@code k} trilinear features,
 * {@code S[i,(j1,j2)] = Σ_{s<k} phi[i,s] psi[j1,s] chi[j2,s]} ({@code n x k} arrays, row-major):
 * <ul>
 *   <li>general {@code X}: {@code k = d^2}, {@code s = (c1,c2)}, {@code phi = (A1 X)/d}, {@code psi[j1,s] = A2[j1,c1]},
 *       {@code chi[j2,s] = A3[j2,c2]};</li>
 *   <li>key weights ({@code X = W_Q (W_K1 ⊘' W_K2)^T}): {@code k = d}, {@code phi = A1 W_Q / d}, {@code psi = A2 W_K1},
 *       {@code chi = A3 W_K2}.</li>
 * </ul>
 * {@link #beta} is {@code Σ_s max_i |phi[i,s]| max_j |psi[j,s]| max_j |chi[j,s]|}, which bounds every {@code |S|}
 * computed from these features, inflated by {@code 1 + 4(k+2) 2^-53} to cover its own rounding (a sum of
 * {@code k} products of three factors).
 */
final class TrilinearFeatures {
    final int n;
    final int k;
    final double[] phi;
    final double[] psi;
    final double[] chi;
    final double beta;

    private TrilinearFeatures(int n, int k, double[] phi, double[] psi, double[] chi) {
        this.n = n;
        this.k = k;
        this.phi = phi;
        this.psi = psi;
        this.chi = chi;
        double b = 0;
        for (int s = 0; s < k; s++) {
            b += maxAbs(phi, s) * maxAbs(psi, s) * maxAbs(chi, s);
        }
        this.beta = b * (1 + 4 * (k + 2) * dev.ropecheck.bounds.FloatFormat.FP64.u());
    }

    private double maxAbs(double[] m, int s) {
        double best = 0;
        for (int i = 0; i < n; i++) {
            best = Math.max(best, Math.abs(m[i * k + s]));
        }
        return best;
    }

    static TrilinearFeatures of(TensorInstance in, boolean useWeights) {
        int n = in.n();
        int d = in.d();
        double invD = 1.0 / d;
        if (useWeights && in.hasKeyWeights()) {
            double[] q = in.q().data;
            for (int t = 0; t < q.length; t++) {
                q[t] *= invD;
            }
            return new TrilinearFeatures(n, d, q, in.k1().data, in.k2().data);
        }
        int dd = d * d;
        double[] a1 = in.a1().data;
        double[] a2 = in.a2().data;
        double[] a3 = in.a3().data;
        double[] x = in.x().data;
        double[] phi = new double[n * dd];
        double[] psi = new double[n * dd];
        double[] chi = new double[n * dd];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < dd; s++) {
                double acc = 0;
                for (int a = 0; a < d; a++) {
                    acc += a1[i * d + a] * x[a * dd + s];
                }
                phi[i * dd + s] = acc * invD;
            }
            for (int c1 = 0; c1 < d; c1++) {
                for (int c2 = 0; c2 < d; c2++) {
                    psi[i * dd + c1 * d + c2] = a2[i * d + c1];
                    chi[i * dd + c1 * d + c2] = a3[i * d + c2];
                }
            }
        }
        return new TrilinearFeatures(n, dd, phi, psi, chi);
    }
}
