package dev.ropecheck.engine.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The double-double reference ({@code reference-dd}) against the 50-digit apfloat oracle, entry by
 * entry, on generated instances of every family; determinism across thread counts; honest limits.
 */
class DoubleDoubleEngineTest {
    /** The agreement every entry must reach (issue 9: at least 25 significant digits). */
    static final double REQUIRED_DIGITS = 25;

    private static final ReferenceRopeAttention AP = new ReferenceRopeAttention(50);
    /**
     * The oracle of the agreement tests: 130 digits (at 50 or 70 digits apfloat itself resolves the
     * tiny {@code p, dQ} entries of one-hot rows only to about 16 digits), with the 50-digit
     * evaluation as its uncertainty.
     */
    private static final ReferenceRopeAttention AP_FINE = new ReferenceRopeAttention(130);

    static Map<Quantity, Double> agreement(RopeInstance inst, RopeResult r) {
        ReferenceRopeAttention.Evaluation fine = AP_FINE.evaluate(AP_FINE.prepare(inst));
        ReferenceRopeAttention.Evaluation coarse = AP.evaluate(AP.prepare(inst));
        return DdAgreement.all(r, fine, coarse);
    }

    @Test
    @DisplayName("MATH §2-3: every entry of every quantity (hi + residual) agrees with the apfloat value (130 digits) to >= 25 digits, all families")
    void agreesWithApfloatToTwentyFiveDigitsPerEntry() {
        agreementProperty(6, 8, 4);
    }

