package dev.ropecheck.engine.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.contract.EngineContract;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.KernelSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.apfloat.Apfloat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The references with the upstream gradient {@code dO} in place of {@code E} (MATH §9,
 * specs/upstream-gradient.md). The honest comparison: {@code dO} is the input, and the target that gives the
 * same problem is {@code E = Att - dO} with {@code Att} the apfloat attention (not a double); the reference with
 * {@code dO} must equal the reference with that {@code E} to the working precision in every quantity but the
 * loss, which only the second defines. The double-double reference with {@code dO} must agree with the apfloat
 * one as it does with {@code E} (>= 25 digits per entry).
 */
class UpstreamGradientReferenceTest {
    private static final long DIGITS = 60;
    private static final ReferenceRopeAttention AP = new ReferenceRopeAttention(DIGITS);
    private static final ReferenceRopeAttention AP_COARSE = new ReferenceRopeAttention(50);
    private static final ReferenceRopeAttention AP_FINE = new ReferenceRopeAttention(130);

    @dev.ropecheck.specs.Spec("upstream-gradient")
    @Test
    @DisplayName("MATH §9: the apfloat reference with dO equals the reference with E = Att - dO (E formed in apfloat) to 50 digits in every quantity; c = dO exactly; no loss")
    void referenceWithDoEqualsReferenceWithTheMatchingE() {
        qt().withExamples(8).forAll(KernelSpec.over(Generators.instances(6, 4))).checkAssert(k -> {
            RopeInstance inst = EngineContract.withUpstreamGradient(k.build());
            ApInstance withDo = AP.prepare(inst);
            ApMatrix dO = ApMatrix.of(inst.dO(), DIGITS);
            ApMatrix att = AP.forward(withDo).attention();
            ApInstance withE = withDo.withE(att.minus(dO));
            assertTrue(withDo.hasUpstreamGradient());
            assertFalse(withE.hasUpstreamGradient());
            ReferenceRopeAttention.Evaluation a = AP.evaluate(withDo);
            ReferenceRopeAttention.Evaluation b = AP.evaluate(withE);
            assertFalse(a.values().containsKey(Quantity.LOSS), "the loss is undefined with dO");
            assertTrue(b.values().containsKey(Quantity.LOSS));
            assertEquals(0, a.values().get(Quantity.C).maxAbsDiff(dO).signum(), "c = dO exactly");
            for (Map.Entry<Quantity, ApMatrix> e : a.values().entrySet()) {
                ApMatrix other = b.values().get(e.getKey());
                Apfloat scale = other.maxAbs().add(new Apfloat("1e-40", DIGITS));
                double rel = ApMatrix.toDouble(e.getValue().maxAbsDiff(other).divide(scale));
                assertTrue(rel <= 1e-50, e.getKey().key() + " differs by " + rel + " of its size for " + k);
            }
        });
    }

    @dev.ropecheck.specs.Spec("upstream-gradient")
    @Test
    @DisplayName("MATH §9: reference-dd with dO agrees with the apfloat reference with dO to >= 25 digits per entry; c = dO exactly; no loss")
    void doubleDoubleWithDoAgreesWithApfloat() {
        qt().withExamples(6).forAll(KernelSpec.over(Generators.instances(7, 4))).checkAssert(k -> {
            RopeInstance inst = EngineContract.withUpstreamGradient(k.build());
            RopeReferenceEngine_DD dd = new RopeReferenceEngine_DD(1);
            Set<Quantity> s = dd.supported(inst);
            assertFalse(s.contains(Quantity.LOSS));
            RopeResult r = dd.compute(inst, s);
            org.junit.jupiter.api.Assertions.assertArrayEquals(inst.dO().data, r.get(Quantity.C).data, 0.0);
            org.junit.jupiter.api.Assertions.assertArrayEquals(new double[inst.n() * inst.d()], r.residual(Quantity.C).data,
                    0.0);
            ReferenceRopeAttention.Evaluation fine = AP_FINE.evaluate(AP_FINE.prepare(inst));
            ReferenceRopeAttention.Evaluation coarse = AP_COARSE.evaluate(AP_COARSE.prepare(inst));
            for (Map.Entry<Quantity, Double> e : DdAgreement.all(r, fine, coarse).entrySet()) {
                assertTrue(e.getValue() >= DoubleDoubleEngineTest.REQUIRED_DIGITS, e.getKey().key() + " agrees to only "
                        + e.getValue() + " digits for " + k);
            }
            assertTrue(EnumSet.copyOf(r.quantities()).size() >= 10);
        });
    }
}
