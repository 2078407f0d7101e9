package dev.ropecheck.engine.fast;

import java.util.ArrayList;
import java.util.List;

/**
 * The polynomial method's factors (AS23's construction, Tensor-grad; MATH §4, §8): for
 * {@code P(z) = Σ_{t<=g} a_t z^t} and features {@code S = Σ_s phi_s psi_s chi_s} ({@link TrilinearFeatures}),
 * the multinomial theorem gives, over all multisets {@code κ} of the {@code k} features with {@code |κ| = t <= g},
 * <pre>  P(S[i,(j1,j2)]) = Σ_κ U1[i,κ] U2[j1,κ] U3[j2,κ]  =  (U1 (U2 ⊘' U3)^T)[i,(j1,j2)]</pre>
 * with {@code U1[i,κ] = a_t (t!/Π_s κ_s!) Π_s phi[i,s]^{κ_s}}, {@code U2[j1,κ] = Π_s psi[j1,s]^{κ_s}},
 * {@code U3[j2,κ] = Π_s chi[j2,s]^{κ_s}}. The rank is {@code r = C(k+g, g)}. Monomials are listed so that
 * each one of degree {@code t >= 1} is its parent (degree {@code t-1}) times one feature, so each column costs
 * {@code n} multiplications.
 */
final class MonomialFactors {
    /** Largest rank accepted. */
    static final int MAX_RANK = 1 << 20;

    final int n;
    final int r;
    /** {@code n x r}, row-major. */
    final double[] u1;
    final double[] u2;
    final double[] u3;

    private MonomialFactors(int n, int r, double[] u1, double[] u2, double[] u3) {
        this.n = n;
        this.r = r;
        this.u1 = u1;
        this.u2 = u2;
        this.u3 = u3;
    }

    /** {@code C(k+g, g)}, or {@code Long.MAX_VALUE} when it overflows. */
    static long rank(int k, int g) {
        long c = 1;
        for (int t = 1; t <= g; t++) {
            c = c * (k + t) / t;
            if (c > Integer.MAX_VALUE) {
                return Long.MAX_VALUE;
            }
        }
        return c;
    }

    static MonomialFactors build(TrilinearFeatures feat, double[] coefficients) {
        int g = coefficients.length - 1;
        int k = feat.k;
        long rank = rank(k, g);
        if (rank > MAX_RANK) {
            throw new IllegalArgumentException("polynomial-method rank C(k+g, g) = " + rank + " (k = " + k + " features, g = "
                    + g + ") exceeds " + MAX_RANK + "; entries are too large for the bounded-entry regime");
        }
        int r = (int) rank;
        Monomials mono = Monomials.enumerate(k, g, r);
        int[] parent = mono.parent;
        int[] feature = mono.feature;
        int[] degree = mono.degree;
        double[] invFactorials = mono.invFactorials;
        int n = feat.n;
        double[] u1 = new double[n * r];
        double[] u2 = new double[n * r];
        double[] u3 = new double[n * r];
        double[] factorial = new double[g + 1];
        factorial[0] = 1;
        for (int t = 1; t <= g; t++) {
            factorial[t] = factorial[t - 1] * t;
        }
        for (int i = 0; i < n; i++) {
            int base = i * r;
            u1[base] = 1;
            u2[base] = 1;
            u3[base] = 1;
            for (int m = 1; m < r; m++) {
                int p = base + parent[m];
                int s = i * k + feature[m];
                u1[base + m] = u1[p] * feat.phi[s];
                u2[base + m] = u2[p] * feat.psi[s];
                u3[base + m] = u3[p] * feat.chi[s];
            }
            for (int m = 0; m < r; m++) {
                u1[base + m] *= coefficients[degree[m]] * factorial[degree[m]] * invFactorials[m];
            }
        }
        return new MonomialFactors(n, r, u1, u2, u3);
    }

    /**
     * The {@code C(k+g, g)} monomials of degree at most {@code g} in {@code k} features, as non-decreasing
     * feature sequences (multisets), degree by degree: monomial {@code m} is its {@code parent} times feature
     * {@code feature[m]}; {@code invFactorials[m] = 1 / prod_s kappa_s!} over its multiplicities.
     */
    private static final class Monomials {
        final int[] parent;
        final int[] feature;
        final int[] degree;
        final double[] invFactorials;

        private Monomials(int r) {
            parent = new int[r];
            feature = new int[r];
            degree = new int[r];
            invFactorials = new double[r];
        }

        static Monomials enumerate(int k, int g, int r) {
            Monomials mono = new Monomials(r);
            int[] lastFeature = new int[r];
            int[] lastCount = new int[r]; // multiplicity of lastFeature in the multiset
            List<Integer> frontier = new ArrayList<>();
            mono.parent[0] = -1;
            mono.degree[0] = 0;
            mono.invFactorials[0] = 1;
            lastFeature[0] = 0;
            lastCount[0] = 0;
            int count = 1;
            frontier.add(0);
            for (int t = 1; t <= g; t++) {
                List<Integer> next = new ArrayList<>();
                for (int m : frontier) {
                    // extend with features s >= lastFeature (non-decreasing sequences = multisets)
                    for (int s = lastFeature[m]; s < k; s++) {
                        int idx = count++;
                        mono.parent[idx] = m;
                        mono.feature[idx] = s;
                        mono.degree[idx] = t;
                        int mult = (s == lastFeature[m] && t > 1) ? lastCount[m] + 1 : 1;
                        lastFeature[idx] = s;
                        lastCount[idx] = mult;
                        mono.invFactorials[idx] = mono.invFactorials[m] / mult;
                        next.add(idx);
                    }
                }
                frontier = next;
            }
            if (count != r) {
                throw new IllegalStateException("enumerated " + count + " monomials, expected " + r);
            }
            return mono;
        }
    }
}
