package dev.ropecheck.bounds;

import static dev.ropecheck.bounds.ExactRoundingModel.U;

import dev.ropecheck.model.ExplicitFamily;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.Support;

/**
 * Stage §1 of the exact engine's rounding model ({@code proofs-notes/rounding-model.md} §1): the error
 * {@code η_W} of the double position weights {@code W~_m} and the magnitudes {@code W̄_k} the later
 * stages are stated in.
 */
final class RoundingWeights {
    private RoundingWeights() {
    }

    /**
     * {@code η_W}: a bound on {@code |W~_m[b,e] - W_m[b,e]|} over {@code |m| <= n-1}
     * (proofs-notes/rounding-model.md §1). Zero for the identity and explicit families (the double
     * values are the exact ones). For RoPE, block {@code k}: {@code theta~_k = pow(base, fl(-2k/d))};
     * the exponent's rounding error {@code ex = |fl(2k/d) - 2k/d|} is computed exactly, so
     * {@code theta~_k} has relative error {@code ε_k = exp(ex ln base)(1 + ρ_pow) - 1} with
     * {@code ρ_pow} one ulp of {@code theta~_k} relative to it ({@code k = 0}: {@code pow(base, -0.0) = 1}
     * exactly, so the angles {@code m} are exact). The angle {@code fl(m theta~_k)} is then off by at
     * most {@code (n-1) theta_k ε_k + ulp((n-1) theta~_k)/2}; {@code cos}, {@code sin} are
     * 1-Lipschitz and within 1 ulp ({@code <= u} on {@code [-1, 1]}).
     */
    static double weightError(PositionFamily fam, int n) {
        if (fam instanceof IdentityFamily || fam instanceof ExplicitFamily) {
            return 0.0;
        }
        if (fam instanceof RopeFamily) {
            RopeFamily r = (RopeFamily) fam;
            int d = r.d();
            double lnBase = Math.log(r.base()) * (1 + 4 * U);
            double worst = U;
            for (int k = 1; k < d / 2; k++) {
                double xt = -2.0 * k / d;
                double ex = new java.math.BigDecimal(xt).multiply(java.math.BigDecimal.valueOf(d))
                        .add(java.math.BigDecimal.valueOf(2L * k)).abs()
                        .divide(java.math.BigDecimal.valueOf(d), java.math.MathContext.DECIMAL64).doubleValue()
                        * (1 + 4 * U);
                double th = r.theta(k);
                double relPow = Math.ulp(Math.nextUp(th)) / Math.nextDown(th);
                double epsTheta = Math.expm1(ex * lnBase + Math.log1p(relPow) + Math.log1p(4 * U));
                double theta = th / (1 - epsTheta);
                double maxAngle = (n - 1) * th;
                double angleErr = (n - 1) * theta * epsTheta + Math.ulp(Math.nextUp(maxAngle)) / 2;
                worst = Math.max(worst, angleErr * (1 + 4 * U) + U);
            }
            return worst;
        }
        throw new IllegalArgumentException("no rounding model for the weights of family " + fam.name()
                + " (" + fam.getClass().getName() + ")");
    }

    /**
     * Per support pair {@code k = (b, e)}, a bound on the magnitude that multiplies {@code |Q_b| |K_e|}
     * in one term of a score (rounding-model.md §13): {@code W̄_k} on the offset-grouped route; on the
     * rotated route {@code μ_k >= Σ_a |R_i[b,a]| |R_j[e,a]|} over the pair's two columns {@code a},
     * which is at most 1 (Cauchy–Schwarz on {@code (|cos|, |sin|)} pairs) and, off the diagonal,
     * at most {@code |sin(i theta)| + |sin(j theta)| <= 2 W̄_k}; 1 for the identity.
     */
    static double[] termMagnitudes(PositionFamily fam, double[] wBar, double etaW, ExactRoundingModel.Counts counts) {
        if (!counts.rotated()) {
            return wBar;
        }
        Support s = fam.support();
        double[] out = new double[s.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = s.row(k) == s.col(k) ? 1.0 : Math.min(1.0, 2 * wBar[k]);
        }
        return out;
    }

    /**
     * The same with the table error: {@code W̄_k + η_W} on the offset-grouped route; on the rotated
     * route {@code μ_k + 2 sqrt(2) η_W + 2 η_W^2 >= Σ_a (|R_i[b,a]| + η_W)(|R_j[e,a]| + η_W)} (as
     * {@code |cos| + |sin| <= sqrt 2}); rounded up.
     */
    static double[] paddedMagnitudes(PositionFamily fam, double[] wBar, double etaW, ExactRoundingModel.Counts counts) {
        if (!counts.rotated()) {
            double[] out = new double[wBar.length];
            for (int k = 0; k < out.length; k++) {
                out[k] = wBar[k] + etaW;
            }
            return out;
        }
        double[] mu = termMagnitudes(fam, wBar, etaW, counts);
        double[] out = new double[mu.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (mu[k] + 2.8285 * etaW + 2 * etaW * etaW) * (1 + 4 * U);
        }
        return out;
    }

    /**
     * {@link #paddedMagnitudes} minus {@link #termMagnitudes}, formed without the cancellation of that
     * difference in binary64: {@code η_W} on the offset-grouped route, {@code 4u μ_k + (2.8285 η_W + 2 η_W^2)(1 + 4u)}
     * on the rotated one. The bounds that perturb a term, {@code (μ + e)(1 + γ) - μ}, are expanded as
     * {@code e (1 + γ) + μ γ} with this {@code e}, so every part is non-negative and nothing cancels.
     */
    static double[] paddingExcess(PositionFamily fam, double[] wBar, double etaW, ExactRoundingModel.Counts counts) {
        double[] mu = termMagnitudes(fam, wBar, etaW, counts);
        double[] out = new double[mu.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = counts.rotated() ? 4 * U * mu[k] + (2.8285 * etaW + 2 * etaW * etaW) * (1 + 4 * U) : etaW;
        }
        return out;
    }

    /** {@code (1 + a)(1 + b) - 1 = a + b + a b}, each part non-negative for {@code a, b >= 0}. */
    static double growth(double a, double b) {
        return a + b + a * b;
    }

    /** {@code W̄_k = max_m |W~_m[b_k,e_k]| + η_W}: bounds both the double and the exact entries. */
    static double[] weightMagnitudes(PositionFamily fam, int n, double etaW) {
        Support s = fam.support();
        double[] out = new double[s.size()];
        for (int m = -(n - 1); m <= n - 1; m++) {
            for (int k = 0; k < s.size(); k++) {
                out[k] = Math.max(out[k], Math.abs(fam.weight(m, s.row(k), s.col(k))));
            }
        }
        for (int k = 0; k < out.length; k++) {
            out[k] = Math.min(out[k] + etaW, fam instanceof RopeFamily ? 1.0 : Double.POSITIVE_INFINITY);
        }
        return out;
    }
}
