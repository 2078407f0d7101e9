package dev.ropecheck.report;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.ejml.data.DMatrixRMaj;

/**
 * Def. 3.14: every row of {@code f = diag(alpha)^{-1} A} is a probability vector, so
 * {@code Σ_j f_ij = 1}, measured on the exact engine's {@code f} (summed exactly, in BigDecimal).
 *
 * <p><b>Bound.</b> Assuming the engine forms {@code f_ij = fl(u_ij / alpha_i)} where {@code alpha_i}
 * is a floating-point sum (any order) of the same {@code u_ij} (possibly shifted by a row maximum):
 * {@code alpha^_i = Σ_j u_ij (1 + theta_j)}, {@code |theta_j| <= gamma_{n-1}}, and each quotient has
 * relative error at most {@code u}, so {@code Σ_j f_ij ∈ [(1-u)/(1+gamma_{n-1}), (1+u)/(1-gamma_{n-1})]}:
 * {@code |Σ_j f_ij - 1| <= (u + gamma_{n-1}) / (1 - gamma_{n-1})}.
 */
public final class RowsSumToOneVerification implements Verification {
    private final Engines engines;

    public RowsSumToOneVerification(Engines engines) {
        this.engines = engines;
    }

    @Override
    public String id() {
        return "def-3.14";
    }

    @Override
    public String title() {
        return "rows of f sum to 1 (Def. 3.14), exact engine, bound (u + gamma_{n-1})/(1 - gamma_{n-1})";
    }

    @Override
    public VerificationResult run(VerificationCases cases, Progress progress) {
        Optional<RopeAttentionEngine> eng = engines.engine("exact");
        if (eng.isEmpty()) {
            return VerificationResult.skipped(this, "needs the exact engine, which is not registered");
        }
        WiderCases tc = new WiderCases(cases, Math.min(engines.maxN("exact"), cases.extended() ? 1024 : 256));
        List<CaseInstances.Case> list = tc.list;
        WorstCase w = new WorstCase();
        int done = 0;
        for (CaseInstances.Case c : list) {
            progress.step("rows of f: " + c.label(), done++, list.size());
            if (!eng.get().supported(c.instance()).contains(Quantity.F)) {
                return VerificationResult.skipped(this, "the exact engine does not report f");
            }
            RopeResult r = eng.get().compute(c.instance(), EnumSet.of(Quantity.F));
            DMatrixRMaj f = r.get(Quantity.F);
            int n = f.numRows;
            double bound = (VerificationMath.U + VerificationMath.gamma(n - 1)) / (1 - VerificationMath.gamma(n - 1));
            double caseMax = VerificationMath.maxRowSumDeviation(f, 1.0);
            w.countCase();
            w.add(caseMax, bound, c.label(), TightnessPoint.Axis.N, n, "");
            w.alsoAt(caseMax, bound, c.label(), TightnessPoint.Axis.D, c.instance().d(), "");
        }
        progress.step("rows of f", list.size(), list.size());
        return w.result(this, Plot.ERROR_VS_N, "|sum_j f_ij - 1| (exact engine)");
    }

    /** The run's sizes, extended up to {@code maxN} by doubling, one seed and d each. */
    static final class WiderCases {
        final List<CaseInstances.Case> list;

        WiderCases(VerificationCases cases, int maxN) {
            List<Integer> sizes = new ArrayList<>(cases.sizes());
            for (int n = cases.maxN() * 2; n <= maxN; n *= 2) {
                sizes.add(n);
            }
            VerificationCases wider = new VerificationCases(cases.extended(), sizes, cases.dims(), 1, cases.timingSizes(), cases.bounds(),
                    cases.scaleMaxN(), cases.trustedMaxN());
            list = CaseInstances.of(wider, maxN, 1.0);
        }
    }
}
