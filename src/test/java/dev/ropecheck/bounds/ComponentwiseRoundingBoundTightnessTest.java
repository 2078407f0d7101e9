package dev.ropecheck.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.candidates.Bug;
import dev.ropecheck.candidates.CandidateAttention;
import dev.ropecheck.candidates.Summation;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.reference.RopeReferenceEngine_AP;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Tightness and soundness of {@link ComponentwiseRoundingBound} against real low-precision
 * evaluations ({@code proofs-notes/componentwise-rounding.md}; tightness fractions derived in
 * {@code proofs-notes/mutation.md}).
 *
 * <ul>
 *   <li>Stage 1 in fp32 ({@code γ_d} and the storage rounding, {@code d = 2}): Java {@code float}
 *       products and sum, on inputs chosen so that each of the three roundings is at least {@code 0.9 u}
 *       downwards. The evaluation attains {@code 1.8 u Σ|a w|}; the bound is
 *       {@code (γ_2 + u (1 + γ_2)) Σ|a w| (1 + 2^-20) ≈ 3 u Σ|a w|} (an fp32 accumulator has no
 *       separate storage rounding, which the model charges anyway since it covers a wider
 *       accumulator), so measured/bound {@code >= 0.6 (1 - 4u) > 0.59}.
 *   <li>Stage 1 storage in bf16 and fp16 (fp32 accumulation, exact here): {@code h = 1 + 15·2^-(p+4)}
 *       rounds to 1, an error {@code (1 - 2^-4) u_s} against a bound
 *       {@code u_s (1 + 15·2^-(p+4)) + O(u_a)}: measured/bound
 *       {@code >= (1 - 2^-4)/(1 + 2^-p) (1 - 2^-10) > 0.93} (bf16, {@code p = 8}) and {@code > 0.93} (fp16).
 *   <li>Soundness: the candidate kernels of {@code dev.ropecheck.candidates} (naive, pairwise and online
 *       softmax; fp32, bf16, fp16) and a sorted recursive fp32 projection (largest term first, so the
 *       largest terms pass through the most roundings) never exceed the bound on the adversarial
 *       instances (entries at {@code ±B} alternating, all {@code +B}, near-one-hot rows, random signs
 *       at {@code ±B}), against the 40-digit reference.
 * </ul>
 */
class ComponentwiseRoundingBoundTightnessTest {
    private static final double U32 = 0x1p-24;

    /** {@code x y} in double (exact: 24 + 24 bits) minus its float rounding, relative to {@code x y}. */
    private static double productRoundingDown(float x, float y) {
        double exact = (double) x * (double) y;
        return (exact - (float) exact) / exact;
    }

    /**
     * Four fp32 values {@code a1, w1, a2, w2} in {@code [1, 1.1)} with both products and their sum
     * rounded down by at least {@code 0.9 u} relative (a deterministic search).
     */
    static float[] worstStage1Inputs() {
        List<float[]> good = new ArrayList<>();
        long x = 0x5DEECE66DL;
        for (int t = 0; t < 400_000 && good.size() < 400; t++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            float a = 1f + (float) (((x >>> 40) & 0xFFFFFF) / (double) (1 << 24)) * 0.05f;
            x = x * 6364136223846793005L + 1442695040888963407L;
            float w = 1f + (float) (((x >>> 40) & 0xFFFFFF) / (double) (1 << 24)) * 0.05f;
            if (productRoundingDown(a, w) >= 0.9 * U32) {
                good.add(new float[] {a, w});
            }
        }
        for (int i = 0; i < good.size(); i++) {
            for (int j = 0; j < good.size(); j++) {
                float p1 = good.get(i)[0] * good.get(i)[1];
                float p2 = good.get(j)[0] * good.get(j)[1];
                double exact = (double) p1 + (double) p2; // exact: both in [1, 2.25), 25 bits
                if ((exact - (float) exact) / exact >= 0.9 * U32) {
                    return new float[] {good.get(i)[0], good.get(i)[1], good.get(j)[0], good.get(j)[1]};
                }
            }
        }
        throw new AssertionError("no adversarial stage-1 inputs found");
    }

    private static RopeInstance projectionInstance(double[] a3row, double[] wvcol, int d) {
        DMatrixRMaj a3 = new DMatrixRMaj(1, d);
        DMatrixRMaj wv = new DMatrixRMaj(d, d);
        for (int c = 0; c < d; c++) {
            a3.set(0, c, a3row[c]);
            wv.set(c, 0, wvcol[c]);
            wv.set(c, 1, 0.5);
        }
        DMatrixRMaj small = new DMatrixRMaj(1, d);
        small.fill(0.25);
        return RopeInstance.builder().a1(small).a2(small).a3(a3).e(small).wq(CommonOps_DDRM.identity(d))
                .wk(CommonOps_DDRM.identity(d)).wv(wv).family(new IdentityFamily(d)).build();
    }

