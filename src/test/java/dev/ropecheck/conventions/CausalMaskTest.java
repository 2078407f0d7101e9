package dev.ropecheck.conventions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.bounds.RoundingClass;
import dev.ropecheck.check.CheckReport;
import dev.ropecheck.check.FieldVerdict;
import dev.ropecheck.check.ResultCheck;
import dev.ropecheck.check.RoundingTolerance;
import dev.ropecheck.check.TrustedReference;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.engine.reference.RopeReferenceEngine_DD;
import dev.ropecheck.engine.reference.RopeReferenceEngine_AP;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.gen.KernelSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The causal mask of MATH §9 ({@code specs/causal-mask.md}): the mask only removes terms, so row
 * {@code i} of a causal instance is the last row of the instance cut to its first {@code i + 1}
 * tokens; the masked entries of {@code A, f, p} are exactly zero; and a result computed without the
 * mask fails against a causal instance.
 */
class CausalMaskTest {
    private static final Set<Quantity> ROWS = EnumSet.of(Quantity.ALPHA, Quantity.ATTENTION, Quantity.C, Quantity.R);

    /** The first {@code m} tokens of {@code inst} (same family, weights, scale), not causal. */
    static RopeInstance prefix(RopeInstance inst, int m) {
        RopeInstance.Builder b = inst.toBuilder().causal(false).a1(rows(inst.a1(), m)).a2(rows(inst.a2(), m))
                .a3(rows(inst.a3(), m)).e(rows(inst.e(), m));
        return b.build();
    }

    static DMatrixRMaj rows(DMatrixRMaj x, int m) {
        return CommonOps_DDRM.extract(x, 0, m, 0, x.numCols);
    }

    @dev.ropecheck.specs.Spec("causal-mask")
    @Test
    @DisplayName("specs/causal-mask.md: row i of a causal instance equals the last row of its (i+1)-token prefix (reference, 40 digits)")
    void causalRowIsTheLastRowOfThePrefix() {
        RopeReferenceEngine_AP ref = RopeReferenceEngine_AP.withDigits(40);
        qt().withExamples(8).forAll(KernelSpec.over(Generators.instances(6, 4))).checkAssert(k -> {
            RopeInstance inst = new KernelSpec(k.base(), k.scale(), true).build();
            RopeResult whole = ref.compute(inst, ROWS);
            for (int i = 0; i < inst.n(); i++) {
                RopeResult part = ref.compute(prefix(inst, i + 1), ROWS);
                for (Quantity q : ROWS) {
                    DMatrixRMaj w = whole.get(q);
                    DMatrixRMaj p = part.get(q);
                    for (int l = 0; l < w.numCols; l++) {
                        double a = w.get(i, l);
                        double b = p.get(i, l);
                        assertEquals(b, a, 4 * Math.ulp(b), q.key() + "[" + i + "][" + l + "] for " + k);
                    }
                }
            }
        });
    }

    @dev.ropecheck.specs.Spec("causal-mask")
    @Test
    @DisplayName("specs/causal-mask.md: A, f, p are exactly zero above the diagonal in every engine that forms them")
    void maskedEntriesAreExactlyZero() {
        RopeInstance inst = new KernelSpec(new InstanceSpec(7, 4, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 3L),
                KernelSpec.Scale.SQRT, true).build();
        Set<Quantity> nn = EnumSet.of(Quantity.A, Quantity.F, Quantity.P);
        for (RopeResult r : List.of(new RopeExactEngine_F64().compute(inst, nn), new RopeReferenceEngine_DD(1).compute(inst, nn),
                RopeReferenceEngine_AP.withDigits(30).compute(inst, nn))) {
            for (Quantity q : nn) {
                DMatrixRMaj m = r.get(q);
                boolean someNonZero = false;
                for (int i = 0; i < 7; i++) {
                    for (int j = 0; j < 7; j++) {
                        if (j > i) {
                            assertEquals(0.0, m.get(i, j), 0.0, r.engine() + " " + q.key() + "[" + i + "][" + j + "]");
                        } else {
                            someNonZero |= m.get(i, j) != 0;
                        }
                    }
                }
                assertTrue(someNonZero, r.engine() + " " + q.key() + " is zero on and below the diagonal too");
            }
        }
    }

