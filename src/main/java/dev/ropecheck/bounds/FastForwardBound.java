package dev.ropecheck.bounds;

import static dev.ropecheck.bounds.ExpApproximationBound.U;
import static dev.ropecheck.bounds.ExpApproximationBound.gamma;

/**
 * The certified error of a fast forward pass (MATH §5 "Error transfer", RoPE-fwd Thm 1.3, RoPE-grad
 * Lemma 6.1) against the exact-arithmetic quantities; derivation in
 * {@code proofs-notes/fast-forward-error.md}. With
 * <ul>
 *   <li>{@code delta}: {@code |P(z) - e^z| <= delta e^z} on {@code [-beta, beta]} (coefficients as used);</li>
 *   <li>{@code sigma}: bound on {@code |s̃_ij - s_ij|}, the scores implied by the double inputs
 *       ({@code Q, K, W} rounded) against the exact ones; {@code deltaEff = (1+delta) e^sigma - 1};</li>
 *   <li>{@code epsRound}: per-entry rounding of the expansion, {@code |(Ã v)^ - Ã v|_i <= epsRound n ||v|| Pabs}
 *       with {@code Pabs = Σ |a_t| beta^t};</li>
 * </ul>
 * {@code ||Att~ - Att||_inf <= (2 deltaEff / (1 + sqrt(1 - deltaEff^2))) ||h̃|| + hErr + slack},
 * {@code slack = 2 rho ||h̃|| / (1 - deltaEff - rho) + 2u ||h̃||}, {@code rho = epsRound Pabs e^beta}.
 * Values are {@link Double#POSITIVE_INFINITY} when {@code deltaEff + rho >= 1} (no bound).
 *
 * <p>Kernel conventions (MATH §9, {@code proofs-notes/causal-fast.md}): with a score scale {@code sigma},
 * {@code beta} and the score rounding scale with it (the engines pass them); under the causal mask the
 * error transfer holds row by row over {@code j <= i} unchanged, and only {@code epsRound} changes
 * ({@link #causalRounding}).
 */
public final class FastForwardBound {
    private final double beta;
    private final double delta;
    private final double sigma;
    private final double deltaEff;
    private final double rho;
    private final double hInf;
    private final double hErr;
    private final double eInf;
    /** True when {@code c~ = dO = c} exactly (the instance gives {@code dO} in place of {@code E}; MATH §9). */
    private final boolean cExact;

    /**
     * @param beta score bound ({@code >= max |s_ij|}, also for the double scores)
     * @param delta relative error of P on {@code [-beta, beta]}
     * @param pAbs {@code Σ |a_t| beta^t}
     * @param sigma bound on the score rounding {@code |s̃ - s|}
     * @param epsRound relative rounding constant of the expansion (see {@link #fftRounding}, {@link #lowRankRounding})
     * @param hInf {@code ||h̃||_inf} of the double {@code h = A3 Y}
     * @param hErr bound on {@code ||h̃ - h||_inf}
     * @param eInf {@code ||E||_inf}
     */
    public FastForwardBound(double beta, double delta, double pAbs, double sigma, double epsRound, double hInf,
            double hErr, double eInf) {
        this.beta = beta;
        this.delta = delta;
        this.sigma = sigma;
        this.deltaEff = Math.nextUp(Math.expm1(Math.log1p(delta) + sigma + Math.log1p(4 * U)));
        // Math.exp is within 1 ulp: (1 + 4u) covers it
        this.rho = Math.nextUp(epsRound * pAbs * Math.exp(beta) * (1 + 8 * U));
        this.hInf = hInf;
        this.hErr = hErr;
        this.eInf = eInf;
        this.cExact = false;
    }

    private FastForwardBound(FastForwardBound b) {
        this.beta = b.beta;
        this.delta = b.delta;
        this.sigma = b.sigma;
        this.deltaEff = b.deltaEff;
        this.rho = b.rho;
        this.hInf = b.hInf;
        this.hErr = b.hErr;
        this.eInf = b.eInf;
        this.cExact = true;
    }

