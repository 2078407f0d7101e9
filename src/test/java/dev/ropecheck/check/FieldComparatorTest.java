package dev.ropecheck.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The numbers behind a field's verdict (specs/check-verdicts.md), asserted exactly on hand-made
 * fields: which entry is worst, how many fail, how many are constrained, the median err/allowed, the
 * smallest detectable change, the reference's share, and the boundary cases of each rule.
 */
class FieldComparatorTest {

    private static DMatrixRMaj m(int rows, int cols, double... v) {
        return new DMatrixRMaj(rows, cols, true, v);
    }

    private static DMatrixRMaj one(double v) {
        return m(1, 1, v);
    }

    @Test
    @DisplayName("check-verdicts: every statistic of a failing field, entry by entry")
    void statisticsOfAFailingField() {
        DMatrixRMaj ref = m(2, 3, 1.0, -2.0, 4.0, 0.5, 8.0, -0.25);
        // errors 0, 0.1, 0.3, 0, 0.05, 0.5 against allowed 0.2, 0.2, 0.2, 0.2, 0.1, 1.0
        DMatrixRMaj cand = m(2, 3, 1.0, -1.9, 4.3, 0.5, 8.05, 0.25);
        DMatrixRMaj allowed = m(2, 3, 0.2, 0.2, 0.2, 0.2, 0.1, 1.0);
        FieldCheck f = FieldComparator.compare("x", cand, ref, null, allowed, null);
        assertEquals(FieldVerdict.FAIL, f.verdict());
        assertEquals("2x3", f.shape());
        assertEquals(6, f.entries());
        assertEquals(1, f.failing(), "only [0][2] has err > allowed");
        assertEquals(0, f.worstRow());
        assertEquals(2, f.worstCol());
        assertEquals(4.3, f.candidate());
        assertEquals(4.0, f.reference());
        assertEquals(4.3 - 4.0, f.error(), 0.0);
        assertEquals(0.2, f.allowed());
        assertEquals((4.3 - 4.0) / 0.2, f.maxRatio(), 0.0);
        assertEquals(0.5, f.maxAbsError(), 0.0);
        assertEquals(5, f.constrained(), "-0.25 with allowed 1.0 is not constrained");
        assertEquals(0.1 / 8.0, f.minDetectable(), 0.0);
        assertEquals(0.0, f.referenceShare());
        // ratios 0, 0.5, 1.5, 0, 0.5, 0.5: the median (3rd and 4th of 6 sorted) is 0.5
        assertEquals(0.5, f.medianRatio(), 0.5 * (Math.pow(2, 1.0 / 16) - 1));
        assertEquals("", f.note());
    }

    @Test
    @DisplayName("check-verdicts: a 1x1 allowed error and a 1x1 reference error apply to every entry; the share is reported")
    void scalarAllowedAndReferenceError() {
        DMatrixRMaj ref = m(1, 3, 1.0, 2.0, 3.0);
        DMatrixRMaj cand = m(1, 3, 1.0 + 0.25, 2.0 - 0.5, 3.0);
        FieldCheck f = FieldComparator.compare("x", cand, ref, null, one(0.375), one(0.125));
        assertEquals(FieldVerdict.PASS, f.verdict());
        assertEquals(0, f.failing());
        assertEquals(0, f.worstRow());
        assertEquals(1, f.worstCol());
        assertEquals(0.5, f.allowed(), 0.0, "allowed 0.375 plus reference error 0.125");
        assertEquals(1.0, f.maxRatio(), 0.0, "err 0.5 = allowed 0.5 passes");
        assertEquals(0.25, f.referenceShare(), 0.0);
        assertEquals(0.5 / 3.0, f.minDetectable(), 0.0);
        assertEquals(3, f.constrained());
        FieldCheck over = FieldComparator.compare("x", m(1, 3, 1.0, Math.nextDown(1.5), 3.0), ref, null, one(0.375),
                one(0.125));
        assertEquals(FieldVerdict.FAIL, over.verdict(), "one ulp past the allowed error fails");
    }

