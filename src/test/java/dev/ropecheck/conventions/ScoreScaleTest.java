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
 * The score scale of MATH §9 ({@code specs/score-scale.md}): {@code sigma = 2/d} is the papers'
 * {@code 1/d} with {@code A1} doubled (exact in binary), in every engine; the forward fields agree,
 * {@code dK, dV} agree and {@code dQ} halves. A result computed at {@code 1/d} fails against a
 * {@code 1/sqrt(d)} instance.
 */
class ScoreScaleTest {
    private static final Set<Quantity> FIELDS = EnumSet.of(Quantity.ALPHA, Quantity.ATTENTION, Quantity.LOSS,
            Quantity.DQ, Quantity.DK, Quantity.DV, Quantity.GRAD_X);

    /** The weights, family and entries of {@code inst}, with no entry bound, the default scale and no mask. */
    static RopeInstance.Builder unbounded(RopeInstance inst) {
        return RopeInstance.builder().a1(inst.a1()).a2(inst.a2()).a3(inst.a3()).e(inst.e()).wq(inst.wq())
                .wk(inst.wk()).wv(inst.wv()).family(inst.family());
    }

    @dev.ropecheck.specs.Spec("score-scale")
    @Test
    @DisplayName("specs/score-scale.md: sigma = 2/d equals 1/d with A1 doubled, bitwise in exact and reference-dd, to 30 digits in the reference")
    void scaleIsAFactorOnTheQueries() {
        qt().withExamples(6).forAll(Generators.instances(6, 4, org.quicktheories.generators.Generate.pick(List.of(
                FamilyKind.ROPE_INTERLEAVED, FamilyKind.IDENTITY, FamilyKind.EXPLICIT)))).checkAssert(spec -> {
                    InstanceSpec s = new InstanceSpec(spec.n(), spec.d(), spec.family(), Math.min(spec.bound(), 0.5), true,
                            spec.seed());
                    RopeInstance base = s.build();
                    boolean causal = spec.seed() % 2 == 0;
                    RopeInstance scaled = unbounded(base).scale(2.0 / base.d()).causal(causal).build();
                    DMatrixRMaj a1 = base.a1();
                    CommonOps_DDRM.scale(2, a1);
                    RopeInstance doubled = unbounded(base).a1(a1).causal(causal).build();
                    for (var engine : List.of(new RopeExactEngine_F64(), new RopeReferenceEngine_DD(1))) {
                        RopeResult x = engine.compute(scaled, FIELDS);
                        RopeResult y = engine.compute(doubled, FIELDS);
                        for (Quantity q : FIELDS) {
                            DMatrixRMaj want = y.get(q).copy();
                            if (q == Quantity.DQ) {
                                CommonOps_DDRM.scale(2, want);
                            }
                            if (q == Quantity.GRAD_X) {
                                continue; // G is with respect to X, which the doubling moves into A1
                            }
                            assertArrayEquals(want.data, x.get(q).data, 0.0, engine.name() + " " + q.key() + " for " + s);
                        }
                    }
                    RopeResult rx = RopeReferenceEngine_AP.withDigits(30).compute(scaled, FIELDS);
                    RopeResult ry = RopeReferenceEngine_AP.withDigits(30).compute(doubled, FIELDS);
                    for (int t = 0; t < rx.get(Quantity.ATTENTION).data.length; t++) {
                        double b = ry.get(Quantity.ATTENTION).data[t];
                        assertEquals(b, rx.get(Quantity.ATTENTION).data[t], 2 * Math.ulp(b), "reference attention " + s);
                    }
                });
    }

    @dev.ropecheck.specs.Spec("score-scale")
    @Test
    @DisplayName("specs/score-scale.md: a result computed at 1/d FAILs against a 1/sqrt(d) instance; the right scale PASSes")
    void wrongScaleFails() {
        RopeInstance inst = new KernelSpec(new InstanceSpec(10, 8, FamilyKind.ROPE_HALF_SPLIT, 0.5, true, 4L),
                KernelSpec.Scale.SQRT, false).build();
        Set<Quantity> fields = EnumSet.of(Quantity.ATTENTION, Quantity.DQ, Quantity.DK, Quantity.DV);
        RopeResult ref = RopeReferenceEngine_AP.withDigits(40).compute(inst, fields);
        RoundingTolerance fp64 = new RoundingTolerance(RoundingClass.worstCase(FloatFormat.FP64), 1);
        CheckReport ok = ResultCheck.run(inst, new RopeExactEngine_F64().compute(inst, fields), fields,
                TrustedReference.arbitraryPrecision(ref), fp64, List.of());
        assertEquals(FieldVerdict.PASS, ok.overall(), ok::render);
        RopeInstance papers = unbounded(inst).build();
        CheckReport bad = ResultCheck.run(inst, new RopeExactEngine_F64().compute(papers, fields), fields,
                TrustedReference.arbitraryPrecision(ref), fp64, List.of());
        for (Quantity q : fields) {
            assertEquals(FieldVerdict.FAIL, bad.field(q.key()).verdict(), () -> q.key() + "\n" + bad.render());
        }
        assertTrue(bad.field("attention").failing() > 0);
    }
}
