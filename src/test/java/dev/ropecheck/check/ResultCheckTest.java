package dev.ropecheck.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The rules of the checking core (specs/check-verdicts.md) on hand-made references and tolerance
 * models, so that each rule is seen on its own: which fields are judged, MISSING and UNCHECKED,
 * the resolution's VACUOUS, the reference's error added to the allowed error, {@code lse} through
 * {@code alpha} (MATH §9), and the rotated-gradient hint.
 */
class ResultCheckTest {
    private static final RopeInstance INSTANCE =
            new InstanceSpec(4, 2, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 11L).build();

    private static DMatrixRMaj col(double... v) {
        return new DMatrixRMaj(v.length, 1, true, v);
    }

    private static DMatrixRMaj one(double v) {
        return new DMatrixRMaj(1, 1, true, v);
    }

    /** A model that allows {@code allowed} on the fields it knows, records what it was asked, and names a reason for the rest. */
    private static final class FixedModel implements ToleranceModel {
        final Map<Quantity, DMatrixRMaj> allowed = new EnumMap<>(Quantity.class);
        final List<Set<Quantity>> asked = new ArrayList<>();

        FixedModel with(Quantity q, DMatrixRMaj a) {
            allowed.put(q, a);
            return this;
        }

        @Override
        public String describe() {
            return "fixed";
        }

        @Override
        public Tolerances allowed(RopeInstance instance, Set<Quantity> fields, RopeResult reference) {
            asked.add(EnumSet.copyOf(fields.isEmpty() ? EnumSet.noneOf(Quantity.class) : fields));
            Map<Quantity, DMatrixRMaj> a = new EnumMap<>(Quantity.class);
            Map<Quantity, String> u = new EnumMap<>(Quantity.class);
            for (Quantity q : fields) {
                if (allowed.containsKey(q)) {
                    a.put(q, allowed.get(q));
                } else if (q == Quantity.R) {
                    u.put(q, "r has no bound here");
                }
            }
            return new Tolerances(a, u);
        }
    }

    private static TrustedReference reference(RopeResult values, Map<Quantity, DMatrixRMaj> error, double factor) {
        return new TrustedReference(values, "hand", "exact", error, factor);
    }

    private static RopeResult values(Object... pairs) {
        RopeResult.Builder b = RopeResult.builder("hand");
        for (int k = 0; k < pairs.length; k += 2) {
            b.put((Quantity) pairs[k], (DMatrixRMaj) pairs[k + 1]);
        }
        return b.build();
    }

    private static final DMatrixRMaj ALPHA = col(2.0, 3.0, 5.0, 7.0);

    @Test
    @DisplayName("check-verdicts: required plus the candidate's own fields are judged; absent is MISSING, unreferenced or unbounded is UNCHECKED, with the reason")
    void judgedFieldsAndReasons() {
        RopeResult ref = values(Quantity.ALPHA, ALPHA, Quantity.R, col(1, 1, 1, 1), Quantity.LOSS, one(4.0));
        RopeResult cand = values(Quantity.ALPHA, ALPHA, Quantity.R, col(1, 1, 1, 1), Quantity.C,
                new DMatrixRMaj(4, 2), Quantity.LOSS, one(4.0));
        FixedModel model = new FixedModel().with(Quantity.ALPHA, one(1e-3));
        CheckReport r = ResultCheck.run(INSTANCE, cand, EnumSet.of(Quantity.ATTENTION, Quantity.ALPHA),
                reference(ref, Map.of(), 0), model, List.of("w"));
        assertEquals(List.of("alpha", "attention", "c", "loss", "r"),
                r.fields().stream().map(FieldCheck::field).toList(), "in field order");
        assertEquals(FieldVerdict.PASS, r.field("alpha").verdict());
        assertEquals(FieldVerdict.MISSING, r.field("attention").verdict());
        assertEquals("required but absent from the candidate", r.field("attention").note());
        assertEquals(FieldVerdict.UNCHECKED, r.field("c").verdict());
        assertEquals("the hand reference does not compute it for this instance", r.field("c").note());
        assertEquals(FieldVerdict.UNCHECKED, r.field("r").verdict());
        assertEquals("r has no bound here", r.field("r").note());
        assertEquals(FieldVerdict.UNCHECKED, r.field("loss").verdict());
        assertEquals("no bound for this field", r.field("loss").note());
        assertEquals(List.of(EnumSet.of(Quantity.ALPHA, Quantity.R, Quantity.LOSS)), model.asked,
                "the model is asked once, for the fields both sides hold");
        assertEquals(FieldVerdict.FAIL, r.overall());
        assertEquals("hand (exact)", r.reference());
        assertEquals("fixed", r.tolerance());
        assertEquals(List.of("w"), r.warnings());
    }