    @Test
    @DisplayName("check-verdicts: the residual moves the reference value, its magnitude and the error")
    void residualEntersValueAndMagnitude() {
        DMatrixRMaj hi = m(1, 2, 1.0, 1.0);
        DMatrixRMaj lo = m(1, 2, 0.5, -1.0);
        FieldCheck f = FieldComparator.compare("x", m(1, 2, 1.5, 0.0), hi, lo, one(1e-9), null);
        assertEquals(FieldVerdict.PASS, f.verdict(), "1.5 = 1 + 0.5 exactly, 0 = 1 - 1 exactly");
        assertEquals(0.0, f.maxAbsError());
        assertEquals(1, f.constrained(), "the second entry's value is 0: not constrained");
        assertEquals(1e-9 / 1.5, f.minDetectable(), 0.0);
        assertEquals(0.0, f.medianRatio(), "every error is 0");
        FieldCheck bad = FieldComparator.compare("x", m(1, 2, 1.5, 0.5), hi, lo, one(1e-9), null);
        assertEquals(FieldVerdict.FAIL, bad.verdict(), "against hi alone this candidate would look nearly right");
        assertEquals(1, bad.worstCol());
        assertEquals(0.0, bad.reference(), "hi + lo = 1 - 1");
        assertEquals(0.5, bad.error(), "|(0.5 - 1) - (-1)|");
    }

    @Test
    @DisplayName("check-verdicts: VACUOUS exactly when |value| <= allowed at every entry (an all-zero answer would pass)")
    void vacuousBoundary() {
        DMatrixRMaj ref = m(1, 2, 0.5, -0.25);
        FieldCheck at = FieldComparator.compare("x", ref, ref, null, m(1, 2, 0.5, 0.25), null);
        assertEquals(FieldVerdict.VACUOUS, at.verdict());
        assertEquals(0, at.constrained());
        assertTrue(Double.isNaN(at.minDetectable()));
        assertEquals("allowed error >= |value| at every entry: an all-zero field would pass", at.note());
        FieldCheck zero = FieldComparator.compare("x", m(1, 2, 0, 0), ref, null, m(1, 2, 0.5, 0.25), null);
        assertEquals(FieldVerdict.VACUOUS, zero.verdict(), "the all-zero answer itself is within the bound");
        FieldCheck past = FieldComparator.compare("x", ref, ref, null, m(1, 2, Math.nextDown(0.5), 0.25), null);
        assertEquals(FieldVerdict.PASS, past.verdict(), "one constrained entry decides");
        assertEquals(1, past.constrained());
        FieldCheck zeroPast = FieldComparator.compare("x", m(1, 2, 0, 0), ref, null,
                m(1, 2, Math.nextDown(0.5), 0.25), null);
        assertEquals(FieldVerdict.FAIL, zeroPast.verdict(), "and then the all-zero answer fails");
    }

    @Test
    @DisplayName("check-verdicts: a NaN allowed error constrains nothing; a zero allowed error admits only equality")
    void nanAndZeroAllowed() {
        DMatrixRMaj ref = m(1, 2, 1.0, 2.0);
        FieldCheck nan = FieldComparator.compare("x", m(1, 2, 7.0, 9.0), ref, null, one(Double.NaN), null);
        assertEquals(FieldVerdict.VACUOUS, nan.verdict(), "a NaN bound is no bound: never a PASS");
        FieldCheck exact = FieldComparator.compare("x", ref, ref, null, one(0.0), null);
        assertEquals(FieldVerdict.PASS, exact.verdict());
        assertEquals(0.0, exact.maxRatio());
        assertEquals(0.0, exact.minDetectable());
        assertEquals(0.0, exact.referenceShare(), "no allowed error at all: no share to report");
        FieldCheck off = FieldComparator.compare("x", m(1, 2, 1.0, Math.nextUp(2.0)), ref, null, one(0.0), null);
        assertEquals(FieldVerdict.FAIL, off.verdict());
        assertEquals(Double.POSITIVE_INFINITY, off.maxRatio());
        assertEquals(0, off.worstRow());
        assertEquals(1, off.worstCol());
    }

