package dev.ropecheck.bounds;

import static dev.ropecheck.bounds.ExpApproximationBound.U;
import static dev.ropecheck.bounds.ExpApproximationBound.gamma;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.Matrices;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.util.function.Function;
import org.ejml.data.DMatrixRMaj;

/**
 * The certified error of a fast gradient (RoPE-grad Section 6, Lemmas 6.2–6.6, Theorem 6.7; MATH §6)
 * against the exact-arithmetic gradient, for the two fast engines (polynomial method + FFT, RoPE
 * low-rank). Derivation, step by step: {@code proofs-notes/fast-gradient-error.md}. With the forward
 * bound {@link FastForwardBound} ({@code Δ = deltaEff}, {@code ρ = rho}, {@code ε_Att}, {@code ε_c}) and
 * {@code H = ||h̃|| + hErr}, {@code C = H + ||E||}:
 * <ol>
 *   <li>{@code φ = 2Δ/(1-Δ)}: {@code |f~ - f| <= φ f} entrywise (MATH §5; Lemma 6.2);</li>
 *   <li>with row 2-norms {@code ĥ = max_j ||h_j||_2 + sqrt(d) hErr} (also bounds {@code ||Att_i||_2}) and
 *       {@code ĉ = ĥ + max_i ||E_i||_2}: {@code |r~ - r| <= ε_r = sqrt(d) ε_c (ĥ + sqrt(d) ε_Att)
 *       + ĉ sqrt(d) ε_Att + γ_{d+1} (ĉ + sqrt(d) ε_c)(ĥ + sqrt(d) ε_Att)} (Cauchy–Schwarz; Lemma 6.3);</li>
 *   <li>{@code t_ij = q_ij - r_i = <x_i, y_j> = <c_i, h_j - Att_i>}, {@code |t| <= T = 2 ĉ ĥ},
 *       {@code |t~ - t| <= ε_t = sqrt(d) ε_c ĥ + ĉ sqrt(d) hErr + ε_r} (Lemma 6.4);</li>
 *   <li>{@code |p~_ij - p_ij| <= f_ij κ}, {@code κ = φ (T + ε_t) + ε_t} plus the rounding of the
 *       expansion products {@code ρ' (1 + φ)(T + ε_t)}, {@code ρ' = 2ρ/(1-Δ-ρ)}, and of the final
 *       sums {@code γ_{2d+8} (1 + φ + ρ')(T + ε_t)} (Lemmas 6.5–6.6);</li>
 *   <li>{@code ||G~ - G||_inf <= (1/d) κ ΣA1 ||A2|| W̄} with {@code ΣA1 = max_a Σ_i |A1[i,a]|}
 *       (rows of {@code f} sum to 1), plus the weight rounding {@code ω} and the offset sum
 *       {@code γ_{2n+2}} on the magnitude (Theorem 6.7);</li>
 *   <li>{@code dQ}: {@code (1/d) κ max_b Σ_e K̄_e W̄_be}; {@code dK}: {@code (1/d) e^{2β} κ max_e Σ_b Q̄_b W̄_be}
 *       (columns of {@code f} sum to at most {@code e^{2β}}); {@code dV}:
 *       {@code e^{2β}(φ (C + ε_c) + ε_c) + ρ'(C + ε_c)}; weight gradients
 *       {@code max_a Σ_i |A1[i,a]|} times the {@code dQ} bound (resp. {@code A2, dK}; {@code A3, dV}),
 *       plus {@code γ_n} on the magnitude.</li>
 * </ol>
 * Forward quantities delegate to {@link FastForwardBound}. Every value is {@link Double#POSITIVE_INFINITY}
 * when {@code Δ + ρ >= 1}.
 *
 * <p>Kernel conventions (MATH §9, {@code proofs-notes/causal-fast.md}): the factor {@code 1/d} of
 * {@code G, dQ, dK} is the score scale {@code sigma}; under the causal mask rows of {@code f} still sum
 * to 1 over {@code j <= i}, so steps 1–5 and {@code dQ} are unchanged, the column sums {@code fCol} of
 * {@code dK, dV} become {@code e^{2β} H_n} ({@link #causalColumnSum}), and {@code ρ} arrives already
 * charged for the short rows ({@code FastForwardBound.causalRounding}).
 */
public final class FastGradientBound implements QuantityBound {
    private final FastForwardBound fwd;
    private final int n;
    private final int d;
    private final double phi;
    private final double rhoP;
    private final double hBar;
    private final double hErr;
    private final double cBar;
    private final double epsR;
    private final double tBar;
    private final double epsT;
    private final double kappa;
    private final double magnitude;
    private final double omega;
    private final double a1Sum;
    private final double a2Sum;
    private final double a3Sum;
    private final double a2Max;
    private final double wMax;
    private final double kRowW;
    private final double qColW;
    private final double fCol;
    private final boolean usable;
    /** The score scale {@code sigma} (MATH §9); NaN for the papers' {@code 1/d}. */
    private final double scale;

