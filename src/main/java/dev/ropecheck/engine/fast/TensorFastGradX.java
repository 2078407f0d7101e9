package dev.ropecheck.engine.fast;

import dev.ropecheck.model.TensorInstance;
import org.ejml.data.DMatrixRMaj;

/**
 * {@code ∇_X L~} of {@link TensorFastEngine_F64} through {@code Ω} and {@code Z} (Tensor-grad main theorem;
 * MATH §6, §8; the factorisation is in that class's Javadoc), {@code O(n r d^2 + r d^4)} with {@code r}
 * the rank of the low-rank factors {@code U1, U2, U3} ({@link MonomialFactors}). Precondition: {@code xf} is
 * Lemma 6.4's {@link GradientFactors#ofRows} of the same rows.
 */
final class TensorFastGradX {
    private TensorFastGradX() {
    }

    /** {@code ∇_X L~} through {@code Ω} and {@code Z} (class Javadoc); {@code O(n r d^2 + r d^4)}. */
    static DMatrixRMaj gradX(TensorInstance in, MonomialFactors mf, GradientFactors xf) {
        final int d = in.d();
        final int dd = d * d;
        final int d1 = d + 1;
        final int r = mf.r;
        KeyFactors kf = keyFactors(in, mf);
        double[] zz = zTensor(kf, in.y().data, r, d);
        double[] omega = omega(in, mf, xf);
        // G~[a,s] = (1/d) Σ_{κ,l} Ω[a,l,κ] Z[κ,s,l]
        double invD = 1.0 / d;
        double[] g = new double[d * dd];
        for (int a = 0; a < d; a++) {
            for (int s = 0; s < dd; s++) {
                double acc = 0;
                for (int m = 0; m < r; m++) {
                    int zb = (m * dd + s) * d1;
                    for (int l = 0; l < d1; l++) {
                        acc += omega[(a * d1 + l) * r + m] * zz[zb + l];
                    }
                }
                g[a * dd + s] = acc * invD;
            }
        }
        return DMatrixRMaj.wrap(d, dd, g);
    }

    /**
     * {@code T2[κ,(c1,e1)] = Σ_j U2[j,κ] A2[j,c1] A4[j,e1]}, {@code T3} likewise with {@code U3, A3, A5}
     * ({@code r x d^2}); {@code R2[κ,c1] = Σ_j U2[j,κ] A2[j,c1]}, {@code R3} likewise ({@code r x d}).
     */
    private record KeyFactors(double[] t2, double[] t3, double[] r2, double[] r3) {
    }

    /** {@link KeyFactors} of {@code in} and the low-rank factors {@code U2, U3}. */
    private static KeyFactors keyFactors(TensorInstance in, MonomialFactors mf) {
        final int n = in.n();
        final int d = in.d();
        final int dd = d * d;
        final int r = mf.r;
        final double[] a2 = in.a2().data;
        final double[] a3 = in.a3().data;
        final double[] a4 = in.a4().data;
        final double[] a5 = in.a5().data;
        double[] t2 = new double[r * dd];
        double[] t3 = new double[r * dd];
        double[] r2 = new double[r * d];
        double[] r3 = new double[r * d];
        double[] p24 = new double[dd];
        double[] p35 = new double[dd];
        for (int j = 0; j < n; j++) {
            for (int c1 = 0; c1 < d; c1++) {
                for (int e1 = 0; e1 < d; e1++) {
                    p24[c1 * d + e1] = a2[j * d + c1] * a4[j * d + e1];
                    p35[c1 * d + e1] = a3[j * d + c1] * a5[j * d + e1];
                }
            }
            int base = j * r;
            for (int m = 0; m < r; m++) {
                double v2 = mf.u2[base + m];
                double v3 = mf.u3[base + m];
                for (int s = 0; s < dd; s++) {
                    t2[m * dd + s] += v2 * p24[s];
                    t3[m * dd + s] += v3 * p35[s];
                }
                for (int cc = 0; cc < d; cc++) {
                    r2[m * d + cc] += v2 * a2[j * d + cc];
                    r3[m * d + cc] += v3 * a3[j * d + cc];
                }
            }
        }
        return new KeyFactors(t2, t3, r2, r3);
    }

    /**
     * {@code Z[κ,(c1,c2),l]} ({@code r x d^2 x (d+1)}): {@code W[c2,e1,l] = Σ_{e2} T3[κ,(c2,e2)] Y[(e1,e2),l]},
     * {@code Z = Σ_{e1} T2[κ,(c1,e1)] W[c2,e1,l]} for {@code l < d}, and {@code R2[κ,c1] R3[κ,c2]} for {@code l = d}.
     */
    private static double[] zTensor(KeyFactors kf, double[] y, int r, int d) {
        final int dd = d * d;
        final int d1 = d + 1;
        final double[] t2 = kf.t2();
        final double[] t3 = kf.t3();
        final double[] r2 = kf.r2();
        final double[] r3 = kf.r3();
        double[] zz = new double[r * dd * d1];
        double[] w = new double[d * d * d];
        for (int m = 0; m < r; m++) {
            for (int c2 = 0; c2 < d; c2++) {
                for (int e1 = 0; e1 < d; e1++) {
                    for (int l = 0; l < d; l++) {
                        double acc = 0;
                        for (int e2 = 0; e2 < d; e2++) {
                            acc += t3[m * dd + c2 * d + e2] * y[(e1 * d + e2) * d + l];
                        }
                        w[(c2 * d + e1) * d + l] = acc;
                    }
                }
            }
            for (int c1 = 0; c1 < d; c1++) {
                for (int c2 = 0; c2 < d; c2++) {
                    int zb = (m * dd + c1 * d + c2) * d1;
                    for (int l = 0; l < d; l++) {
                        double acc = 0;
                        for (int e1 = 0; e1 < d; e1++) {
                            acc += t2[m * dd + c1 * d + e1] * w[(c2 * d + e1) * d + l];
                        }
                        zz[zb + l] = acc;
                    }
                    zz[zb + d] = r2[m * d + c1] * r3[m * d + c2];
                }
            }
        }
        return zz;
    }

    /**
     * {@code Ω[a,l,κ] = Σ_i A1[i,a] x_il U1[i,κ] / alpha~_i} with {@code x_i = [c~_i, -r~_i]} ({@code d x (d+1) x r}), the
     * {@code x_il / alpha~_i} taken from Lemma 6.4's shared build {@link GradientFactors#ofRows}.
     */
    private static double[] omega(TensorInstance in, MonomialFactors mf, GradientFactors xf) {
        final int n = in.n();
        final int d = in.d();
        final int d1 = d + 1;
        final int r = mf.r;
        final double[] a1 = in.a1().data;
        double[] omega = new double[d * d1 * r];
        double[] coef = new double[d * d1];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                double va = a1[i * d + a];
                for (int l = 0; l < d1; l++) {
                    coef[a * d1 + l] = va * xf.x[l][i];
                }
            }
            int base = i * r;
            for (int al = 0; al < d * d1; al++) {
                double cv = coef[al];
                int ob = al * r;
                for (int m = 0; m < r; m++) {
                    omega[ob + m] += cv * mf.u1[base + m];
                }
            }
        }
        return omega;
    }
}
