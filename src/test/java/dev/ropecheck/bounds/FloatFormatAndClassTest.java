package dev.ropecheck.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link FloatFormat} and {@link RoundingClass} at the values their Javadoc states: unit roundoffs,
 * ranges, correct rounding (ties to even, gradual underflow, overflow to infinity) of the emulated
 * 16-bit formats, Higham–Mary's {@code γ~} and its failure probability, and the union-bound {@code λ}.
 * Each expected value is written out from the format's definition, not computed by the code under test.
 */
class FloatFormatAndClassTest {

    @Test
    @dev.ropecheck.specs.Spec("check-verdicts")
    void unitRoundoffsRangesAndAccumulators() {
        assertEquals(0x1p-53, FloatFormat.FP64.u());
        assertEquals(0x1p-24, FloatFormat.FP32.u());
        assertEquals(0x1p-8, FloatFormat.BF16.u());
        assertEquals(0x1p-11, FloatFormat.FP16.u());
        assertEquals(0x1p-104, FloatFormat.DOUBLE_DOUBLE.u());
        assertEquals(65504.0, FloatFormat.FP16.maxFinite());
        assertEquals(Float.MAX_VALUE, FloatFormat.FP32.maxFinite());
        assertEquals(0x1.FEp127, FloatFormat.BF16.maxFinite());
        assertEquals(Double.MAX_VALUE, FloatFormat.FP64.maxFinite());
        assertEquals(0x1p-14, FloatFormat.FP16.minNormal());
        assertEquals(0x1p-126, FloatFormat.BF16.minNormal());
        assertEquals(FloatFormat.FP32, FloatFormat.BF16.accumulator());
        assertEquals(FloatFormat.FP32, FloatFormat.FP16.accumulator());
        assertEquals(FloatFormat.FP32, FloatFormat.FP32.accumulator());
        assertEquals(FloatFormat.FP64, FloatFormat.FP64.accumulator());
        assertEquals(11, FloatFormat.FP16.precision());
    }

    @Test
    @dev.ropecheck.specs.Spec("check-verdicts")
    void sixteenBitRoundingIsCorrectRounding() {
        FloatFormat h = FloatFormat.FP16;
        // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties to even gives 1
        assertEquals(1.0, h.round(1 + 0x1p-11));
        assertEquals(1 + 0x1p-9, h.round(1 + 3 * 0x1p-11), "halfway to the even neighbour 1 + 2^-9");
        assertEquals(1 + 0x1p-10, h.round(1 + 0x1p-11 + 0x1p-30), "just above halfway rounds up");
        assertEquals(-1.0, h.round(-1 - 0x1p-11));
        // gradual underflow: the subnormal spacing is 2^-24
        assertEquals(0x1p-24, h.round(0x1.8p-25), "1.5 * 2^-25 rounds to the spacing 2^-24");
        assertEquals(0.0, h.round(0x1p-26));
        assertEquals(3 * 0x1p-24, h.round(3 * 0x1p-24));
        // overflow: 65520 is halfway to 2^16 and rounds (to even) away from 65504
        assertEquals(65504.0, h.round(65519.0));
        assertEquals(Double.POSITIVE_INFINITY, h.round(65520.0));
        assertEquals(Double.NEGATIVE_INFINITY, h.round(-1e6));
        FloatFormat b = FloatFormat.BF16;
        assertEquals(1.0, b.round(1 + 0x1p-8));
        assertEquals(1 + 0x1p-6, b.round(1 + 3 * 0x1p-8));
        assertEquals(0.0, b.round(0.0));
        assertTrue(Double.isNaN(b.round(Double.NaN)));
        assertEquals((double) (float) 0.1, FloatFormat.FP32.round(0.1));
        assertEquals(0.1, FloatFormat.FP64.round(0.1));
        assertTrue(h.isExact(Double.NaN));
        assertTrue(h.isExact(0.5 + 0x1p-11));
        assertFalse(h.isExact(0.5 + 0x1p-13));
        assertFalse(b.isExact(1 + 0x1p-8));
        assertTrue(FloatFormat.FP64.isExact(0.1));
    }

