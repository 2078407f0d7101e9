package dev.ropecheck.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.bounds.RoundingClass;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
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
 * Where allowed errors come from (specs/check-verdicts.md): the per-field model of a certified bound,
 * the memoized model, and the two trusted references' own error rules.
 */
class ToleranceSourcesTest {
    private static final RopeInstance A = new InstanceSpec(3, 2, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 1L).build();
    private static final RopeInstance B = new InstanceSpec(3, 2, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 2L).build();
    private static final RopeResult NONE = RopeResult.builder("r").build();

    @Test
    @DisplayName("check-verdicts: a per-field bound gives one allowed error per field; a bound that is not finite and >= 0 leaves the field unchecked")
    void perField() {
        Map<Quantity, Double> v = Map.of(Quantity.ALPHA, 0.5, Quantity.C, 0.0, Quantity.R, Double.NaN, Quantity.LOSS,
                Double.POSITIVE_INFINITY, Quantity.H, -1.0);
        ToleranceModel m = ToleranceModel.perField((q, inst, ref) -> v.get(q), "certified");
        assertEquals("certified", m.describe());
        ToleranceModel.Tolerances t = m.allowed(A, v.keySet(), NONE);
        assertEquals(EnumSet.of(Quantity.ALPHA, Quantity.C), t.allowed().keySet());
        assertEquals(0.5, t.allowed().get(Quantity.ALPHA).get(0, 0));
        assertEquals(1, t.allowed().get(Quantity.ALPHA).getNumElements());
        assertEquals(0.0, t.allowed().get(Quantity.C).get(0, 0));
        assertEquals(EnumSet.of(Quantity.R, Quantity.LOSS, Quantity.H), t.unchecked().keySet());
        assertEquals("no certified bound for this field and instance", t.unchecked().get(Quantity.R));
    }

    @Test
    @DisplayName("check-verdicts: the memoized model asks its inner model once per field and instance, and again for a new instance")
    void memoized() {
        List<Set<Quantity>> asked = new ArrayList<>();
        ToleranceModel inner = new ToleranceModel() {
            @Override
            public String describe() {
                return "inner";
            }

            @Override
            public Tolerances allowed(RopeInstance instance, Set<Quantity> fields, RopeResult reference) {
                asked.add(EnumSet.copyOf(fields));
                Map<Quantity, DMatrixRMaj> a = new EnumMap<>(Quantity.class);
                Map<Quantity, String> u = new EnumMap<>(Quantity.class);
                for (Quantity q : fields) {
                    if (q == Quantity.R && instance == A) {
                        u.put(q, "none");
                    } else {
                        a.put(q, new DMatrixRMaj(1, 1, true, instance == A ? 1.0 : 2.0));
                    }
                }
                return new Tolerances(a, u);
            }
        };
        ToleranceModel m = inner.memoized();
        assertEquals("inner", m.describe());
        ToleranceModel.Tolerances t1 = m.allowed(A, EnumSet.of(Quantity.ALPHA, Quantity.R), NONE);
        ToleranceModel.Tolerances t2 = m.allowed(A, EnumSet.of(Quantity.ALPHA, Quantity.R, Quantity.C), NONE);
        ToleranceModel.Tolerances t3 = m.allowed(A, EnumSet.of(Quantity.C), NONE);
        ToleranceModel.Tolerances t4 = m.allowed(B, EnumSet.of(Quantity.ALPHA), NONE);
        assertEquals(List.of(EnumSet.of(Quantity.ALPHA, Quantity.R), EnumSet.of(Quantity.C), EnumSet.of(Quantity.ALPHA)),
                asked);
        assertEquals(EnumSet.of(Quantity.ALPHA), t1.allowed().keySet());
        assertEquals(Map.of(Quantity.R, "none"), t1.unchecked());
        assertEquals(EnumSet.of(Quantity.ALPHA, Quantity.C), t2.allowed().keySet());
        assertEquals(Map.of(Quantity.R, "none"), t2.unchecked());
        assertEquals(EnumSet.of(Quantity.C), t3.allowed().keySet(), "only what was asked");
        assertTrue(t3.unchecked().isEmpty());
        assertEquals(1.0, t2.allowed().get(Quantity.ALPHA).get(0, 0));
        assertEquals(2.0, t4.allowed().get(Quantity.ALPHA).get(0, 0), "a new instance is not served the old answer");
        ToleranceModel.Tolerances t5 = m.allowed(B, EnumSet.of(Quantity.R), NONE);
        assertEquals(2.0, t5.allowed().get(Quantity.R).get(0, 0), "nor the old instance's reasons");
        assertTrue(t5.unchecked().isEmpty());
    }

