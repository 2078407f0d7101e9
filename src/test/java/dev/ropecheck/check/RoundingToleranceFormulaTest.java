package dev.ropecheck.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.bounds.ComponentwiseRoundingBound;
import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.bounds.RoundingClass;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link RoundingTolerance}, the {@code check --dtype} tolerance, term by term (commons-numbers style: the
 * stated formula, bit for bit): the {@code lse} bound of {@code proofs-notes/componentwise-rounding.md} §4,
 * the entrywise {@code min} with the first-order bound above its floor, and how fields are routed
 * ({@code lse} through {@code alpha}; the per-field model where the componentwise one does not apply).
 */
class RoundingToleranceFormulaTest {
    /** A RoPE instance with weights (the componentwise model applies) and its exact-engine reference. */
    private static final RopeInstance INSTANCE = new InstanceSpec(6, 4, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 8L).build();
    private static final RopeResult REFERENCE = new RopeExactEngine_F64().computeAll(INSTANCE);

    @Test
    @DisplayName("lseBound = (-log(1 - rho) + 2 u_a max(log n, |lse|) + (u_a + u_s) |lse| + floor) (1 + 2^-20); infinite at rho >= 1")
    void lseBoundIsItsFormula() {
        RoundingClass cls = RoundingClass.worstCase(FloatFormat.FP32);
        RoundingTolerance model = new RoundingTolerance(cls, 1);
        int n = 100;
        // |lse| below log n (alpha = 3), above it (alpha = 1e-3 and 1e6), and rho at 1
        double[] alpha = {3.0, 1e-3, 1e6, 2.0};
        double[] bound = {3e-6, 1e-7, 5e-2, 2.0};
        DMatrixRMaj got = model.lseBound(new DMatrixRMaj(4, 1, true, bound), new DMatrixRMaj(4, 1, true, alpha), n);
        double ua = cls.uAcc();
        double us = cls.uStore();
        for (int i = 0; i < 3; i++) {
            double rho = bound[i] / alpha[i];
            double lse = Math.abs(Math.log(alpha[i]));
            double expected = (-Math.log1p(-rho) + 2 * ua * Math.max(Math.log(n), lse) + (ua + us) * lse
                    + cls.floorStore()) * (1 + 0x1p-20);
            assertEquals(expected, got.get(i, 0), 0.0, "row " + i);
            // the terms are of different sizes, so each one shows
            assertTrue(got.get(i, 0) > -Math.log1p(-rho), "row " + i);
        }
        assertEquals(Double.POSITIVE_INFINITY, got.get(3, 0));
        assertTrue(2 * ua * Math.log(n) > 1e-3 * got.get(0, 0), "the log term is not negligible in row 0");
    }

    @Test
    @DisplayName("sharpen: the entrywise min of the two bounds, never below 2^-40 of the stage bound")
    void sharpenIsTheFlooredMinimum() {
        Map<Quantity, DMatrixRMaj> into = new EnumMap<>(Quantity.class);
        into.put(Quantity.ATTENTION, new DMatrixRMaj(1, 3, true, 1.0, 1.0, 1.0));
        into.put(Quantity.LOSS, new DMatrixRMaj(1, 1, true, 4.0));
        Map<Quantity, DMatrixRMaj> first = new EnumMap<>(Quantity.class);
        first.put(Quantity.ATTENTION, new DMatrixRMaj(1, 3, true, 0.5, 2.0, 1e-20));
        RoundingTolerance.sharpen(into, first);
        DMatrixRMaj a = into.get(Quantity.ATTENTION);
        assertEquals(0.5, a.get(0, 0), 0.0);
        assertEquals(1.0, a.get(0, 1), 0.0);
        assertEquals(TrustedReference.FIRST_ORDER_FLOOR, a.get(0, 2), 0.0);
        assertEquals(4.0, into.get(Quantity.LOSS).get(0, 0), 0.0, "a field without a first-order bound is kept");
    }

