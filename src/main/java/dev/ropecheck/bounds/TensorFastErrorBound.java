package dev.ropecheck.bounds;

import static dev.ropecheck.bounds.Magnitudes.gamma;

import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.model.TensorInstance;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;

/**
 * The error of {@link dev.ropecheck.engine.fast.TensorFastEngine_F64} against the true values, from the
 * entrywise relative perturbation {@code |Ã - A| <= δ A} by the error transfer of MATH §5, derived in
 * {@code proofs-notes/tensor-fast-error.md}. With {@code ρ = 2δ/(1-δ)}, {@code κ = 2δ/(1+sqrt(1-δ^2))},
 * {@code H_l = max_j |h_jl|}, {@code ε_l = κ H_l}, {@code w_ij = <c_i, h_j - Att_i>},
 * {@code Δw_i = Σ_l ε_l (2 H_l + ε_l + |c_il|)}:
 * <ul>
 *   <li>{@code |alpha~_i - alpha_i| <= δ alpha_i}; {@code |Att~_il - Att_il|, |c~_il - c_il| <= ε_l};</li>
 *   <li>{@code |L~ - L| <= Σ_{i,l} (|c_il| ε_l + ε_l^2/2)}; {@code |r~_i - r_i| <= Σ_l (ε_l (|Att_il| + ε_l) + |c_il| ε_l)};</li>
 *   <li>{@code |p~_ij - p_ij| <= f_ij (ρ |w_ij| + (1+ρ) Δw_i)}, hence
 *       {@code |∇_X L~ - ∇_X L|[a,(c1,c2)] <= (1/d) Σ_i |A1[i,a]| Σ_{j1,j2} f_ij (ρ|w_ij| + (1+ρ)Δw_i) |A2[j1,c1]| |A3[j2,c2]|};</li>
 *   <li>{@code |∇_Y L~ - ∇_Y L|[(e1,e2),l] <= Σ_i (ρ(|c_il| + ε_l) + ε_l) Σ_j f_ij |A4[j1,e1]| |A5[j2,e2]|};</li>
 *   <li>weight gradients by {@link WeightGradientBounds}.</li>
 * </ul>
 * The fast engine's own rounding enters through {@code δ_eff = δ + γ_K (Σ_t |a_t| β^t) e^β (1+δ)} ({@code <= γ_K e^{2β}(1+δ)} for Taylor),
 * {@code K = 2n + r(d+1) + 6g + 4d^2 + 4d + 32} (a rounding model, see the note; below {@code 10^-10} for the sizes
 * tested, so it never decides a verdict). The bound needs the trusted {@code f} and {@code h}, so it is for
 * instances the reference or exact engine can handle.
 */
public final class TensorFastErrorBound implements TensorQuantityBound {
    private final double delta;
    private final double beta;
    private final int rank;
    private final int degree;
    private final double absSum;

    /**
     * @param delta relative bound on {@code |Ã - A| / A} (certified by the polynomial, or measured)
     * @param beta the score bound the polynomial was built for
     * @param rank the rank {@code r} of the factorisation
     * @param degree the polynomial degree {@code g}
     */
    public TensorFastErrorBound(double delta, double beta, int rank, int degree) {
        this(delta, beta, rank, degree, Math.exp(beta));
    }

