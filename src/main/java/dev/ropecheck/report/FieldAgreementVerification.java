package dev.ropecheck.report;

import dev.ropecheck.bounds.FastGradientBound;
import dev.ropecheck.bounds.QuantityBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.fast.RopeFftEngine_F64;
import dev.ropecheck.engine.fast.RopeLowRankEngine_F64;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One engine against the reference on a chosen set of quantities (one {@code specs/} entry each): e.g. Theorem 6.7 (the fast gradient: {@code gradX, r,
 * dQ, dK, dV} and the weight gradients) for a fast engine. {@code max |engine - reference|} per field against
 * the engine's bound plus the reference's rounding to double ({@code (2^-53 + 10^(1-P)) (1 + 2^-52) max|ref|}, as
 * {@link EngineAgreementVerification}).
 *
 * <p>Bounds: {@link Engines#allowed} (for the exact engine, the rounding model {@code ExactRoundingModel});
 * with {@link #fastGradient} the certified {@link FastGradientBound} of the engine's own forward pass
 * ({@code proofs-notes/fast-gradient-error.md}).
 */
public final class FieldAgreementVerification implements Verification {
    private final Engines engines;
    private final String engineName;
    private final String id;
    private final String title;
    private final Set<Quantity> quantities;
    private final boolean fastGradient;
    private final double entryBound;

    /**
     * @param quantities the fields judged (those the engine computes for an instance)
     * @param fastGradient true: judge by {@link FastGradientBound} of the engine (an {@link RopeFftEngine_F64} or
     *     {@link RopeLowRankEngine_F64}); false: by {@link Engines#allowed}
     * @param entryBound the entry bound {@code B} of the random instances
     */
    public FieldAgreementVerification(Engines engines, String engineName, String id, String title, Set<Quantity> quantities,
            boolean fastGradient, double entryBound) {
        this.engines = engines;
        this.engineName = engineName;
        this.id = id;
        this.title = title;
        this.quantities = EnumSet.copyOf(quantities);
        this.fastGradient = fastGradient;
        this.entryBound = entryBound;
    }

    /** Theorem 6.7: the fast gradient of {@code engineName} within {@link FastGradientBound}. */
    public static FieldAgreementVerification theorem67(Engines engines, String engineName) {
        return new FieldAgreementVerification(engines, engineName, "theorem-6.7",
                "fast gradient (Theorem 6.7): " + engineName + " gradX, r, dQ, dK, dV, weight gradients vs reference,"
                        + " certified FastGradientBound",
                EnumSet.of(Quantity.GRAD_X, Quantity.R, Quantity.DQ, Quantity.DK, Quantity.DV, Quantity.GRAD_WQ,
                        Quantity.GRAD_WK, Quantity.GRAD_WV), true, 0.5);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public VerificationResult run(VerificationCases cases, Progress progress) {
        Optional<RopeAttentionEngine> ref = engines.engine("reference");
        Optional<RopeAttentionEngine> eng = engines.engine(engineName);
        if (ref.isEmpty() || eng.isEmpty()) {
            return VerificationResult.skipped(this, "needs engines reference and " + engineName);
        }
        QuantityBound own = null;
        if (fastGradient) {
            own = fastGradientBound(eng.get());
            if (own == null) {
                return VerificationResult.skipped(this, engineName + " is not a fast engine of this build with a gradient bound");
            }
        }
        int maxN = Math.min(Math.min(engines.maxN("reference"), engines.maxN(engineName)), cases.extended() ? 32 : 8);
        var list = CaseInstances.of(cases, maxN, entryBound);
        WorstCase w = new WorstCase();
        int done = 0;
        for (CaseInstances.Case c : list) {
            progress.step(id + ": " + c.label(), done++, list.size());
            String unchecked = judge(c, ref.get(), eng.get(), own, w);
            if (unchecked != null) {
                return VerificationResult.skipped(this, unchecked);
            }
        }
        progress.step(id, list.size(), list.size());
        return w.result(this, Plot.ERROR_VS_N, engineName + " vs reference (" + id + ")");
    }

    /** {@link FastGradientBound} of the engine's own forward pass; null when {@code e} is no fast engine of this build. */
    private static QuantityBound fastGradientBound(RopeAttentionEngine e) {
        if (e instanceof RopeFftEngine_F64 fft) {
            return FastGradientBound.forEngine(in -> fft.forward(in).bound());
        }
        if (e instanceof RopeLowRankEngine_F64 lr) {
            return FastGradientBound.forEngine(in -> lr.forward(in).bound());
        }
        return null;
    }

    /**
     * Judges the engine's fields on one case into {@code w} (by {@code own} when set, else {@link Engines#tolerance});
     * a case the engine computes none of the fields for, or refuses, is not counted. Returns why the row is skipped (a
     * field with no bound), or null.
     */
    private String judge(CaseInstances.Case c, RopeAttentionEngine ref, RopeAttentionEngine eng, QuantityBound own,
            WorstCase w) {
        RopeInstance in = c.instance();
        Set<Quantity> wanted = EnumSet.copyOf(quantities);
        wanted.retainAll(eng.supported(in));
        if (wanted.isEmpty()) {
            return null;
        }
        RopeResult e;
        try {
            e = eng.compute(in, wanted);
        } catch (IllegalArgumentException refused) {
            return null; // a degree or rank cap: the engine certifies nothing here
        }
        Set<Quantity> trustedSet = EnumSet.copyOf(wanted);
        trustedSet.addAll(EnumSet.of(Quantity.ALPHA, Quantity.H, Quantity.ATTENTION, Quantity.C));
        trustedSet.retainAll(ref.supported(in));
        RopeResult r = ref.compute(in, trustedSet);
        w.countCase();
        dev.ropecheck.check.ToleranceModel model = own != null
                ? dev.ropecheck.check.ToleranceModel.perField(own, engineName + " certified gradient bound")
                : engines.tolerance(engineName);
        dev.ropecheck.check.CheckReport report = dev.ropecheck.check.ResultCheck.run(in, e, wanted,
                dev.ropecheck.check.TrustedReference.arbitraryPrecision(r), model, List.of());
        for (dev.ropecheck.check.FieldCheck f : report.fields()) {
            if (f.verdict() == dev.ropecheck.check.FieldVerdict.UNCHECKED) {
                return "no bound for " + engineName + " " + f.field() + ": " + f.note();
            }
            boolean zeroField = f.verdict() == dev.ropecheck.check.FieldVerdict.VACUOUS
                    && EngineAgreementVerification.allZero(r.get(Quantity.byKey(f.field())));
            boolean ok = f.verdict() == dev.ropecheck.check.FieldVerdict.PASS || zeroField;
            double allowed = f.maxAbsError() == 0 ? f.allowed() : f.maxAbsError() / f.maxRatio();
            String where = f.field() + " on " + c.label() + (ok ? "" : " (" + f.verdict() + ")");
            w.add(ok ? f.maxAbsError() : Double.NaN, allowed, where, in.n());
            w.alsoAt(ok ? f.maxAbsError() : Double.NaN, allowed, where, TightnessPoint.Axis.D, in.d(), "");
        }
        return null;
    }
}
