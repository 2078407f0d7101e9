package dev.ropecheck.bounds;

import static dev.ropecheck.bounds.ExactRoundingModel.TRUSTED_SLACK;
import static dev.ropecheck.bounds.ExactRoundingModel.U;
import static dev.ropecheck.bounds.ExactRoundingModel.gamma;
import static dev.ropecheck.bounds.RoundingSums.absProduct;
import static dev.ropecheck.bounds.RoundingSums.absProductColMax;
import static dev.ropecheck.bounds.RoundingSums.absSum;
import static dev.ropecheck.bounds.RoundingSums.maxColAbsSum;
import static dev.ropecheck.bounds.RoundingSums.maxRowAbsSum;
import static dev.ropecheck.bounds.RoundingSums.slack;
import static dev.ropecheck.bounds.RoundingSums.trustedMaxAbs;

import dev.ropecheck.bounds.ExactRoundingModel.Budget;
import dev.ropecheck.bounds.ExactRoundingModel.Counts;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.Matrices;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import org.ejml.data.DMatrixRMaj;

/**
 * Stages §3–§7 of the exact engine's rounding model ({@code proofs-notes/rounding-model.md}), one
 * method a stage: the scores {@code s} (§3, Def. 3.12's exponent), the softmax {@code exp, alpha, f}
 * (§4, Defs. 3.12–3.14), {@code h, Att, c} (§5, Defs. 3.15–3.16) and {@code p} (§7, Lemmas 5.1–5.3),
 * collected in one {@link Budget} that the quantity bounds and the gradient stages (§8–§9,
 * {@link RoundingGradients}) read.
 */
final class RoundingBudget {
    private RoundingBudget() {
    }

    /** The softmax stage's values (§4). */
    private record Softmax(double rho, double phi, double gn) {
    }

    /** The value stage's values (§5). */
    private record Values(double hHat, double epsH, double epsG1, double epsD, double epsAtt, double cHat,
            double epsC) {
    }

    /**
     * The model's intermediates for {@code inst} evaluated with {@code counts}.
     *
     * @throws IllegalArgumentException when {@code inst} or {@code counts} is missing, or outside the
     *     model ({@code k u > 0.01}, {@code rho > 0.1})
     */
    static Budget of(RopeInstance inst, RopeResult trusted, Counts counts) {
        if (inst == null) {
            throw new IllegalArgumentException("instance is missing");
        }
        if (counts == null) {
            throw new IllegalArgumentException("counts is missing");
        }
        int n = inst.n();
        int d = inst.d();
        double etaW = RoundingWeights.weightError(inst.family(), n);
        double[] scores = scores(inst, counts, etaW);
        double beta = scores[0];
        double epsS = scores[1];
        Softmax sm = softmax(beta, epsS, n);
        Values v = values(inst, trusted, sm);
        // §7 p.
        double epsW = (v.epsG1() + v.epsD()) * (1 + U) + 2 * U * v.hHat();
        double w2 = 2 * v.hHat() + epsW;
        double epsT = d * (v.epsC() * w2 + v.cHat() * epsW) + gamma(d) * d * (v.cHat() + v.epsC()) * w2;
        double tHat = 2 * d * v.cHat() * v.hHat();
        double kappa = sm.phi() + U * (1 + sm.phi());
        double fMax = Math.min(1.0, trustedMaxAbs(trusted, Quantity.F, 1.0) * (1 + TRUSTED_SLACK));
        double pMax = slack(trustedMaxAbs(trusted, Quantity.P, fMax * tHat), trusted, Quantity.P, fMax * tHat);
        double pSum = n * tHat;
        double pRow = tHat;
        double pCol = n * fMax * tHat;
        double fCol = n * fMax;
        if (trusted != null && trusted.has(Quantity.P)) {
            DMatrixRMaj p = trusted.get(Quantity.P);
            pSum = Math.min(pSum, absSum(p) * (1 + TRUSTED_SLACK));
            pRow = Math.min(pRow, maxRowAbsSum(p) * (1 + TRUSTED_SLACK));
            pCol = Math.min(pCol, maxColAbsSum(p) * (1 + TRUSTED_SLACK));
        }
        if (trusted != null && trusted.has(Quantity.F)) {
            fCol = Math.min(fCol, maxColAbsSum(trusted.get(Quantity.F)) * (1 + TRUSTED_SLACK));
        }
        return new Budget(n, d, etaW, beta, epsS, sm.rho(), sm.phi(), v.hHat(), v.epsH(), v.epsG1(), v.epsD(),
                v.epsAtt(), v.cHat(), v.epsC(), tHat, epsT, kappa, fMax, pMax, pSum, pRow, pCol, fCol);
    }