    private static double hBound(RopeInstance inst, FloatFormat fmt) {
        return new ComponentwiseRoundingBound(RoundingClass.worstCase(fmt), 1)
                .allowed(inst, EnumSet.of(Quantity.H)).get(Quantity.H).get(0, 0);
    }

    @Test
    @DisplayName("check-verdicts: stage 1 in fp32: three roundings of 0.9u attain 0.6 of gamma_2 + u (derived fraction 0.59)")
    @dev.ropecheck.specs.Spec("check-verdicts")
    void fp32ProjectionAttainsDerivedFraction() {
        float[] v = worstStage1Inputs();
        RopeInstance inst = projectionInstance(new double[] {v[0], v[2]}, new double[] {v[1], v[3]}, 2);
        float computed = v[0] * v[1] + v[2] * v[3]; // Java float: product, product, sum, each rounded
        BigDecimal exact = new BigDecimal(v[0]).multiply(new BigDecimal(v[1]))
                .add(new BigDecimal(v[2]).multiply(new BigDecimal(v[3])));
        double err = exact.subtract(new BigDecimal(computed)).abs().doubleValue();
        double bound = hBound(inst, FloatFormat.FP32);
        double ratio = err / bound;
        assertTrue(ratio <= 1, "unsound: " + err + " > " + bound);
        assertTrue(ratio >= 0.59, "fp32 stage 1: measured/bound " + ratio + " < 0.59 (derived, see class comment)");
        // and at most 2u of 3u: an fp32 accumulator has no separate storage rounding
        assertTrue(ratio <= 2.0 / 3, "measured/bound " + ratio + " > 2/3");
    }

    @Test
    @DisplayName("check-verdicts: stage 1 storage in bf16 and fp16: 1 + 15 2^-(p+4) rounds to 1, 0.93 of the bound")
    @dev.ropecheck.specs.Spec("check-verdicts")
    void sixteenBitStorageAttainsDerivedFraction() {
        for (FloatFormat fmt : List.of(FloatFormat.BF16, FloatFormat.FP16)) {
            int p = fmt.precision();
            double tail = 15 * Math.scalb(1.0, -(p + 4)); // exact in the format: 4 significant bits
            RopeInstance inst = projectionInstance(new double[] {1, 1}, new double[] {1, tail}, 2);
            double exact = 1 + tail; // the fp32 sum is exact (p + 4 <= 24 bits)
            double computed = fmt.round((float) (1f + (float) tail));
            assertEquals(1.0, computed, fmt + ": " + exact + " must round to 1");
            double ratio = (exact - computed) / hBound(inst, fmt);
            double derived = (1 - 0x1p-4) / (1 + Math.scalb(1.0, -p)) * (1 - 0x1p-10);
            assertTrue(ratio <= 1, fmt + " unsound: ratio " + ratio);
            assertTrue(ratio >= derived, fmt + ": measured/bound " + ratio + " < derived " + derived);
        }
    }

