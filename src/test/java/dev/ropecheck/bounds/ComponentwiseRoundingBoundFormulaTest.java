package dev.ropecheck.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.model.ExplicitFamily;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link ComponentwiseRoundingBound} recomputed entry by entry from the stage formulas of
 * {@code proofs-notes/componentwise-rounding.md} ({@link ComponentwiseHandModel}) on tiny instances
 * ({@code n = 1, 2, 3}, {@code d = 2, 4, 6}), in every rounding class, both RoPE layouts and the
 * identity, with a causal mask, a score scale, {@code q, k, v} given directly and inputs that are
 * not exact in the storage format.
 *
 * <p>Tolerance {@link #REL}: the two evaluations compute the same real expression in binary64 in
 * different groupings. Every bound entry is a sum of non-negative terms, each a product of at most
 * {@code K = 64} rounded factors along its longest path (the deepest is {@code gradX}: projection,
 * rotation, score, softmax, {@code c}, {@code q}, {@code t}, {@code p}, then two sums), so each
 * evaluation is within {@code γ_K(2^-53)} relative of the real value (Higham Lemma 3.1), and the two
 * within {@code 2 γ_64 < 2^-45}; the relative errors {@code Π(1 + x) - 1} are formed with the same
 * factor order in both (their cancellation against 1 is then identical). {@code 2^-45} is also what
 * the smallest changed constant of the model moves an entry by: the pad is {@code u_s 2^-40} of a
 * stored magnitude against a bound of at least {@code γ_d} of it, {@code 2^-28} relative in fp16.
 */
class ComponentwiseRoundingBoundFormulaTest {
    static final double REL = 0x1p-45;

    static final List<RoundingClass> CLASSES = List.of(RoundingClass.worstCase(FloatFormat.FP64),
            RoundingClass.worstCase(FloatFormat.FP32), RoundingClass.worstCase(FloatFormat.BF16),
            RoundingClass.worstCase(FloatFormat.FP16), RoundingClass.probabilistic(FloatFormat.FP32),
            new RoundingClass(FloatFormat.BF16, true, 1e-3));

    /** Dyadic entries with few bits (exact in fp16 and bf16) unless {@code inexact}; signs mixed. */
    static DMatrixRMaj m(int r, int c, long seed, boolean inexact) {
        DMatrixRMaj out = new DMatrixRMaj(r, c);
        long x = seed * 0x9E3779B97F4A7C15L + 12345;
        for (int t = 0; t < r * c; t++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            int k = (int) ((x >>> 33) % 31) - 15; // -15..15
            double v = k / 16.0;
            if (v == 0) {
                v = 0.25;
            }
            out.data[t] = inexact ? v * 1.1 : v;
        }
        return out;
    }

    static RopeInstance instance(int n, int d, PositionFamily fam, long seed, boolean inexact, boolean causal,
            double scale, boolean qkv) {
        RopeInstance.Builder b = RopeInstance.builder();
        if (qkv) {
            b.qkv(m(n, d, seed, inexact), m(n, d, seed + 1, inexact), m(n, d, seed + 2, inexact));
        } else {
            b.a1(m(n, d, seed, inexact)).a2(m(n, d, seed + 1, inexact)).a3(m(n, d, seed + 2, inexact))
                    .wq(m(d, d, seed + 3, inexact)).wk(m(d, d, seed + 4, inexact)).wv(m(d, d, seed + 5, inexact));
        }
        b.e(m(n, d, seed + 6, inexact)).family(fam).causal(causal);
        if (!Double.isNaN(scale)) {
            b.scale(scale);
        }
        return b.build();
    }

    static List<RopeInstance> instances() {
        List<RopeInstance> out = new ArrayList<>();
        long seed = 1;
        for (int n = 1; n <= 3; n++) {
            out.add(instance(n, 2, new IdentityFamily(2), seed++, false, false, Double.NaN, false));
            out.add(instance(n, 2, new RopeFamily(2), seed++, false, false, Double.NaN, false));
        }
        out.add(instance(3, 4, new RopeFamily(4, RopeFamily.DEFAULT_BASE, RopeFamily.Layout.HALF_SPLIT), seed++, false,
                false, Double.NaN, false));
        out.add(instance(3, 4, new RopeFamily(4, 100.0, RopeFamily.Layout.INTERLEAVED), seed++, true, false, Double.NaN,
                false));
        // d = 6: 2k/d is not exact, theta carries ln(base) more ulps
        out.add(instance(2, 6, new RopeFamily(6, 500.0, RopeFamily.Layout.INTERLEAVED), seed++, false, false, Double.NaN,
                false));
        out.add(instance(3, 2, new RopeFamily(2), seed++, true, true, Double.NaN, false));
        out.add(instance(3, 2, new IdentityFamily(2), seed++, false, true, 0.75, false));
        out.add(instance(2, 2, new RopeFamily(2), seed++, true, false, 1.3, true));
        out.add(instance(3, 4, new IdentityFamily(4), seed++, true, false, Double.NaN, true));
        return out;
    }

    static void assertMatches(String what, double[] hand, double[] got) {
        assertEquals(hand.length, got.length, what + ": shape");
        for (int t = 0; t < hand.length; t++) {
            if (hand[t] == 0) {
                assertEquals(0.0, got[t], what + "[" + t + "] must be exactly 0");
                continue;
            }
            double rel = Math.abs(got[t] - hand[t]) / hand[t];
            assertTrue(hand[t] > 0 && rel <= REL, what + "[" + t + "]: class " + got[t] + " vs note " + hand[t]
                    + " (relative " + rel + ")");
        }
    }

    @Test
    @DisplayName("check-verdicts: every entry of every field equals the note's stage formulas (stages 0-9), every class,"
            + " family, mask, scale and input kind")
    @dev.ropecheck.specs.Spec("check-verdicts")
    void everyEntryEqualsTheStageFormulas() {
        int compared = 0;
        for (RoundingClass cls : CLASSES) {
            ComponentwiseRoundingBound bound = new ComponentwiseRoundingBound(cls, 1);
            for (RopeInstance inst : instances()) {
                Map<Quantity, double[]> hand = new ComponentwiseHandModel(cls).allowed(inst);
                Map<Quantity, DMatrixRMaj> got = bound.allowed(inst, EnumSet.allOf(Quantity.class));
                assertEquals(hand.keySet(), got.keySet(), "fields of " + inst);
                for (Quantity q : hand.keySet()) {
                    assertMatches(cls.label() + " " + inst + " " + q, hand.get(q), got.get(q).data);
                    compared += hand.get(q).length;
                }
            }
        }
        assertTrue(compared > 1000, "compared " + compared + " entries");
    }
}
