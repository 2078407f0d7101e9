package dev.ropecheck.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The one definition of {@code u} and {@code γ_k} (Higham Lemma 3.1): the plain, the model-checked and
 * the rounded-up forms agree with {@code k u / (1 - k u)} and check their preconditions in one place.
 */
class FloatFormatGammaTest {

    @Test
    @DisplayName("u = 2^-p per format; gamma(k), gamma(k, maxKu) and gammaUp(k) agree with k u / (1 - k u)")
    void gammaFormsAgree() {
        assertEquals(0x1p-53, FloatFormat.FP64.u());
        assertEquals(0x1p-24, FloatFormat.FP32.u());
        assertEquals(0x1p-104, FloatFormat.DOUBLE_DOUBLE.u());
        for (long k : new long[] {0, 1, 2, 17, 1000, 1L << 20}) {
            double ku = k * 0x1p-53;
            double plain = ku / (1 - ku);
            assertEquals(plain, FloatFormat.FP64.gamma(k));
            assertEquals(plain, FloatFormat.FP64.gamma(k, 0.01));
            assertTrue(FloatFormat.FP64.gammaUp(k) > plain || k == 0 && FloatFormat.FP64.gammaUp(k) > 0);
            assertTrue(FloatFormat.FP64.gammaUp(k) <= Math.nextUp(plain * (1 + 0x1p-51)));
        }
    }

    @Test
    @DisplayName("gamma preconditions: +inf at k u >= 1/2 (plain), a named refusal past the model's k u limit (checked, rounded up)")
    void gammaPreconditions() {
        assertEquals(Double.POSITIVE_INFINITY, FloatFormat.FP64.gamma(1L << 52));
        assertThrows(IllegalArgumentException.class, () -> FloatFormat.FP64.gamma(-1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FloatFormat.FP64.gamma(1L << 47, 0.01));
        assertTrue(e.getMessage().contains("small-quantity"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FloatFormat.FP64.gamma(1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> FloatFormat.FP64.gammaUp(1L << 52));
        assertTrue(FloatFormat.FP64.gammaUp((1L << 52) - 1) > 0);
    }
}
