package dev.ropecheck.engine.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.bounds.Deviation;
import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * The exact engine's rotated route ({@link RotatedPath}: rows rotated once, blocked products): its
 * values against the naive evaluation within {@link ExactRoundingModel}'s rotated counts
 * (rounding-model.md §13), bitwise reproducibility across thread counts, and the MATH §9 scale and
 * causal mask checked by exact identities.
 */
class RotatedPathTest {

    /** Every quantity the engine computes for {@code inst} except {@code gradX} (which selects the rotated route). */
    static Set<Quantity> withoutGradX(RopeInstance inst) {
        Set<Quantity> s = RopeAttentionEngine.withoutWeightQuantities(EnumSet.allOf(Quantity.class), inst);
        s.remove(Quantity.GRAD_X);
        return s;
    }

    static List<String> violations(RopeInstance inst) {
        RopeExactEngine_F64 engine = new RopeExactEngine_F64();
        Set<Quantity> wanted = withoutGradX(inst);
        assertTrue(engine.rotatedRoute(inst, wanted), "the rotated route should apply to " + inst.family().name());
        RopeResult got = engine.compute(inst, wanted);
        RopeResult naive = NaiveRopeAttention.compute(inst);
        ExactRoundingModel.Counts rot = ExactRoundingModel.Counts.rotated(inst);
        ExactRoundingModel.Counts naiveCounts = NaiveRopeAttention.counts(inst);
        List<String> bad = new ArrayList<>();
        for (Quantity q : wanted) {
            double allowed = ExactRoundingModel.tolerance(q, inst, null, rot).bound()
                    + ExactRoundingModel.tolerance(q, inst, null, naiveCounts).bound();
            if (!Double.isFinite(allowed) && (q == Quantity.A || q == Quantity.ALPHA)) {
                continue;
            }
            Deviation dev = Deviation.measure(got.get(q), naive.get(q), allowed);
            if (!dev.holds()) {
                bad.add(dev.describe(q.key()));
            }
        }
        return bad;
    }

    @dev.ropecheck.specs.Spec("theorem-5.7")
    @Test
    @DisplayName("rotated route: every quantity but gradX matches the naive sums within the rotated counts")
    void rotatedRouteMatchesNaive() {
        qt().withExamples(50).forAll(Generators.instances(24, 8, Generate.pick(List.of(FamilyKind.ROPE_INTERLEAVED,
                FamilyKind.ROPE_HALF_SPLIT, FamilyKind.IDENTITY))).map(s -> new InstanceSpec(s.n(), s.d(), s.family(),
                s.bound(), true, s.seed()))).checkAssert(spec -> {
                    List<String> bad = violations(spec.build());
                    assertTrue(bad.isEmpty(), spec + "\n" + String.join("\n", bad));
                });
    }

    @Test
    @DisplayName("rotated route: the parts depend on n alone (256 rows each, at most 8), and the metadata says how many ran")
    void partitionAndItsMetadata() {
        assertArrayEquals(new int[] {0, 255}, RotatedPath.partition(255));
        assertArrayEquals(new int[] {0, 256}, RotatedPath.partition(256));
        assertArrayEquals(new int[] {0, 128, 257}, RotatedPath.partition(257));
        assertEquals(9, RotatedPath.partition(100_000).length);
        RopeInstance inst = new InstanceSpec(600, 4, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 3L).build();
        Set<Quantity> wanted = EnumSet.of(Quantity.ATTENTION);
        RopeResult.Builder out = RopeResult.builder("test");
        assertEquals(3, RotatedPath.compute(inst, wanted, 2, out));
        RopeResult r = new RopeExactEngine_F64(2).compute(inst, wanted);
        assertEquals("3", r.metadata().get("parts"));
        assertEquals("2", r.metadata().get("threads"));
    }

    @Test
    @DisplayName("rotated route: several parts (n = 700), within the rotated counts")
    void severalPartsMatchNaive() {
        RopeInstance inst = new InstanceSpec(700, 4, FamilyKind.ROPE_HALF_SPLIT, 1.0, true, 11L).build();
        assertEquals(3, RotatedPath.partition(inst.n()).length - 1);
        List<String> bad = violations(inst);
        assertTrue(bad.isEmpty(), String.join("\n", bad));
    }

