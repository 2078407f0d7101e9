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
import dev.ropecheck.report.BoundAttainment;
import dev.ropecheck.report.RoundingAttainment;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
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

    private static RopeInstance projectionInstance(double[] a3row, double[] wvcol, int d) {
        return RoundingAttainment.projectionInstance(a3row, wvcol, d);
    }

    private static double hBound(RopeInstance inst, FloatFormat fmt) {
        return RoundingAttainment.stage1Bound(inst, fmt);
    }

    @Test
    @DisplayName("check-verdicts: stage 1 in fp32: three roundings of 0.9u attain 0.6 of gamma_2 + u (derived fraction 0.59)")
    @dev.ropecheck.specs.Spec("check-verdicts")
    void fp32ProjectionAttainsDerivedFraction() {
        BoundAttainment.Attained a = RoundingAttainment.fp32Projection();
        assertTrue(a.measured() <= a.allowed(), "unsound: " + a.measured() + " > " + a.allowed());
        assertTrue(a.ratio() >= 0.59, "fp32 stage 1: measured/bound " + a.ratio() + " < 0.59 (derived, see class comment)");
        // and at most 2u of 3u: an fp32 accumulator has no separate storage rounding
        assertTrue(a.ratio() <= 2.0 / 3, "measured/bound " + a.ratio() + " > 2/3");
    }

    @Test
    @DisplayName("check-verdicts: stage 1 storage in bf16 and fp16: 1 + 15 2^-(p+4) rounds to 1, 0.93 of the bound")
    @dev.ropecheck.specs.Spec("check-verdicts")
    void sixteenBitStorageAttainsDerivedFraction() {
        for (FloatFormat fmt : List.of(FloatFormat.BF16, FloatFormat.FP16)) {
            int p = fmt.precision();
            double tail = 15 * Math.scalb(1.0, -(p + 4));
            assertEquals(1.0, fmt.round((float) (1f + (float) tail)), fmt + ": 1 + tail must round to 1");
            BoundAttainment.Attained a = RoundingAttainment.sixteenBitStorage(fmt);
            assertTrue(a.measured() <= a.allowed(), fmt + " unsound: ratio " + a.ratio());
            assertTrue(a.ratio() >= a.fraction() && a.fraction() > 0.93, fmt + ": measured/bound " + a.ratio()
                    + " < derived " + a.fraction());
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
