package dev.ropecheck.engine.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.KernelSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code reference-dd} on scaled and causal instances (MATH §9, {@code specs/causal-mask.md},
 * {@code specs/score-scale.md}): every entry of every quantity agrees with the 130-digit apfloat value
 * to {@link DoubleDoubleEngineTest#REQUIRED_DIGITS} digits, as on the papers' instances.
 */
class DoubleDoubleConventionsTest {
    @dev.ropecheck.specs.Spec({"causal-mask", "score-scale"})
    @Test
    @DisplayName("MATH §9: reference-dd agrees with apfloat to >= 25 digits per entry on scaled and causal instances, all families")
    void agreesOnScaledAndCausalInstances() {
        Map<Quantity, Double> worst = new EnumMap<>(Quantity.class);
        qt().withExamples(6).forAll(KernelSpec.over(Generators.instances(7, 4))).checkAssert(k -> {
            RopeInstance inst = k.build();
            RopeResult r = new RopeReferenceEngine_DD(2).computeAll(inst);
            for (Map.Entry<Quantity, Double> e : DoubleDoubleEngineTest.agreement(inst, r).entrySet()) {
                worst.merge(e.getKey(), e.getValue(), Math::min);
                assertTrue(e.getValue() >= DoubleDoubleEngineTest.REQUIRED_DIGITS, e.getKey().key() + " agrees to only "
                        + e.getValue() + " digits for " + k);
            }
        });
        System.out.println("reference-dd vs apfloat on kernel conventions, worst per-entry digits: " + worst);
    }
}
