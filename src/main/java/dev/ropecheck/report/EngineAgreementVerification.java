package dev.ropecheck.report;

import dev.ropecheck.check.CheckReport;
import dev.ropecheck.check.FieldCheck;
import dev.ropecheck.check.FieldVerdict;
import dev.ropecheck.check.ResultCheck;
import dev.ropecheck.check.TrustedReference;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A double engine against the reference engine, every quantity both compute, on random instances of
 * every family: {@code max |engine - reference|} per field against the engine's bound
 * ({@link Engines#allowed}) plus the reference's rounding to double
 * ({@code (2^-53 + 10^(1-P)) (1 + 2^-52) max|ref|}, P = reference digits).
 */
public final class EngineAgreementVerification implements Verification {
    /**
     * Results per (engine, case), shared by the checks that compare the same engine on the same cases
     * for different quantities (one per definition), so the reference runs once per case.
     */
    private static final java.util.Map<String, RopeResult[]> RESULTS = new java.util.concurrent.ConcurrentHashMap<>();

    private final Engines engines;
    private final String engineName;
    private final String id;
    private final Set<Quantity> only;
    private final String title;
    /** The kernel conventions (MATH §9) applied to every case, or null for the papers' instances. */
    private final java.util.function.UnaryOperator<RopeInstance> convention;
    private final String conventionLabel;

    /**
     * Every quantity both engines compute.
     *
     * @param id the specs id (e.g. {@code theorem-5.7})
     * @param engineName the engine under test
     */
    public EngineAgreementVerification(Engines engines, String engineName, String id) {
        this(engines, engineName, id, EnumSet.allOf(Quantity.class),
                "engine " + engineName + " vs reference, every quantity, against its bound (MATH §2-3)");
    }

    /**
     * Only the quantities in {@code only} (those a definition or lemma introduces).
     *
     * @param title the row's title
     */
    public EngineAgreementVerification(Engines engines, String engineName, String id, Set<Quantity> only, String title) {
        this(engines, engineName, id, only, title, null, "");
    }

    /**
     * Every case turned by {@code convention} (a scale, a causal mask: MATH §9), on the cases the
     * componentwise rounding model covers (weights, RoPE or identity).
     *
     * @param label names the convention in case labels
     */
    public EngineAgreementVerification(Engines engines, String engineName, String id, Set<Quantity> only, String title,
            java.util.function.UnaryOperator<RopeInstance> convention, String label) {
        this.engines = engines;
        this.engineName = engineName;
        this.id = id;
        this.only = EnumSet.copyOf(only);
        this.title = title;
        this.convention = convention;
        this.conventionLabel = label;
    }

    @Override
    public String id() {
        return id;
    }

    static boolean allZero(org.ejml.data.DMatrixRMaj m) {
        for (double v : m.data) {
            if (v != 0) {
                return false;
            }
        }
        return true;
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
            return VerificationResult.skipped(this, "needs engines reference and " + engineName + "; missing: "
                    + (ref.isEmpty() ? "reference " : "") + (eng.isEmpty() ? engineName : ""));
        }
        List<CaseInstances.Case> list = caseList(cases);
        Worst worst = new Worst();
        int done = 0;
        for (CaseInstances.Case c : list) {
            progress.step(engineName + " vs reference: " + c.label(), done++, list.size());
            String unchecked = judge(c, ref.get(), eng.get(), worst);
            if (unchecked != null) {
                return VerificationResult.skipped(this, unchecked);
            }
        }
        progress.step(engineName + " vs reference", list.size(), list.size());
        return worst.result(list.size());
    }

    /**
     * Judges the fields of {@code only} on one case into {@code worst}; returns why the row is skipped (a field with
     * no bound), or null.
     */
    private String judge(CaseInstances.Case c, RopeAttentionEngine ref, RopeAttentionEngine eng, Worst worst) {
        Set<Quantity> all = EnumSet.copyOf(eng.supported(c.instance()));
        all.retainAll(ref.supported(c.instance()));
        RopeResult[] pair = results(c, all, ref, eng);
        RopeResult r = pair[0];
        RopeResult e = pair[1];
        Set<Quantity> wanted = EnumSet.copyOf(all);
        wanted.retainAll(only);
        double caseMax = 0;
        CheckReport report = ResultCheck.run(c.instance(), e, wanted, TrustedReference.arbitraryPrecision(r),
                engines.tolerance(engineName), List.of());
        for (FieldCheck f : report.fields()) {
            if (!wanted.contains(Quantity.byKey(f.field()))) {
                continue; // the checking core also judges every other field the candidate holds; this row is about `only`
            }
            if (f.verdict() == FieldVerdict.UNCHECKED) {
                return "no bound for " + engineName + " " + f.field() + ": " + f.note();
            }
            boolean zeroField = f.verdict() == FieldVerdict.VACUOUS && allZero(r.get(Quantity.byKey(f.field())));
            caseMax = Math.max(caseMax, f.maxAbsError());
            worst.field(f, zeroField, c);
        }
        worst.ns.add((double) c.instance().n());
        worst.errs.add(caseMax);
        return null;
    }

    /** The field with the largest err/allowed ratio over the cases, each case's largest error, every tightness point. */
    private final class Worst {
        private double worstRatio = -1;
        private double worstErr = Double.NaN;
        private double worstBound = Double.NaN;
        private String worst = "";
        private final List<Double> ns = new ArrayList<>();
        private final List<Double> errs = new ArrayList<>();
        private final List<TightnessPoint> points = new ArrayList<>();

        /** One judged field: its tightness points (vs n and vs d), and the worst case when its ratio is the largest. */
        void field(FieldCheck f, boolean zeroField, CaseInstances.Case c) {
            double ratio = f.verdict() == FieldVerdict.PASS || zeroField ? f.maxRatio() : Double.POSITIVE_INFINITY;
            // the worst entry's error and allowed error: their ratio is the field's max err/allowed
            double pointAllowed = f.allowed();
            double pointErr = f.verdict() == FieldVerdict.PASS || zeroField ? f.error() : Double.NaN;
            points.add(new TightnessPoint(id, engineName, TightnessPoint.Axis.N, c.instance().n(), pointErr, pointAllowed,
                    f.field() + " on " + c.label()));
            points.add(new TightnessPoint(id, engineName, TightnessPoint.Axis.D, c.instance().d(), pointErr, pointAllowed,
                    f.field() + " on " + c.label()));
            if (ratio > worstRatio || Double.isNaN(ratio)) {
                worstRatio = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
                worstErr = f.maxAbsError();
                worstBound = f.allowed();
                worst = f.field() + " on " + c.label() + (f.verdict() == FieldVerdict.PASS || zeroField ? ""
                        : " (" + f.verdict() + ")");
            }
        }

        /** The row over {@code cases} cases; the error-vs-n series only when every quantity is judged. */
        VerificationResult result(int cases) {
            Verdict v = worstRatio <= 1 ? Verdict.PASS : Verdict.FAIL;
            return new VerificationResult(id, title(), cases, worstErr, worstBound, v, "worst: " + worst,
                    only.size() < Quantity.values().length ? List.of()
                            : List.of(VerificationMath.maxByX(Plot.ERROR_VS_N, engineName + " vs reference (max over fields)",
                                    ns, errs)),
                    points);
        }
    }

    /** The shared cases up to the engines' size limits, with the convention applied where it is set. */
    private List<CaseInstances.Case> caseList(VerificationCases cases) {
        int maxN = Math.min(Math.min(engines.maxN("reference"), engines.maxN(engineName)), cases.extended() ? 64 : 16);
        List<CaseInstances.Case> list = new ArrayList<>();
        for (CaseInstances.Case c : CaseInstances.of(cases, maxN, 1.0)) {
            if (convention == null) {
                list.add(c);
            } else if (dev.ropecheck.bounds.ComponentwiseRoundingBound.unsupportedReason(c.instance()).isEmpty()) {
                list.add(new CaseInstances.Case(c.label() + ", " + conventionLabel, convention.apply(c.instance())));
            }
        }
        return list;
    }

    /** The reference's and the engine's results on {@code c} for {@code all}, computed once per run and reused by the rows. */
    private RopeResult[] results(CaseInstances.Case c, Set<Quantity> all, RopeAttentionEngine ref, RopeAttentionEngine eng) {
        return RESULTS.computeIfAbsent(engineName + "|" + engines.referenceDigits() + "|" + c.label(),
                k -> new RopeResult[] {ref.compute(c.instance(), all), eng.compute(c.instance(), all)});
    }
}