    @Test
    @dev.ropecheck.specs.Spec("check-verdicts")
    void highamMaryGammaAndItsFailureProbability() {
        FloatFormat f = FloatFormat.FP32;
        double u = 0x1p-24;
        double want = Math.expm1(3.0 * Math.sqrt(1000) * u + 1000 * u * u / (1 - u));
        assertEquals(want, f.gammaProbabilistic(1000, 3.0), 0.0);
        assertTrue(f.gammaProbabilistic(1000, 3.0) < f.gamma(1000));
        assertEquals(f.gamma(4), f.gammaProbabilistic(4, 100.0), 0.0, "never above the worst case");
        assertEquals(2 * Math.exp(-9.0 * (1 - u) * (1 - u) / 2), f.failureProbability(3.0), 0.0);
        assertEquals(1.0, f.failureProbability(0.1), "capped at 1");
        assertThrows(IllegalArgumentException.class, () -> f.gammaProbabilistic(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> f.gammaProbabilistic(1, 0));
        assertEquals(0.0, f.gammaProbabilistic(0, 1.0), 0.0, "no rounding, no error");
        assertEquals(4 * u / (1 - 4 * u), f.gamma(4, 4 * u), 0.0, "k u equal to the model's limit is inside it");
        assertThrows(IllegalArgumentException.class, () -> f.gamma(5, 4 * u));
        assertThrows(IllegalArgumentException.class, () -> f.gamma(1, 0.0));
        assertThrows(IllegalArgumentException.class, () -> f.gamma(0, 0.0), "maxKu must be positive, even for k = 0");
        assertThrows(IllegalArgumentException.class, () -> f.gamma(1, 0.5));
        for (String[] alias : new String[][] {{"fp64", "FP64"}, {"float64", "FP64"}, {"fp32", "FP32"}, {"float32", "FP32"},
                {"float", "FP32"}, {"bf16", "BF16"}, {"fp16", "FP16"}, {"float16", "FP16"}}) {
            assertEquals(FloatFormat.valueOf(alias[1]), FloatFormat.parse(alias[0]), alias[0]);
        }
        assertEquals(FloatFormat.BF16, FloatFormat.parse(" BFloat16 "));
        assertEquals(FloatFormat.FP16, FloatFormat.parse("half"));
        assertEquals(FloatFormat.FP64, FloatFormat.parse("double"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FloatFormat.parse("fp8"));
        assertEquals("dtype \"fp8\" must be fp64, fp32, bf16 or fp16", e.getMessage());
    }

    @Test
    @dev.ropecheck.specs.Spec({"check-verdicts", "first-order-rounding"})
    void roundingClassLambdaLabelsAndPreconditions() {
        RoundingClass p = RoundingClass.probabilistic(FloatFormat.FP32);
        double u = 0x1p-24;
        assertEquals(Math.sqrt(2 * Math.log(2 * 500.0 / 1e-6)) / (1 - u), p.lambda(500), 0.0);
        assertEquals(Math.sqrt(2 * Math.log(2 * 1.0 / 1e-6)) / (1 - u), p.lambda(0.25), 0.0, "at least one sum");
        RoundingClass fo = RoundingClass.firstOrder(FloatFormat.FP32);
        assertEquals(5e-7, fo.componentFailureProbability(), 0.0);
        assertEquals(1e-6, p.componentFailureProbability(), 0.0);
        assertEquals(Math.sqrt(2 * Math.log(2 * 500.0 / 5e-7)) / (1 - u), fo.lambda(500), 0.0);
        assertEquals("fp32 (worst case)", RoundingClass.worstCase(FloatFormat.FP32).label());
        assertEquals("fp32 (probabilistic, P_fail 1.0E-6)", p.label());
        assertEquals("bf16 (first-order probabilistic, P_fail 1.0E-6)", RoundingClass.firstOrder(FloatFormat.BF16).label());
        assertEquals(0x1p-8, RoundingClass.worstCase(FloatFormat.BF16).uStore());
        assertEquals(0x1p-24, RoundingClass.worstCase(FloatFormat.BF16).uAcc());
        assertEquals(0x1p-24 * 0x1p-1, RoundingClass.worstCase(FloatFormat.FP16).floorStore(), "half the fp16 subnormal spacing 2^-24");
        assertEquals(0x1p-150, RoundingClass.worstCase(FloatFormat.BF16).floorAcc());
        assertEquals(0x1p-1074, RoundingClass.worstCase(FloatFormat.DOUBLE_DOUBLE).floorStore());
        assertThrows(IllegalArgumentException.class, () -> new RoundingClass(null, false, 0));
        assertThrows(IllegalArgumentException.class, () -> new RoundingClass(FloatFormat.FP32, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new RoundingClass(FloatFormat.FP32, true, 1));
        assertThrows(IllegalArgumentException.class, () -> new RoundingClass(FloatFormat.FP32, false, 0, true));
        assertFalse(p.firstOrder());
        assertTrue(fo.firstOrder() && fo.probabilistic());
    }
}
