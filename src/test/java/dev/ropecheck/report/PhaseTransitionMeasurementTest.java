package dev.ropecheck.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The phase-transition figure's threshold and work counts. */
class PhaseTransitionMeasurementTest {
    private static PhaseTransitionMeasurement.Cert beta(double b) {
        return new PhaseTransitionMeasurement.Cert(b, 3, 10, null);
    }

    @Test
    void thresholdIsWhereTheCertifiedBetaReachesLnNInterpolatedOnTheGrid() {
        double[] grid = {0.5, 1, 1.5, 2};
        PhaseTransitionMeasurement.Cert[] c = {beta(0.1), beta(2), beta(8), beta(30)};
        double ln = Math.log(1 << 14);
        double b = PhaseTransitionMeasurement.crossing(grid, c, ln);
        assertEquals(1.5 + 0.5 * (ln - 8) / (30 - 8), b, 1e-12);
        PhaseTransitionMeasurement.Cert refused = new PhaseTransitionMeasurement.Cert(Double.NaN, -1, Double.NaN, "floor");
        assertEquals(1.5, PhaseTransitionMeasurement.crossing(grid, new PhaseTransitionMeasurement.Cert[] {beta(0.1),
            beta(2), refused, refused}, ln), "a refusal is past the threshold");
        assertTrue(Double.isNaN(PhaseTransitionMeasurement.crossing(grid, new PhaseTransitionMeasurement.Cert[] {beta(0.1),
            beta(0.2), beta(0.3), beta(0.4)}, ln)));
    }

    @Test
    void monomialCountIsTheMultisetBinomial() {
        assertEquals(35, PhaseTransitionMeasurement.multisets(4, 3), 1e-9); // C(7, 3)
        assertEquals(1, PhaseTransitionMeasurement.multisets(5, 0), 0);
        assertEquals(2380, PhaseTransitionMeasurement.multisets(4, 13), 1e-9); // C(17, 13)
    }
}