    @Test
    @DisplayName("check-verdicts: NONFINITE names the first non-finite candidate entry; equal infinities are skipped; a finite candidate against an infinite reference fails")
    void nonFiniteEntries() {
        double inf = Double.POSITIVE_INFINITY;
        DMatrixRMaj ref = m(2, 2, 1.0, inf, 3.0, 4.0);
        FieldCheck same = FieldComparator.compare("x", m(2, 2, 1.0, inf, 3.0, 4.0), ref, null, one(1e-3), null);
        assertEquals(FieldVerdict.PASS, same.verdict());
        assertEquals(3, same.constrained(), "the infinite entry is not counted");
        assertEquals(0.0, same.maxAbsError());
        FieldCheck nan = FieldComparator.compare("x", m(2, 2, 1.0, inf, Double.NaN, -inf), ref, null, one(1e-3), null);
        assertEquals(FieldVerdict.NONFINITE, nan.verdict());
        assertEquals(1, nan.worstRow());
        assertEquals(0, nan.worstCol());
        assertEquals(2, nan.failing());
        assertTrue(Double.isNaN(nan.candidate()));
        assertEquals(inf, nan.error());
        assertEquals(inf, nan.maxAbsError());
        FieldCheck first = FieldComparator.compare("x", m(2, 2, Double.NaN, inf, Double.NaN, 4.0), ref, null, one(1e-3),
                null);
        assertEquals(FieldVerdict.NONFINITE, first.verdict(), "a NaN in the very first entry");
        assertEquals(0, first.worstRow());
        assertEquals(0, first.worstCol(), "the first non-finite entry is named, not a later one");
        FieldCheck twoOverflows = FieldComparator.compare("x", m(1, 3, 5.0, 6.0, 1.0), m(1, 3, inf, inf, 1.0), null,
                one(1e-3), null);
        assertEquals(FieldVerdict.FAIL, twoOverflows.verdict());
        assertEquals(0, twoOverflows.worstCol(), "the first of equally bad entries is named");
        assertEquals(2, twoOverflows.failing());
        assertEquals(inf, twoOverflows.medianRatio(), "two of three ratios are infinite");
        FieldCheck finite = FieldComparator.compare("x", m(2, 2, 1.0, 5.0, 3.0, 4.0), ref, null, one(1e-3), null);
        assertEquals(FieldVerdict.FAIL, finite.verdict(), "a finite value where the reference overflows is wrong");
        assertEquals(0, finite.worstRow());
        assertEquals(1, finite.worstCol());
        assertEquals(1, finite.failing());
        assertEquals(inf, finite.maxRatio());
    }

    @Test
    @DisplayName("check-verdicts: the median err/allowed within a factor 2^(1/16), including 0 and infinity")
    void medianBins() {
        double tol = Math.pow(2, 1.0 / 16);
        for (double r : new double[] {1e-300, 3e-17, 0.01, 0.7, 1.0, 2.5, 1e6}) {
            DMatrixRMaj ref = m(1, 3, 10.0, 10.0, 10.0);
            DMatrixRMaj cand = m(1, 3, 10.0 + r * 1e-3, 10.0 + r * 1e-3 / 2, 10.0 + r * 1e-3 * 2);
            double med = FieldComparator.compare("x", cand, ref, null, one(1e-3), null).medianRatio();
            double exact = Math.abs(cand.get(0, 0) - 10.0) / 1e-3;
            if (exact > 0) {
                assertTrue(med >= exact / tol && med <= exact * tol, "median " + med + " for ratio " + exact);
            }
        }
        DMatrixRMaj ref = m(1, 4, 1, 1, 1, 1);
        assertEquals(0.0, FieldComparator.compare("x", m(1, 4, 1, 1, 1, 2), ref, null, one(0.5), null).medianRatio(),
                "three of four errors are 0");
        assertEquals(Double.POSITIVE_INFINITY, FieldComparator.compare("x", m(1, 4, 1, 2, 2, 2), ref, null, one(0.0), null)
                .medianRatio(), "three of four ratios are infinite");
    }

    @Test
    @DisplayName("check-verdicts: of equally bad entries the first is the worst")
    void tiesNameTheFirstEntry() {
        DMatrixRMaj ref = m(1, 3, 1.0, 1.0, 1.0);
        FieldCheck f = FieldComparator.compare("x", m(1, 3, 1.0, 1.5, 0.5), ref, null, one(0.25), null);
        assertEquals(1, f.worstCol());
        assertEquals(2.0, f.maxRatio());
        assertEquals(1.5, f.candidate());
    }

    @Test
    @DisplayName("check-verdicts: shape mismatches name the field, the part and both shapes")
    void shapeMessages() {
        DMatrixRMaj ref = new DMatrixRMaj(2, 3);
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
                () -> FieldComparator.compare("dK", new DMatrixRMaj(3, 2), ref, null, one(1), null));
        assertEquals("field dK has shape 3x2 but the instance needs 2x3", c.getMessage());
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
                () -> FieldComparator.compare("dK", ref, ref, null, new DMatrixRMaj(2, 2), null));
        assertEquals("field dK: allowed error has shape 2x2, expected 2x3 or 1x1", a.getMessage());
        IllegalArgumentException lo = assertThrows(IllegalArgumentException.class,
                () -> FieldComparator.compare("dK", ref, ref, new DMatrixRMaj(1, 3), one(1), null));
        assertEquals("field dK: reference residual has shape 1x3, expected 2x3 or 1x1", lo.getMessage());
        IllegalArgumentException re = assertThrows(IllegalArgumentException.class,
                () -> FieldComparator.compare("dK", ref, ref, null, one(1), new DMatrixRMaj(3, 3)));
        assertEquals("field dK: reference error has shape 3x3, expected 2x3 or 1x1", re.getMessage());
    }
}