    /**
     * For the identity family ({@code R_i = I}) the two routes perform the same operations in the same
     * order on every entry (scores {@code Σ_a q_ia k_ja / d}, the same softmax, centred {@code D}, {@code t},
     * and for {@code n < 256} one part each), so every shared quantity agrees bitwise: a check of the
     * blocked kernels' summation order.
     */
    @dev.ropecheck.specs.Spec("theorem-5.7")
    @Test
    @DisplayName("identity family: the rotated route equals the offset-grouped route bitwise")
    void identityRoutesAgreeBitwise() {
        qt().withExamples(25).forAll(Generators.instances(200, 20, Generate.pick(List.of(FamilyKind.IDENTITY)))
                .map(s -> new InstanceSpec(s.n(), s.d(), s.family(), s.bound(), true, s.seed()))).checkAssert(spec -> {
                    RopeInstance inst = spec.build();
                    Set<Quantity> wanted = withoutGradX(inst);
                    RopeResult rot = new RopeExactEngine_F64().compute(inst, wanted);
                    Set<Quantity> withG = EnumSet.copyOf(wanted);
                    withG.add(Quantity.GRAD_X);
                    RopeResult off = new RopeExactEngine_F64().compute(inst, withG);
                    for (Quantity q : wanted) {
                        assertArrayEquals(off.get(q).data, rot.get(q).data, 0.0, spec + ": " + q.key());
                    }
                });
    }

    @dev.ropecheck.specs.Spec("theorem-5.7")
    @Test
    @DisplayName("rotated route: bitwise the same on 1, 2, 3 and 5 threads")
    void bitwiseAcrossThreadCounts() {
        RopeInstance inst = new InstanceSpec(1100, 8, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 3L).build();
        Set<Quantity> wanted = withoutGradX(inst);
        RopeResult one = new RopeExactEngine_F64(1).compute(inst, wanted);
        for (int t : new int[] {2, 3, 5}) {
            RopeResult other = new RopeExactEngine_F64(t).compute(inst, wanted);
            for (Quantity q : wanted) {
                assertArrayEquals(one.get(q).data, other.get(q).data, 0.0, q.key() + " differs on " + t + " threads");
            }
        }
    }

    @Test
    @DisplayName("offset-grouped route (gradX): bitwise the same on 1 and 3 threads")
    void offsetRouteBitwiseAcrossThreadCounts() {
        RopeInstance inst = new InstanceSpec(300, 2, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 5L).build();
        Set<Quantity> wanted = EnumSet.of(Quantity.GRAD_X, Quantity.DK, Quantity.LOSS);
        RopeResult one = new RopeExactEngine_F64(1).compute(inst, wanted);
        RopeResult three = new RopeExactEngine_F64(3).compute(inst, wanted);
        for (Quantity q : wanted) {
            assertArrayEquals(one.get(q).data, three.get(q).data, 0.0, q.key());
        }
    }

    @Test
    @DisplayName("routes: gradX, an explicit family or a general X take the offset-grouped route")
    void routeSelection() {
        RopeExactEngine_F64 engine = new RopeExactEngine_F64();
        RopeInstance rope = new InstanceSpec(5, 4, FamilyKind.ROPE_INTERLEAVED, 1.0, true, 1L).build();
        assertTrue(engine.rotatedRoute(rope, EnumSet.of(Quantity.DQ)));
        assertFalse(engine.rotatedRoute(rope, EnumSet.of(Quantity.DQ, Quantity.GRAD_X)));
        assertFalse(engine.rotatedRoute(new InstanceSpec(5, 4, FamilyKind.EXPLICIT, 1.0, true, 1L).build(),
                EnumSet.of(Quantity.DQ)));
        assertFalse(engine.rotatedRoute(new InstanceSpec(5, 4, FamilyKind.ROPE_INTERLEAVED, 1.0, false, 1L).build(),
                EnumSet.of(Quantity.LOSS)));
        assertFalse(ExactMutant.NAIVE_P.engine().rotatedRoute(rope, EnumSet.of(Quantity.P)));
    }

