package dev.ropecheck.engine.reference;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import org.apfloat.Apfloat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The argument guards of the apfloat containers {@link ApMatrix} and {@link ApInstance}: shapes, missing
 * entries, the precision ranges at both ends, and rounding to fewer digits. A caller's mistake must be
 * refused with the name of what is wrong, never carried into a reference value.
 */
class ApGuardsTest {
    private static final Apfloat ONE = new Apfloat(1, 30);
    private static final Apfloat TWO = new Apfloat(2, 30);

    @Test
    @DisplayName("ApMatrix: empty shapes are allowed, negative ones and missing entries refused")
    void matrixShapes() {
        assertEquals(0, ApMatrix.zeros(0, 3).rows());
        assertEquals(0, ApMatrix.zeros(3, 0).cols());
        assertEquals(0, ApMatrix.of(0, 3).rows());
        assertEquals(0, ApMatrix.of(3, 0).cols());
        // rows x cols = 0 = the data's length, so only the sign checks refuse these
        assertThrows(IllegalArgumentException.class, () -> ApMatrix.of(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> ApMatrix.of(0, -1));
        String m = assertThrows(IllegalArgumentException.class, () -> ApMatrix.of(1, 2, ONE, null)).getMessage();
        assertEquals("entry 1 is missing", m);
        ApMatrix a = ApMatrix.of(1, 2, ONE, TWO);
        ApMatrix wrong = ApMatrix.of(2, 1, ONE, TWO);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> a.minus(wrong)).getMessage().contains("2x1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> a.plusScaled(wrong, ONE)).getMessage()
                .contains("1x2"));
    }

    @Test
    @DisplayName("ApMatrix: maxAbs is the largest magnitude, toString lists the rows")
    void matrixMaxAbsAndText() {
        ApMatrix a = ApMatrix.of(2, 2, ONE, TWO.negate(), TWO, ONE.negate());
        assertEquals(0, a.maxAbs().compareTo(TWO));
        assertEquals("ApMatrix 2x2 [[1, -2], [2, -1]]", a.toString());
    }

    @Test
    @DisplayName("ApInstance: 10 and 100000 digits accepted, 9 and 100001 refused; withDigits in [10, digits]")
    void instanceDigitRanges() {
        RopeInstance inst = new InstanceSpec(2, 2, FamilyKind.IDENTITY, 0.5, false, 3L).build();
        assertThrows(IllegalArgumentException.class, () -> ApInstance.of(inst, 9));
        assertThrows(IllegalArgumentException.class, () -> ApInstance.of(inst, 100_001));
        assertDoesNotThrow(() -> ApInstance.of(inst, 100_000));
        ApInstance ap = ApInstance.of(inst, 10);
        assertEquals(10, ap.digits());
        ApInstance ap40 = ApInstance.of(inst, 40);
        assertEquals(40, ap40.withDigits(40).digits());
        assertEquals(10, ap40.withDigits(10).digits());
        assertThrows(IllegalArgumentException.class, () -> ap40.withDigits(9));
        assertThrows(IllegalArgumentException.class, () -> ap40.withDigits(41));
    }

    @Test
    @DisplayName("StandardReferenceEngine_AP: 10 and 10000 digits accepted, 9 and 10001 refused")
    void standardReferenceDigitRange() {
        assertDoesNotThrow(() -> new StandardReferenceEngine_AP(10));
        assertDoesNotThrow(() -> new StandardReferenceEngine_AP(10_000));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new StandardReferenceEngine_AP(9)).getMessage()
                .contains("[10, 10000]"));
        assertThrows(IllegalArgumentException.class, () -> new StandardReferenceEngine_AP(10_001));
    }

    @Test
    @DisplayName("ApInstance.round: more digits than asked are rounded away, fewer and zero are kept")
    void rounding() {
        Apfloat third = new Apfloat(1, 50).divide(new Apfloat(3, 50));
        Apfloat r = ApInstance.round(third, 20);
        assertEquals(20, r.precision());
        assertEquals(0, r.compareTo(third.precision(20)));
        Apfloat half = new Apfloat("0.5", 5);
        assertSame(half, ApInstance.round(half, 20));
        Apfloat twenty = new Apfloat(1, 20).divide(new Apfloat(3, 20));
        assertSame(twenty, ApInstance.round(twenty, 20));
        Apfloat zero = new Apfloat(0);
        assertSame(zero, ApInstance.round(zero, 20));
    }

    @Test
    @DisplayName("ApInstance: replacements of the wrong shape are refused; wq/wk need weights; causal is carried")
    void instanceReplacementsAndAccessors() {
        RopeInstance inst = new InstanceSpec(3, 2, FamilyKind.IDENTITY, 0.5, true, 4L).build();
        ApInstance ap = ApInstance.of(inst, 30);
        ApMatrix d2 = ApMatrix.zeros(2, 2);
        ApMatrix wrong = ApMatrix.zeros(2, 3);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ap.withX(d2)).getMessage().startsWith("X must be 4x4"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ap.withX(null)).getMessage().endsWith("got none"));
        assertThrows(IllegalArgumentException.class, () -> ap.withWeights(wrong, d2));
        assertThrows(IllegalArgumentException.class, () -> ap.withWeights(d2, wrong));
        assertThrows(IllegalArgumentException.class, () -> ap.withY(wrong));
        assertThrows(IllegalArgumentException.class, () -> ap.withE(d2));
        assertEquals(2, ap.wq().rows());
        assertEquals(2, ap.wk().cols());
        ApInstance general = ap.withX(ApMatrix.zeros(4, 4));
        assertFalse(general.hasWeights());
        assertThrows(IllegalStateException.class, general::wq);
        assertThrows(IllegalStateException.class, general::wk);
        assertFalse(ap.causal());
        assertTrue(ApInstance.of(inst.toBuilder().causal(true).build(), 30).causal());
    }
}