    @dev.ropecheck.specs.Spec("causal-mask")
    @Test
    @DisplayName("specs/causal-mask.md: reference-dd is bitwise identical for 1, 2 and 3 threads on causal, scaled instances")
    void doubleDoubleDeterministicUnderTheMask() {
        RopeInstance inst = new KernelSpec(new InstanceSpec(29, 4, FamilyKind.ROPE_HALF_SPLIT, 0.5, true, 5L),
                KernelSpec.Scale.OTHER, true).build();
        RopeResult one = new RopeReferenceEngine_DD(1).computeAll(inst);
        for (int t : new int[] {2, 3}) {
            RopeResult many = new RopeReferenceEngine_DD(t).computeAll(inst);
            for (Quantity q : one.quantities()) {
                assertArrayEquals(one.get(q).data, many.get(q).data, 0.0, q.key() + " with " + t + " threads");
            }
        }
    }

    @dev.ropecheck.specs.Spec("causal-mask")
    @Test
    @DisplayName("specs/causal-mask.md: a result computed without the mask FAILs against the causal instance, naming the field")
    void unmaskedResultFailsAgainstCausalInstance() {
        RopeInstance causal = new KernelSpec(new InstanceSpec(12, 4, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 9L),
                KernelSpec.Scale.SQRT, true).build();
        Set<Quantity> fields = EnumSet.of(Quantity.ATTENTION, Quantity.DQ, Quantity.DK, Quantity.DV);
        RopeResult ref = RopeReferenceEngine_AP.withDigits(40).compute(causal, fields);
        RoundingTolerance fp64 = new RoundingTolerance(RoundingClass.worstCase(FloatFormat.FP64), 1);
        RopeResult right = new RopeExactEngine_F64().compute(causal, fields);
        CheckReport ok = ResultCheck.run(causal, right, fields, TrustedReference.arbitraryPrecision(ref), fp64, List.of());
        assertEquals(FieldVerdict.PASS, ok.overall(), ok::render);
        RopeResult unmasked = new RopeExactEngine_F64().compute(causal.toBuilder().causal(false).build(), fields);
        CheckReport bad = ResultCheck.run(causal, unmasked, fields, TrustedReference.arbitraryPrecision(ref), fp64,
                List.of());
        for (Quantity q : fields) {
            assertEquals(FieldVerdict.FAIL, bad.field(q.key()).verdict(), () -> q.key() + "\n" + bad.render());
        }
        // Row 0 sees only itself: the unmasked row 0 is where attention is furthest from the causal one.
        assertTrue(bad.field("attention").failing() > 0);
    }

    @dev.ropecheck.specs.Spec("causal-mask")
    @Test
    @DisplayName("specs/causal-mask.md: the masked componentwise bound is tight: the exact engine reaches >= 1e-3 of it on attention, dQ, dK, dV")
    void causalBoundIsTight() {
        Set<Quantity> fields = EnumSet.of(Quantity.ATTENTION, Quantity.DQ, Quantity.DK, Quantity.DV);
        RoundingTolerance fp64 = new RoundingTolerance(RoundingClass.worstCase(FloatFormat.FP64), 1);
        for (KernelSpec k : List.of(
                new KernelSpec(new InstanceSpec(24, 8, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 31L), KernelSpec.Scale.SQRT, true),
                new KernelSpec(new InstanceSpec(16, 4, FamilyKind.IDENTITY, 0.5, true, 32L), KernelSpec.Scale.OTHER, true))) {
            RopeInstance inst = k.build();
            RopeResult ref = RopeReferenceEngine_AP.withDigits(40).compute(inst, fields);
            CheckReport r = ResultCheck.run(inst, new RopeExactEngine_F64().compute(inst, fields), fields,
                    TrustedReference.arbitraryPrecision(ref), fp64, List.of());
            for (Quantity q : fields) {
                double ratio = r.field(q.key()).maxRatio();
                System.out.printf("causal tightness %s %s: worst err/allowed %.3g%n", k, q.key(), ratio);
                assertEquals(FieldVerdict.PASS, r.field(q.key()).verdict(), r::render);
                assertTrue(ratio >= 1e-3, q.key() + " reaches only " + ratio + " of its bound for " + k);
            }
        }
    }
}
