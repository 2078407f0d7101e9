package dev.ropecheck.engine.exact;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.bounds.Deviation;
import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.reference.RopeReferenceEngine_AP;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Theorem 5.7's exact engine against the arbitrary-precision reference (exact RoPE angles): every
 * quantity within {@link ExactRoundingModel#tolerance(Quantity, RopeInstance, RopeResult)}, with the
 * reference (rounded to double) as the trusted result for magnitudes. Records the measured/allowed
 * ratio per quantity (printed after the class), which is the model's tightness.
 */
class ExactVsReferenceTest {
    private static final Map<Quantity, Double> WORST = new EnumMap<>(Quantity.class);
    private static final Map<Quantity, Double> WORST_REL = new EnumMap<>(Quantity.class);

    static List<String> violations(RopeInstance inst) {
        RopeResult ref = new RopeReferenceEngine_AP().computeAll(inst);
        String trusted = ref.metadata().getOrDefault("trustedDigits", "0");
        List<String> bad = new ArrayList<>();
        if (Double.parseDouble(trusted) < 16) {
            bad.add("reference trusted to only " + trusted + " digits (the model needs relative 2^-20)");
            return bad;
        }
        RopeResult got = new RopeExactEngine_F64().computeAll(inst);
        for (Quantity q : expected(inst)) {
            if (!ref.has(q)) {
                bad.add(q.key() + ": the reference did not compute it");
                continue;
            }
            if (!got.has(q)) {
                bad.add(q.key() + ": required (Theorem 5.7 computes every quantity) but the engine returned none");
                continue;
            }
            ExactRoundingModel.Tolerance tol = ExactRoundingModel.tolerance(q, inst, ref);
            if (!Double.isFinite(tol.bound())) {
                bad.add(q.key() + ": the rounding model gives no finite bound (" + tol.bound() + ") | "
                        + tol.explanation());
                continue;
            }
            Deviation dev = Deviation.measure(got.get(q), ref.get(q), tol.bound());
            synchronized (WORST) {
                WORST.merge(q, dev.ratio(), Math::max);
                WORST_REL.merge(q, dev.relativeError(), Math::max);
            }
            if (!dev.holds()) {
                bad.add(dev.describe(q.key()) + " | " + tol.explanation());
            }
        }
        return bad;
    }

    /**
     * The quantities Theorem 5.7's engine must return for {@code inst}: every {@link Quantity}, less the
     * weight-factor ones ({@link Quantity#needsWeights()}) when {@code X} is given densely and the
     * rotated-row gradients ({@link Quantity#needsRotation()}) for a family without a rotation. Fixed by the
     * specs, never by what the engine under test says it supports.
     */
    static Set<Quantity> expected(RopeInstance inst) {
        Set<Quantity> all = EnumSet.allOf(Quantity.class);
        all.removeIf(Quantity::isDerived); // lse is judged through alpha by the checking core
        if (!inst.hasWeights()) {
            all.removeIf(Quantity::needsWeights);
        }
        if (!dev.ropecheck.engine.RopeAttentionEngine.hasRotation(inst)) {
            all.removeIf(Quantity::needsRotation); // dQrot, dKrot exist for rotation families only (MATH §9)
        }
        return all;
    }

    private static void run(Gen<InstanceSpec> gen, int examples) {
        qt().withExamples(examples).forAll(gen).checkAssert(spec -> {
            List<String> bad = violations(spec.build());
            assertTrue(bad.isEmpty(), spec + "\n" + String.join("\n", bad));
        });
    }

    @Test
    @DisplayName("Theorem 5.7: exact engine within ExactRoundingModel of the reference, every quantity")
    @dev.ropecheck.specs.Spec("theorem-5.7")
    void exactMatchesReferenceWithinRoundingModel() {
        run(Generators.instances(6, 4), 8);
    }

    @Test
    @Tag("long")
    @DisplayName("Theorem 5.7 (long): exact vs reference, n <= 16, d <= 6")
    void exactMatchesReferenceWithinRoundingModelLong() {
        run(Generators.instances(16, 6), 40);
    }

    @AfterAll
    static void report() {
        System.out.println("[exact vs reference] worst measured/allowed per quantity: " + WORST);
        System.out.println("[exact vs reference] worst relative error per quantity: " + WORST_REL);
    }
}
