package dev.ropecheck.check;

import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.bounds.RoundingClass;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.ExactEngine;
import dev.ropecheck.engine.reference.ReferenceEngine;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComponentwiseBoundScratchTest {
    @Test
    void exactEngineWithinBound() {
        for (FamilyKind fk : List.of(FamilyKind.ROPE_INTERLEAVED, FamilyKind.ROPE_HALF_SPLIT, FamilyKind.IDENTITY)) {
            for (long seed = 1; seed <= 3; seed++) {
                RopeInstance inst = new InstanceSpec(12, 4, fk, 2.0, true, seed).build();
                RopeResult ref = ReferenceEngine.withDigits(50).computeAll(inst);
                RopeResult exact = new ExactEngine().computeAll(inst);
                CheckReport r = ResultCheck.run(inst, exact, EnumSet.allOf(Quantity.class),
                        TrustedReference.arbitraryPrecision(ref), new RoundingTolerance(RoundingClass.worstCase(FloatFormat.FP64)), List.of());
                System.out.println(fk + " " + seed + "\n" + r.render());
            }
        }
    }
}