    /** §3: {@code {beta, epsS}}, the bound on {@code |s_ij|} and on {@code |s~_ij - s_ij|}. */
    private static double[] scores(RopeInstance inst, Counts counts, double etaW) {
        int n = inst.n();
        int d = inst.d();
        PositionFamily fam = inst.family();
        Support s = fam.support();
        double[] wBar = RoundingWeights.weightMagnitudes(fam, n, etaW);
        double gS = gamma(counts.score());
        double beta = 0;
        double epsS = 0;
        double[] a1c = Matrices.colMaxAbs(inst.a1());
        double[] a2c = Matrices.colMaxAbs(inst.a2());
        if (counts.scoreFromX()) {
            double[] x = inst.x().data;
            int dd = d * d;
            double xr = counts.xRelative();
            for (int a = 0; a < d; a++) {
                for (int c = 0; c < d; c++) {
                    double ac = a1c[a] * a2c[c];
                    for (int k = 0; k < s.size(); k++) {
                        double xa = Math.abs(x[(a * d + c) * dd + s.pairIndex(k)]);
                        double xBar = xa * (1 + 2 * xr);
                        beta += ac * xBar * wBar[k];
                        // (xBar (1 + xr))(wBar + eta)(1 + gS) - xBar wBar, expanded (nothing cancels)
                        epsS += ac * xBar * (wBar[k] * RoundingWeights.growth(xr, gS) + etaW * (1 + xr) * (1 + gS));
                    }
                }
            }
        } else {
            double[] qHat = absProductColMax(inst.a1(), inst.wq());
            double[] kHat = absProductColMax(inst.a2(), inst.wk());
            double gd = gamma(d);
            double[] mag = RoundingWeights.termMagnitudes(fam, wBar, etaW, counts);
            double[] exc = RoundingWeights.paddingExcess(fam, wBar, etaW, counts);
            // (1 + gd)^2 (1 + gS) = 1 + grow
            double grow = RoundingWeights.growth(RoundingWeights.growth(gd, gd), gS);
            for (int k = 0; k < s.size(); k++) {
                double qb = qHat[s.row(k)];
                double ke = kHat[s.col(k)];
                beta += qb * wBar[k] * ke;
                // (qb (1 + gd)) pad (ke (1 + gd)) (1 + gS) - qb mag ke, pad = mag + exc, expanded
                epsS += qb * ke * (exc[k] * (1 + grow) + mag[k] * grow);
            }
        }
        return new double[] {beta / d, epsS / d};
    }

    /** §4: the relative perturbation {@code rho} of the shifted exponentials and {@code phi} of {@code f}. */
    private static Softmax softmax(double beta, double epsS, int n) {
        double betaT = beta + epsS;
        // Π(1 + x_i) exp(y) - 1 as expm1(y + Σ log1p(x_i)): the product form cancels in binary64
        double rho = Math.expm1(epsS + 2 * U * betaT + Math.log1p(2 * U));
        if (!(rho <= 0.1)) {
            throw new IllegalArgumentException("score error bound epsS = " + epsS + " (beta = " + beta
                    + ") gives a softmax perturbation rho = " + rho + " > 0.1, outside the model");
        }
        double gn = gamma(n);
        double phi = Math.expm1(Math.log1p(rho) + Math.log1p(gn) - Math.log1p(-rho));
        return new Softmax(rho, phi, gn);
    }

    /** §5: the errors of {@code h}, {@code Att = f h} and {@code c = Att - E}, and the magnitudes of {@code h}, {@code c}. */
    private static Values values(RopeInstance inst, RopeResult trusted, Softmax sm) {
        int d = inst.d();
        double phi = sm.phi();
        double gn = sm.gn();
        double hSum = Matrices.maxAbs(absProduct(inst.a3(), inst.y()));
        double epsH = gamma(d) * hSum;
        double hHat = Math.min(hSum, trustedMaxAbs(trusted, Quantity.H, hSum));
        double h1 = hHat + epsH;
        double epsG1 = 2 * epsH + U * 2 * h1;
        double g2 = 2 * hHat + epsG1;
        double epsD = phi * g2 + epsG1 + gn * (1 + phi) * g2;
        double epsAtt = (epsH + epsD) + U * (hHat + epsH + epsD);
        // c = Att - E, or c = dO exactly when the instance gives dO (MATH §9): no error
        boolean dO = inst.hasUpstreamGradient();
        double cHat = Math.min((dO ? 0 : hHat) + Matrices.maxAbs(inst.upstream()),
                trustedMaxAbs(trusted, Quantity.C, Double.POSITIVE_INFINITY));
        double epsC = dO ? 0 : epsAtt + U * (cHat + epsAtt);
        return new Values(hHat, epsH, epsG1, epsD, epsAtt, cHat, epsC);
    }
}
