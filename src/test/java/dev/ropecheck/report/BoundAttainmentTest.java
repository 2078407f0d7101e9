package dev.ropecheck.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.bounds.FloatFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every row of {@link BoundAttainment}: {@code F <= measured/bound <= 1} (pass at C, fail at C'), with the figure
 * reported as a multiple of the bound; the report's table carries every row.
 */
class BoundAttainmentTest {

    private static void attained(BoundAttainment.Attained a) {
        assertTrue(a.measured() > 0 && a.allowed() > 0, a.bound() + ": measured " + a.measured() + ", bound "
                + a.allowed() + " (a zero measurement attains nothing)");
        assertTrue(a.measured() <= a.allowed(), a.bound() + " on " + a.instance() + ": unsound, error = "
                + a.ratio() + " × bound");
        assertTrue(a.ratio() >= a.fraction(), a.bound() + " on " + a.instance() + ": attained only to " + a.ratio()
                + " × bound, below the derived fraction " + a.fraction());
        assertTrue(a.holds(), a.bound());
    }

    @Test
    @DisplayName("every bound is attained at its instance to its derived fraction, and not exceeded (verify's table)")
    @dev.ropecheck.specs.Spec("theorem-5.7")
    void everyBoundAttainedToItsDerivedFraction() {
        BoundAttainmentMeasurement m = new BoundAttainmentMeasurement();
        assertTrue(m.run(null, Progress.NONE).isEmpty(), "a table, no series");
        List<BoundAttainment.Attained> rows = m.rows();
        assertEquals(14, rows.size(), "one row per bound of the note's table");
        for (BoundAttainment.Attained a : rows) {
            attained(a);
            System.out.printf("[attainment] %-50s %.6f (derived %.6f)%n", a.bound(), a.ratio(), a.fraction());
        }
        ReportContent.Section s = m.sections().get(0);
        assertTrue(s.text().startsWith("Every row holds."), s.text());
        assertEquals(rows.size(), s.table().markdown().split("\n").length - 2, "one table line per row");
    }

    @Test
    @DisplayName("Lemma 3.4, MATH §5, Tensor-grad, componentwise: the rows hold at other parameters too")
    @dev.ropecheck.specs.Spec("lemma-3.4")
    void rowsHoldAcrossParameters() {
        double[][] taylor = {{0.25, 1}, {0.25, 3}, {0.5, 4}, {1, 2}, {2, 6}, {2, 12}, {4, 2}, {4, 20}, {8, 3}, {8, 14},
            {8, 30}, {0.01, 0}};
        for (double[] c : taylor) {
            attained(BoundAttainment.taylorRemainder(c[0], (int) c[1]));
        }
        for (double delta : new double[] {1e-6, 1e-3, 0.05, 0.3, 0.9}) {
            attained(BoundAttainment.attentionTransfer(delta, 1.0));
            attained(BoundAttainment.attentionTransfer(delta, 0.375));
        }
        for (double delta : new double[] {1e-4, 0.01, 0.2}) {
            attained(BoundAttainment.rowTransfer(delta));
        }
        for (double delta : new double[] {1e-6, 1e-3, 0.1}) {
            attained(BoundAttainment.alphaRelative(delta));
        }
        for (double delta : new double[] {1e-6, 1e-3}) {
            TensorTransferAttainment.tensorTransfer(delta).forEach(BoundAttainmentTest::attained);
        }
        for (int d : new int[] {1, 2, 4}) {
            attained(BoundAttainment.scoreBound(d, 0.25));
            attained(BoundAttainment.scoreBound(d, 1.5));
        }
        attained(RoundingAttainment.sixteenBitStorage(FloatFormat.BF16));
    }
}
