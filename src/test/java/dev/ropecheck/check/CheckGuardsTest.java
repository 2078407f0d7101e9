package dev.ropecheck.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.bounds.RoundingClass;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.reference.RopeReferenceEngine_AP;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The checking core cannot pass a wrong field: for every field and every precision class, the check
 * fails an all-zero field, a sign-flipped field, the field scaled by {@code 1 + 10 allowed/|value|}
 * at its most sensitive entry, and one entry moved by ten times its allowed error; while the
 * reference's own values pass. Where a class's bound is vacuous for a field (bf16 gradX and weight
 * gradients at n = 24: the rounding of p to 8 bits exceeds the cancelling sums), the verdict is
 * VACUOUS (exit 3) for the right answer and for every wrong one: never PASS. Verdict and exit-code rules for missing, unchecked and non-finite
 * fields.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckGuardsTest {
    private RopeInstance rope;
    private RopeResult ref;
    private TrustedReference trusted;

    @BeforeAll
    void reference() {
        rope = new InstanceSpec(24, 8, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 77L).build();
        ref = RopeReferenceEngine_AP.withDigits(40).computeAll(rope);
        trusted = TrustedReference.arbitraryPrecision(ref);
    }

    private static RopeResult map(RopeResult r, Quantity target, UnaryOperator<DMatrixRMaj> f) {
        RopeResult.Builder b = RopeResult.builder("candidate");
        for (Quantity q : r.quantities()) {
            b.put(q, q == target ? f.apply(r.get(q)) : r.get(q));
        }
        return b.build();
    }

    private static List<RoundingClass> classes() {
        List<RoundingClass> out = new ArrayList<>();
        for (FloatFormat f : List.of(FloatFormat.FP64, FloatFormat.FP32, FloatFormat.BF16, FloatFormat.FP16)) {
            out.add(RoundingClass.worstCase(f));
            out.add(RoundingClass.probabilistic(f));
            out.add(RoundingClass.firstOrder(f));
        }
        return out;
    }

    @Test
    @DisplayName("every field, every class: the exact values pass; zero, sign flip, (1 + 10 allowed/|v|) scaling and one"
            + " entry moved by 10 allowed fail")
    @dev.ropecheck.specs.Spec({"check-verdicts", "first-order-rounding"})
    void everyFieldEveryClassFailsTheFourWrongAnswers() {
        Set<Quantity> all = EnumSet.allOf(Quantity.class);
        all.remove(Quantity.LSE); // derived: lseIsJudgedThroughAlpha
        List<String> defects = new ArrayList<>();
        List<String> vacuous = new ArrayList<>();
        for (RoundingClass cls : classes()) {
            RoundingTolerance model = new RoundingTolerance(cls);
            CheckReport base = ResultCheck.run(rope, ref, all, trusted, model, List.of());
            StringBuilder line = new StringBuilder(cls.label() + ": min detectable");
            for (FieldCheck f : base.fields()) {
                Quantity q = Quantity.byKey(f.field());
                if (f.verdict() == FieldVerdict.VACUOUS) {
                    vacuous.add(cls.label() + " " + f.field());
                }
                if (f.verdict() != FieldVerdict.PASS && f.verdict() != FieldVerdict.VACUOUS) {
                    defects.add(cls.label() + " " + f.field() + ": the exact values give " + f.verdict());
                    continue;
                }
                line.append(String.format(" %s %.1e", f.field(), f.minDetectable()));
                DMatrixRMaj allowed = model.allowed(rope, EnumSet.of(q), ref).allowed().get(q);
                int k = mostSensitive(ref.get(q), allowed);
                double t = 10 * at(allowed, k) / Math.abs(ref.get(q).data[k]);
                List<RopeResult> wrong = List.of(
                        map(ref, q, m -> scale(m, 0)),
                        map(ref, q, m -> scale(m, -1)),
                        map(ref, q, m -> scale(m, 1 + t)),
                        map(ref, q, m -> {
                            m.data[k] += Math.copySign(10 * at(allowed, k), m.data[k]);
                            return m;
                        }));
                String[] names = {"zero", "sign flip", "scaled by 1 + 10 allowed/|v|", "one entry + 10 allowed"};
                for (int w = 0; w < wrong.size(); w++) {
                    FieldCheck got = ResultCheck.run(rope, wrong.get(w), all, trusted, model, List.of()).field(q.key());
                    boolean ok = f.verdict() == FieldVerdict.PASS ? got.verdict().isFailure()
                            : got.verdict() != FieldVerdict.PASS;
                    if (!ok) {
                        defects.add(cls.label() + " " + q.key() + ": " + names[w] + " gives " + got.verdict());
                    }
                }
            }
            System.out.println(line);
        }
        System.out.println("vacuous (exit 3, never PASS): " + vacuous);
        assertTrue(defects.isEmpty(), String.join("\n", defects));
        assertTrue(vacuous.stream().noneMatch(v -> v.startsWith("fp64") || v.startsWith("fp32")),
                "fp64 and fp32 bounds must constrain every field here: " + vacuous);
    }

    private static int mostSensitive(DMatrixRMaj v, DMatrixRMaj allowed) {
        int best = 0;
        double r = Double.POSITIVE_INFINITY;
        for (int k = 0; k < v.data.length; k++) {
            double ratio = at(allowed, k) / Math.abs(v.data[k]);
            if (v.data[k] != 0 && ratio < r) {
                r = ratio;
                best = k;
            }
        }
        return best;
    }

    private static double at(DMatrixRMaj m, int k) {
        return m.data.length == 1 ? m.data[0] : m.data[k];
    }

    private static DMatrixRMaj scale(DMatrixRMaj m, double f) {
        for (int k = 0; k < m.data.length; k++) {
            m.data[k] *= f;
        }
        return m;
    }

    @Test
    @DisplayName("FieldComparator: an entry exactly at its allowed error passes (C), one ulp past it fails (C')")
    @dev.ropecheck.specs.Spec("check-verdicts")
    void passesAtTheBoundFailsJustPastIt() {
        DMatrixRMaj ref1 = new DMatrixRMaj(1, 2, true, 1.0, 2.0);
        DMatrixRMaj allowed = new DMatrixRMaj(1, 2, true, 0.25, 0.5);
        DMatrixRMaj at = new DMatrixRMaj(1, 2, true, 1.25, 1.5);
        assertEquals(FieldVerdict.PASS, FieldComparator.compare("x", at, ref1, null, allowed, null).verdict());
        DMatrixRMaj past = new DMatrixRMaj(1, 2, true, Math.nextUp(1.25), 1.5);
        FieldCheck f = FieldComparator.compare("x", past, ref1, null, allowed, null);
        assertEquals(FieldVerdict.FAIL, f.verdict());
        assertEquals(0, f.worstCol());
        assertEquals(1, f.failing());
        assertTrue(f.maxRatio() > 1 && f.maxRatio() < 1 + 1e-15, "err/allowed " + f.maxRatio());
    }

    @Test
    @DisplayName("the reference's low-order part counts: |(cand - hi) - lo| is the error")
    @dev.ropecheck.specs.Spec("check-verdicts")
    void residualIsUsed() {
        DMatrixRMaj hi = new DMatrixRMaj(1, 1, true, 1.0);
        DMatrixRMaj lo = new DMatrixRMaj(1, 1, true, 0x1p-60);
        DMatrixRMaj allowed = new DMatrixRMaj(1, 1, true, 0x1p-62);
        assertEquals(FieldVerdict.FAIL,
                FieldComparator.compare("x", new DMatrixRMaj(1, 1, true, 1.0), hi, lo, allowed, null).verdict());
        assertEquals(FieldVerdict.PASS,
                FieldComparator.compare("x", new DMatrixRMaj(1, 1, true, 1.0), hi, null, allowed, null).verdict());
    }

    @Test
    @DisplayName("VACUOUS when every allowed error is at least |value|; NONFINITE names the NaN's index")
    @dev.ropecheck.specs.Spec("check-verdicts")
    void vacuousAndNonFinite() {
        DMatrixRMaj ref1 = new DMatrixRMaj(2, 1, true, 1e-3, -2e-3);
        FieldCheck v = FieldComparator.compare("x", ref1.copy(), ref1, null, new DMatrixRMaj(1, 1, true, 2e-3), null);
        assertEquals(FieldVerdict.VACUOUS, v.verdict());
        DMatrixRMaj nan = new DMatrixRMaj(2, 1, true, 1e-3, Double.NaN);
        FieldCheck n = FieldComparator.compare("x", nan, ref1, null, new DMatrixRMaj(1, 1, true, 1e-9), null);
        assertEquals(FieldVerdict.NONFINITE, n.verdict());
        assertEquals(1, n.worstRow());
        CheckReport r = new CheckReport(List.of(n), "ref", "tol", List.of());
        assertTrue(r.diagnostics().get(0).contains("NaN at [1][0]"), r.diagnostics().toString());
        assertEquals(CheckReport.EXIT_FAIL, r.exitCode());
    }

    @Test
    @DisplayName("a required field that is absent is MISSING (exit 1); one without a bound is UNCHECKED (exit 3); neither passes")
    @dev.ropecheck.specs.Spec("check-verdicts")
    void missingAndUnchecked() {
        RopeResult onlyLoss = RopeResult.builder("c").put(Quantity.LOSS, ref.get(Quantity.LOSS)).build();
        RoundingTolerance model = new RoundingTolerance(RoundingClass.worstCase(FloatFormat.FP64));
        CheckReport r = ResultCheck.run(rope, onlyLoss, EnumSet.of(Quantity.LOSS, Quantity.ALPHA), trusted, model,
                List.of());
        assertEquals(FieldVerdict.MISSING, r.field("alpha").verdict());
        assertEquals(FieldVerdict.PASS, r.field("loss").verdict());
        assertEquals(CheckReport.EXIT_FAIL, r.exitCode());
        ToleranceModel none = new ToleranceModel() {
            @Override
            public String describe() {
                return "none";
            }

            @Override
            public Tolerances allowed(RopeInstance instance, Set<Quantity> fields, RopeResult reference) {
                java.util.Map<Quantity, String> why = new java.util.EnumMap<>(Quantity.class);
                fields.forEach(q -> why.put(q, "no bound"));
                return new Tolerances(java.util.Map.of(), why);
            }
        };
        CheckReport u = ResultCheck.run(rope, onlyLoss, EnumSet.of(Quantity.LOSS), trusted, none, List.of());
        assertEquals(FieldVerdict.UNCHECKED, u.field("loss").verdict());
        assertEquals(CheckReport.EXIT_UNDECIDED, u.exitCode());
        assertTrue(!u.passed());
    }

    @Test
    @DisplayName("MATH §9: lse in place of alpha is judged through the reference's alpha: log alpha passes in every"
            + " class, lse + 10 allowed and lse of the column sums fail")
    @dev.ropecheck.specs.Spec("check-verdicts")
    void lseIsJudgedThroughAlpha() {
        DMatrixRMaj lse = ref.get(Quantity.ALPHA);
        for (int i = 0; i < lse.numRows; i++) {
            lse.set(i, 0, Math.log(lse.get(i, 0)));
        }
        for (RoundingClass cls : classes()) {
            RoundingTolerance model = new RoundingTolerance(cls);
            RopeResult good = RopeResult.builder("c").put(Quantity.LSE, lse).build();
            CheckReport r = ResultCheck.run(rope, good, EnumSet.of(Quantity.LSE), trusted, model, List.of());
            assertEquals(FieldVerdict.PASS, r.field("lse").verdict(), cls.label() + "\n" + r.render());
            DMatrixRMaj allowed = model.allowed(rope, EnumSet.of(Quantity.LSE), ResultCheck.withLse(trusted).values())
                    .allowed().get(Quantity.LSE);
            DMatrixRMaj off = lse.copy();
            off.data[3] += 10 * allowed.data[3];
            CheckReport bad = ResultCheck.run(rope, RopeResult.builder("c").put(Quantity.LSE, off).build(),
                    EnumSet.of(Quantity.LSE), trusted, model, List.of());
            assertEquals(FieldVerdict.FAIL, bad.field("lse").verdict(), cls.label());
        }
    }

    @Test
    @DisplayName("MATH §9: a dQ that is the gradient with respect to the rotated q fails with a hint naming dQrot")
    @dev.ropecheck.specs.Spec("check-verdicts")
    void rotatedGradientGetsAHint() {
        dev.ropecheck.model.RopeFamily fam = (dev.ropecheck.model.RopeFamily) rope.family();
        RopeResult rotated = map(ref, Quantity.DQ, fam::rotate);
        CheckReport r = ResultCheck.run(rope, rotated, EnumSet.of(Quantity.DQ), trusted,
                new RoundingTolerance(RoundingClass.worstCase(FloatFormat.FP32)), List.of());
        assertEquals(FieldVerdict.FAIL, r.field("dQ").verdict());
        assertTrue(r.field("dQ").note().contains("rotated"), r.field("dQ").note());
    }
}