    /**
     * @param fwd the forward bound of the same evaluation (its {@code Δ, ρ, ε_Att, ε_c})
     * @param in the instance (norms of {@code A1, A2, A3, E, Q, K}, the family's weight magnitudes)
     */
    public FastGradientBound(FastForwardBound fwd, RopeInstance in) {
        if (fwd == null || in == null) {
            throw new IllegalArgumentException("forward bound and instance are required");
        }
        this.fwd = fwd;
        this.n = in.n();
        this.d = in.d();
        this.scale = in.hasDefaultScale() ? Double.NaN : in.scale();
        double delta = fwd.deltaEffective();
        double rho = fwd.rho();
        this.usable = delta + rho < 1;
        this.phi = usable ? 2 * delta / (1 - delta) : Double.POSITIVE_INFINITY;
        this.rhoP = usable ? 2 * rho / (1 - delta - rho) + 4 * U : Double.POSITIVE_INFINITY;
        DMatrixRMaj h = in.h();
        double hInf = Matrices.maxAbs(h);
        this.hErr = Math.nextUp(gamma(d) * Matrices.maxAbs(RoundingSums.absProduct(in.a3(), in.y())) * (1 + 1e-10));
        this.hBar = hInf + hErr;
        // c = Att - E, or c = dO exactly when the instance gives dO (MATH §9)
        boolean dO = in.hasUpstreamGradient();
        this.cBar = (dO ? 0 : hBar) + Matrices.maxAbs(in.upstream());
        double epsA = fwd.attention();
        double epsC = fwd.c();
        // row 2-norms: ||h_j|| <= hRow, ||Att_i|| <= hRow (convex combination), ||c_i|| <= hRow + ||E_i||
        double sd = Math.sqrt(d) * (1 + 4 * U);
        double hRow = maxRowNorm(h) * (1 + gamma(d + 2)) + sd * hErr;
        double cRow = (dO ? 0 : hRow) + maxRowNorm(in.upstream()) * (1 + gamma(d + 2));
        this.epsR = sd * epsC * (hRow + sd * epsA) + cRow * sd * epsA
                + gamma(d + 1) * (cRow + sd * epsC) * (hRow + sd * epsA);
        this.tBar = 2.0 * cRow * hRow;
        this.epsT = sd * epsC * hRow + cRow * sd * hErr + epsR;
        double tt = tBar + epsT;
        this.kappa = phi * tt + epsT + rhoP * (1 + phi) * tt + gamma(2L * d + 8) * (1 + phi + rhoP) * tt;
        this.magnitude = (1 + phi + rhoP) * tt;
        PositionFamily fam = in.family();
        this.omega = fam instanceof RopeFamily ? FastForwardBound.ropeWeightError(n, ((RopeFamily) fam).base()) : 0;
        this.a1Sum = maxColAbsSum(in.a1());
        this.a2Sum = maxColAbsSum(in.a2());
        this.a3Sum = maxColAbsSum(in.a3());
        this.a2Max = Matrices.maxAbs(in.a2());
        Support s = fam.support();
        double[] wBar = weightMagnitudes(fam, n, omega);
        double wm = 0;
        for (double w : wBar) {
            wm = Math.max(wm, w);
        }
        this.wMax = wm;
        double[] rowCol = in.hasWeights() ? weightedRowColumnSums(in, s, wBar) : new double[2];
        this.kRowW = rowCol[0];
        this.qColW = rowCol[1];
        // column sums of f: f_ij <= e^{2 beta}/n; Math.exp is within 1 ulp, so this is an upper bound
        double e2b = Math.nextUp(Math.exp(2 * fwd.beta()) * (1 + 8 * U));
        this.fCol = in.causal() ? causalColumnSum(e2b, n) : e2b;
    }

    /**
     * {@code W̄_k = max_m |w_k(m)| + ω} over the offsets {@code |m| < n}, per support entry {@code k}
     * (the family's weight magnitudes, with the RoPE weights' own rounding {@code ω}).
     */
    private static double[] weightMagnitudes(PositionFamily fam, int n, double omega) {
        Support s = fam.support();
        double[] wBar = new double[s.size()];
        for (int k = 0; k < s.size(); k++) {
            for (int m = -(n - 1); m <= n - 1; m++) {
                wBar[k] = Math.max(wBar[k], Math.abs(fam.weight(m, s.row(k), s.col(k))));
            }
            wBar[k] += omega;
        }
        return wBar;
    }

