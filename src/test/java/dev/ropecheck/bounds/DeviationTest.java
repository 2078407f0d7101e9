package dev.ropecheck.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link Deviation}: the measured error, its location, its ratio to the allowed bound (pass at the bound,
 * fail one ulp above it), and the NaN guard (a NaN entry is an infinite error, never a pass).
 */
class DeviationTest {

    private static DMatrixRMaj m(double[][] v) {
        return new DMatrixRMaj(v);
    }

    @Test
    @DisplayName("max |err|, its row and column, and the scale max |trusted|")
    void measuresWorstEntryAndScale() {
        DMatrixRMaj trusted = m(new double[][] {{1, -5}, {2, 0.5}, {0, 3}});
        DMatrixRMaj computed = m(new double[][] {{1.25, -5}, {2, 0.5}, {0.5, 2.25}});
        Deviation d = Deviation.measure(computed, trusted, 1.0);
        assertEquals(0.75, d.maxAbsError(), 0.0);
        assertEquals(2, d.worstRow());
        assertEquals(1, d.worstCol());
        assertEquals(5.0, d.maxAbsTrusted(), 0.0);
        assertEquals(0.75, d.ratio(), 0.0);
        assertEquals(0.15, d.relativeError(), 1e-15);
        assertTrue(d.holds());
        String s = d.describe("attention");
        assertTrue(s.startsWith("attention: max |err| = 7.500e-01 at [2][1] (scale 5.000e+00), allowed 1.000e+00"), s);
        assertTrue(s.contains("err/allowed = 0.750"), s);
    }

    @Test
    @DisplayName("first worst entry wins on ties; an error equal to the allowed bound passes, one ulp more fails")
    void boundaryAndTies() {
        DMatrixRMaj trusted = m(new double[][] {{0, 0, 0}});
        DMatrixRMaj computed = m(new double[][] {{0.5, -0.5, 0.25}});
        Deviation at = Deviation.measure(computed, trusted, 0.5);
        assertEquals(0, at.worstCol(), "the first of equal errors is reported");
        assertTrue(at.holds());
        assertEquals(1.0, at.ratio(), 0.0);
        Deviation below = Deviation.measure(computed, trusted, Math.nextDown(0.5));
        assertFalse(below.holds());
        assertTrue(below.ratio() > 1);
        assertEquals(Double.POSITIVE_INFINITY, at.relativeError(), "zero scale, nonzero error");
    }

    @Test
    @DisplayName("exact agreement: ratio and relative error are 0 even with a zero allowance")
    void exactAgreement() {
        DMatrixRMaj t = m(new double[][] {{0, 0}, {0, 0}});
        Deviation d = Deviation.measure(t.copy(), t, 0.0);
        assertEquals(0.0, d.ratio(), 0.0);
        assertEquals(0.0, d.relativeError(), 0.0);
        assertTrue(d.holds());
        assertEquals(0, d.worstRow());
        assertEquals(0, d.worstCol());
    }

    @Test
    @DisplayName("a NaN entry (anywhere) is an infinite error and fails, located where it is")
    void nanIsInfiniteError() {
        DMatrixRMaj trusted = m(new double[][] {{1, 2}, {3, 4}});
        DMatrixRMaj computed = m(new double[][] {{1, 2}, {Double.NaN, 4.5}});
        Deviation d = Deviation.measure(computed, trusted, 1e300);
        assertEquals(Double.POSITIVE_INFINITY, d.maxAbsError());
        assertEquals(1, d.worstRow());
        assertEquals(0, d.worstCol());
        assertFalse(d.holds());
        DMatrixRMaj first = m(new double[][] {{Double.NaN, 2}, {3, 9}});
        assertFalse(Deviation.measure(first, trusted, 1e300).holds(), "NaN before a larger finite error");
    }

    @Test
    @DisplayName("shapes must match")
    void shapeMismatch() {
        assertThrows(IllegalArgumentException.class,
                () -> Deviation.measure(new DMatrixRMaj(2, 3), new DMatrixRMaj(3, 2), 1));
        assertThrows(IllegalArgumentException.class,
                () -> Deviation.measure(new DMatrixRMaj(2, 2), new DMatrixRMaj(2, 3), 1));
    }
}