    @Test
    @DisplayName("allowed: lse alone is bounded through alpha (with a reference alpha) or UNCHECKED (without); fields are the asked ones")
    void routing() {
        RoundingClass cls = RoundingClass.worstCase(FloatFormat.FP32);
        RoundingTolerance model = new RoundingTolerance(cls, 1);
        assertTrue(model.allowed(INSTANCE, EnumSet.noneOf(Quantity.class), REFERENCE).allowed().isEmpty());

        ToleranceModel.Tolerances lseOnly = model.allowed(INSTANCE, EnumSet.of(Quantity.LSE), REFERENCE);
        assertEquals(EnumSet.of(Quantity.LSE), lseOnly.allowed().keySet());
        DMatrixRMaj alphaBound = new ComponentwiseRoundingBound(cls, 1).allowed(INSTANCE, EnumSet.of(Quantity.ALPHA))
                .get(Quantity.ALPHA);
        DMatrixRMaj expected = model.lseBound(alphaBound, REFERENCE.get(Quantity.ALPHA), INSTANCE.n());
        for (int i = 0; i < INSTANCE.n(); i++) {
            assertEquals(expected.get(i, 0), lseOnly.allowed().get(Quantity.LSE).get(i, 0), 0.0, "lse row " + i);
        }

        ToleranceModel.Tolerances noRef = model.allowed(INSTANCE, EnumSet.of(Quantity.LSE, Quantity.LOSS), null);
        assertEquals(EnumSet.of(Quantity.LOSS), noRef.allowed().keySet());
        assertTrue(noRef.unchecked().get(Quantity.LSE).contains("through alpha"), noRef.unchecked().toString());

        ToleranceModel.Tolerances two = model.allowed(INSTANCE, EnumSet.of(Quantity.ATTENTION, Quantity.LOSS), REFERENCE);
        assertEquals(EnumSet.of(Quantity.ATTENTION, Quantity.LOSS), two.allowed().keySet());
        assertTrue(two.unchecked().isEmpty());
    }

    @Test
    @DisplayName("first-order classes are sharpened (never looser than worst-case) and say so; others do not")
    void firstOrderSharpensAndIsNamed() {
        RoundingClass fo = RoundingClass.firstOrder(FloatFormat.FP32);
        RoundingTolerance sharp = new RoundingTolerance(fo, 1);
        assertTrue(sharp.describe().contains("FirstOrderRoundingBound"), sharp.describe());
        assertFalse(new RoundingTolerance(RoundingClass.worstCase(FloatFormat.FP32), 1).describe()
                .contains("FirstOrderRoundingBound"));
        DMatrixRMaj stage = new ComponentwiseRoundingBound(fo, 1).allowed(INSTANCE, EnumSet.of(Quantity.ATTENTION))
                .get(Quantity.ATTENTION);
        DMatrixRMaj got = sharp.allowed(INSTANCE, EnumSet.of(Quantity.ATTENTION), REFERENCE).allowed().get(Quantity.ATTENTION);
        assertNotNull(got);
        boolean smaller = false;
        for (int t = 0; t < stage.data.length; t++) {
            assertTrue(got.data[t] <= stage.data[t], "entry " + t);
            smaller |= got.data[t] < 0.5 * stage.data[t];
        }
        assertTrue(smaller, "the first-order bound sharpens some entry by more than 2x");
    }

    @Test
    @DisplayName("outside the componentwise model: fp64 worst-case falls back to the per-field model; other classes leave every field UNCHECKED with the reason")
    void fallback() {
        RopeInstance general = new InstanceSpec(6, 4, FamilyKind.IDENTITY, 0.5, false, 8L).build();
        RopeResult ref = new RopeExactEngine_F64().computeAll(general);
        ToleranceModel.Tolerances fp64 = new RoundingTolerance(RoundingClass.worstCase(FloatFormat.FP64), 1)
                .allowed(general, EnumSet.of(Quantity.ATTENTION, Quantity.LSE), ref);
        assertEquals(EnumSet.of(Quantity.ATTENTION), fp64.allowed().keySet());
        assertTrue(fp64.unchecked().get(Quantity.LSE).contains("componentwise model only"), fp64.unchecked().toString());
        ToleranceModel.Tolerances lseOnly = new RoundingTolerance(RoundingClass.worstCase(FloatFormat.FP64), 1)
                .allowed(general, EnumSet.of(Quantity.LSE), ref);
        assertTrue(lseOnly.allowed().isEmpty());
        assertEquals(EnumSet.of(Quantity.LSE), lseOnly.unchecked().keySet());
        ToleranceModel.Tolerances fp32 = new RoundingTolerance(RoundingClass.worstCase(FloatFormat.FP32), 1)
                .allowed(general, EnumSet.of(Quantity.ATTENTION), ref);
        assertTrue(fp32.allowed().isEmpty());
        assertTrue(fp32.unchecked().get(Quantity.ATTENTION).contains("W_Q"), fp32.unchecked().toString());
    }
}
