package dev.ropecheck.engine.fast;

import dev.ropecheck.approx.ExpPolynomial;
import dev.ropecheck.bounds.FastGradientBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import org.ejml.data.DMatrixRMaj;

/**
 * Fast RoPE attention gradient, low-rank variant (MATH §6, AS24 style; RoPE-grad Lemmas 6.2–6.6,
 * Theorem 6.7 with the rotation absorbed): with {@code Ã = U1 U2^T} over the {@code r = C(d+g, g)}
 * monomials of the rotated {@code Q', K'} (Lemma 6.2), {@code x_i = [c~_i, -r~_i]},
 * {@code y_j = [h_j, 1]} (Lemmas 6.3–6.4) and Fact 3.8,
 * {@code p~ = diag(1/alpha~) (U1 ⊘ X')(U2 ⊘ Y')^T} (Lemmas 6.5–6.6). Nothing {@code n x n} is formed:
 * every product {@code p~ V} is evaluated right to left, one monomial at a time,
 * {@code (p~ V)_i = Σ_κ γ_κ φ_κ(i) Σ_l (x_il / alpha~_i) Σ_j ψ_κ(j) y_jl V_j}.
 * <ul>
 *   <li>{@code dQ' = p~ K'/d}, {@code dK' = p~^T Q'/d}, un-rotated: {@code dQ_i = dQ'_i R_i^T}
 *       ({@code R_i} the rotation of row {@code i}), so {@code dQ_i = (1/d) Σ_j p_ij K_j W_{i-j}^T};</li>
 *   <li>{@code dV = f~^T c~ = U2 U1^T diag(1/alpha~) c~};</li>
 *   <li>{@code G~}: each {@code W_{i-j}[b,e]} is a sum of at most two products {@code g(i) g'(j)}
 *       ({@code cos((i-j)θ) = cos iθ cos jθ + sin iθ sin jθ},
 *       {@code sin((i-j)θ) = sin iθ cos jθ - cos iθ sin jθ}; identity: {@code 1 = 1·1}), so
 *       {@code G[(a,c),(b,e)] = (1/d) Σ (A1[:,a] ∘ g)^T p~ (A2[:,c] ∘ g')}: one more set of
 *       right-hand sides of the same product.</li>
 * </ul>
 * Time {@code O(n r d (d + dF))} with {@code F = d} angle functions for RoPE, 1 for identity; memory
 * {@code O(n d (d + F))}. Error: {@link FastGradientBound}.
 *
 * <p>Kernel conventions (MATH §9, {@code proofs-notes/causal-fast.md}): the factor {@code 1/d} is the
 * score scale {@code sigma}; under the causal mask the sums over {@code j} become running prefix sums
 * (row side: {@code Σ_{j <= i}}) and the sums over {@code i} running suffix sums (key side:
 * {@code Σ_{i >= j}}), same time and memory.
 */
final class LowRankGradient {
    private LowRankGradient() {
    }