    static void agreementProperty(int examples, int maxN, int maxD) {
        Map<Quantity, Double> worst = new EnumMap<>(Quantity.class);
        qt().withExamples(examples).forAll(Generators.instances(maxN, maxD)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            RopeResult r = new RopeReferenceEngine_DD(2).computeAll(inst);
            assertEquals(RopeAttentionEngineQuantities.all(inst), r.quantities(), "quantities for " + spec);
            Map<Quantity, Double> dig = agreement(inst, r);
            for (Map.Entry<Quantity, Double> e : dig.entrySet()) {
                worst.merge(e.getKey(), e.getValue(), Math::min);
                assertTrue(e.getValue() >= REQUIRED_DIGITS, e.getKey().key() + " agrees to only " + e.getValue()
                        + " digits for " + spec);
            }
        });
        System.out.println("reference-dd vs apfloat, worst per-entry digits: " + worst);
    }

    @Test
    @DisplayName("MATH §2-3: agreement >= 25 digits per entry at n = 24, d = 6, bound 4 (near one-hot rows), RoPE and explicit")
    void agreesOnLargerAndPeakedInstances() {
        for (InstanceSpec spec : new InstanceSpec[] {new InstanceSpec(24, 6, FamilyKind.ROPE_HALF_SPLIT, 4.0, true, 3L),
                new InstanceSpec(1, 2, FamilyKind.ROPE_INTERLEAVED, 4.0, false, 6L),
                new InstanceSpec(12, 4, FamilyKind.EXPLICIT, 4.0, true, 5L)}) {
            RopeInstance inst = spec.build();
            RopeResult r = new RopeReferenceEngine_DD(2).computeAll(inst);
            Map<Quantity, Double> dig = agreement(inst, r);
            System.out.println(spec + " worst digits " + dig);
            for (Map.Entry<Quantity, Double> e : dig.entrySet()) {
                assertTrue(e.getValue() >= REQUIRED_DIGITS, e.getKey().key() + ": " + e.getValue() + " for " + spec);
            }
        }
    }

    private static DMatrixRMaj fullPrecision(int rows, int cols, java.util.SplittableRandom rnd) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int t = 0; t < m.data.length; t++) {
            m.data[t] = rnd.nextDouble(-1, 1);
        }
        return m;
    }

    @Test
    @DisplayName("MATH §2-3: agreement >= 25 digits per entry when inputs and weights carry all 53 bits, so that the projections x W have nonzero residuals")
    void agreesWithFullPrecisionInputsAndWeights() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(20261204L);
        int n = 5;
        int d = 4;
        RopeInstance inst = RopeInstance.builder().a1(fullPrecision(n, d, rnd)).a2(fullPrecision(n, d, rnd))
                .a3(fullPrecision(n, d, rnd)).e(fullPrecision(n, d, rnd)).wq(fullPrecision(d, d, rnd))
                .wk(fullPrecision(d, d, rnd)).wv(fullPrecision(d, d, rnd))
                .family(new dev.ropecheck.model.RopeFamily(d)).build();
        RopeResult r = new RopeReferenceEngine_DD(2).computeAll(inst);
        Map<Quantity, Double> dig = agreement(inst, r);
        System.out.println("full-precision inputs, worst digits " + dig);
        for (Map.Entry<Quantity, Double> e : dig.entrySet()) {
            assertTrue(e.getValue() >= REQUIRED_DIGITS, e.getKey().key() + ": " + e.getValue() + " digits");
        }
    }

    @Test
    @DisplayName("MATH §2-3: the offset-grouped path (an explicit family, full 53-bit inputs, weights and W_m) agrees >= 25 digits per entry")
    void explicitFamilyAgreesWithFullPrecision() {
        explicitFamilyAgreement(5, 4);
    }

    @Test
    @Tag("long")
    @DisplayName("As explicitFamilyAgreesWithFullPrecision at d = 16, where entry()'s scratch for u's low parts needs all 16 slots below u's high parts (16 s)")
    void explicitFamilyAgreesWithFullPrecisionAtSixteen() {
        explicitFamilyAgreement(3, 16);
    }

    private static void explicitFamilyAgreement(int n, int d) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(20261207L);
        boolean[][] mask = new boolean[d][d];
        for (int b = 0; b < d; b++) {
            for (int e = 0; e < d; e++) {
                mask[b][e] = (b + e) % 3 != 1;
            }
        }
        dev.ropecheck.model.Support sup = dev.ropecheck.model.Support.ofMask(mask);
        DMatrixRMaj[] w = new DMatrixRMaj[2 * n - 1];
        for (int m = 0; m < w.length; m++) {
            w[m] = new DMatrixRMaj(d, d);
            for (int k = 0; k < sup.size(); k++) {
                w[m].unsafe_set(sup.row(k), sup.col(k), rnd.nextDouble(-1, 1));
            }
        }
        RopeInstance inst = RopeInstance.builder().a1(fullPrecision(n, d, rnd)).a2(fullPrecision(n, d, rnd))
                .a3(fullPrecision(n, d, rnd)).e(fullPrecision(n, d, rnd)).wq(fullPrecision(d, d, rnd))
                .wk(fullPrecision(d, d, rnd)).wv(fullPrecision(d, d, rnd))
                .family(new dev.ropecheck.model.ExplicitFamily(w, sup)).build();
        RopeResult r = new RopeReferenceEngine_DD(2).computeAll(inst);
        assertTrue(r.has(Quantity.DQ) && r.has(Quantity.DK) && r.has(Quantity.GRAD_X), r.quantities().toString());
        Map<Quantity, Double> dig = agreement(inst, r);
        System.out.println("explicit family, full-precision inputs, worst digits " + dig);
        for (Map.Entry<Quantity, Double> e : dig.entrySet()) {
            assertTrue(e.getValue() >= REQUIRED_DIGITS, e.getKey().key() + ": " + e.getValue() + " digits");
        }
    }

    @Test
    @DisplayName("Guard: without the residual (hi alone) the agreement drops to double precision, and zeros agree nowhere")
    void residualAndValuesAreBothNeeded() {
        RopeInstance inst = new InstanceSpec(10, 4, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 21L).build();
        RopeResult r = new RopeReferenceEngine_DD(1).computeAll(inst);
        ReferenceRopeAttention.Evaluation ev = AP.evaluate(AP.prepare(inst));
        RopeResult.Builder hiOnly = RopeResult.builder("hi-only");
        RopeResult.Builder zeros = RopeResult.builder("zeros");
        for (Quantity q : r.quantities()) {
            DMatrixRMaj v = r.get(q);
            hiOnly.put(q, v).putResidual(q, new DMatrixRMaj(v.numRows, v.numCols));
            zeros.put(q, new DMatrixRMaj(v.numRows, v.numCols)).putResidual(q, new DMatrixRMaj(v.numRows, v.numCols));
        }
        Map<Quantity, Double> full = DdAgreement.all(r, ev, 0);
        // (this instance has no near-zero entries, so the plain per-entry relative measure applies)
        Map<Quantity, Double> hi = DdAgreement.all(hiOnly.build(), ev, 0);
        Map<Quantity, Double> zero = DdAgreement.all(zeros.build(), ev, 0);
        for (Quantity q : r.quantities()) {
            assertNotNull(r.residual(q), q.key() + " has a residual");
            if (q == Quantity.H) {
                continue; // h = A3 Y of 12-bit entries is exact in double for small d
            }
            assertTrue(full.get(q) >= REQUIRED_DIGITS, q.key());
            assertTrue(hi.get(q) < 18, q.key() + " without residual agrees to " + hi.get(q));
            assertTrue(zero.get(q) < 1, q.key() + " as zeros agrees to " + zero.get(q));
        }
    }

    @Test
    @DisplayName("Determinism: bitwise identical values and residuals for 1, 2 and 3 threads (rows not a multiple of the block)")
    void bitwiseIdenticalAcrossThreadCounts() {
        for (InstanceSpec spec : new InstanceSpec[] {new InstanceSpec(37, 4, FamilyKind.ROPE_INTERLEAVED, 1.0, true, 2L),
                new InstanceSpec(19, 4, FamilyKind.EXPLICIT, 1.0, false, 4L)}) {
            RopeInstance inst = spec.build();
            RopeResult one = new RopeReferenceEngine_DD(1).computeAll(inst);
            for (int threads : new int[] {2, 3}) {
                RopeResult many = new RopeReferenceEngine_DD(threads).computeAll(inst);
                assertEquals(one.quantities(), many.quantities());
                for (Quantity q : one.quantities()) {
                    assertArrayEquals(one.get(q).data, many.get(q).data, 0.0, q.key() + " with " + threads + " threads");
                    assertArrayEquals(one.residual(q).data, many.residual(q).data, 0.0,
                            q.key() + " residual with " + threads + " threads");
                }
            }
        }
    }

    @Test
    @DisplayName("Only what is wanted: a forward request returns only it, and equals the full computation bitwise")
    void computesOnlyWhatIsWanted() {
        RopeInstance inst = new InstanceSpec(13, 4, FamilyKind.ROPE_HALF_SPLIT, 0.5, true, 8L).build();
        RopeResult fw = new RopeReferenceEngine_DD(2).compute(inst, EnumSet.of(Quantity.ATTENTION, Quantity.LOSS));
        assertEquals(EnumSet.of(Quantity.ATTENTION, Quantity.LOSS), fw.quantities());
        RopeResult all = new RopeReferenceEngine_DD(2).computeAll(inst);
        assertArrayEquals(all.get(Quantity.ATTENTION).data, fw.get(Quantity.ATTENTION).data, 0.0);
        assertEquals(all.loss(), fw.loss(), 0.0);
        RopeResult dk = new RopeReferenceEngine_DD(2).compute(inst, EnumSet.of(Quantity.GRAD_WK));
        assertArrayEquals(all.get(Quantity.GRAD_WK).data, dk.get(Quantity.GRAD_WK).data, 0.0);
        assertEquals("double-double", fw.metadata().get("precision"));
        assertEquals(String.valueOf(RopeReferenceEngine_DD.trustedDigits(13, 4)), fw.metadata().get("trustedDigits"));
        assertEquals("reference-dd", fw.engine());
    }

    @Test
    @DisplayName("Def. 3.13: alpha overflows to +Infinity exactly where the rounded apfloat value does; f, attention stay exact")
    void alphaOverflowsLikeIeeeRounding() {
        int n = 3;
        int d = 8;
        DMatrixRMaj big = new DMatrixRMaj(n, d);
        big.fill(4.0);
        DMatrixRMaj w = new DMatrixRMaj(d, d);
        w.fill(4.0);
        DMatrixRMaj small = new DMatrixRMaj(n, d);
        small.fill(0.25);
        small.set(1, 2, -0.5);
        RopeInstance inst = RopeInstance.builder().a1(big).a2(big).a3(small).e(small).wq(w).wk(w).wv(w)
                .family(new IdentityFamily(d)).build();
        RopeResult dd = new RopeReferenceEngine_DD(2).compute(inst, EnumSet.of(Quantity.ALPHA, Quantity.ATTENTION, Quantity.A));
        RopeResult ap = new RopeReferenceEngine_AP().compute(inst, EnumSet.of(Quantity.ALPHA, Quantity.ATTENTION, Quantity.A));
        assertArrayEquals(ap.get(Quantity.ALPHA).data, dd.get(Quantity.ALPHA).data, 0.0);
        assertArrayEquals(ap.get(Quantity.A).data, dd.get(Quantity.A).data, 0.0);
        assertTrue(Double.isInfinite(dd.get(Quantity.ALPHA).get(0, 0)));
        assertEquals(0.0, dd.residual(Quantity.ALPHA).get(0, 0), 0.0);
        assertArrayEquals(ap.get(Quantity.ATTENTION).data, dd.get(Quantity.ATTENTION).data, 0.0);
        // e^max finite, alpha = 2 e^max not: two scores 26.64^2 = 709.69 (ln MAX_VALUE = 709.78)
        DMatrixRMaj c = new DMatrixRMaj(2, 1);
        c.fill(26.64);
        DMatrixRMaj one = new DMatrixRMaj(1, 1);
        one.fill(1.0);
        RopeInstance edge = RopeInstance.builder().a1(c).a2(c).a3(c).e(c).wq(one).wk(one).wv(one)
                .family(new IdentityFamily(1)).build();
        RopeResult dd2 = new RopeReferenceEngine_DD(2).compute(edge, EnumSet.of(Quantity.ALPHA, Quantity.ATTENTION));
        RopeResult ap2 = new RopeReferenceEngine_AP().compute(edge, EnumSet.of(Quantity.ALPHA, Quantity.ATTENTION));
        assertTrue(Double.isFinite(Math.exp(26.64 * 26.64)), "the regime: e^max is finite");
        assertArrayEquals(ap2.get(Quantity.ALPHA).data, dd2.get(Quantity.ALPHA).data, 0.0);
        for (int i = 0; i < 2; i++) {
            assertTrue(Double.isInfinite(dd2.get(Quantity.ALPHA).get(i, 0)), "alpha = 2 e^709.69 overflows");
            assertEquals(0.0, dd2.residual(Quantity.ALPHA).get(i, 0), 0.0);
        }
        assertArrayEquals(ap2.get(Quantity.ATTENTION).data, dd2.get(Quantity.ATTENTION).data, 0.0);
    }

    @Test
    @DisplayName("Limits: n x n fields above n = 4096, gradX above its cost cap and weight gradients without weights are refused with one clear line")
    void limitsAreHonest() {
        RopeReferenceEngine_DD e = new RopeReferenceEngine_DD(1);
        RopeInstance big = new InstanceSpec(4100, 2, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 1L).build();
        Set<Quantity> s = e.supported(big);
        assertFalse(s.contains(Quantity.A) || s.contains(Quantity.F) || s.contains(Quantity.P));
        assertTrue(s.contains(Quantity.DK) && s.contains(Quantity.ALPHA));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> e.compute(big, EnumSet.of(Quantity.F)));
        assertTrue(ex.getMessage().contains("n <= 4096") && ex.getMessage().contains("n = 4100"), ex.getMessage());
        RopeInstance wide = new InstanceSpec(600, 64, FamilyKind.ROPE_INTERLEAVED, 0.05, true, 1L).build();
        assertFalse(e.supported(wide).contains(Quantity.GRAD_X));
        ex = assertThrows(IllegalArgumentException.class, () -> e.compute(wide, EnumSet.of(Quantity.GRAD_X)));
        assertTrue(ex.getMessage().contains("gradX") && ex.getMessage().contains("n = 600, d = 64"), ex.getMessage());
        RopeInstance noW = new InstanceSpec(4, 2, FamilyKind.IDENTITY, 0.5, false, 1L).build();
        ex = assertThrows(IllegalArgumentException.class, () -> e.compute(noW, EnumSet.of(Quantity.DQ)));
        assertTrue(ex.getMessage().contains("dQ") && ex.getMessage().contains("W_Q"), ex.getMessage());
        RopeInstance xBig = new InstanceSpec(1200, 64, FamilyKind.IDENTITY, 0.05, false, 1L).build();
        assertTrue(e.supported(xBig).isEmpty());
        ex = assertThrows(IllegalArgumentException.class, () -> e.compute(xBig, EnumSet.of(Quantity.ALPHA)));
        assertTrue(ex.getMessage().contains("n = 1200, d = 64"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RopeReferenceEngine_DD(0));
    }

    @Test
    @DisplayName("The apfloat reference carries residuals: hi + lo agrees with its own 50-digit values to >= 30 digits")
    void apfloatReferenceFillsResiduals() {
        RopeInstance inst = new InstanceSpec(5, 2, FamilyKind.ROPE_INTERLEAVED, 1.0, true, 6L).build();
        RopeResult r = new RopeReferenceEngine_AP().computeAll(inst);
        ReferenceResult ref = new ReferenceRopeAttention().compute(inst);
        for (Quantity q : r.quantities()) {
            assertNotNull(r.residual(q), q.key());
            assertTrue(DdAgreement.digits(r, q, ref.get(q), 0) >= 30, q.key());
        }
    }

    /** The quantities {@code computeAll} should return for small generated instances. */
    static final class RopeAttentionEngineQuantities {
        static Set<Quantity> all(RopeInstance inst) {
            return dev.ropecheck.engine.RopeAttentionEngine.withoutWeightQuantities(EnumSet.allOf(Quantity.class), inst);
        }
    }
}
