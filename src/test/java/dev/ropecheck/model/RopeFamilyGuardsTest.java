package dev.ropecheck.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.model.RopeFamily.Layout;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link RopeFamily}'s argument guards (MATH §1: {@code d} even in {@code [2, 4096]}, {@code base > 1}),
 * its name, the position offset of {@code rotate}, and the full-precision angle cache: a value asked for
 * at more digits must be computed at those digits, never served from a cheaper entry.
 */
class RopeFamilyGuardsTest {

    @Test
    @DisplayName("d in [2, 4096] and even, base finite and > 1; names say the layout")
    void guards() {
        assertDoesNotThrow(() -> new RopeFamily(2, 10_000, Layout.INTERLEAVED));
        assertDoesNotThrow(() -> new RopeFamily(4096, 10_000, Layout.INTERLEAVED));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RopeFamily(0, 10_000, Layout.INTERLEAVED))
                .getMessage().contains("d"));
        assertThrows(IllegalArgumentException.class, () -> new RopeFamily(4098, 10_000, Layout.INTERLEAVED));
        assertThrows(IllegalArgumentException.class, () -> new RopeFamily(3, 10_000, Layout.INTERLEAVED));
        assertThrows(IllegalArgumentException.class, () -> new RopeFamily(4, 1.0, Layout.INTERLEAVED));
        assertDoesNotThrow(() -> new RopeFamily(4, Math.nextUp(1.0), Layout.INTERLEAVED));
        assertEquals("rope-interleaved", new RopeFamily(4, 10_000, Layout.INTERLEAVED).name());
        assertEquals("rope-half-split", new RopeFamily(4, 10_000, Layout.HALF_SPLIT).name());
    }

    @Test
    @DisplayName("rotate(x, offset) turns row i by the angles of position i + offset; a wrong width is refused")
    void rotateOffset() {
        RopeFamily f = new RopeFamily(4, 10_000, Layout.HALF_SPLIT);
        DMatrixRMaj x = new DMatrixRMaj(new double[][] {{0.5, -0.25, 0.75, 1.0}});
        DMatrixRMaj y = new DMatrixRMaj(4, 4);
        for (int c = 0; c < 4; c++) {
            y.set(3, c, x.get(0, c));
        }
        DMatrixRMaj shifted = f.rotate(x, 3);
        DMatrixRMaj atThree = f.rotate(y);
        for (int c = 0; c < 4; c++) {
            assertEquals(atThree.get(3, c), shifted.get(0, c), 0.0, "column " + c);
        }
        assertTrue(Math.abs(shifted.get(0, 0) - x.get(0, 0)) > 1e-3, "position 3 turns the first pair");
        assertThrows(IllegalArgumentException.class, () -> f.rotate(new DMatrixRMaj(1, 3), 0));
    }

    @Test
    @DisplayName("cos/sin of m theta_k at 200 digits after a 30-digit call: 200 digits, each correct to 1e-190")
    void angleCacheKeepsDigitsApart() {
        RopeFamily f = new RopeFamily(8, 10_000, Layout.INTERLEAVED);
        int m = 12_345;
        for (int k = 0; k < 4; k++) {
            int a = 2 * k;
            int b = 2 * k + 1;
            Apfloat c30 = f.weight(m, a, a, 30);
            Apfloat c200 = f.weight(m, a, a, 200);
            Apfloat s200 = f.weight(m, a, b, 200);
            assertEquals(30, c30.precision());
            assertEquals(200, c200.precision());
            // independent: theta_k = 10000^(-2k/8) and the angle m theta_k at 300 digits (a 200-digit value served
            // from the 30-digit call's 60-digit unit root is wrong from about the 64th digit)
            Apfloat theta = ApfloatMath.pow(new Apfloat(10_000, 300),
                    new Apfloat(-2L * k, 300).divide(new Apfloat(8, 300)));
            Apfloat angle = theta.multiply(new Apfloat(m, 300));
            Apfloat tol = new Apfloat("1e-190", 10);
            assertTrue(ApfloatMath.abs(c200.subtract(ApfloatMath.cos(angle))).compareTo(tol) < 0, "cos, k = " + k);
            // interleaved: dims (2k, 2k+1); weight(m, 2k, 2k+1) is +sin(m theta_k)
            assertTrue(ApfloatMath.abs(s200.subtract(ApfloatMath.sin(angle))).compareTo(tol) < 0, "sin, k = " + k);
            assertEquals(30, f.weight(m, a, a, 30).precision(), "the 30-digit entry is still served");
        }
    }
}
