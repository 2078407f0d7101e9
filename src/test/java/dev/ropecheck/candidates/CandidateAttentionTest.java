package dev.ropecheck.candidates;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Sanity of the independent candidate kernels (MATH §1–3, §9) before the {@code check} guard relies
 * on them: they compute RoPE attention and its gradient (against the exact engine as an oracle), in
 * the precision they claim, in every summation order, and each {@link Bug} changes its field.
 */
class CandidateAttentionTest {

    static final List<Quantity> FIELDS = List.of(Quantity.H, Quantity.ATTENTION, Quantity.ALPHA, Quantity.C,
            Quantity.LOSS, Quantity.R, Quantity.DQ, Quantity.DK, Quantity.DV, Quantity.GRAD_WQ, Quantity.GRAD_WK,
            Quantity.GRAD_WV);

    private static final RopeExactEngine_F64 EXACT = new RopeExactEngine_F64();

    /**
     * RoPE (both layouts) and identity instances with weights, {@code n <= maxN}, even {@code d <= 8},
     * {@code B <= 1} (so {@code |s_ij| <= 64}: {@code exp} stays finite in binary32 without a shift).
     */
    static Gen<InstanceSpec> specs(int maxN) {
        Gen<Integer> n = Generate.range(1, maxN);
        Gen<Integer> d = Generate.range(1, 4).map(h -> 2 * h);
        Gen<FamilyKind> fam = Generate.pick(List.of(FamilyKind.ROPE_INTERLEAVED, FamilyKind.ROPE_HALF_SPLIT,
                FamilyKind.IDENTITY));
        Gen<Double> b = Generate.pick(List.of(0.05, 0.25, 0.5, 1.0));
        Gen<Long> seed = Generate.longRange(0, Long.MAX_VALUE);
        return n.zip(d, fam, (nn, dd, ff) -> new Object[] {nn, dd, ff})
                .zip(b, seed, (x, bb, s) -> new InstanceSpec((Integer) x[0], (Integer) x[1], (FamilyKind) x[2], bb,
                        true, s))
                .describedAs(InstanceSpec::toString);
    }

    /** {@code max |a - b| / max |b|} (0 when both are zero). */
    static double normwise(DMatrixRMaj a, DMatrixRMaj b) {
        double num = 0;
        double den = 0;
        for (int t = 0; t < b.data.length; t++) {
            num = Math.max(num, Math.abs(a.data[t] - b.data[t]));
            den = Math.max(den, Math.abs(b.data[t]));
        }
        return num == 0 ? 0 : num / den;
    }

    private static void assertAgrees(RopeResult got, RopeResult want, double tol, String what) {
        for (Quantity q : FIELDS) {
            double rel = normwise(got.get(q), want.get(q));
            assertTrue(rel <= tol, what + ": " + q.key() + " differs by " + rel + " (normwise relative) > " + tol);
        }
    }