    /**
     * This bound for an instance that gives the upstream gradient {@code dO} in place of {@code E} (MATH §9):
     * the engines take {@code c~ = dO = c}, so {@link #c()} is 0; every other bound is unchanged.
     */
    public FastForwardBound withExactC() {
        return new FastForwardBound(this);
    }

    /**
     * FFT expansion rounding constant: {@code max(sqrt(2) epsFft(L), γ_n) + γ_{5g+6} + γ_M}, where
     * {@code epsFft(L) = (1+u)^{3k} (1+sqrt5 u)^{3k+1} (1+mu)^{3k} - 1}, {@code k = log2 L + 1},
     * {@code mu = 4u} (Percival's bound for FFT convolution, one extra stage for the real-data
     * post-processing; twiddles to 4u).
     *
     * @param fftLength {@code L} (a power of two {@code >= 2n-1})
     * @param g degree, {@code M} monomials, {@code n} tokens
     */
    public static double fftRounding(int fftLength, int g, long monomials, int n) {
        int k = 32 - Integer.numberOfLeadingZeros(Math.max(1, fftLength) - 1) + 1;
        double epsFft = Math.pow(1 + U, 3 * k) * Math.pow(1 + Math.sqrt(5) * U, 3 * k + 1)
                * Math.pow(1 + 4 * U, 3 * k) - 1;
        // the pow expression loses its low digits; bound it instead by its first-order value times 1.01
        double first = (3 * k * (1 + Math.sqrt(5) + 4) + Math.sqrt(5)) * U;
        epsFft = Math.max(epsFft, first * 1.01);
        double conv = Math.max(Math.sqrt(2) * 1.000001 * epsFft, gamma(n));
        return Math.nextUp((conv + gamma(5L * g + 6) + gamma(monomials)) * (1 + 1e-6));
    }

    /**
     * The rounding constant under the causal mask (MATH §9; {@code proofs-notes/causal-fast.md} §3):
     * {@code n epsRound}. Every computed product keeps the absolute error {@code epsRound n ||v|| Pabs} of
     * the unmasked one (the mask only removes terms: a causal sum has fewer terms, a causal FFT kernel a
     * smaller 2-norm), but the row sum is only {@code alpha_i >= (i+1) e^{-beta} >= e^{-beta}} (the
     * diagonal is always kept), so relative to {@code alpha_i} the constant grows by {@code n}. The same
     * charge covers the column products of the gradient ({@code Σ_{i >= j}}), whose vectors carry
     * {@code 1/alpha~_i}.
     *
     * @param epsRound the unmasked constant ({@link #fftRounding} or {@link #lowRankRounding})
     * @param n tokens
     */
    public static double causalRounding(double epsRound, int n) {
        return Math.nextUp(epsRound * n * (1 + 2 * U));
    }

    /** Low-rank rounding constant: {@code γ_n + γ_r + γ_{5g+6}} (two direct sums, the products). */
    public static double lowRankRounding(int n, long rank, int g) {
        return Math.nextUp((gamma(n) + gamma(rank) + gamma(5L * g + 6)) * (1 + 1e-6));
    }

    /**
     * Score rounding {@code sigma <= 2.01 γ_d beta + 1.01 omega beta1} (note: {@code beta1} is beta with
     * every {@code W̄ = 1}, {@code omega} the family's weight error).
     */
    public static double scoreRounding(int d, double beta, double omega, double beta1) {
        return Math.nextUp(2.01 * gamma(d + 1) * beta + 1.01 * omega * beta1);
    }

    /**
     * Score rounding of the low-rank variant, {@code s̃ = <Q̃'_i, K̃'_j>/d} with rows rotated in double:
     * {@code sigma <= 2.01 (γ_d + 2 omega + 3 γ_2) betaRot} (each rotated pair is within
     * {@code (γ_d + 2 omega + 3γ_2)} of the exact one relative to its bound; fast-forward-error.md §3).
     */
    public static double rotatedScoreRounding(int d, double betaRot, double omega) {
        return Math.nextUp(2.01 * (gamma(d) + 2 * omega + 3 * gamma(2)) * betaRot);
    }