    /** Adversarial families of entries at {@code ±b}. */
    static DMatrixRMaj pattern(String kind, int r, int c, double b, long seed) {
        DMatrixRMaj m = new DMatrixRMaj(r, c);
        long x = seed * 0x9E3779B97F4A7C15L + 7;
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                double v;
                switch (kind) {
                    case "alternating":
                        v = ((i + j) % 2 == 0) ? b : -b;
                        break;
                    case "all+B":
                        v = b;
                        break;
                    case "one-hot":
                        v = (j == i % c) ? b : b / 16;
                        break;
                    default:
                        x = x * 6364136223846793005L + 1442695040888963407L;
                        v = (x >>> 63) == 0 ? b : -b;
                        break;
                }
                m.set(i, j, v);
            }
        }
        return m;
    }

    static RopeInstance adversarial(String kind, int n, int d, PositionFamily fam, double b, long seed) {
        return RopeInstance.builder().a1(pattern(kind, n, d, b, seed)).a2(pattern(kind, n, d, b, seed + 1))
                .a3(pattern("random", n, d, b, seed + 2)).e(pattern("random", n, d, b / 2, seed + 3))
                .wq(pattern(kind.equals("one-hot") ? "one-hot" : kind, d, d, b, seed + 4))
                .wk(pattern(kind.equals("one-hot") ? "one-hot" : kind, d, d, b, seed + 5))
                .wv(pattern("random", d, d, b, seed + 6)).family(fam).build();
    }

    @Test
    @DisplayName("check-verdicts: naive, pairwise and online-softmax kernels in fp32, bf16 and fp16 never exceed the bound"
            + " on entries at +-B alternating, all +B, near-one-hot rows and random signs")
    @dev.ropecheck.specs.Spec("check-verdicts")
    void candidateKernelsNeverExceedTheBoundOnAdversarialInstances() {
        RopeReferenceEngine_AP ref = RopeReferenceEngine_AP.withDigits(40);
        double worst = 0;
        int entries = 0;
        long seed = 11;
        for (String kind : List.of("alternating", "all+B", "one-hot", "random")) {
            for (int[] nd : new int[][] {{2, 2}, {5, 2}, {17, 4}}) {
                int n = nd[0];
                int d = nd[1];
                for (PositionFamily fam : List.of(new RopeFamily(d), new IdentityFamily(d))) {
                    // B keeps alpha = Σ_j exp(s_ij) below fp16's 65504 (overflow is a kernel failure, outside the model)
                    RopeInstance inst = adversarial(kind, n, d, fam, d == 2 ? 1.0 : 0.6, seed++);
                    RopeResult exact = ref.computeAll(inst);
                    for (FloatFormat fmt : List.of(FloatFormat.FP32, FloatFormat.BF16, FloatFormat.FP16)) {
                        Map<Quantity, DMatrixRMaj> bound = new ComponentwiseRoundingBound(RoundingClass.worstCase(fmt), 1)
                                .allowed(inst, EnumSet.allOf(Quantity.class));
                        for (Summation order : Summation.values()) {
                            RopeResult cand = CandidateAttention.compute(inst, fmt, order, Bug.NONE, 2);
                            for (Quantity q : cand.quantities()) {
                                DMatrixRMaj got = cand.get(q);
                                DMatrixRMaj want = exact.get(q);
                                DMatrixRMaj allowed = bound.get(q);
                                for (int t = 0; t < got.data.length; t++) {
                                    double err = Math.abs(got.data[t] - want.data[t]);
                                    double ratio = err / allowed.data[t];
                                    assertTrue(ratio <= 1, fmt + " " + order + " " + kind + " n=" + n + " " + fam.name()
                                            + " " + q + "[" + t + "]: error " + err + " > bound " + allowed.data[t]);
                                    worst = Math.max(worst, ratio);
                                    entries++;
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(entries > 10_000, "compared " + entries + " entries");
        // the search must reach the bound's scale, or it proves nothing about a tightened bound
        assertTrue(worst > 0.1, "worst measured/bound " + worst);
        System.out.println("componentwise bound, adversarial candidates: worst measured/bound " + worst);
    }

    @Test
    @DisplayName("check-verdicts: a sorted recursive fp32 projection (largest term first) stays within the stage-1 bound")
    @dev.ropecheck.specs.Spec("check-verdicts")
    void sortedRecursiveProjectionWithinBound() {
        int d = 8;
        double worst = 0;
        long x = 99;
        for (int trial = 0; trial < 2000; trial++) {
            double[] a = new double[d];
            double[] w = new double[d];
            for (int c = 0; c < d; c++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
                a[c] = (float) (1 + ((x >>> 40) & 0xFFFFFF) / (double) (1 << 24));
                x = x * 6364136223846793005L + 1442695040888963407L;
                w[c] = (float) (1 + ((x >>> 40) & 0xFFFFFF) / (double) (1 << 24));
            }
            float[] prod = new float[d];
            for (int c = 0; c < d; c++) {
                prod[c] = (float) a[c] * (float) w[c];
            }
            float[] sorted = prod.clone();
            Arrays.sort(sorted);
            float s = 0;
            for (int c = d - 1; c >= 0; c--) {
                s += sorted[c];
            }
            BigDecimal exact = BigDecimal.ZERO;
            for (int c = 0; c < d; c++) {
                exact = exact.add(new BigDecimal(a[c]).multiply(new BigDecimal(w[c])));
            }
            double err = exact.subtract(new BigDecimal(s)).abs().doubleValue();
            RopeInstance inst = projectionInstance(a, w, d);
            double ratio = err / hBound(inst, FloatFormat.FP32);
            assertTrue(ratio <= 1, "trial " + trial + ": ratio " + ratio);
            worst = Math.max(worst, ratio);
        }
        // 15 roundings of at most u each against (d + 1) u: the search reaches a visible share of it
        assertTrue(worst > 0.05, "worst " + worst);
    }
}
