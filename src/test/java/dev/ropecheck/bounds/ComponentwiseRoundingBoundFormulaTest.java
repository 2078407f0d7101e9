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
import java.math.BigDecimal;
import java.math.MathContext;
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
 * within {@code 2 γ_64 < 2^-45}; both form the relative errors {@code exp(y) Π(1 + x_i) - 1} as
 * {@code expm1(y + Σ log1p(x_i))}, a sum of non-negative terms as well (no cancellation against 1;
 * {@link #fp64SoftmaxBoundsAreNotBelowTheirSixtyDigitValue} checks that against 60 digits). {@code 2^-45} is also what
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
        // all zero: every bound is made of the underflow floors alone (2^-150 in fp32, 2^-25 in fp16),
        // so the floor terms are resolved too; and zero values (E, W_V) among nonzero ones
        DMatrixRMaj z = new DMatrixRMaj(3, 2);
        out.add(RopeInstance.builder().a1(z).a2(z).a3(z).e(z).wq(new DMatrixRMaj(2, 2)).wk(new DMatrixRMaj(2, 2))
                .wv(new DMatrixRMaj(2, 2)).family(new RopeFamily(2)).build());
        out.add(instance(3, 2, new RopeFamily(2), seed++, false, false, Double.NaN, false).toBuilder().e(z).clearY()
                .wv(new DMatrixRMaj(2, 2)).build());
        // where the floors decide (fp32: 2^-150): row 0 has a gap of 144 between its scores, so
        // f_01 = e^-144 and f_01 rho_f are far below the underflow term phi of f; row 1 has both
        // scores at -105, so alpha = 2 e^-105 and A_1j carry less than their floors n phi_a, phi_s + phi_a
        DMatrixRMaj fq = new DMatrixRMaj(new double[][] {{12, -12}, {0, 17.5}});
        DMatrixRMaj fk = new DMatrixRMaj(new double[][] {{12, -12}, {-12, -12}});
        out.add(RopeInstance.builder().qkv(fq, fk, m(2, 2, 5, false)).e(m(2, 2, 6, false)).family(new IdentityFamily(2))
                .build());
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

    private static final MathContext MC = new MathContext(60);

    private static BigDecimal b(double x) {
        return new BigDecimal(x);
    }

    /** {@code e^x} to 60 digits for {@code |x| <= 2} (Taylor series, 60 terms: remainder below 1e-60). */
    private static BigDecimal exp(BigDecimal x) {
        BigDecimal sum = BigDecimal.ONE;
        BigDecimal term = BigDecimal.ONE;
        for (int k = 1; k < 60; k++) {
            term = term.multiply(x, MC).divide(BigDecimal.valueOf(k), MC);
            sum = sum.add(term, MC);
        }
        return sum;
    }

    @Test
    @DisplayName("check-verdicts: in fp64 the softmax bounds (A, f, alpha; stage 4) are never below their 60-digit value:"
            + " 1 <= bound/value <= 1 + 2^-19 (the safety factor 1 + 2^-20 covers the binary64 evaluation)")
    @dev.ropecheck.specs.Spec("check-verdicts")
    void fp64SoftmaxBoundsAreNotBelowTheirSixtyDigitValue() {
        double u = 0x1p-53;
        BigDecimal one = BigDecimal.ONE;
        BigDecimal bu = b(u);
        RoundingClass cls = RoundingClass.worstCase(FloatFormat.FP64);
        ComponentwiseRoundingBound bound = new ComponentwiseRoundingBound(cls, 1);
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (long seed = 1; seed <= 300; seed++) {
            // n = 1, d = 2, identity, q, k given (exact or not): f = 1, the scores' error enters only
            // through exp, so a binary64 e_s (hand model, stage 3) is accurate enough there
            RopeInstance inst = RopeInstance.builder().qkv(m(1, 2, seed, seed % 2 == 0), m(1, 2, seed + 7, seed % 3 == 0),
                    m(1, 2, seed + 13, false)).e(m(1, 2, seed + 17, false)).family(new IdentityFamily(2)).build();
            Map<Quantity, DMatrixRMaj> got = bound.allowed(inst, EnumSet.of(Quantity.A, Quantity.F, Quantity.ALPHA));
            double[] q = inst.a1().data;
            double[] k = inst.a2().data;
            double val = 0;
            double lin = 0;
            double quad = 0;
            for (int c = 0; c < 2; c++) {
                double eq = FloatFormat.FP64.isExact(q[c]) ? 0 : u * Math.abs(q[c]) + Double.MIN_VALUE / 2;
                double ek = FloatFormat.FP64.isExact(k[c]) ? 0 : u * Math.abs(k[c]) + Double.MIN_VALUE / 2;
                val += q[c] * k[c];
                lin += eq * Math.abs(k[c]) + (Math.abs(q[c]) + eq) * ek;
                quad += (Math.abs(q[c]) + eq) * (Math.abs(k[c]) + ek);
            }
            double s = 0.5 * val;
            double es0 = 0.5 * (lin + 8 * u / (1 - 8 * u) * quad);
            double es = es0 + u * (Math.abs(s) * (1 + 0x1p-40) + es0) + Double.MIN_VALUE / 2;
            BigDecimal span = b(2 * Math.abs(s)).add(b(2 * es));
            BigDecimal twoU = bu.multiply(b(2));
            BigDecimal rhoA = exp(b(es).add(twoU.multiply(span))).multiply(one.add(twoU)).multiply(one.add(bu))
                    .multiply(one.add(bu), MC).subtract(one);
            BigDecimal g4 = b(4 * u).divide(one.subtract(b(4 * u)), MC);
            BigDecimal rhoL = one.add(rhoA).multiply(one.add(g4), MC).subtract(one);
            BigDecimal rhoF = one.add(rhoA).multiply(one.add(bu)).multiply(one.add(bu)).divide(one.subtract(rhoL), MC)
                    .subtract(one);
            BigDecimal relA = exp(b(2 * es).add(twoU.multiply(span))).multiply(one.add(twoU).pow(2))
                    .multiply(one.add(bu).pow(3), MC).subtract(one);
            BigDecimal expS = exp(b(s));
            BigDecimal aBound = expS.multiply(relA, MC);
            BigDecimal relAlpha = one.add(rhoA).multiply(one.add(g4)).multiply(one.add(twoU).pow(2)).multiply(one.add(bu))
                    .multiply(exp(b(es)), MC).subtract(one);
            BigDecimal alphaErr = expS.multiply(relAlpha, MC);
            BigDecimal alphaBound = alphaErr.add(bu.multiply(expS.add(alphaErr), MC));
            double[][] pairs = {{got.get(Quantity.F).get(0, 0), rhoF.doubleValue()},
                {got.get(Quantity.A).get(0, 0), aBound.doubleValue()},
                {got.get(Quantity.ALPHA).get(0, 0), alphaBound.doubleValue()}};
            for (double[] p : pairs) {
                double r = p[0] / p[1];
                lo = Math.min(lo, r);
                hi = Math.max(hi, r);
            }
        }
        // the underflow floors (below 1e-300) and the binary64 rounding (a few ulps) are all that separate
        // bound/value from the safety factor 1 + 2^-20
        assertTrue(lo >= 1 && hi <= 1 + 0x1p-19, "bound / 60-digit value in [" + lo + ", " + hi + "]");
    }

    @Test
    @DisplayName("check-verdicts: a bound the model cannot give (rho_l >= 1: bf16 scores of 1600) is +inf, never NaN")
    @dev.ropecheck.specs.Spec("check-verdicts")
    void vacuousBoundIsInfiniteNotNaN() {
        DMatrixRMaj q = new DMatrixRMaj(new double[][] {{40, 40}, {40, -40}});
        RopeInstance inst = RopeInstance.builder().qkv(q, q, q).e(q).family(new IdentityFamily(2)).build();
        Map<Quantity, DMatrixRMaj> got = new ComponentwiseRoundingBound(RoundingClass.worstCase(FloatFormat.BF16), 1)
                .allowed(inst, EnumSet.allOf(Quantity.class));
        int infinite = 0;
        for (Map.Entry<Quantity, DMatrixRMaj> e : got.entrySet()) {
            for (double v : e.getValue().data) {
                assertTrue(v >= 0, e.getKey() + " has " + v);
                if (v == Double.POSITIVE_INFINITY) {
                    infinite++;
                }
            }
        }
        for (double v : got.get(Quantity.F).data) {
            assertEquals(Double.POSITIVE_INFINITY, v, "f is unbounded when rho_l >= 1");
        }
        assertTrue(got.get(Quantity.H).get(0, 0) < Double.POSITIVE_INFINITY, "stage 1 stays finite");
        assertTrue(infinite > 0);
    }

    @Test
    @DisplayName("check-verdicts: each field asked alone is bit for bit the field of the full evaluation; no field asked"
            + " gives the loss; two threads on several chunks (n = 40) equal one thread and the note")
    @dev.ropecheck.specs.Spec("check-verdicts")
    void fieldSubsetsAndThreadsChangeNothing() {
        RoundingClass cls = RoundingClass.worstCase(FloatFormat.FP16);
        RopeInstance inst = instance(3, 4, new RopeFamily(4), 77, true, false, Double.NaN, false);
        ComponentwiseRoundingBound bound = new ComponentwiseRoundingBound(cls, 1);
        Map<Quantity, DMatrixRMaj> all = bound.allowed(inst, EnumSet.allOf(Quantity.class));
        for (Quantity q : all.keySet()) {
            Map<Quantity, DMatrixRMaj> one = bound.allowed(inst, EnumSet.of(q));
            assertEquals(Set.of(q), one.keySet(), "asked for " + q);
            assertTrue(java.util.Arrays.equals(all.get(q).data, one.get(q).data), q + " alone differs");
        }
        assertEquals(Set.of(Quantity.LOSS), bound.allowed(inst, Set.of()).keySet());
        assertTrue(bound.allowed(inst, EnumSet.of(Quantity.LSE)).isEmpty(), "lse is RoundingTolerance's, not this class's");
        RopeInstance big = instance(40, 2, new RopeFamily(2), 5, true, false, Double.NaN, false);
        RopeInstance bigCausal = instance(40, 2, new IdentityFamily(2), 6, false, true, Double.NaN, false);
        // n = 40: gamma~_k(lambda) < gamma_k for k = 4n (at n <= 3 the probabilistic class is the worst case)
        RoundingClass prob = RoundingClass.probabilistic(FloatFormat.FP32);
        Map<Quantity, DMatrixRMaj> p40 = new ComponentwiseRoundingBound(prob, 1).allowed(big, EnumSet.allOf(Quantity.class));
        Map<Quantity, double[]> h40 = new ComponentwiseHandModel(prob).allowed(big);
        for (Quantity q : p40.keySet()) {
            assertMatches("probabilistic n=40 " + q, h40.get(q), p40.get(q).data);
        }
        assertTrue(p40.get(Quantity.ATTENTION).get(0, 0) < new ComponentwiseRoundingBound(RoundingClass.worstCase(
                FloatFormat.FP32), 1).allowed(big, EnumSet.of(Quantity.ATTENTION)).get(Quantity.ATTENTION).get(0, 0));
        for (RopeInstance b : List.of(big, bigCausal)) {
            Map<Quantity, DMatrixRMaj> one = new ComponentwiseRoundingBound(cls, 1).allowed(b, EnumSet.allOf(Quantity.class));
            Map<Quantity, DMatrixRMaj> two = new ComponentwiseRoundingBound(cls, 2).allowed(b, EnumSet.allOf(Quantity.class));
            Map<Quantity, double[]> hand = new ComponentwiseHandModel(cls).allowed(b);
            assertEquals(one.keySet(), two.keySet());
            for (Quantity q : one.keySet()) {
                // chunks merge their sums in a fixed order, so the thread count cannot matter
                assertTrue(java.util.Arrays.equals(one.get(q).data, two.get(q).data), q + ": threads change the bound");
                assertMatches("n=40 " + q, hand.get(q), one.get(q).data);
            }
        }
        assertEquals(cls, bound.roundingClass());
        assertTrue(new ComponentwiseRoundingBound(cls).roundingClass() == cls);
    }

    @Test
    @DisplayName("check-verdicts: preconditions: weights and the RoPE or identity family, else no field and a reason")
    @dev.ropecheck.specs.Spec("check-verdicts")
    void preconditions() {
        RopeInstance ok = instance(2, 2, new RopeFamily(2), 3, false, false, Double.NaN, false);
        assertEquals(EnumSet.allOf(Quantity.class), ComponentwiseRoundingBound.supported(ok));
        assertEquals("", ComponentwiseRoundingBound.unsupportedReason(ok));
        RopeInstance identity = instance(2, 2, new IdentityFamily(2), 3, false, false, Double.NaN, false);
        assertEquals(EnumSet.allOf(Quantity.class), ComponentwiseRoundingBound.supported(identity));
        assertEquals("", ComponentwiseRoundingBound.unsupportedReason(identity));
        RopeInstance generalX = ok.toBuilder().clearX().x(m(4, 4, 9, false)).build();
        DMatrixRMaj[] mats = {m(2, 2, 1, false), m(2, 2, 2, false), m(2, 2, 3, false)};
        RopeInstance explicit = ok.toBuilder().family(new ExplicitFamily(mats, Support.full(2))).build();
        ComponentwiseRoundingBound bound = new ComponentwiseRoundingBound(RoundingClass.worstCase(FloatFormat.FP32), 1);
        for (RopeInstance bad : List.of(generalX, explicit)) {
            assertTrue(ComponentwiseRoundingBound.supported(bad).isEmpty(), bad.toString());
            String why = ComponentwiseRoundingBound.unsupportedReason(bad);
            assertTrue(why.contains(bad == generalX ? "general X" : explicit.family().name()), why);
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> bound.allowed(bad, EnumSet.of(Quantity.ATTENTION)));
            assertEquals(why, ex.getMessage());
        }
        assertThrows(IllegalArgumentException.class,
                () -> new ComponentwiseRoundingBound(RoundingClass.worstCase(FloatFormat.FP32), 0));
        assertEquals(1, new ComponentwiseRoundingBound(RoundingClass.worstCase(FloatFormat.FP32), 1)
                .allowed(ok, EnumSet.of(Quantity.LOSS)).size());
    }
}