    /**
     * {@code {max_b Σ_e K̂_e W̄_be, max_e Σ_b Q̂_b W̄_be}} with the column magnitudes {@code K̂, Q̂} of the
     * projected {@code K, Q}, each product charged {@code (1 + γ_d)} (the {@code dQ}, {@code dK} bounds).
     */
    private static double[] weightedRowColumnSums(RopeInstance in, Support s, double[] wBar) {
        int d = in.d();
        double[] kHat = Matrices.colMaxAbs(in.k());
        double[] qHat = Matrices.colMaxAbs(in.q());
        double gd = gamma(d);
        double[] rows = new double[d];
        double[] cols = new double[d];
        for (int k = 0; k < s.size(); k++) {
            rows[s.row(k)] += wBar[k] * kHat[s.col(k)] * (1 + gd);
            cols[s.col(k)] += wBar[k] * qHat[s.row(k)] * (1 + gd);
        }
        double kr = 0;
        double qc = 0;
        for (int b = 0; b < d; b++) {
            kr = Math.max(kr, rows[b]);
            qc = Math.max(qc, cols[b]);
        }
        return new double[] {kr, qc};
    }

    /**
     * Column sums of {@code f} under the causal mask ({@code proofs-notes/causal-fast.md} §4): row
     * {@code i} keeps {@code i+1} entries, so {@code f_ij <= e^{2 beta}/(i+1)} and
     * {@code Σ_{i >= j} f_ij <= e^{2 beta} H_n} ({@code H_n = Σ_{i=1}^n 1/i}, attained at {@code j = 0} when
     * every score is equal); also {@code <= n - j <= n} since {@code f_ij <= 1}.
     *
     * @param e2b an upper bound on {@code e^{2 beta}}
     */
    public static double causalColumnSum(double e2b, int n) {
        double h = 0;
        for (int i = n; i >= 1; i--) {
            h += 1.0 / i;
        }
        // n quotients and n - 1 additions of positive terms: relative gamma_{2n}
        double hUp = h * (1 + gamma(2L * n + 2));
        return Math.min(Math.nextUp(e2b * hUp * (1 + 2 * U)), n);
    }

    /**
     * {@code dQrot_i = dQ_i R_i} (MATH §9) formed from the engine's {@code dQ} (entry error {@code <= e},
     * magnitude {@code <= mag}) by {@code RopeFamily#rotate} in double, with tables within {@code omega}
     * of {@code cos, sin}: {@code |Δ| <= sqrt(2) e + 2 omega (mag + e) + γ_2 (sqrt(2) + 2 omega)(mag + e)}
     * (fast-gradient-error.md §9; {@code |cos| + |sin| <= sqrt 2}).
     */
    private double rotatedRows(double e, double mag) {
        double m = mag + e;
        return up(1.4143 * e + 2 * omega * m + gamma(2) * (1.4143 + 2 * omega) * m);
    }

    /** {@code sigma x}: {@code x / d} for the papers' scale (as before the scale existed), else {@code x sigma}. */
    private double scaled(double x) {
        return Double.isNaN(scale) ? x / d : x * scale;
    }

    /**
     * A {@link QuantityBound} for an engine: {@code forward} maps an instance to the forward bound the
     * engine's pass certifies (e.g. {@code in -> engine.forward(in).bound()}).
     */
    public static QuantityBound forEngine(Function<RopeInstance, FastForwardBound> forward) {
        return (q, in, trusted) -> new FastGradientBound(forward.apply(in), in).allowed(q, in, trusted);
    }

    /** The quantities with a gradient bound here (the others delegate to the forward bound). */
    public static boolean isGradient(Quantity q) {
        switch (q) {
            case R:
            case GRAD_X:
            case DQ:
            case DK:
            case DV:
            case GRAD_WQ:
            case GRAD_WK:
            case GRAD_WV:
            case DQROT:
            case DKROT:
                return true;
            default:
                return false;
        }
    }

    @Override
    public double allowed(Quantity q, RopeInstance instance, RopeResult trusted) {
        if (!usable) {
            return Double.POSITIVE_INFINITY;
        }
        switch (q) {
            case ALPHA:
                return Math.nextUp(fwd.alphaRelative() * maxAlpha(trusted));
            case H:
                return hErr;
            case ATTENTION:
                return fwd.attention();
            case C:
                return fwd.c();
            case LOSS:
                return fwd.loss(sumAbsC(trusted), lossBar(trusted), (long) n * d);
            case R:
                return up(epsR);
            case GRAD_X:
                return gradX();
            case DQ:
                return dq();
            case DK:
                return dk();
            case DQROT:
                return rotatedRows(dq(), dqMagnitude());
            case DKROT:
                return rotatedRows(dk(), dkMagnitude());
            case DV:
                return dv();
            case GRAD_WQ:
                return up(a1Sum * dq() + gamma(n) * a1Sum * dqMagnitude());
            case GRAD_WK:
                return up(a2Sum * dk() + gamma(n) * a2Sum * dkMagnitude());
            case GRAD_WV:
                return up(a3Sum * dv() + gamma(n) * a3Sum * dvMagnitude());
            default:
                throw new IllegalArgumentException("no fast bound for " + q.key() + " (fast engines never form n x n)");
        }
    }

