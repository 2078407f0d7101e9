package dev.ropecheck.report;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.ejml.data.DMatrixRMaj;

/**
 * Lemma 4.1 part 4 / MATH §3: {@code Σ_j p_ij = 0} for every row (part 4 gives {@code Σ_j ∂f_ij = 0}, as {@code Σ_j f_ij = 1}; and
 * {@code r_i = Σ_j f_ij q_ij}), measured on the exact engine's {@code p}, summed exactly.
 *
 * <p><b>Bound.</b> With {@code T} the exact engine's bound on {@code max |p^_ij - p_ij|}
 * ({@link Engines#allowed} for {@link Quantity#P}): {@code |Σ_j p^_ij| = |Σ_j (p^_ij - p_ij)| <= n T}.
 */
public final class SumPZeroVerification implements Verification {
    private final Engines engines;

    public SumPZeroVerification(Engines engines) {
        this.engines = engines;
    }

    @Override
    public String id() {
        return "lemma-4.1-part-4";
    }

    @Override
    public String title() {
        return "rows of p sum to 0 (Lemma 4.1, MATH §3), exact engine, bound n T_p";
    }

    @Override
    public VerificationResult run(VerificationCases cases, Progress progress) {
        Optional<RopeAttentionEngine> eng = engines.engine("exact");
        Optional<RopeAttentionEngine> ref = engines.engine("reference");
        if (eng.isEmpty() || ref.isEmpty()) {
            return VerificationResult.skipped(this, "needs the exact and reference engines");
        }
        List<CaseInstances.Case> list = CaseInstances.of(cases, Math.min(engines.maxN("reference"),
                cases.extended() ? 32 : 8), 1.0);
        WorstCase w = new WorstCase();
        int done = 0;
        for (CaseInstances.Case c : list) {
            progress.step("sum of p: " + c.label(), done++, list.size());
            if (!eng.get().supported(c.instance()).contains(Quantity.P)) {
                return VerificationResult.skipped(this, "the exact engine does not report p");
            }
            RopeResult reference = ref.get().compute(c.instance(), EnumSet.of(Quantity.P));
            OptionalDouble t = engines.allowed("exact", c.instance(), reference, true, Quantity.P);
            if (t.isEmpty()) {
                return VerificationResult.skipped(this, "no bound on p for the exact engine: " + engines.whyNoBound("exact"));
            }
            DMatrixRMaj p = eng.get().compute(c.instance(), EnumSet.of(Quantity.P)).get(Quantity.P);
            int n = p.numRows;
            double bound = n * t.getAsDouble();
            double caseMax = VerificationMath.maxRowSumDeviation(p, 0.0);
            w.countCase();
            w.add(caseMax, bound, c.label(), TightnessPoint.Axis.N, n, "");
            w.alsoAt(caseMax, bound, c.label(), TightnessPoint.Axis.D, c.instance().d(), "");
        }
        progress.step("sum of p", list.size(), list.size());
        return w.result(this, Plot.ERROR_VS_N, "|sum_j p_ij| (exact engine)");
    }
}
