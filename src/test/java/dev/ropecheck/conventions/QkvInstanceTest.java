package dev.ropecheck.conventions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.bounds.ComponentwiseRoundingBound;
import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.bounds.RoundingClass;
import dev.ropecheck.check.CheckReport;
import dev.ropecheck.check.FieldVerdict;
import dev.ropecheck.check.ResultCheck;
import dev.ropecheck.check.RoundingTolerance;
import dev.ropecheck.check.TrustedReference;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.engine.reference.RopeReferenceEngine_DD;
import dev.ropecheck.engine.reference.RopeReferenceEngine_AP;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Instances given by {@code q, k, v} (MATH §9, specs/format-instance.md version 2): the same numbers as
 * {@code A1 = q} with identity weights in every engine, bitwise; no parameter gradients; judged within the
 * componentwise bound, which charges no projection.
 */
class QkvInstanceTest {
    static RopeInstance qkv(boolean causal) {
        RopeInstance base = new InstanceSpec(10, 4, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 21L).build();
        return RopeInstance.builder().qkv(base.a1(), base.a2(), base.a3()).e(base.e()).family(base.family())
                .scale(0.5).causal(causal).build();
    }

    @dev.ropecheck.specs.Spec("format-instance")
    @Test
    @DisplayName("MATH §9: q/k/v instances equal A1 = q with identity weights, bitwise, in exact and reference-dd; no gradX or weight gradients")
    void qkvIsIdentityWeights() {
        RopeInstance q = qkv(true);
        RopeInstance plain = RopeInstance.builder().a1(q.a1()).a2(q.a2()).a3(q.a3()).e(q.e()).wq(CommonOps_DDRM.identity(4))
                .wk(CommonOps_DDRM.identity(4)).wv(CommonOps_DDRM.identity(4)).family(q.family()).scale(0.5).causal(true)
                .build();
        assertTrue(q.hasQkv());
        assertFalse(plain.hasQkv());
        Set<Quantity> fields = EnumSet.of(Quantity.ATTENTION, Quantity.DQ, Quantity.DK, Quantity.DV, Quantity.DQROT,
                Quantity.DKROT, Quantity.LOSS);
        for (RopeAttentionEngine e : List.of(new RopeExactEngine_F64(), new RopeReferenceEngine_DD(1), RopeReferenceEngine_AP.withDigits(30))) {
            Set<Quantity> s = e.supported(q);
            for (Quantity p : new Quantity[] {Quantity.GRAD_X, Quantity.GRAD_WQ, Quantity.GRAD_WK, Quantity.GRAD_WV}) {
                assertFalse(s.contains(p), e.name() + " offers " + p.key() + " for q/k/v");
            }
            RopeResult a = e.compute(q, fields);
            RopeResult b = e.compute(plain, fields);
            for (Quantity f : fields) {
                assertArrayEquals(b.get(f).data, a.get(f).data, 0.0, e.name() + " " + f.key());
            }
        }
        assertEquals(q.a1().get(3, 2), q.q().get(3, 2), 0.0);
        assertThrows(IllegalArgumentException.class, () -> q.toBuilder().wq(CommonOps_DDRM.diag(2, 1, 1, 1)).build());
    }

    @dev.ropecheck.specs.Spec("format-instance")
    @Test
    @DisplayName("MATH §9: the exact engine on q/k/v PASSes the componentwise fp64 bound, which is below the identity-weight one (no projection)")
    void qkvWithinTheTighterBound() {
        RopeInstance q = qkv(true);
        Set<Quantity> fields = EnumSet.of(Quantity.ATTENTION, Quantity.DQ, Quantity.DK, Quantity.DV, Quantity.DQROT,
                Quantity.DKROT);
        RopeResult ref = RopeReferenceEngine_AP.withDigits(40).compute(q, fields);
        CheckReport r = ResultCheck.run(q, new RopeExactEngine_F64().compute(q, fields), fields,
                TrustedReference.arbitraryPrecision(ref), new RoundingTolerance(RoundingClass.worstCase(FloatFormat.FP64), 1),
                List.of());
        assertEquals(FieldVerdict.PASS, r.overall(), r::render);
        RopeInstance plain = RopeInstance.builder().a1(q.a1()).a2(q.a2()).a3(q.a3()).e(q.e()).wq(CommonOps_DDRM.identity(4))
                .wk(CommonOps_DDRM.identity(4)).wv(CommonOps_DDRM.identity(4)).family(q.family()).scale(0.5).causal(true)
                .build();
        ComponentwiseRoundingBound bound = new ComponentwiseRoundingBound(RoundingClass.worstCase(FloatFormat.FP32), 1);
        Map<Quantity, org.ejml.data.DMatrixRMaj> a = bound.allowed(q, fields);
        Map<Quantity, org.ejml.data.DMatrixRMaj> b = bound.allowed(plain, fields);
        for (Quantity f : fields) {
            boolean below = false;
            for (int t = 0; t < a.get(f).data.length; t++) {
                assertTrue(a.get(f).data[t] <= b.get(f).data[t], f.key() + "[" + t + "]");
                below |= a.get(f).data[t] < b.get(f).data[t];
            }
            assertTrue(below, f.key() + ": the projection's rounding is still charged");
        }
    }
}