    /** {@code φ = 2Δ/(1-Δ)}: relative error of {@code f~} (MATH §5, Lemma 6.2). */
    public double phi() {
        return phi;
    }

    /** {@code κ}: {@code |p~_ij - p_ij| <= κ f_ij}, rounding included (Lemmas 6.5–6.6). */
    public double kappa() {
        return kappa;
    }

    /** {@code ||G~ - G||_inf} bound (Theorem 6.7). */
    public double gradX() {
        double core = scaled(kappa * a1Sum * a2Max * wMax);
        double mag = scaled(magnitude * a1Sum * a2Max * wMax);
        return up(core + (gamma(2L * n + 2) + 4 * omega / Math.max(wMax, 1e-300)) * mag);
    }

    /** {@code ||dQ~ - dQ||_inf}. */
    public double dq() {
        return up(scaled(kappa * kRowW) + (gamma(8) + 4 * omega) * dqMagnitude());
    }

    /** {@code ||dK~ - dK||_inf}. */
    public double dk() {
        return up(scaled(fCol * kappa * qColW) + (gamma(8) + 4 * omega) * dkMagnitude());
    }

    /** {@code ||dV~ - dV||_inf}. */
    public double dv() {
        double epsC = fwd.c();
        double c1 = cBar + epsC;
        return up(fCol * (phi * c1 + epsC) + rhoP * c1 + gamma(n + 4) * dvMagnitude());
    }

    private double dqMagnitude() {
        return scaled(magnitude * kRowW);
    }

    private double dkMagnitude() {
        return scaled(fCol * magnitude * qColW);
    }

    private double dvMagnitude() {
        return fCol * (1 + phi + rhoP) * (cBar + fwd.c());
    }

    public FastForwardBound forward() {
        return fwd;
    }

    private double maxAlpha(RopeResult trusted) {
        if (trusted != null && trusted.has(Quantity.ALPHA)) {
            return Matrices.maxAbs(trusted.get(Quantity.ALPHA)) * (1 + 1e-6);
        }
        return n * ExpApproximationBound.expUp(fwd.beta());
    }

    private double sumAbsC(RopeResult trusted) {
        double epsC = fwd.c();
        if (trusted != null && trusted.has(Quantity.C)) {
            double s = 0;
            for (double v : trusted.get(Quantity.C).data) {
                s += Math.abs(v);
            }
            return (s + (double) n * d * epsC) * (1 + 1e-6);
        }
        return (double) n * d * (cBar + epsC);
    }

    private double lossBar(RopeResult trusted) {
        if (trusted != null && trusted.has(Quantity.LOSS)) {
            double sc = sumAbsC(trusted);
            return (trusted.loss() + fwd.c() * sc + (double) n * d * fwd.c() * fwd.c()) * (1 + 1e-6);
        }
        return 0.5 * n * d * (cBar + fwd.c()) * (cBar + fwd.c());
    }

    private static double up(double v) {
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : Math.nextUp(v * (1 + 16 * U));
    }

    /** {@code max_i ||m_i||_2} (computed, not rounded up: callers inflate it). */
    static double maxRowNorm(DMatrixRMaj m) {
        double best = 0;
        for (int r = 0; r < m.numRows; r++) {
            double s = 0;
            for (int c = 0; c < m.numCols; c++) {
                double v = m.unsafe_get(r, c);
                s += v * v;
            }
            best = Math.max(best, Math.sqrt(s));
        }
        return best;
    }

    /** {@code max_c Σ_r |m[r][c]|}, rounded up for its own double evaluation. */
    static double maxColAbsSum(DMatrixRMaj m) {
        return RoundingSums.maxColAbsSum(m) * (1 + gamma(m.numRows + 1));
    }

    @Override
    public String toString() {
        return String.format("FastGradientBound{phi=%.3g, rho'=%.3g, T=%.3g, epsT=%.3g, kappa=%.3g, G=%.3g}", phi, rhoP,
                tBar, epsT, kappa, usable ? gradX() : Double.POSITIVE_INFINITY);
    }
}
