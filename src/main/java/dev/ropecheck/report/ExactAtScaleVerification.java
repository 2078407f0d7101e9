package dev.ropecheck.report;

import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.bounds.RoundingClass;
import dev.ropecheck.check.CheckReport;
import dev.ropecheck.check.FieldCheck;
import dev.ropecheck.check.FieldVerdict;
import dev.ropecheck.check.ResultCheck;
import dev.ropecheck.check.TrustedReference;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.io.InstanceGenerator;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Theorem 5.7 at sizes the apfloat reference cannot reach: the row of {@code inner} (the exact engine against
 * the apfloat reference at small {@code n}), extended by the exact engine against the double-double reference
 * ({@code reference-dd}) at {@code n = 64, 128, ..., trustedMaxN} (RoPE, {@code d = 2}, {@code B = 1}), every
 * quantity both compute, judged by the same checking core: the exact engine's componentwise rounding model
 * ({@code proofs-notes/componentwise-rounding.md}) plus the double-double reference's own error
 * ({@link TrustedReference#doubleDouble}). The row's worst case is the worse of the two parts.
 */
public final class ExactAtScaleVerification implements Verification {
    private final Verification inner;
    private final Engines engines;

    public ExactAtScaleVerification(Verification inner, Engines engines) {
        this.inner = inner;
        this.engines = engines;
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public String title() {
        return inner.title() + "; reference-dd at n <= the run's trusted size";
    }

    @Override
    public VerificationResult run(VerificationCases cases, Progress progress) {
        VerificationResult small = inner.run(cases, progress);
        Optional<RopeAttentionEngine> dd = engines.engine("reference-dd");
        Optional<RopeAttentionEngine> exact = engines.engine("exact");
        if (small.verdict() == Verdict.SKIPPED || dd.isEmpty() || exact.isEmpty()) {
            return small;
        }
        List<Integer> ns = new ArrayList<>();
        for (int n = 64; n <= Math.min(cases.trustedMaxN(), engines.maxN("reference-dd")); n *= 2) {
            ns.add(n);
        }
        WorstCase w = new WorstCase();
        int done = 0;
        for (int n : ns) {
            long seed = 17L * n + 3;
            String label = "make-instance --n " + n + " --d 2 --family rope --bound 1.0 --seed " + seed;
            progress.step(id() + " vs reference-dd: " + label, done++, ns.size());
            RopeInstance in = InstanceGenerator.build(new InstanceGenerator.Params(n, 2, InstanceGenerator.Family.ROPE, 1.0,
                    seed));
            Set<Quantity> both = EnumSet.copyOf(exact.get().supported(in));
            both.retainAll(dd.get().supported(in));
            RopeResult r = dd.get().compute(in, both);
            RopeResult e = exact.get().compute(in, both);
            CheckReport report = ResultCheck.run(in, e, both,
                    TrustedReference.doubleDouble(r, RoundingClass.worstCase(FloatFormat.FP64), n),
                    engines.tolerance("exact"), List.of());
            w.countCase();
            for (FieldCheck f : report.fields()) {
                boolean zeroField = f.verdict() == FieldVerdict.VACUOUS
                        && EngineAgreementVerification.allZero(r.get(Quantity.byKey(f.field())));
                boolean ok = f.verdict() == FieldVerdict.PASS || zeroField;
                String where = f.field() + " on " + label + " (reference-dd)" + (ok ? "" : " (" + f.verdict() + ")");
                w.add(ok ? f.error() : Double.NaN, f.allowed(), where, TightnessPoint.Axis.N, n, "exact vs reference-dd");
            }
        }
        progress.step(id() + " vs reference-dd", ns.size(), ns.size());
        if (ns.isEmpty()) {
            return small;
        }
        VerificationResult large = w.result(this, Plot.ERROR_VS_N, "exact vs reference-dd");
        boolean largeWorse = large.tightness() > small.tightness() || Double.isNaN(large.tightness());
        Verdict v = small.verdict() == Verdict.FAIL || large.verdict() == Verdict.FAIL ? Verdict.FAIL : Verdict.PASS;
        List<Series> series = new ArrayList<>(small.series());
        series.addAll(large.series());
        List<TightnessPoint> points = new ArrayList<>(small.points());
        points.addAll(large.points());
        return new VerificationResult(id(), inner.title(), small.cases() + large.cases(),
                largeWorse ? large.maxError() : small.maxError(), largeWorse ? large.bound() : small.bound(), v,
                largeWorse ? large.detail() : small.detail(), series, points);
    }
}
