package dev.ropecheck.engine.fast;

import dev.ropecheck.approx.ExpApproximations;
import dev.ropecheck.approx.ExpPolynomial;
import dev.ropecheck.approx.Method;
import dev.ropecheck.engine.TensorAttentionEngine;
import dev.ropecheck.engine.TensorChainRule;
import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.engine.TensorRowOutputs;
import dev.ropecheck.model.TensorInstance;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * Tensor attention loss and gradient by the polynomial method in {@code O(n r d^2 + r d^4)} time, {@code r =
 * C(k+g, g)} (Tensor-grad main theorem; MATH §4, §6, §8). Nothing of size {@code n^2} is formed.
 *
 * <p>Construction. {@link MonomialFactors} gives {@code Ã = U1 (U2 ⊘' U3)^T} with {@code |Ã - A| <= delta A}
 * entrywise, {@code delta} the certified relative bound {@link ExpPolynomial#deltaPolynomial()} of the exp polynomial
 * on {@code [-beta, beta]} ({@link ExpApproximations}, Taylor or Chebyshev, MATH §4; {@code beta} from
 * {@link TrilinearFeatures}); the degree is the smallest whose certified absolute error {@code eta = max |P(z) - e^z|}
 * on {@code [-beta, beta]} is at most {@code eps}: the meaning of {@code eps} in every fast engine (MATH §4), with
 * {@code delta = eta e^beta} following from it. With {@code σ2 = U2^T 1}, {@code σ3 = U3^T 1},
 * {@code B2 = U2^T A4}, {@code B3 = U3^T A5}:
 * <ul>
 *   <li>{@code alpha~ = Ã 1 = U1 (σ2 ∘ σ3)} since {@code (U2 ⊘' U3)^T 1_{n^2} = σ2 ∘ σ3};</li>
 *   <li>{@code Ã h = U1 ((U2 ⊘' U3)^T (A4 ⊗ A5)) Y = U1 ((B2 ⊘ B3) Y)} by the identity
 *       {@code (U2 ⊘' U3)^T (A4 ⊗ A5) = (U2^T A4) ⊘ (U3^T A5)};</li>
 *   <li>{@code Att~ = diag(alpha~)^{-1} Ã h}, {@code c~ = Att~ - E}, {@code L~ = ||c~||^2/2}, {@code r~_i = <c~_i, Att~_i>};</li>
 *   <li>{@code p~ = f~ ∘ (x y^T)}, {@code x_i = [c~_i, -r~_i]}, {@code y_(j1,j2) = [h_(j1,j2), 1]} (MATH §6), and
 *       {@code ∇_X L~ = (1/d) A1^T p~ (A2 ⊗ A3)}, entry {@code [a,(c1,c2)]} equal to
 *       {@code (1/d) Σ_{κ,l} Ω[a,l,κ] Z[κ,(c1,c2),l]} with {@code Ω[a,l,κ] = Σ_i A1[i,a] x_il U1[i,κ] / alpha~_i} and
 *       {@code Z[κ,(c1,c2),l] = Σ_{j1,j2} U2[j1,κ] U3[j2,κ] y_(j1,j2),l A2[j1,c1] A3[j2,c2]}, which factorises as
 *       {@code Σ_{e1,e2} T2[κ,(c1,e1)] T3[κ,(c2,e2)] Y[(e1,e2),l]} ({@code l < d}) and {@code R2[κ,c1] R3[κ,c2]} ({@code l = d})
 *       with {@code T2 = U2^T (A2 ⊘ A4)}, {@code T3 = U3^T (A3 ⊘ A5)}, {@code R2 = U2^T A2}, {@code R3 = U3^T A3};</li>
 *   <li>{@code ∇_Y L~ = (A4 ⊗ A5)^T f~^T c~}, entry {@code [(e1,e2),l] = Σ_κ Cw[κ,l] B2[κ,e1] B3[κ,e2]} with
 *       {@code Cw = U1^T diag(alpha~)^{-1} c~}; weight gradients by {@link TensorChainRule}.</li>
 * </ul>
 * Error: {@code proofs-notes/tensor-fast-error.md}, implemented by
 * {@link dev.ropecheck.bounds.TensorFastErrorBound}. Metadata: {@code beta, degree, rank, eta, delta, features, eps, absSum (Σ|a_t| beta^t), method}.
 */
public final class TensorFastEngine_F64 implements TensorAttentionEngine {
    private final double eps;
    private final boolean useWeights;
    private final Method method;

    /** The Chebyshev polynomial with {@code eta <= eps}, using the weight structure when present. */
    public TensorFastEngine_F64(double eps) {
        this(eps, true, Method.CHEBYSHEV);
    }

    /** As {@link #TensorFastEngine_F64(double, boolean, Method)} with the Chebyshev polynomial, every fast engine's default. */
    public TensorFastEngine_F64(double eps, boolean useWeights) {
        this(eps, useWeights, Method.CHEBYSHEV);
    }

    /**
     * @param eps target {@code max |P(z) - e^z|} on {@code [-beta, beta]}, in {@code (0, 1)}, as in the RoPE fast engines
     * @param useWeights when true and the instance has key weights, expand over the {@code d} features
     *     {@code Q[i,l] K1[j1,l] K2[j2,l]} instead of the {@code d^2} feature pairs
     * @param method how the exp polynomial is built (Taylor or Chebyshev interpolation)
     */
    public TensorFastEngine_F64(double eps, boolean useWeights, Method method) {
        if (!(eps > 0 && eps < 1)) {
            throw new IllegalArgumentException("eps = " + eps + " must lie in (0, 1)");
        }
        if (method == null) {
            throw new IllegalArgumentException("method is missing (TAYLOR or CHEBYSHEV)");
        }
        this.eps = eps;
        this.useWeights = useWeights;
        this.method = method;
    }

    public double eps() {
        return eps;
    }

    @Override
    public String name() {
        return "tensor-fast";
    }

    @Override
    public Set<TensorQuantity> supported(TensorInstance instance) {
        Set<TensorQuantity> s = EnumSet.of(TensorQuantity.ALPHA, TensorQuantity.ATTENTION, TensorQuantity.C,
                TensorQuantity.LOSS, TensorQuantity.R, TensorQuantity.GRAD_X, TensorQuantity.GRAD_Y);
        s.addAll(TensorAttentionEngine.weightQuantities(instance));
        return s;
    }

    /** The exp polynomial this engine uses for {@code in} (degree from the data's {@code beta}). */
    public ExpPolynomial polynomial(TensorInstance in) {
        return polynomialFor(TrilinearFeatures.of(in, useWeights).beta);
    }

    /**
     * The lowest-degree polynomial with {@code etaPolynomial <= eps} on {@code [-beta, beta]}
     * ({@link ExpApproximations#minimalDegree}, the search of the RoPE fast engines).
     *
     * @throws IllegalArgumentException when {@code beta} exceeds {@link ExpApproximations#MAX_BETA} or no degree reaches eps
     */
    private ExpPolynomial polynomialFor(double beta) {
        double b = Math.max(beta, Double.MIN_NORMAL);
        return ExpApproximations.minimalDegree(method, b, eps, ExpApproximations.Scope.POLYNOMIAL);
    }

    @Override
    public TensorResult compute(TensorInstance in, Set<TensorQuantity> wanted) {
        TensorAttentionEngine.requireSupported(name(), wanted, supported(in));
        final int n = in.n();
        final int d = in.d();
        TrilinearFeatures feat = TrilinearFeatures.of(in, useWeights);
        ExpPolynomial poly = polynomialFor(feat.beta);
        MonomialFactors mf = MonomialFactors.build(feat, poly.coefficients());
        final int r = mf.r;
        ValueFactors vf = valueFactors(mf, in.a4().data, in.a5().data, n, d);
        double[] mPrime = mPrime(vf, in.y().data, r, d);
        Rows rows = rows(mf, mPrime, in.e().data, n, d, poly);
        double[] alpha = rows.alpha();
        double[] att = rows.att();
        double[] c = rows.c();
        double twoLoss = rows.twoLoss();
        GradientFactors xf = GradientFactors.ofRows(n, d, alpha, att, c, null);
        double[] rr = xf.r;

        TensorResult.Builder b = TensorResult.builder(name()).meta("beta", feat.beta).meta("degree", poly.degree())
                .meta("rank", r).meta("eta", poly.etaPolynomial()).meta("delta", poly.deltaPolynomial())
                .meta("features", feat.k).meta("eps", eps).meta("absSum", poly.absSum()).meta("method", method);
        boolean wantGradX = TensorRowOutputs.needsGradX(wanted);
        boolean wantGradY = TensorRowOutputs.needsGradY(wanted);
        DMatrixRMaj gX = wantGradX ? TensorFastGradX.gradX(in, mf, xf) : null;
        DMatrixRMaj gY = wantGradY ? gradY(mf, vf, alpha, c, n, d) : null;
        TensorRowOutputs.put(in, wanted, alpha, att, c, twoLoss, rr, gX, gY, b);
        return b.build();
    }

    /** {@code σ2, σ3 = U2^T 1, U3^T 1} ({@code r}) and {@code B2 = U2^T A4}, {@code B3 = U3^T A5} ({@code r x d}). */
    private record ValueFactors(double[] sig2, double[] sig3, double[] b2, double[] b3) {
    }

    /** The per-row outputs {@code alpha~, Att~, c~} and {@code ||c~||_F^2} ({@code r~} is Lemma 6.4's, {@link GradientFactors}). */
    private record Rows(double[] alpha, double[] att, double[] c, double twoLoss) {
    }

    /** {@link ValueFactors} from the low-rank factors {@code U2, U3} ({@code n x r}) and {@code A4, A5}. */
    private static ValueFactors valueFactors(MonomialFactors mf, double[] a4, double[] a5, int n, int d) {
        final int r = mf.r;
        final double[] u2 = mf.u2;
        final double[] u3 = mf.u3;
        double[] sig2 = new double[r];
        double[] sig3 = new double[r];
        double[] b2 = new double[r * d];
        double[] b3 = new double[r * d];
        for (int j = 0; j < n; j++) {
            int base = j * r;
            for (int m = 0; m < r; m++) {
                double v2 = u2[base + m];
                double v3 = u3[base + m];
                sig2[m] += v2;
                sig3[m] += v3;
                for (int c = 0; c < d; c++) {
                    b2[m * d + c] += v2 * a4[j * d + c];
                    b3[m * d + c] += v3 * a5[j * d + c];
                }
            }
        }
        return new ValueFactors(sig2, sig3, b2, b3);
    }

    /** {@code M'[κ, l] = ((B2 ⊘ B3) Y)[κ,l]} for {@code l < d} and {@code σ2σ3} for {@code l = d}; {@code r x (d+1)}. */
    private static double[] mPrime(ValueFactors vf, double[] y, int r, int d) {
        final int d1 = d + 1;
        final double[] b2 = vf.b2();
        final double[] b3 = vf.b3();
        final double[] sig2 = vf.sig2();
        final double[] sig3 = vf.sig3();
        double[] mPrime = new double[r * d1];
        for (int m = 0; m < r; m++) {
            for (int l = 0; l < d; l++) {
                double acc = 0;
                for (int c1 = 0; c1 < d; c1++) {
                    double v = b2[m * d + c1];
                    for (int c2 = 0; c2 < d; c2++) {
                        acc += v * b3[m * d + c2] * y[(c1 * d + c2) * d + l];
                    }
                }
                mPrime[m * d1 + l] = acc;
            }
            mPrime[m * d1 + d] = sig2[m] * sig3[m];
        }
        return mPrime;
    }

    /**
     * {@code alpha~ = U1 M'[:, d]}, {@code Att~ = U1 M'[:, <d] / alpha~}, {@code c~ = Att~ - E}, {@code L~}.
     *
     * @throws IllegalArgumentException when some {@code alpha~_i} is not positive and {@code delta >= 1} (eps too large)
     * @throws IllegalStateException when some {@code alpha~_i} is not positive although {@code delta < 1} keeps it within
     *     {@code (1 ± delta) alpha_i}
     */
    private static Rows rows(MonomialFactors mf, double[] mPrime, double[] e, int n, int d, ExpPolynomial poly) {
        final int r = mf.r;
        final int d1 = d + 1;
        final double[] u1 = mf.u1;
        double[] alpha = new double[n];
        double[] att = new double[n * d];
        double[] c = new double[n * d];
        double twoLoss = 0;
        double[] acc = new double[d1];
        for (int i = 0; i < n; i++) {
            Arrays.fill(acc, 0);
            int base = i * r;
            for (int m = 0; m < r; m++) {
                double v = u1[base + m];
                int mb = m * d1;
                for (int l = 0; l < d1; l++) {
                    acc[l] += v * mPrime[mb + l];
                }
            }
            double al = acc[d];
            if (!(al > 0) && !(poly.deltaPolynomial() < 1)) {
                throw new IllegalArgumentException("alpha~[" + i + "] = " + al + " is not positive: the polynomial's delta = "
                        + poly.deltaPolynomial() + " >= 1 does not keep it within (1 ± delta) alpha; use a smaller eps");
            }
            if (!(al > 0)) {
                throw new IllegalStateException("alpha~[" + i + "] = " + al + " is not positive; delta = " + poly.deltaPolynomial()
                        + " should keep it within (1 ± delta) alpha");
            }
            alpha[i] = al;
            for (int l = 0; l < d; l++) {
                double a = acc[l] / al;
                att[i * d + l] = a;
                double cl = a - e[i * d + l];
                c[i * d + l] = cl;
                twoLoss += cl * cl;
            }
        }
        return new Rows(alpha, att, c, twoLoss);
    }

    /** {@code ∇_Y L~}: {@code Cw[κ,l] = Σ_i U1[i,κ] c~_il / alpha~_i}, {@code GY[(e1,e2),l] = Σ_κ Cw[κ,l] B2[κ,e1] B3[κ,e2]}. */
    private static DMatrixRMaj gradY(MonomialFactors mf, ValueFactors vf, double[] alpha, double[] c, int n, int d) {
        final int r = mf.r;
        final double[] u1 = mf.u1;
        final double[] b2 = vf.b2();
        final double[] b3 = vf.b3();
        final int dd = d * d;
        double[] cw = new double[r * d];
        for (int i = 0; i < n; i++) {
            int base = i * r;
            double inv = 1.0 / alpha[i];
            for (int m = 0; m < r; m++) {
                double v = u1[base + m] * inv;
                for (int l = 0; l < d; l++) {
                    cw[m * d + l] += v * c[i * d + l];
                }
            }
        }
        double[] gy = new double[dd * d];
        for (int m = 0; m < r; m++) {
            for (int e1 = 0; e1 < d; e1++) {
                for (int e2 = 0; e2 < d; e2++) {
                    double v = b2[m * d + e1] * b3[m * d + e2];
                    for (int l = 0; l < d; l++) {
                        gy[(e1 * d + e2) * d + l] += cw[m * d + l] * v;
                    }
                }
            }
        }
        return DMatrixRMaj.wrap(d * d, d, gy);
    }
}