    /**
     * MATH §9 causal mask: row {@code i} of the causal computation is row {@code i} of the unmasked
     * computation on the first {@code i + 1} tokens — the same sums in the same order, so bitwise.
     */
    @Test
    @DisplayName("MATH §9 causal: each row equals the unmasked row of its prefix, bitwise")
    void causalRowsArePrefixRows() {
        RopeInstance full = new InstanceSpec(37, 4, FamilyKind.ROPE_INTERLEAVED, 2.0, true, 9L).build();
        RopeInstance causal = full.toBuilder().causal(true).build();
        Set<Quantity> rowwise = EnumSet.of(Quantity.ALPHA, Quantity.ATTENTION, Quantity.C, Quantity.R, Quantity.DQ,
                Quantity.F, Quantity.P);
        RopeResult.Builder cb = RopeResult.builder("exact");
        RotatedPath.compute(causal, rowwise, 2, cb);
        RopeResult c = cb.build();
        int d = full.d();
        for (int i : new int[] {0, 1, 8, 20, 36}) {
            RopeInstance prefix = prefix(full, i + 1);
            RopeResult.Builder pb = RopeResult.builder("exact");
            RotatedPath.compute(prefix, rowwise, 1, pb);
            RopeResult p = pb.build();
            assertEquals(p.get(Quantity.ALPHA).get(i, 0), c.get(Quantity.ALPHA).get(i, 0), 0.0, "alpha row " + i);
            for (Quantity q : List.of(Quantity.ATTENTION, Quantity.C, Quantity.DQ)) {
                for (int l = 0; l < d; l++) {
                    assertEquals(p.get(q).get(i, l), c.get(q).get(i, l), 0.0, q.key() + " row " + i);
                }
            }
            for (Quantity q : List.of(Quantity.F, Quantity.P)) {
                for (int j = 0; j < full.n(); j++) {
                    double want = j <= i ? p.get(q).get(i, j) : 0.0;
                    assertEquals(want, c.get(q).get(i, j), 0.0, q.key() + "[" + i + "][" + j + "]");
                }
            }
        }
    }

    /**
     * MATH §9 scale: {@code sigma = 2/d} with {@code W_Q} equals the default {@code 1/d} with
     * {@code 2 W_Q} (powers of two scale exactly, so the scores and everything forward agree bitwise).
     */
    @Test
    @DisplayName("MATH §9 scale: sigma = 2/d equals 1/d with W_Q doubled, bitwise (forward)")
    void scaleActsOnTheScores() {
        RopeInstance base = new InstanceSpec(19, 4, FamilyKind.ROPE_HALF_SPLIT, 1.0, true, 4L).build();
        DMatrixRMaj wq2 = base.wq();
        for (int k = 0; k < wq2.data.length; k++) {
            wq2.data[k] *= 2;
        }
        RopeInstance doubled = base.toBuilder().clearX().wq(wq2).wk(base.wk()).entryBound(2.0).build();
        RopeInstance scaled = base.toBuilder().scale(2.0 / base.d()).build();
        Set<Quantity> fwd = EnumSet.of(Quantity.ALPHA, Quantity.F, Quantity.ATTENTION, Quantity.C, Quantity.LOSS);
        RopeResult.Builder a = RopeResult.builder("exact");
        RotatedPath.compute(doubled, fwd, 1, a);
        RopeResult.Builder b = RopeResult.builder("exact");
        RotatedPath.compute(scaled, fwd, 1, b);
        RopeResult ra = a.build();
        RopeResult rb = b.build();
        for (Quantity q : fwd) {
            assertArrayEquals(ra.get(q).data, rb.get(q).data, 0.0, q.key());
        }
    }

    private static RopeInstance prefix(RopeInstance inst, int m) {
        return inst.toBuilder().a1(rows(inst.a1(), m)).a2(rows(inst.a2(), m)).a3(rows(inst.a3(), m))
                .e(rows(inst.e(), m)).build();
    }

    private static DMatrixRMaj rows(DMatrixRMaj x, int m) {
        DMatrixRMaj out = new DMatrixRMaj(m, x.numCols);
        System.arraycopy(x.data, 0, out.data, 0, m * x.numCols);
        return out;
    }
}
