package dev.ropecheck.bounds;

import static dev.ropecheck.bounds.ExactRoundingModel.gamma;
import static dev.ropecheck.bounds.RoundingSums.absProductColMax;
import static dev.ropecheck.bounds.RoundingSums.max;
import static dev.ropecheck.bounds.RoundingWeights.weightMagnitudes;

import dev.ropecheck.bounds.ExactRoundingModel.Budget;
import dev.ropecheck.bounds.ExactRoundingModel.Counts;
import dev.ropecheck.model.Matrices;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;

/**
 * Stages §8–§9 of the exact engine's rounding model ({@code proofs-notes/rounding-model.md}): the
 * errors of {@code G = ∂L/∂X} (Lemma 3.18, 5.4–5.6), {@code dQ}, {@code dK}, {@code dV} and the
 * magnitudes of {@code dQ}, {@code dK}, from a {@link Budget} of the forward stages.
 */
final class RoundingGradients {
    private RoundingGradients() {
    }

    /** §8: {@code G}. */
    static double gradX(Budget b, RopeInstance inst, Counts counts) {
        int n = b.n();
        double dSum = b.kappa() * b.pSum() + n * (1 + b.kappa()) * b.epsT();
        double wMax = 0;
        double[] wBar = weightMagnitudes(inst.family(), n, b.etaW());
        for (double w : wBar) {
            wMax = Math.max(wMax, w);
        }
        double a = Matrices.maxAbs(inst.a1()) * Matrices.maxAbs(inst.a2()) / b.d();
        double g = gamma(counts.gradX());
        // (pSum + dSum)(wMax + eta)(1 + g) - pSum wMax, expanded (nothing cancels)
        return a * (dSum * (wMax + b.etaW()) * (1 + g) + b.pSum() * (b.etaW() * (1 + g) + wMax * g));
    }

    /** §9: {@code dQ} (weights only). */
    static double dq(Budget b, RopeInstance inst, Counts counts) {
        requireWeights(inst);
        int d = b.d();
        double dRow = b.kappa() * b.pRow() + (1 + b.kappa()) * b.epsT();
        double[] kHat = absProductColMax(inst.a2(), inst.wk());
        double[] wBar = weightMagnitudes(inst.family(), b.n(), b.etaW());
        double[] mag = RoundingWeights.termMagnitudes(inst.family(), wBar, b.etaW(), counts);
        double[] pad = RoundingWeights.paddedMagnitudes(inst.family(), wBar, b.etaW(), counts);
        double[] exc = RoundingWeights.paddingExcess(inst.family(), wBar, b.etaW(), counts);
        Support s = inst.family().support();
        double gd = gamma(d);
        double g = gamma(counts.dq());
        double grow = RoundingWeights.growth(gd, g);
        double worst = 0;
        for (int row = 0; row < d; row++) {
            double sp = 0;
            double excess = 0;
            for (int k = 0; k < s.size(); k++) {
                if (s.row(k) == row) {
                    double ke = kHat[s.col(k)];
                    sp += pad[k] * (ke * (1 + gd));
                    excess += ke * (exc[k] * (1 + grow) + mag[k] * grow);
                }
            }
            // (pRow + dRow) sp (1 + g) - pRow Σ mag ke, expanded: dRow sp (1 + g) + pRow Σ ke (pad (1 + gd)(1 + g) - mag)
            worst = Math.max(worst, (dRow * sp * (1 + g) + b.pRow() * excess) / d);
        }
        return worst;
    }

    /** §9: {@code dK} (weights only). */
    static double dk(Budget b, RopeInstance inst, Counts counts) {
        requireWeights(inst);
        int d = b.d();
        double dCol = b.kappa() * b.pCol() + (1 + b.kappa()) * b.epsT() * b.fCol();
        double[] qHat = absProductColMax(inst.a1(), inst.wq());
        double[] wBar = weightMagnitudes(inst.family(), b.n(), b.etaW());
        double[] mag = RoundingWeights.termMagnitudes(inst.family(), wBar, b.etaW(), counts);
        double[] pad = RoundingWeights.paddedMagnitudes(inst.family(), wBar, b.etaW(), counts);
        double[] exc = RoundingWeights.paddingExcess(inst.family(), wBar, b.etaW(), counts);
        Support s = inst.family().support();
        double gd = gamma(d);
        double g = gamma(counts.dk());
        double grow = RoundingWeights.growth(gd, g);
        double worst = 0;
        for (int col = 0; col < d; col++) {
            double tp = 0;
            double excess = 0;
            for (int k = 0; k < s.size(); k++) {
                if (s.col(k) == col) {
                    double qb = qHat[s.row(k)];
                    tp += (qb * (1 + gd)) * pad[k];
                    excess += qb * (exc[k] * (1 + grow) + mag[k] * grow);
                }
            }
            // (pCol + dCol) tp (1 + g) - pCol Σ qb mag, expanded as for dQ
            worst = Math.max(worst, (dCol * tp * (1 + g) + b.pCol() * excess) / d);
        }
        return worst;
    }

    /** §9: {@code dV = f^T c}. */
    static double dv(Budget b) {
        double c1 = b.cHat() + b.epsC();
        return b.fCol() * (b.phi() * c1 + b.epsC() + gamma(b.n() + 1) * (1 + b.phi()) * c1);
    }

    /** A bound on {@code |dQ|} (for the magnitude of {@code ∂L/∂W_Q}). */
    static double dqHat(Budget b, RopeInstance inst) {
        double[] kHat = absProductColMax(inst.a2(), inst.wk());
        double[] wBar = weightMagnitudes(inst.family(), b.n(), b.etaW());
        Support s = inst.family().support();
        double[] rows = new double[b.d()];
        for (int k = 0; k < s.size(); k++) {
            rows[s.row(k)] += wBar[k] * kHat[s.col(k)];
        }
        return b.pRow() * max(rows) / b.d();
    }

    /** A bound on {@code |dK|} (for the magnitude of {@code ∂L/∂W_K}). */
    static double dkHat(Budget b, RopeInstance inst) {
        double[] qHat = absProductColMax(inst.a1(), inst.wq());
        double[] wBar = weightMagnitudes(inst.family(), b.n(), b.etaW());
        Support s = inst.family().support();
        double[] cols = new double[b.d()];
        for (int k = 0; k < s.size(); k++) {
            cols[s.col(k)] += qHat[s.row(k)] * wBar[k];
        }
        return b.pCol() * max(cols) / b.d();
    }

    static void requireWeights(RopeInstance inst) {
        if (!inst.hasWeights()) {
            throw new IllegalArgumentException("dQ, dK and their weight gradients need W_Q, W_K (instance gives X)");
        }
    }
}
