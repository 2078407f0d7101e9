package dev.ropecheck.conventions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.ropecheck.engine.reference.RopeReferenceEngine_AP;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.gen.KernelSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code dQrot}, {@code dKrot} (MATH §9: {@code dQ_i = dQrot_i R_i^T}) are fields of their own: the
 * gradient with respect to the rotated rows passes under its name and fails under the pre-rotation
 * name, and the other way round; they exist only for families with a rotation.
 */
class RotatedGradientTest {
    private static final RoundingTolerance FP64 = new RoundingTolerance(RoundingClass.worstCase(FloatFormat.FP64), 1);

    @Test
    @DisplayName("MATH §9: dQrot/dKrot pass under their names and fail as dQ/dK (and dQ/dK fail as dQrot/dKrot)")
    void rotatedAndPreRotationGradientsAreTold() {
        RopeInstance inst = new KernelSpec(new InstanceSpec(12, 8, FamilyKind.ROPE_HALF_SPLIT, 0.5, true, 7L),
                KernelSpec.Scale.SQRT, true).build();
        Set<Quantity> all = EnumSet.of(Quantity.DQ, Quantity.DK, Quantity.DQROT, Quantity.DKROT);
        RopeResult ref = RopeReferenceEngine_AP.withDigits(40).compute(inst, all);
        RopeResult got = new RopeExactEngine_F64().compute(inst, all);
        TrustedReference trusted = TrustedReference.arbitraryPrecision(ref);
        CheckReport ok = ResultCheck.run(inst, got, all, trusted, FP64, List.of());
        assertEquals(FieldVerdict.PASS, ok.overall(), ok::render);
        RopeResult swapped = RopeResult.builder("swapped").put(Quantity.DQ, got.get(Quantity.DQROT))
                .put(Quantity.DK, got.get(Quantity.DKROT)).put(Quantity.DQROT, got.get(Quantity.DQ))
                .put(Quantity.DKROT, got.get(Quantity.DK)).build();
        CheckReport bad = ResultCheck.run(inst, swapped, all, trusted, FP64, List.of());
        for (Quantity q : all) {
            assertEquals(FieldVerdict.FAIL, bad.field(q.key()).verdict(), () -> q.key() + "\n" + bad.render());
        }
        assertTrue(bad.field("dQ").note().contains("dQrot"), bad.field("dQ").note());
    }

    @Test
    @DisplayName("MATH §9: dQrot/dKrot exist for RoPE and identity with weights only")
    void onlyForFamiliesWithARotation() {
        RopeInstance explicit = new InstanceSpec(4, 2, FamilyKind.EXPLICIT, 1.0, true, 3L).build();
        RopeInstance identity = new InstanceSpec(4, 2, FamilyKind.IDENTITY, 1.0, true, 3L).build();
        RopeInstance viaX = new InstanceSpec(4, 2, FamilyKind.ROPE_INTERLEAVED, 1.0, false, 3L).build();
        for (RopeAttentionEngine e : List.of(new RopeExactEngine_F64(), RopeReferenceEngine_AP.withDigits(30))) {
            assertFalse(e.supported(explicit).contains(Quantity.DQROT), e.name());
            assertFalse(e.supported(viaX).contains(Quantity.DKROT), e.name());
            assertTrue(e.supported(identity).contains(Quantity.DQROT), e.name());
            RopeResult r = e.compute(identity, EnumSet.of(Quantity.DQ, Quantity.DQROT));
            assertEquals(r.get(Quantity.DQ).get(1, 0), r.get(Quantity.DQROT).get(1, 0), 0.0, "R_i = I for the identity");
        }
    }
}
