package dev.ropecheck.engine.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import org.apfloat.Apfloat;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The reference as an engine: rounding, metadata, honesty of the trust estimate, size guard, timing. */
class ReferenceEngineTest {

    @Test
    @DisplayName("Defs. 3.12-3.17: the engine returns every quantity rounded to nearest, with precision and trust metadata")
    @dev.ropecheck.specs.Spec({"def-3.17", "def-3.2"})
    void def317EngineRoundsEveryQuantityToNearestDouble() {
        qt().withExamples(10).forAll(Generators.instances(5, 4)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            RopeResult r = new RopeReferenceEngine_AP().computeAll(inst);
            ReferenceResult ref = new ReferenceRopeAttention().compute(inst);
            assertEquals(new RopeReferenceEngine_AP().supported(inst), r.quantities(), "quantities for " + spec);
            for (Quantity q : r.quantities()) {
                DMatrixRMaj got = r.get(q);
                ApMatrix want = ref.get(q);
                assertEquals(q.shape().rows(inst.n(), inst.d()), got.numRows, q.key() + " rows for " + spec);
                assertEquals(q.shape().cols(inst.n(), inst.d()), got.numCols, q.key() + " cols for " + spec);
                for (int i = 0; i < got.numRows; i++) {
                    for (int j = 0; j < got.numCols; j++) {
                        // correct rounding of a 50-digit value: the double is the nearest one.
                        assertEquals(Double.parseDouble(want.get(i, j).toString(false)), got.get(i, j), 0.0,
                                q.key() + "[" + i + "," + j + "] for " + spec);
                    }
                }
            }
            assertEquals("50", r.metadata().get("precision"));
            assertEquals(String.valueOf(ref.trustedDigits()), r.metadata().get("trustedDigits"));
        });
    }

    @Test
    @DisplayName("Reference trust: the digits claimed at 50 digits hold against a 100-digit evaluation")
    @dev.ropecheck.specs.Spec("def-3.2")
    void trustedDigitsHoldAgainstHigherPrecision() {
        ReferenceRopeAttention lo = new ReferenceRopeAttention(50);
        ReferenceRopeAttention hi = new ReferenceRopeAttention(100);
        qt().withExamples(8).forAll(Generators.instances(6, 4)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            ReferenceResult a = lo.compute(inst);
            ReferenceResult b = hi.compute(inst);
            for (Quantity q : a.quantities()) {
                long t = a.agreeingDigits(q);
                Apfloat err = a.get(q).maxAbsDiff(b.get(q));
                Apfloat scale = b.get(q).maxAbs();
                // t agreeing digits claim err < 10^-(t-1) * scale (floor, plus the conservative exponent read-out).
                Apfloat allowed = scale.multiply(new Apfloat("1e" + (-(t - 1)), 130));
                assertTrue(err.compareTo(allowed) <= 0 || (t == 0), q.key() + ": claimed " + t
                        + " digits but the 100-digit value differs by " + err.precision(5) + " = "
                        + (allowed.signum() == 0 ? "inf" : err.divide(allowed).precision(4).toString(false))
                        + " x allowed (scale " + scale.precision(5) + ") for " + spec);
            }
        });
    }

    @Test
    @DisplayName("Reference size guard: n above 256 or a cost above the limit is rejected, naming n, the limit and the exact engine")
    void sizeGuardRejectsLargeInstances() {
        RopeInstance big = new InstanceSpec(300, 2, FamilyKind.IDENTITY, 1.0, true, 1L).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RopeReferenceEngine_AP().computeAll(big));
        assertTrue(e.getMessage().contains("n = 300") && e.getMessage().contains("256")
                && e.getMessage().contains("exact"), e.getMessage());
        RopeInstance costly = new InstanceSpec(200, 16, FamilyKind.ROPE_INTERLEAVED, 1.0, true, 2L).build();
        e = assertThrows(IllegalArgumentException.class, () -> new RopeReferenceEngine_AP().computeAll(costly));
        assertTrue(e.getMessage().contains("n = 200") && e.getMessage().contains("limit")
                && e.getMessage().contains("exact"), e.getMessage());
        RopeInstance noWeights = new InstanceSpec(3, 2, FamilyKind.IDENTITY, 1.0, false, 3L).build();
        assertThrows(IllegalArgumentException.class,
                () -> new RopeReferenceEngine_AP().compute(noWeights, EnumSet.of(Quantity.DQ)));
        assertThrows(IllegalArgumentException.class, () -> new ReferenceRopeAttention(5));
    }

    @Test
    @DisplayName("Reference timing: n=16, d=4, 50 digits, every quantity (target 10 s; ceiling 120 s)")
    void timingN16D4() {
        RopeInstance inst = new InstanceSpec(16, 4, FamilyKind.ROPE_INTERLEAVED, 1.0, true, 16L).build();
        RopeReferenceEngine_AP engine = new RopeReferenceEngine_AP();
        engine.computeAll(new InstanceSpec(2, 4, FamilyKind.ROPE_INTERLEAVED, 1.0, true, 4L).build());
        long t0 = System.nanoTime();
        RopeResult r = engine.computeAll(inst);
        double sec = (System.nanoTime() - t0) / 1e9;
        double cost = RopeReferenceEngine_AP.costEstimate(16, 4, 8, true, 50);
        System.out.printf("reference n=16 d=4 50 digits, all %d quantities, trust %s digits: %.2f s"
                + " (cost estimate %.3g units, %.2f us/unit)%n", r.quantities().size(), r.metadata().get("trustedDigits"),
                sec, cost, sec / cost * 1e6);
        assertEquals(Quantity.values().length - 1, r.quantities().size(), "every quantity but the derived lse");
        assertTrue(sec < 120, "n=16, d=4 took " + sec + " s, above the 120 s ceiling");
    }
}