    /**
     * Weight error of {@code RopeFamily.weight} in double at offsets {@code |m| <= n-1}:
     * {@code omega = (n-1)(ln(base) + 3) u + 2u} (pow, the exponent and the product {@code m theta} each
     * within one rounding, {@code Math.cos/sin} within 1 ulp).
     */
    public static double ropeWeightError(int n, double base) {
        return Math.nextUp(((n - 1.0) * (Math.log(base) + 3) + 2) * U * 1.01);
    }

    public double deltaEffective() {
        return deltaEff;
    }

    public double sigma() {
        return sigma;
    }

    /** {@code rho = epsRound Pabs e^beta}: expansion rounding relative to {@code alpha}. */
    public double rho() {
        return rho;
    }

    private boolean usable() {
        return deltaEff + rho < 1;
    }

    /** Approximation part, sharp constant {@code 2δ/(1+sqrt(1-δ²))} (MATH §5). */
    public double attentionApproximation() {
        if (!usable()) {
            return Double.POSITIVE_INFINITY;
        }
        double r = 2 * deltaEff / (1 + Math.sqrt(1 - deltaEff * deltaEff));
        return Math.nextUp(r * hInf * (1 + 8 * U));
    }

    /** Approximation part with the cruder {@code 2δ/(1-δ)}. */
    public double attentionApproximationCrude() {
        if (!usable()) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.nextUp(2 * deltaEff / (1 - deltaEff) * hInf * (1 + 8 * U));
    }

    /** Rounding slack: {@code hErr + 2 rho ||h̃|| / (1 - deltaEff - rho) + 2u ||h̃||}. */
    public double roundingSlack() {
        if (!usable()) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.nextUp((hErr + 2 * rho * hInf / (1 - deltaEff - rho) + 2 * U * hInf) * (1 + 8 * U));
    }

    /** {@code ||Att~ - Att||_inf} bound (sharp constant plus slack). */
    public double attention() {
        return Math.nextUp(attentionApproximation() + roundingSlack());
    }

    /** {@code ||Att~ - Att||_inf} bound with the crude constant. */
    public double attentionCrude() {
        return Math.nextUp(attentionApproximationCrude() + roundingSlack());
    }

    /**
     * {@code ||c~ - c||_inf}: the attention bound plus the rounding of the subtraction; 0 when {@code c~ = dO}
     * exactly ({@link #withExactC()}).
     */
    public double c() {
        if (cExact) {
            return 0;
        }
        return Math.nextUp(attention() + 2 * U * (hInf + eInf));
    }

    /** {@code |alpha~_i - alpha_i| <= alphaRelative alpha_i}: {@code deltaEff + rho}. */
    public double alphaRelative() {
        return Math.nextUp((deltaEff + rho) * (1 + 4 * U));
    }

    /**
     * {@code |L~ - L| <= Δ Σ|c~| + N Δ²/2 + γ_{2N} L~}, {@code Δ = c()}, {@code N = nd} entries (each
     * {@code |c² - c~²|/2 <= Δ(|c~| + Δ/2)}; the sum of squares computed with relative {@code γ_{2N}}).
     */
    public double loss(double sumAbsC, double lossTilde, long entries) {
        double dl = c();
        return Math.nextUp((dl * sumAbsC + entries * dl * dl / 2 + gamma(2 * entries) * lossTilde) * (1 + 8 * U));
    }

    public double beta() {
        return beta;
    }

    public double delta() {
        return delta;
    }

    @Override
    public String toString() {
        return String.format("FastForwardBound{beta=%.4g, delta=%.3g, deltaEff=%.3g, sigma=%.3g, rho=%.3g, att=%.3g}",
                beta, delta, deltaEff, sigma, rho, attention());
    }
}