    @Test
    @DisplayName("MATH §2-3: fp64 naive candidate agrees with the exact engine to 1e-10 (normwise), every field")
    void fp64NaiveAgreesWithExactEngine() {
        qt().withExamples(30).forAll(specs(48)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            assertAgrees(CandidateAttention.compute(inst, FloatFormat.FP64, Summation.NAIVE, Bug.NONE),
                    EXACT.computeAll(inst), 1e-10, spec.toString());
        });
    }

    @Test
    @DisplayName("MATH §2-3: fp32 candidates (every order) agree with the exact engine to 1e-4 (normwise)")
    void fp32AgreesWithExactEngine() {
        qt().withExamples(20).forAll(specs(96)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            RopeResult want = EXACT.computeAll(inst);
            for (Summation order : Summation.values()) {
                assertAgrees(CandidateAttention.compute(inst, FloatFormat.FP32, order, Bug.NONE), want, 1e-4,
                        spec + " " + order);
            }
        });
    }

    @Test
    @DisplayName("Summation orders (and FlashAttention-2 tile sizes) agree with each other at fp64 to 1e-12")
    void ordersAgreeAtFp64() {
        qt().withExamples(12).forAll(specs(160)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            RopeResult naive = CandidateAttention.compute(inst, FloatFormat.FP64, Summation.NAIVE, Bug.NONE);
            assertAgrees(CandidateAttention.compute(inst, FloatFormat.FP64, Summation.PAIRWISE, Bug.NONE), naive,
                    1e-12, spec + " pairwise");
            for (int bc : new int[] {1, 7, 64, 1000}) {
                assertAgrees(CandidateAttention.compute(inst, FloatFormat.FP64, Summation.BLOCKED_ONLINE_SOFTMAX,
                        Bug.NONE, bc), naive, 1e-12, spec + " blocked Bc=" + bc);
            }
        });
    }

    @Test
    @DisplayName("bf16/fp16 candidates return values of their format, within 3e-2 (bf16) / 4e-3 (fp16) of exact")
    void sixteenBitResultsAreExactInTheirFormat() {
        qt().withExamples(10).forAll(specs(64)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            RopeResult want = EXACT.computeAll(inst);
            for (FloatFormat fmt : new FloatFormat[] {FloatFormat.BF16, FloatFormat.FP16}) {
                double tol = fmt == FloatFormat.BF16 ? 3e-2 : 4e-3;
                for (Summation order : Summation.values()) {
                    RopeResult got = CandidateAttention.compute(inst, fmt, order, Bug.NONE);
                    for (Quantity q : FIELDS) {
                        DMatrixRMaj m = got.get(q);
                        for (int t = 0; t < m.data.length; t++) {
                            assertTrue(fmt.isExact(m.data[t]), spec + " " + fmt + " " + order + ": " + q.key() + "["
                                    + t + "] = " + m.data[t] + " is not a " + fmt.label() + " value");
                        }
                    }
                    assertAgrees(got, want, tol, spec + " " + fmt + " " + order);
                }
            }
        });
    }

    @Test
    @DisplayName("fp32 candidates hold binary32 values; binary32 results differ from fp64 (not a double run)")
    void fp32ResultsAreSinglePrecision() {
        RopeInstance inst = new InstanceSpec(40, 8, FamilyKind.ROPE_HALF_SPLIT, 0.5, true, 3L).build();
        for (Summation order : Summation.values()) {
            RopeResult f32 = CandidateAttention.compute(inst, FloatFormat.FP32, order, Bug.NONE);
            RopeResult f64 = CandidateAttention.compute(inst, FloatFormat.FP64, order, Bug.NONE);
            for (Quantity q : FIELDS) {
                for (double x : f32.get(q).data) {
                    assertEquals(x, (double) (float) x, 0.0, q.key());
                }
            }
            double rel = normwise(f32.get(Quantity.ATTENTION), f64.get(Quantity.ATTENTION));
            assertTrue(rel > 1e-9 && rel < 1e-5, order + ": fp32 vs fp64 attention " + rel);
        }
    }

    @Test
    @DisplayName("Results are bitwise reproducible across runs")
    void bitwiseReproducible() {
        RopeInstance inst = new InstanceSpec(100, 6, FamilyKind.ROPE_INTERLEAVED, 1.0, true, 11L).build();
        for (FloatFormat fmt : new FloatFormat[] {FloatFormat.FP64, FloatFormat.FP32, FloatFormat.BF16}) {
            for (Summation order : Summation.values()) {
                RopeResult a = CandidateAttention.compute(inst, fmt, order, Bug.NONE);
                RopeResult b = CandidateAttention.compute(inst, fmt, order, Bug.NONE);
                for (Quantity q : FIELDS) {
                    assertArrayEquals(a.get(q).data, b.get(q).data, 0.0, fmt + " " + order + " " + q.key());
                }
            }
        }
    }

    /** The field a bug is named after and the smallest normwise relative change it must make there. */
    private static Object[] named(Bug bug) {
        switch (bug) {
            case SCALE_SQRT_D:
            case WRONG_ROPE_LAYOUT:
            case FLIPPED_SIN:
            case SOFTMAX_WRONG_AXIS:
                return new Object[] {Quantity.ATTENTION, 1e-3};
            case DQ_ROTATED:
                return new Object[] {Quantity.DQ, 1e-1};
            case TRANSPOSED_GRAD_WK:
                return new Object[] {Quantity.GRAD_WK, 1e-1};
            case GRAD_WK_TIMES_1_2:
                return new Object[] {Quantity.GRAD_WK, 0.2};
            case GRAD_WK_TIMES_1_PLUS_1E3:
                return new Object[] {Quantity.GRAD_WK, 1e-3};
            case ALPHA_TIMES_1000:
                return new Object[] {Quantity.ALPHA, 999.0};
            case GRAD_WK_ZERO:
                return new Object[] {Quantity.GRAD_WK, 1.0};
            case ONE_ATTENTION_ENTRY_1E3:
                return new Object[] {Quantity.ATTENTION, 1e-3};
            case ONE_GRAD_WQ_ENTRY_1E6:
                return new Object[] {Quantity.GRAD_WQ, 1e-6};
            default:
                throw new AssertionError(bug);
        }
    }

    /** The fields an output-only bug must leave bit for bit alone (null: the algorithm changed). */
    private static Set<Quantity> touched(Bug bug) {
        switch (bug) {
            case TRANSPOSED_GRAD_WK:
            case GRAD_WK_TIMES_1_2:
            case GRAD_WK_TIMES_1_PLUS_1E3:
            case GRAD_WK_ZERO:
                return EnumSet.of(Quantity.GRAD_WK);
            case ALPHA_TIMES_1000:
                return EnumSet.of(Quantity.ALPHA);
            case ONE_ATTENTION_ENTRY_1E3:
                return EnumSet.of(Quantity.ATTENTION);
            case ONE_GRAD_WQ_ENTRY_1E6:
                return EnumSet.of(Quantity.GRAD_WQ);
            case DQ_ROTATED:
                return EnumSet.of(Quantity.DQ, Quantity.DK, Quantity.GRAD_WQ, Quantity.GRAD_WK);
            default:
                return null;
        }
    }

    @Test
    @DisplayName("Every Bug changes its named field by more than its nominal size (fp64 and fp32, every order)")
    void everyBugChangesItsField() {
        for (FamilyKind fam : new FamilyKind[] {FamilyKind.ROPE_INTERLEAVED, FamilyKind.ROPE_HALF_SPLIT}) {
            RopeInstance inst = new InstanceSpec(48, 8, fam, 0.5, true, 7L).build();
            for (FloatFormat fmt : new FloatFormat[] {FloatFormat.FP64, FloatFormat.FP32}) {
                for (Summation order : Summation.values()) {
                    RopeResult ok = CandidateAttention.compute(inst, fmt, order, Bug.NONE);
                    for (Bug bug : Bug.values()) {
                        if (bug == Bug.NONE) {
                            continue;
                        }
                        String what = fam + " " + fmt + " " + order + " " + bug;
                        RopeResult bad = CandidateAttention.compute(inst, fmt, order, bug);
                        Object[] nf = named(bug);
                        Quantity field = (Quantity) nf[0];
                        // binary32 storage may round the perturbed entry by up to u_32 relative.
                        double nominal = (Double) nf[1] * (fmt == FloatFormat.FP32 ? 1 - 0.1 : 1 - 1e-9);
                        double change = maxRelativeChange(bad.get(field), ok.get(field));
                        assertTrue(change >= nominal, what + ": " + field.key() + " changed by " + change
                                + " < " + nominal);
                        Set<Quantity> only = touched(bug);
                        if (only != null) {
                            for (Quantity q : FIELDS) {
                                if (!only.contains(q)) {
                                    assertArrayEquals(ok.get(q).data, bad.get(q).data, 0.0, what + " touched " + q.key());
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The relative change of a field: for the structural and scaling bugs the normwise
     * {@code max|bad - ok| / max|ok|}; for a one-entry change that entry's own relative change, so
     * it is at least the nominal factor.
     */
    private static double maxRelativeChange(DMatrixRMaj bad, DMatrixRMaj ok) {
        double entry = 0;
        for (int t = 0; t < ok.data.length; t++) {
            if (bad.data[t] != ok.data[t] && ok.data[t] != 0) {
                entry = Math.max(entry, Math.abs(bad.data[t] - ok.data[t]) / Math.abs(ok.data[t]));
            }
        }
        return Math.max(entry, normwise(bad, ok));
    }

    @Test
    @DisplayName("One-entry bugs perturb exactly one entry: the largest |value|, or the index given")
    void oneEntryBugsHitTheChosenEntry() {
        RopeInstance inst = new InstanceSpec(50, 4, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 5L).build();
        RopeResult ok = CandidateAttention.compute(inst, FloatFormat.FP64, Summation.NAIVE, Bug.NONE);
        Object[][] cases = {{Bug.ONE_ATTENTION_ENTRY_1E3, Quantity.ATTENTION, 1e-3},
            {Bug.ONE_GRAD_WQ_ENTRY_1E6, Quantity.GRAD_WQ, 1e-6}};
        for (Object[] c : cases) {
            Bug bug = (Bug) c[0];
            Quantity q = (Quantity) c[1];
            double factor = 1 + (Double) c[2];
            int[] largest = CandidateAttention.largestEntry(ok.get(q));
            checkOneEntry(ok.get(q), CandidateAttention.compute(inst, FloatFormat.FP64, Summation.NAIVE, bug).get(q),
                    largest, factor);
            int[] given = {1, 2};
            checkOneEntry(ok.get(q), CandidateAttention.compute(inst, FloatFormat.FP64, Summation.NAIVE, bug,
                    CandidateAttention.DEFAULT_BLOCK, given[0], given[1]).get(q), given, factor);
        }
        DMatrixRMaj m = new DMatrixRMaj(2, 3, true, 1, -5, 2, 5, 0, -3);
        assertArrayEquals(new int[] {0, 1}, CandidateAttention.largestEntry(m));
    }

    private static void checkOneEntry(DMatrixRMaj ok, DMatrixRMaj bad, int[] at, double factor) {
        int changed = 0;
        for (int x = 0; x < ok.numRows; x++) {
            for (int y = 0; y < ok.numCols; y++) {
                if (ok.get(x, y) != bad.get(x, y)) {
                    changed++;
                    assertArrayEquals(at, new int[] {x, y});
                    assertEquals(ok.get(x, y) * factor, bad.get(x, y), 0.0);
                }
            }
        }
        assertEquals(1, changed, "exactly one entry changes");
    }

    @Test
    @DisplayName("Binary32 through (float) of the double operation equals Java float arithmetic bit for bit")
    void emulatedBinary32IsFloatArithmetic() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        Arith ar = new Arith(FloatFormat.FP32, 4);
        for (int t = 0; t < 100_000; t++) {
            float a = (float) ((rnd.nextDouble() - 0.5) * Math.scalb(1.0, rnd.nextInt(-30, 30)));
            float b = (float) ((rnd.nextDouble() - 0.5) * Math.scalb(1.0, rnd.nextInt(-30, 30)));
            assertEquals(a + b, (float) ar.op((double) a + b), 0.0f);
            assertEquals(a - b, (float) ar.op((double) a - b), 0.0f);
            assertEquals(a * b, (float) ar.op((double) a * b), 0.0f);
            assertEquals(a / b, (float) ar.op((double) a / b), 0.0f);
        }
    }

    @Test
    @DisplayName("The pairwise accumulator is the balanced tree for 2^k terms; blocked sums tile by tile")
    void accumulatorOrders() {
        Arith ar = new Arith(FloatFormat.FP32, 1);
        float[] t = {1e8f, 1f, -1e8f, 1f, 3.25f, 1e-3f, 7f, -2.5f};
        Accumulator pw = Accumulator.of(Summation.PAIRWISE, 1, ar, 1);
        Accumulator bl = Accumulator.of(Summation.BLOCKED_ONLINE_SOFTMAX, 1, ar, 3);
        Accumulator st = Accumulator.of(Summation.NAIVE, 1, ar, 1);
        for (float x : t) {
            for (Accumulator a : new Accumulator[] {pw, bl, st}) {
                a.put(0, x);
                a.commit();
            }
        }
        double[] out = new double[1];
        pw.finish(out, 0);
        float tree = ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
        assertEquals(tree, out[0], 0.0);
        bl.finish(out, 0);
        float blocked = ((t[0] + t[1] + t[2]) + (t[3] + t[4] + t[5])) + (t[6] + t[7]);
        assertEquals(blocked, out[0], 0.0);
        st.finish(out, 0);
        float straight = t[0] + t[1] + t[2] + t[3] + t[4] + t[5] + t[6] + t[7];
        assertEquals(straight, out[0], 0.0);
        assertTrue(tree != straight, "the orders must differ on this data for the test to mean anything");
    }
}