    @Test
    @DisplayName("check-verdicts: at resolution R a PASS needs min allowed/|value| <= R, else VACUOUS with the reason; R must lie in (0, 1]")
    void resolution() {
        RopeResult ref = values(Quantity.ALPHA, ALPHA);
        FixedModel model = new FixedModel().with(Quantity.ALPHA, one(0.02));
        double minDetect = 0.02 / 7.0;
        Set<Quantity> req = EnumSet.of(Quantity.ALPHA);
        FieldCheck at = ResultCheck.run(INSTANCE, ref, req, reference(ref, Map.of(), 0), model, List.of(), minDetect)
                .field("alpha");
        assertEquals(FieldVerdict.PASS, at.verdict());
        assertEquals(minDetect, at.minDetectable(), 0.0);
        FieldCheck coarse = ResultCheck.run(INSTANCE, ref, req, reference(ref, Map.of(), 0), model, List.of(),
                Math.nextDown(minDetect)).field("alpha");
        assertEquals(FieldVerdict.VACUOUS, coarse.verdict());
        assertTrue(coarse.note().startsWith("its bound resolves relative changes of 0.00286 and more only, coarser than"
                + " the resolution 0.00286 asked for"), coarse.note());
        assertEquals(FieldVerdict.PASS, ResultCheck.run(INSTANCE, ref, req, reference(ref, Map.of(), 0), model, List.of())
                .field("alpha").verdict(), "resolution 1: the plain definition");
        FieldCheck wrong = ResultCheck.run(INSTANCE, values(Quantity.ALPHA, col(2, 3, 5, 8)), req,
                reference(ref, Map.of(), 0), model, List.of(), 1e-9).field("alpha");
        assertEquals(FieldVerdict.FAIL, wrong.verdict(), "a failing field stays FAIL at any resolution");
        for (double bad : new double[] {0.0, -0.5, 1.5, Double.NaN}) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> ResultCheck.run(INSTANCE,
                    ref, req, reference(ref, Map.of(), 0), model, List.of(), bad));
            assertEquals("resolution = " + bad + " must lie in (0, 1]", ex.getMessage());
        }
        assertEquals(1e-3, ResultCheck.defaultResolution(dev.ropecheck.bounds.FloatFormat.FP64));
        assertEquals(1e-3, ResultCheck.defaultResolution(dev.ropecheck.bounds.FloatFormat.FP32));
        assertEquals(16 * 0x1p-8, ResultCheck.defaultResolution(dev.ropecheck.bounds.FloatFormat.BF16));
        assertEquals(16 * 0x1p-11, ResultCheck.defaultResolution(dev.ropecheck.bounds.FloatFormat.FP16));
    }

    /** The allowed error at entry 0 of alpha as the comparator saw it. */
    private static double allowedSeen(DMatrixRMaj allowed, Map<Quantity, DMatrixRMaj> error, double factor) {
        RopeResult ref = values(Quantity.ALPHA, ALPHA);
        RopeResult cand = values(Quantity.ALPHA, col(2.5, 3, 5, 7));
        FieldCheck f = ResultCheck.run(INSTANCE, cand, EnumSet.of(Quantity.ALPHA), reference(ref, error, factor),
                new FixedModel().with(Quantity.ALPHA, allowed), List.of()).field("alpha");
        assertEquals(0, f.worstRow());
        return f.allowed();
    }

    @Test
    @DisplayName("check-verdicts: allowed_k = T_k + error_k + factor T_k, for scalar and per-entry T and error")
    void referenceErrorIsAdded() {
        assertEquals(0.25, allowedSeen(one(0.25), Map.of(), 0));
        assertEquals(0.25 + 0.125, allowedSeen(one(0.25), Map.of(Quantity.ALPHA, one(0.125)), 0));
        assertEquals(0.25 + 0.5 * 0.25, allowedSeen(one(0.25), Map.of(), 0.5));
        assertEquals(0.25 + 0.125 + 0.5 * 0.25, allowedSeen(one(0.25), Map.of(Quantity.ALPHA, one(0.125)), 0.5));
        assertEquals(0.25 + 0.125 + 0.5 * 0.25,
                allowedSeen(col(0.25, 9, 9, 9), Map.of(Quantity.ALPHA, col(0.125, 7, 7, 7)), 0.5));
        assertEquals(0.25 + 0.125 + 0.5 * 0.25, allowedSeen(one(0.25), Map.of(Quantity.ALPHA, col(0.125, 7, 7, 7)), 0.5));
        assertEquals(0.25 + 0.5 * 0.25, allowedSeen(col(0.25, 9, 9, 9), Map.of(), 0.5));
        FieldCheck f = ResultCheck.run(INSTANCE, values(Quantity.ALPHA, col(2.5, 3, 5, 7)), EnumSet.of(Quantity.ALPHA),
                reference(values(Quantity.ALPHA, ALPHA), Map.of(Quantity.ALPHA, one(0.125)), 0.5),
                new FixedModel().with(Quantity.ALPHA, one(0.25)), List.of()).field("alpha");
        assertEquals(0.25 / 0.5, f.referenceShare(), 0.0, "(0.125 + 0.125) of 0.5");
        assertEquals(FieldVerdict.PASS, f.verdict(), "err 0.5 = allowed 0.5");
    }

    @Test
    @DisplayName("MATH §9: lse is judged through the reference's alpha, lse = log(alpha hi + alpha lo), error 2 e/alpha + 1e-30 |lse|")
    void lseThroughAlpha() {
        RopeResult ref = RopeResult.builder("hand").put(Quantity.ALPHA, ALPHA).putResidual(Quantity.ALPHA,
                col(1e-17, 0, 0, 0)).build();
        TrustedReference trusted = reference(ref, Map.of(Quantity.ALPHA, one(1e-12)), 0);
        TrustedReference withLse = ResultCheck.withLse(trusted);
        DMatrixRMaj lse = withLse.values().get(Quantity.LSE);
        for (int i = 0; i < 4; i++) {
            assertEquals(Math.log(ALPHA.get(i, 0)), lse.get(i, 0), 1e-15);
            assertEquals(2 * 1e-12 / ALPHA.get(i, 0) + 1e-30 * Math.abs(lse.get(i, 0)),
                    withLse.error().get(Quantity.LSE).get(i, 0), 1e-40);
        }
        // ln(2 + 1e-17) = ln 2 + 5e-18 - 1.25e-35 ...
        java.math.BigDecimal expected = new java.math.BigDecimal("0.693147180559945314417232121458176568");
        java.math.BigDecimal got = new java.math.BigDecimal(lse.get(0, 0))
                .add(new java.math.BigDecimal(withLse.values().residual(Quantity.LSE).get(0, 0)));
        assertTrue(got.subtract(expected).abs().doubleValue() < 1e-30, "hi + lo carries the residual: " + got);
        org.junit.jupiter.api.Assertions.assertArrayEquals(ALPHA.data, withLse.values().get(Quantity.ALPHA).data,
                "alpha itself is kept");
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1e-17, 0, 0, 0},
                withLse.values().residual(Quantity.ALPHA).data);
        RopeResult cand = values(Quantity.LSE, col(Math.log(2), Math.log(3), Math.log(5), Math.log(7)));
        FixedModel model = new FixedModel().with(Quantity.LSE, one(1e-12));
        assertEquals(FieldVerdict.PASS, ResultCheck.run(INSTANCE, cand, EnumSet.of(Quantity.LSE), trusted, model,
                List.of()).field("lse").verdict());
        RopeResult off = values(Quantity.LSE, col(Math.log(2), Math.log(3), Math.log(5), Math.log(7) + 1e-9));
        assertEquals(FieldVerdict.FAIL, ResultCheck.run(INSTANCE, off, EnumSet.of(Quantity.LSE), trusted, model,
                List.of()).field("lse").verdict());
        RopeResult meta = RopeResult.builder("hand").put(Quantity.ALPHA, ALPHA).put(Quantity.R, col(1, 1, 1, 1))
                .meta("trustedDigits", "40").build();
        TrustedReference plain = ResultCheck.withLse(reference(meta, Map.of(Quantity.R, one(0.5)), 0.25));
        assertEquals("40", plain.values().metadata().get("trustedDigits"), "metadata is kept");
        assertEquals(0.5, plain.error().get(Quantity.R).get(0, 0), "the other fields' errors are kept");
        assertEquals(0.25, plain.toleranceFactor());
        assertEquals(1e-30 * Math.abs(Math.log(7.0)), plain.error().get(Quantity.LSE).get(3, 0), 1e-45,
                "without an alpha error only the logarithm's own 1e-30 |lse|");
        TrustedReference zero = reference(values(Quantity.ALPHA, col(2, 0, 5, 7)), Map.of(), 0);
        assertEquals(zero, ResultCheck.withLse(zero), "no lse from a non-positive alpha");
        assertEquals(FieldVerdict.UNCHECKED, ResultCheck.run(INSTANCE, cand, EnumSet.of(Quantity.LSE), zero, model,
                List.of()).field("lse").verdict());
        TrustedReference noAlpha = reference(values(Quantity.R, col(1, 1, 1, 1)), Map.of(), 0);
        assertEquals(noAlpha, ResultCheck.withLse(noAlpha));
    }

    @Test
    @DisplayName("MATH §9: a failing dQ that equals dQrot = dQ R gets the pre-/post-rotation hint; another failure does not")
    void rotatedGradientHint() {
        DMatrixRMaj dq = new DMatrixRMaj(4, 2, true, 0.5, -0.25, 0.125, 1.0, -0.75, 0.3, 0.2, -0.1);
        RopeResult ref = values(Quantity.DQ, dq);
        DMatrixRMaj rotated = ((RopeFamily) INSTANCE.family()).rotate(dq);
        FixedModel model = new FixedModel().with(Quantity.DQ, one(1e-9));
        FieldCheck hinted = ResultCheck.run(INSTANCE, values(Quantity.DQ, rotated), EnumSet.of(Quantity.DQ),
                reference(ref, Map.of(), 0), model, List.of()).field("dQ");
        assertEquals(FieldVerdict.FAIL, hinted.verdict());
        assertEquals("it matches the gradient with respect to the rotated rows; dQ is with respect to the pre-rotation"
                + " Q = A1 W_Q: dQ_i = dQrot_i R_i^T; write it as the field dQrot", hinted.note());
        DMatrixRMaj scaled = dq.copy();
        org.ejml.dense.row.CommonOps_DDRM.scale(2.0, scaled);
        DMatrixRMaj near = rotated.copy();
        near.set(0, 0, near.get(0, 0) + 1e-3);
        assertEquals("", ResultCheck.run(INSTANCE, values(Quantity.DQ, near), EnumSet.of(Quantity.DQ),
                reference(ref, Map.of(), 0), model, List.of()).field("dQ").note(),
                "1e-3 off dQrot at one entry, against max |dQrot| <= 1: more than 1e-3 of it, so no hint");
        FieldCheck plain = ResultCheck.run(INSTANCE, values(Quantity.DQ, scaled), EnumSet.of(Quantity.DQ),
                reference(ref, Map.of(), 0), model, List.of()).field("dQ");
        assertEquals(FieldVerdict.FAIL, plain.verdict());
        assertEquals("", plain.note());
        FieldCheck dk = ResultCheck.run(INSTANCE, values(Quantity.DK, ((RopeFamily) INSTANCE.family()).rotate(dq)),
                EnumSet.of(Quantity.DK), reference(values(Quantity.DK, dq), Map.of(), 0),
                new FixedModel().with(Quantity.DK, one(1e-9)), List.of()).field("dK");
        assertTrue(dk.note().endsWith("dK is with respect to the pre-rotation K = A2 W_K: dK_i = dKrot_i R_i^T;"
                + " write it as the field dKrot"),
                dk.note());
    }
}