    /**
     * As above, with {@code absSum = Σ_t |a_t| beta^t} of the polynomial (the scale of its rounding; {@code <= e^beta}
     * for Taylor).
     */
    public TensorFastErrorBound(double delta, double beta, int rank, int degree, double absSum) {
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("delta = " + delta + " must lie in [0, 1)");
        }
        this.delta = delta;
        this.beta = beta;
        this.rank = rank;
        this.degree = degree;
        this.absSum = absSum;
    }

    /** The bound with the certified {@code δ} the fast engine recorded in its result's metadata. */
    public static TensorFastErrorBound certified(TensorResult fast) {
        double beta = meta(fast, "beta");
        double abs = fast.metadata().containsKey("absSum") ? meta(fast, "absSum") : Math.exp(beta);
        double delta = meta(fast, "delta");
        if (!(delta < 1)) {
            throw new IllegalArgumentException("the fast engine's polynomial at eps = " + fast.metadata().get("eps")
                    + " has relative error delta = eta e^beta = " + delta + " >= 1 on [-beta, beta], beta = " + beta
                    + ": no error bound follows; use an eps below " + 1 / Math.exp(beta));
        }
        return new TensorFastErrorBound(delta, beta, (int) meta(fast, "rank"), (int) meta(fast, "degree"),
                abs);
    }

    /** The same bound with another {@code δ} (e.g. the measured {@code max |P(S) - e^S| / e^S}). */
    public TensorFastErrorBound withDelta(double newDelta) {
        return new TensorFastErrorBound(newDelta, beta, rank, degree, absSum);
    }

    public double delta() {
        return delta;
    }

    private static double meta(TensorResult r, String key) {
        String v = r.metadata().get(key);
        if (v == null) {
            throw new IllegalArgumentException("result of " + r.engine() + " has no metadata \"" + key + "\"");
        }
        return Double.parseDouble(v);
    }

    /** {@code δ_eff}: {@code δ} plus the rounding model's contribution {@code γ_K absSum e^β (1+δ)} for {@code n, d}. */
    public double effectiveDelta(int n, int d) {
        double k = 2.0 * n + (double) rank * (d + 1) + 6.0 * degree + 4.0 * d * d + 4.0 * d + 32;
        return delta + gamma(k) * absSum * Math.exp(beta) * (1 + delta);
    }

    @Override
    public double allowed(TensorQuantity q, TensorInstance in, TensorResult t) {
        int n = in.n();
        int d = in.d();
        double de = effectiveDelta(n, d);
        if (!(de < 1)) {
            throw new IllegalArgumentException("effective delta " + de + " must be < 1");
        }
        double rho = 2 * de / (1 - de);
        double kappa = 2 * de / (1 + Math.sqrt(1 - de * de));
        DMatrixRMaj h = t.get(TensorQuantity.H);
        double[] eps = new double[d];
        double[] hMax = Magnitudes.colMax(h);
        for (int l = 0; l < d; l++) {
            eps[l] = kappa * hMax[l];
        }
        DMatrixRMaj c = t.get(TensorQuantity.C);
        switch (q) {
            case ALPHA:
                return de * Magnitudes.maxAbs(t.get(TensorQuantity.ALPHA));
            case ATTENTION:
            case C: {
                double m = 0;
                for (double v : eps) {
                    m = Math.max(m, v);
                }
                return m;
            }
            case LOSS: {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    for (int l = 0; l < d; l++) {
                        s += Math.abs(c.get(i, l)) * eps[l] + 0.5 * eps[l] * eps[l];
                    }
                }
                return s;
            }
            case R: {
                DMatrixRMaj att = t.get(TensorQuantity.ATTENTION);
                double worst = 0;
                for (int i = 0; i < n; i++) {
                    double s = 0;
                    for (int l = 0; l < d; l++) {
                        s += eps[l] * (Math.abs(att.get(i, l)) + eps[l]) + Math.abs(c.get(i, l)) * eps[l];
                    }
                    worst = Math.max(worst, s);
                }
                return worst;
            }
            case GRAD_X:
                return Magnitudes.maxAbs(gradXErrors(in, t, rho, eps, hMax));
            case GRAD_Y:
                return Magnitudes.maxAbs(gradYErrors(in, t, rho, eps));
            default:
                if (q.needsKeyWeights() || q.needsValueWeights()) {
                    return WeightGradientBounds.allowed(q, in, t, gradXErrors(in, t, rho, eps, hMax),
                            gradYErrors(in, t, rho, eps));
                }
                throw new IllegalArgumentException("the fast engine does not compute " + q.key());
        }
    }

    private static DMatrixRMaj gradXErrors(TensorInstance in, TensorResult t, double rho, double[] eps, double[] hMax) {
        int n = in.n();
        int d = in.d();
        int dd = d * d;
        double[] a1 = in.a1().data;
        double[] a2 = in.a2().data;
        double[] a3 = in.a3().data;
        DMatrixRMaj f = t.get(TensorQuantity.F);
        DMatrixRMaj h = t.get(TensorQuantity.H);
        DMatrixRMaj c = t.get(TensorQuantity.C);
        DMatrixRMaj att = t.get(TensorQuantity.ATTENTION);
        DMatrixRMaj out = new DMatrixRMaj(d, dd);
        double[] rowSum = new double[dd];
        for (int i = 0; i < n; i++) {
            double dw = 0;
            for (int l = 0; l < d; l++) {
                dw += eps[l] * (2 * hMax[l] + eps[l] + Math.abs(c.get(i, l)));
            }
            Arrays.fill(rowSum, 0);
            for (int j1 = 0; j1 < n; j1++) {
                for (int j2 = 0; j2 < n; j2++) {
                    int j = j1 * n + j2;
                    double w = 0;
                    for (int l = 0; l < d; l++) {
                        w += c.get(i, l) * (h.get(j, l) - att.get(i, l));
                    }
                    double pe = f.get(i, j) * (rho * Math.abs(w) + (1 + rho) * dw);
                    for (int c1 = 0; c1 < d; c1++) {
                        for (int c2 = 0; c2 < d; c2++) {
                            rowSum[c1 * d + c2] += pe * Math.abs(a2[j1 * d + c1] * a3[j2 * d + c2]);
                        }
                    }
                }
            }
            for (int a = 0; a < d; a++) {
                double v = Math.abs(a1[i * d + a]) / d;
                for (int s = 0; s < dd; s++) {
                    out.data[a * dd + s] += v * rowSum[s];
                }
            }
        }
        return out;
    }

    private static DMatrixRMaj gradYErrors(TensorInstance in, TensorResult t, double rho, double[] eps) {
        int n = in.n();
        int d = in.d();
        int dd = d * d;
        double[] a4 = in.a4().data;
        double[] a5 = in.a5().data;
        DMatrixRMaj f = t.get(TensorQuantity.F);
        DMatrixRMaj c = t.get(TensorQuantity.C);
        DMatrixRMaj out = new DMatrixRMaj(dd, d);
        double[] fa = new double[dd];
        for (int i = 0; i < n; i++) {
            Arrays.fill(fa, 0);
            for (int j1 = 0; j1 < n; j1++) {
                for (int j2 = 0; j2 < n; j2++) {
                    double fij = f.get(i, j1 * n + j2);
                    for (int e1 = 0; e1 < d; e1++) {
                        for (int e2 = 0; e2 < d; e2++) {
                            fa[e1 * d + e2] += fij * Math.abs(a4[j1 * d + e1] * a5[j2 * d + e2]);
                        }
                    }
                }
            }
            for (int l = 0; l < d; l++) {
                double term = rho * (Math.abs(c.get(i, l)) + eps[l]) + eps[l];
                for (int s = 0; s < dd; s++) {
                    out.data[s * d + l] += term * fa[s];
                }
            }
        }
        return out;
    }
}
