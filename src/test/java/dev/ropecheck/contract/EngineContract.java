package dev.ropecheck.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.bounds.Deviation;
import dev.ropecheck.bounds.QuantityBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.reference.RopeReferenceEngine_AP;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.gen.KernelSpec;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import dev.ropecheck.check.CheckReport;
import dev.ropecheck.check.FieldCheck;
import dev.ropecheck.check.FieldVerdict;
import dev.ropecheck.check.ResultCheck;
import dev.ropecheck.check.ToleranceModel;
import dev.ropecheck.check.TrustedReference;
import java.util.List;
import org.junit.jupiter.api.TestInstance;
import org.quicktheories.core.Gen;

/**
 * The one contract suite every RoPE attention engine runs (as EJML's generic checks do): each
 * quantity the specs require of the engine must be returned and PASS the one checking core
 * ({@link ResultCheck}) against the arbitrary-precision reference, within the engine's
 * {@link #tolerance()} (the componentwise rounding model for the exact engine, a proved approximation
 * bound for the fast ones); and the same check must fail an all-zero and a sign-flipped answer. Failures print the replayable {@link InstanceSpec} and the error as a multiple of the
 * bound; every case's {@code measured / bound} goes to {@code target/tightness/<engine>.csv}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EngineContract {
    private TightnessLog log;

    /** The engine under test. */
    protected abstract RopeAttentionEngine engine();

    /** Its bound on {@code |engine - truth|}, per quantity. */
    protected abstract QuantityBound bound();

    /** The trusted values: the reference at {@link #referenceDigits()} digits. */
    protected RopeAttentionEngine reference() {
        return RopeReferenceEngine_AP.withDigits(referenceDigits());
    }

    protected long referenceDigits() {
        return 40;
    }

    protected int maxN() {
        return 8;
    }

    protected int maxD() {
        return 4;
    }

    protected int examples() {
        return 30;
    }

    /** The instances this engine accepts (fast engines narrow the families or the bound). */
    protected Gen<InstanceSpec> specs() {
        return Generators.instances(maxN(), maxD());
    }

    /**
     * True when the engine implements the kernel conventions of MATH §9 (a scale {@code sigma}, a causal
     * mask); engines that refuse them override this with false.
     */
    protected boolean kernelConventions() {
        return true;
    }

    /** The scaled and causal instances the engine and its {@link #tolerance()} cover. */
    protected Gen<KernelSpec> kernelSpecs() {
        return KernelSpec.over(specs());
    }

    private TightnessLog log() {
        if (log == null) {
            log = new TightnessLog(getClass().getSimpleName());
        }
        return log;
    }

    @AfterAll
    void printTightness() {
        if (log != null) {
            log.flush();
        }
    }

    /**
     * The tolerance the engine is held to, through the one checking core ({@link ResultCheck}); by
     * default its {@link #bound()} (one number per field).
     */
    protected ToleranceModel tolerance() {
        return ToleranceModel.perField(bound(), getClass().getSimpleName() + " bound");
    }

    /**
     * The fields the specs require of this engine on {@code inst}: every quantity of MATH §2–3 (the
     * weight-gradient ones only when {@code X = W_Q ⊗ W_K} is given by its factors). Fast engines
     * narrow this to the fields they are specified to return. Never taken from the engine's own
     * {@code supported()}: an engine that stops returning a field fails.
     */
    protected Set<Quantity> required(RopeInstance inst) {
        return RopeAttentionEngine.withoutWeightQuantities(EnumSet.allOf(Quantity.class), inst);
    }

    /** Checks every required quantity against the reference; returns the engine's result. */
    protected RopeResult checkAgainstReference(String caseId, RopeInstance inst) {
        return checkAgainstReference(caseId, inst, EnumSet.noneOf(Quantity.class));
    }

    /**
     * As {@link #checkAgainstReference(String, RopeInstance)}, where the fields of {@code vacuous} are
     * of rounding size by construction (e.g. {@code c} when {@code E = Att}): for them VACUOUS is the
     * right verdict and is accepted (PASS too), and the zero-answer guard does not apply.
     */
    protected RopeResult checkAgainstReference(String caseId, RopeInstance inst, Set<Quantity> vacuous) {
        Comparison c = compare(engine(), reference(), tolerance(), required(inst), inst, vacuous);
        for (FieldCheck f : c.report().fields()) {
            if (f.verdict() == FieldVerdict.PASS) {
                log().record(caseId, f.field(), new Deviation(f.maxAbsError(), Math.abs(f.reference()), f.worstRow(),
                        f.worstCol(), f.maxAbsError() == 0 ? 1 : f.maxAbsError() / f.maxRatio()));
            }
        }
        assertTrue(c.failures().isEmpty(), () -> engine().name() + " vs reference for " + caseId + c.failures() + "\n"
                + inst);
        return c.result();
    }

    /**
     * The outcome of one comparison: the engine's result, the checking core's report and the failure
     * lines (empty when every required field passed, or is identically zero in the reference: then no
     * bound can tell a zero answer from the right one, and the field is vacuous by nature).
     */
    public record Comparison(RopeResult result, CheckReport report, String failures) {
    }

    /** {@link #compare(RopeAttentionEngine, RopeAttentionEngine, ToleranceModel, Set, RopeInstance)} with a per-field bound. */
    public static Comparison compare(RopeAttentionEngine engine, RopeAttentionEngine reference, QuantityBound b,
            RopeInstance inst) {
        return compare(engine, reference, ToleranceModel.perField(b, "bound"),
                RopeAttentionEngine.withoutWeightQuantities(EnumSet.allOf(Quantity.class), inst), inst);
    }

    /**
     * Judges {@code engine} on {@code required} against {@code reference}, and holds the check itself
     * to account: the same check must fail an all-zero and a sign-flipped copy of every required field
     * that is not identically zero (a check that cannot fail is a defect).
     */
    public static Comparison compare(RopeAttentionEngine engine, RopeAttentionEngine reference, ToleranceModel model,
            Set<Quantity> required, RopeInstance inst) {
        return compare(engine, reference, model, required, inst, EnumSet.noneOf(Quantity.class));
    }

    /** As above, accepting VACUOUS for the fields of {@code vacuous} (rounding-size by construction). */
    public static Comparison compare(RopeAttentionEngine engine, RopeAttentionEngine reference, ToleranceModel model,
            Set<Quantity> required, RopeInstance inst, Set<Quantity> vacuous) {
        Set<Quantity> wanted = EnumSet.copyOf(required);
        wanted.retainAll(engine.supported(inst));
        RopeResult got = wanted.isEmpty() ? RopeResult.builder(engine.name()).build() : engine.compute(inst, wanted);
        RopeResult ref = reference.compute(inst, required);
        TrustedReference trusted = TrustedReference.arbitraryPrecision(ref);
        CheckReport report = ResultCheck.run(inst, got, required, trusted, model, List.of());
        StringBuilder failures = new StringBuilder();
        for (FieldCheck f : report.fields()) {
            Quantity q = Quantity.byKey(f.field());
            boolean zero = vacuous.contains(q) || ref.has(q) && zeroToReferenceAccuracy(ref, q);
            if (f.verdict() != FieldVerdict.PASS && !(zero && f.verdict() == FieldVerdict.VACUOUS)) {
                failures.append("\n  ").append(f.field()).append(": ").append(f.verdict()).append(String.format(
                        " err %.3e = %.3g x allowed %.3e at [%d][%d]%s", f.maxAbsError(), f.maxRatio(), f.allowed(),
                        f.worstRow(), f.worstCol(), f.note().isEmpty() ? "" : " (" + f.note() + ")"));
            }
        }
        if (failures.length() == 0) {
            guardAgainstVacuousChecks(inst, got, required, trusted, model, ref, vacuous, failures);
        }
        return new Comparison(got, report, failures.toString());
    }

    /** The zero-answer and sign-flip guards: both must fail every required field that is not zero. */
    private static void guardAgainstVacuousChecks(RopeInstance inst, RopeResult got, Set<Quantity> required,
            TrustedReference trusted, ToleranceModel model, RopeResult ref, Set<Quantity> vacuous, StringBuilder failures) {
        for (double factor : new double[] {0, -1}) {
            RopeResult.Builder b = RopeResult.builder("guard");
            for (Quantity q : got.quantities()) {
                DMatrixRMaj m = got.get(q);
                for (int k = 0; k < m.data.length; k++) {
                    m.data[k] *= factor;
                }
                b.put(q, m);
            }
            CheckReport r = ResultCheck.run(inst, b.build(), required, trusted, model, List.of());
            for (FieldCheck f : r.fields()) {
                Quantity q = Quantity.byKey(f.field());
                if (ref.has(q) && !vacuous.contains(q) && !zeroToReferenceAccuracy(ref, q) && !f.verdict().isFailure()) {
                    failures.append("\n  ").append(f.field()).append(": the check does not fail a field multiplied by ")
                            .append(factor).append(" (verdict ").append(f.verdict()).append(")");
                }
            }
        }
    }

    /**
     * True when every entry of the reference's {@code q} is within {@code 10^6} times its own error
     * estimate ({@code absError.<key>}, the difference of its two precisions) of zero: the true field
     * is zero (e.g. every gradient at {@code n = 1}, where {@code Σ_j p_ij = 0} leaves {@code p = 0}),
     * and a zero answer is the right one.
     */
    static boolean zeroToReferenceAccuracy(RopeResult ref, Quantity q) {
        DMatrixRMaj m = ref.get(q);
        double noise = 0;
        String s = ref.metadata().get("absError." + q.key());
        if (s != null) {
            noise = 1e6 * Math.abs(Double.parseDouble(s));
        }
        for (double v : m.data) {
            if (Math.abs(v) > noise) {
                return false;
            }
        }
        return true;
    }

    static boolean allZero(DMatrixRMaj m) {
        for (double v : m.data) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    @DisplayName("Defs. 3.12-3.17, Lemmas 5.1-5.3: every supported quantity is within its bound of the reference")
    @dev.ropecheck.specs.Spec({"check-verdicts", "lemma-6.2", "lemma-6.3", "lemma-6.4", "lemma-6.5", "lemma-6.6", "theorem-6.7"})
    void everyQuantityWithinItsBoundOfTheReference() {
        qt().withExamples(examples()).forAll(specs()).checkAssert(spec -> checkAgainstReference(spec.toString(),
                spec.build()));
    }

    @dev.ropecheck.specs.Spec({"causal-mask", "score-scale"})
    @Test
    @DisplayName("MATH §9, specs/score-scale.md, specs/causal-mask.md: scaled and causal instances are within the bound")
    void kernelConventionsWithinTheirBound() {
        Assumptions.assumeTrue(kernelConventions(), () -> engine().name() + " does not implement MATH §9");
        qt().withExamples(examples()).forAll(kernelSpecs()).checkAssert(k -> checkAgainstReference(k.toString(),
                k.build()));
    }

    /**
     * The instance of {@code base} that gives the upstream gradient {@code dO} in place of {@code E} (MATH §9): the
     * same numbers, {@code dO = E}'s entries (dyadic, within the bound), so {@code c = dO} exactly.
     */
    public static RopeInstance withUpstreamGradient(RopeInstance base) {
        return base.toBuilder().dO(base.e()).build();
    }

    @dev.ropecheck.specs.Spec("upstream-gradient")
    @Test
    @DisplayName("MATH §9, specs/upstream-gradient.md: with dO in place of E every field is within the bound of the reference with dO; c = dO exactly; no loss")
    void upstreamGradientWithinItsBound() {
        Gen<RopeInstance> cases = kernelConventions() ? kernelSpecs().map(KernelSpec::build)
                : specs().map(InstanceSpec::build);
        qt().withExamples(Math.max(4, examples() / 3)).forAll(cases).checkAssert(base -> {
            RopeInstance inst = withUpstreamGradient(base);
            Set<Quantity> supported = engine().supported(inst);
            assertTrue(!supported.contains(Quantity.LOSS), engine().name() + " offers the loss without E");
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> engine().compute(inst, EnumSet.of(Quantity.LOSS)));
            assertTrue(ex.getMessage().contains("loss is undefined"), ex.getMessage());
            RopeResult r = checkAgainstReference("dO " + base, inst);
            if (r.has(Quantity.C)) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(inst.dO().data, r.get(Quantity.C).data, 0.0,
                        engine().name() + ": c must be dO exactly");
            }
        });
    }

    @Test
    @DisplayName("edge cases: n = 1, d = 2, zero inputs, E = Att (zero loss and gradient)")
    void edgeCases() {
        for (FamilyKind f : FamilyKind.values()) {
            checkAgainstReference("n=1 " + f, new InstanceSpec(1, 2, f, 1.0, true, 11L).build());
            checkAgainstReference("d=2 " + f, new InstanceSpec(5, 2, f, 2.0, true, 12L).build());
        }
        RopeInstance base = new InstanceSpec(6, 4, FamilyKind.ROPE_INTERLEAVED, 1.0, true, 13L).build();
        DMatrixRMaj zero = new DMatrixRMaj(6, 4);
        checkAgainstReference("zero A1, A2", base.toBuilder().a1(zero).a2(zero).build());
        checkAgainstReference("zero A3, E", base.toBuilder().a3(zero).e(zero).build());
        RopeInstance matched = base.toBuilder().e(reference().compute(base, EnumSet.of(Quantity.ATTENTION))
                .get(Quantity.ATTENTION)).build();
        Set<Quantity> roundingSize = EnumSet.complementOf(EnumSet.of(Quantity.A, Quantity.ALPHA, Quantity.F, Quantity.H,
                Quantity.ATTENTION));
        RopeResult r = checkAgainstReference("E = Att", matched, roundingSize);
        assertTrue(r.loss() < 1e-25, "E = Att must give a loss of rounding size, got " + r.loss());
    }

    @Test
    @DisplayName("Def. 3.14 with scores near +-700: double evaluation neither overflows nor loses the softmax")
    void scoresNearSevenHundred() {
        DMatrixRMaj a = new DMatrixRMaj(new double[][] {{26, 26}, {-26, -26}, {26, -26}, {26, 26}});
        RopeInstance inst = RopeInstance.builder().a1(a).a2(a).a3(a).e(new DMatrixRMaj(4, 2))
                .wq(identity(2)).wk(identity(2)).wv(identity(2)).family(new IdentityFamily(2)).build();
        RopeResult got = checkAgainstReference("scores +-676", inst);
        for (Quantity q : got.quantities()) {
            DMatrixRMaj m = got.get(q);
            for (double v : m.data) {
                if (q != Quantity.A && q != Quantity.ALPHA) {
                    assertTrue(Double.isFinite(v), q.key() + " has a non-finite entry");
                }
            }
        }
    }

    @Test
    @DisplayName("the engine rejects a quantity it does not support, naming it")
    void rejectsUnsupportedQuantities() {
        RopeInstance viaX = new InstanceSpec(3, 2, FamilyKind.IDENTITY, 1.0, false, 5L).build();
        Set<Quantity> unsupported = EnumSet.complementOf(EnumSet.copyOf(engine().supported(viaX)));
        assertTrue(unsupported.contains(Quantity.GRAD_WQ), "gradWQ needs W_Q and W_K");
        for (Quantity q : unsupported) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> engine().compute(viaX, EnumSet.of(q)));
            assertTrue(ex.getMessage().contains(q.key()), ex.getMessage());
        }
        assertEquals(engine().name(), engine().compute(viaX, EnumSet.of(Quantity.LOSS)).engine());
    }

    static DMatrixRMaj identity(int d) {
        DMatrixRMaj m = new DMatrixRMaj(d, d);
        for (int i = 0; i < d; i++) {
            m.set(i, i, 1);
        }
        return m;
    }
}