    @Test
    @DisplayName("check-verdicts: the apfloat reference's error is its absError (with a residual), else 2^-53 |value| + absError per entry; unreadable absError is infinite")
    void arbitraryPrecisionErrors() {
        DMatrixRMaj alpha = new DMatrixRMaj(2, 1, true, 3.0, -5.0);
        RopeResult v = RopeResult.builder("reference").put(Quantity.ALPHA, alpha)
                .putResidual(Quantity.ALPHA, new DMatrixRMaj(2, 1, true, 1e-17, 0)).put(Quantity.R, alpha.copy())
                .put(Quantity.LOSS, new DMatrixRMaj(1, 1, true, 2.0)).meta("absError.alpha", "-1e-40")
                .meta("absError.r", "1e-30").meta("absError.loss", "junk").meta("trustedDigits", "38").build();
        TrustedReference t = TrustedReference.arbitraryPrecision(v);
        assertEquals("reference", t.name());
        assertEquals("apfloat, 38 trusted digits", t.trust());
        assertEquals(0.0, t.toleranceFactor());
        assertEquals(1, t.error().get(Quantity.ALPHA).getNumElements());
        assertEquals(1e-40, t.error().get(Quantity.ALPHA).get(0, 0));
        assertEquals(0x1p-53 * 3.0 + 1e-30, t.error().get(Quantity.R).get(0, 0));
        assertEquals(0x1p-53 * 5.0 + 1e-30, t.error().get(Quantity.R).get(1, 0));
        assertEquals(Double.POSITIVE_INFINITY, t.error().get(Quantity.LOSS).get(0, 0));
        assertEquals(3.0, t.values().get(Quantity.R).get(0, 0), "the values themselves are not touched");
        assertEquals("apfloat, ? trusted digits",
                TrustedReference.arbitraryPrecision(RopeResult.builder("x").build()).trust());
    }

    @Test
    @DisplayName("check-verdicts: the double-double reference's error is 2^-96/min(u_s, u_a) of the candidate's bound; gamma_K(2^-96)/gamma~_K for the probabilistic class (K = n^2 + 8), finite where the candidate's gamma_K is not; 2^40 times that for the first-order class")
    void doubleDoubleFactor() {
        RopeResult v = RopeResult.builder("reference-dd").put(Quantity.ALPHA, new DMatrixRMaj(2, 1, true, 3.0, 4.0))
                .meta("trustedDigits", "28").build();
        TrustedReference w = TrustedReference.doubleDouble(v, RoundingClass.worstCase(FloatFormat.FP32), 10);
        assertEquals(0x1p-96 / 0x1p-24, w.toleranceFactor());
        assertEquals("double-double, 28 trusted digits", w.trust());
        assertEquals("reference-dd", w.name());
        assertEquals(0x1p-96 / 0x1p-53,
                TrustedReference.doubleDouble(v, RoundingClass.worstCase(FloatFormat.FP64), 10).toleranceFactor());
        assertEquals(0x1p-96 / 0x1p-24,
                TrustedReference.doubleDouble(v, RoundingClass.worstCase(FloatFormat.BF16), 10).toleranceFactor(),
                "bf16 accumulates in fp32: the smaller unit decides");
        RoundingClass p = RoundingClass.probabilistic(FloatFormat.FP32);
        FloatFormat acc = FloatFormat.FP32.accumulator();
        double expected = 108 * 0x1p-96 / (1 - 108 * 0x1p-96) / acc.gammaProbabilistic(108, p.lambda(1));
        assertEquals(expected, TrustedReference.doubleDouble(v, p, 10).toleranceFactor(), 0.0);
        assertTrue(expected > w.toleranceFactor());
        RoundingClass fo = RoundingClass.firstOrder(FloatFormat.FP32);
        assertEquals(108 * 0x1p-96 / (1 - 108 * 0x1p-96) / acc.gammaProbabilistic(108, fo.lambda(1))
                / TrustedReference.FIRST_ORDER_FLOOR, TrustedReference.doubleDouble(v, fo, 10).toleranceFactor(), 0.0);
        // fp32 at n = 4096: K u >= 1, the candidate's worst-case gamma_K is infinite; the reference's is not
        assertTrue(Double.isInfinite(acc.gamma(4096L * 4096 + 8)));
        double big = TrustedReference.doubleDouble(v, p, 4096).toleranceFactor();
        assertTrue(big > 0 && big < 1e-15, "factor at n = 4096: " + big);
        assertTrue(TrustedReference.doubleDouble(v, RoundingClass.firstOrder(FloatFormat.FP32), 4096).toleranceFactor()
                < 1e-3, "the first-order class's reference share stays below 1e-3 at n = 4096");
        assertEquals(0x1p-53 * 4.0, w.error().get(Quantity.ALPHA).get(1, 0), "its rounding to double, per entry");
        assertEquals("double-double, about 30 trusted digits",
                TrustedReference.doubleDouble(RopeResult.builder("x").build(), p, 10).trust());
    }
}