    /**
     * @param fwd the low-rank forward pass on {@code in} (gives {@code alpha~, Att~, c~})
     * @param qRot rotated {@code Q'} and {@code kRot} rotated {@code K'} (as the forward used)
     * @param p the polynomial of the forward pass
     * @param wantG whether to form {@code G~} (the extra {@code d F} right-hand sides)
     * @param rule applied to Lemma 6.4's factors once built ({@link GradientFactors#AS_BUILT} in the engines)
     */
    static FastGradient compute(RopeInstance in, FastForward fwd, DMatrixRMaj qRot, DMatrixRMaj kRot, ExpPolynomial p,
            boolean wantG, GradientFactors.Rule rule) {
        int n = in.n();
        int d = in.d();
        int d1 = d + 1;
        RopeFamily rope = in.family() instanceof RopeFamily ? (RopeFamily) in.family() : null;
        int nf = rope == null ? 1 : d;
        double[] alpha = fwd.alpha();
        DMatrixRMaj c = fwd.c();
        // x'' = x / alpha~ (n x (d+1)), y (n x (d+1)): Lemma 6.4's factors by row
        GradientFactors factors = GradientFactors.of(in, fwd, rule);
        double[] r = factors.r;
        double[] xs = GradientFactors.byRow(factors.x);
        double[] ys = GradientFactors.byRow(factors.y);
        // angle functions g_fn(i): fn = 2k -> cos(i θ_k), 2k+1 -> sin(i θ_k); identity: 1
        double[] g = angleFunctions(rope, n, nf);
        int k = d + (wantG ? d * nf : 0);
        double[] v = rightHandSides(in, kRot, g, nf, k, wantG);
        int wl = d1 * d + d;
        double[] qr = qRot.data;
        double[] z = new double[n * k];
        double[] dk = new double[n * d];
        double[] dv = new double[n * d];
        double[] sR = new double[d1 * k];
        double[] sL = new double[wl];
        double[] t = new double[d1];
        ExpansionTerms terms = ExpansionTerms.rotated(qRot, kRot);
        double[] ca = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < d; l++) {
                ca[i * d + l] = c.data[i * d + l] / alpha[i];
            }
        }
        boolean causal = in.causal();
        new MonomialWalk(terms, p.coefficients(), in.scale()).walk((size, gamma, phi, tau, constant, psi) -> {
            if (gamma == 0) {
                return;
            }
            if (causal) {
                CausalSums.rows(n, d1, k, gamma, phi, psi, xs, ys, v, sR, z);
                CausalSums.columns(n, d, d1, gamma, phi, psi, xs, ys, qr, ca, sL, dk, dv);
                return;
            }
            rightSums(n, d1, k, psi, ys, v, sR);
            leftSums(n, d, d1, phi, xs, qr, ca, sL);
            updateRows(n, d1, k, gamma, phi, xs, sR, t, z);
            updateColumns(n, d, d1, gamma, psi, ys, sL, dk, dv);
        });
        return assemble(in, fwd, rope, nf, r, g, z, k, dk, dv, wantG);
    }

    /** The right-hand sides {@code V = [K' | A2[:,c] g_fn]}, {@code n x k} row-major ({@code G~}'s only when {@code wantG}). */
    private static double[] rightHandSides(RopeInstance in, DMatrixRMaj kRot, double[] g, int nf, int k, boolean wantG) {
        int n = in.n();
        int d = in.d();
        double[] v = new double[n * k];
        DMatrixRMaj a2 = in.a2();
        for (int j = 0; j < n; j++) {
            for (int b = 0; b < d; b++) {
                v[j * k + b] = kRot.unsafe_get(j, b);
            }
            if (wantG) {
                for (int cc = 0; cc < d; cc++) {
                    double av = a2.unsafe_get(j, cc);
                    for (int fn = 0; fn < nf; fn++) {
                        v[j * k + d + cc * nf + fn] = av * g[j * nf + fn];
                    }
                }
            }
        }
        return v;
    }

    /** {@code r~}, {@code dQ~, dK~} (scaled by {@code sigma} and un-rotated), {@code dV~}, {@code G~}, as a {@link FastGradient}. */
    private static FastGradient assemble(RopeInstance in, FastForward fwd, RopeFamily rope, int nf, double[] r,
            double[] g, double[] z, int k, double[] dk, double[] dv, boolean wantG) {
        int n = in.n();
        int d = in.d();
        FastGradient out = new FastGradient(fwd, new FastGradientBound(fwd.bound(), in));
        out.put(Quantity.R, new DMatrixRMaj(n, 1, true, r));
        DMatrixRMaj dqRot = new DMatrixRMaj(n, d);
        DMatrixRMaj dkRot = new DMatrixRMaj(n, d);
        double sigma = in.scale();
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < d; b++) {
                dqRot.data[i * d + b] = z[i * k + b] * sigma;
                dkRot.data[i * d + b] = dk[i * d + b] * sigma;
            }
        }
        out.put(Quantity.DQ, unrotate(rope, dqRot));
        out.put(Quantity.DK, unrotate(rope, dkRot));
        out.put(Quantity.DV, new DMatrixRMaj(n, d, true, dv));
        if (wantG) {
            out.put(Quantity.GRAD_X, assembleG(in, rope, nf, g, z, k));
        }
        out.weightGradients(in);
        return out;
    }

    /** {@code sR[l*k + col] = Σ_j ψ_j y_jl V[j,col]}. */
    private static void rightSums(int n, int d1, int k, double[] psi, double[] ys, double[] v, double[] sR) {
        java.util.Arrays.fill(sR, 0.0);
        for (int j = 0; j < n; j++) {
            RowKernels.addRight(j, d1, k, psi, ys, v, sR);
        }
    }

    /** {@code sL[l*d + b] = Σ_i φ_i x''_il Q'[i,b]}, {@code sL[(d+1)d + l] = Σ_i φ_i c~_il / alpha~_i}. */
    private static void leftSums(int n, int d, int d1, double[] phi, double[] xs, double[] qr, double[] ca,
            double[] sL) {
        java.util.Arrays.fill(sL, 0.0);
        for (int i = 0; i < n; i++) {
            RowKernels.addLeft(i, d, d1, phi, xs, qr, ca, sL);
        }
    }

    /** {@code z[i,col] += γ φ_i Σ_l x''_il sR[l,col]}. */
    private static void updateRows(int n, int d1, int k, double gamma, double[] phi, double[] xs, double[] sR,
            double[] t, double[] z) {
        for (int i = 0; i < n; i++) {
            RowKernels.updateRow(i, d1, k, gamma, phi, xs, sR, z);
        }
    }

    /** {@code dk[j,e] += γ ψ_j Σ_l y_jl sL[l,e]}, {@code dv[j,l] += γ ψ_j sL[(d+1)d + l]}. */
    private static void updateColumns(int n, int d, int d1, double gamma, double[] psi, double[] ys, double[] sL,
            double[] dk, double[] dv) {
        for (int j = 0; j < n; j++) {
            RowKernels.updateColumn(j, d, d1, gamma, psi, ys, sL, dk, dv);
        }
    }

    /** {@code g[i*nf + fn]}: {@code cos(i θ_k)}, {@code sin(i θ_k)} for RoPE; 1 for identity. */
    static double[] angleFunctions(RopeFamily rope, int n, int nf) {
        double[] g = new double[n * nf];
        for (int i = 0; i < n; i++) {
            if (rope == null) {
                g[i] = 1.0;
                continue;
            }
            for (int kk = 0; kk < nf / 2; kk++) {
                double angle = (double) i * rope.theta(kk);
                g[i * nf + 2 * kk] = Math.cos(angle);
                g[i * nf + 2 * kk + 1] = Math.sin(angle);
            }
        }
        return g;
    }

    /**
     * {@code G[(a,c),(b,e)] = (1/d) Σ_t coef_t P[(a,fn_t)][(c,fn'_t)]} with
     * {@code P[(a,fn)][(c,fn')] = Σ_i A1[i,a] g_fn(i) (p~ (A2[:,c] g_fn'))_i}.
     */
    private static DMatrixRMaj assembleG(RopeInstance in, RopeFamily rope, int nf, double[] g, double[] z, int k) {
        int n = in.n();
        int d = in.d();
        int w = d * nf;
        double[] pm = new double[w * w];
        DMatrixRMaj a1 = in.a1();
        double[] left = new double[w];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                double av = a1.unsafe_get(i, a);
                for (int fn = 0; fn < nf; fn++) {
                    left[a * nf + fn] = av * g[i * nf + fn];
                }
            }
            int zo = i * k + d;
            for (int x = 0; x < w; x++) {
                double lv = left[x];
                int po = x * w;
                for (int y = 0; y < w; y++) {
                    pm[po + y] += lv * z[zo + y];
                }
            }
        }
        DMatrixRMaj gm = new DMatrixRMaj(d * d, d * d);
        double sigma = in.scale();
        for (int a = 0; a < d; a++) {
            for (int cc = 0; cc < d; cc++) {
                int row = a * d + cc;
                if (rope == null) {
                    double val = pm[(a * nf) * w + cc * nf] * sigma;
                    for (int b = 0; b < d; b++) {
                        gm.unsafe_set(row, b * d + b, val);
                    }
                    continue;
                }
                for (int kk = 0; kk < d / 2; kk++) {
                    int ci = 2 * kk;
                    int si = 2 * kk + 1;
                    double cosPart = pm[(a * nf + ci) * w + cc * nf + ci] + pm[(a * nf + si) * w + cc * nf + si];
                    double sinPart = pm[(a * nf + si) * w + cc * nf + ci] - pm[(a * nf + ci) * w + cc * nf + si];
                    int x = rope.dimA(kk);
                    int y = rope.dimB(kk);
                    gm.unsafe_set(row, x * d + x, cosPart * sigma);
                    gm.unsafe_set(row, y * d + y, cosPart * sigma);
                    gm.unsafe_set(row, x * d + y, sinPart * sigma);
                    gm.unsafe_set(row, y * d + x, -sinPart * sigma);
                }
            }
        }
        return gm;
    }

    /** {@code x_i R_i^T}: row {@code i} rotated back by {@code -i θ_k} (identity: unchanged). */
    static DMatrixRMaj unrotate(RopeFamily rope, DMatrixRMaj x) {
        if (rope == null) {
            return x;
        }
        int d = x.numCols;
        DMatrixRMaj out = new DMatrixRMaj(x.numRows, d);
        for (int i = 0; i < x.numRows; i++) {
            for (int kk = 0; kk < d / 2; kk++) {
                double angle = (double) i * rope.theta(kk);
                double cs = Math.cos(angle);
                double sn = Math.sin(angle);
                int a = rope.dimA(kk);
                int b = rope.dimB(kk);
                double xa = x.unsafe_get(i, a);
                double xb = x.unsafe_get(i, b);
                out.unsafe_set(i, a, xa * cs + xb * sn);
                out.unsafe_set(i, b, -xa * sn + xb * cs);
            }
        }
        return out;
    }
}
