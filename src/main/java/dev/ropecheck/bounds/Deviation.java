package dev.ropecheck.bounds;

import org.ejml.data.DMatrixRMaj;

/**
 * The measured error of a computed matrix against a trusted one, and that error as a multiple of
 * the allowed bound (the convention of commons-numbers' tests: a failure says how many bounds off
 * it is, not only that it failed). The max-norm comparator of the verify rows and the tests (the
 * per-entry verdicts of {@code check} are {@code check.FieldComparator}'s).
 *
 * @param maxAbsError {@code max |computed - trusted|} over all entries
 * @param maxAbsTrusted {@code max |trusted|}, the scale of the quantity
 * @param worstRow row of the largest error
 * @param worstCol column of the largest error
 * @param allowed the bound on {@code maxAbsError}
 */
public record Deviation(double maxAbsError, double maxAbsTrusted, int worstRow, int worstCol, double allowed) {

    /** Measures {@code computed} against {@code trusted} (same shape required). */
    public static Deviation measure(DMatrixRMaj computed, DMatrixRMaj trusted, double allowed) {
        if (computed.numRows != trusted.numRows || computed.numCols != trusted.numCols) {
            throw new IllegalArgumentException("shape " + computed.numRows + "x" + computed.numCols
                    + " does not match the trusted shape " + trusted.numRows + "x" + trusted.numCols);
        }
        double worst = 0;
        double scale = 0;
        int wr = 0;
        int wc = 0;
        for (int r = 0; r < trusted.numRows; r++) {
            for (int c = 0; c < trusted.numCols; c++) {
                double t = trusted.unsafe_get(r, c);
                double err = Math.abs(computed.unsafe_get(r, c) - t);
                if (!(err <= worst)) {
                    worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
                    wr = r;
                    wc = c;
                }
                scale = Math.max(scale, Math.abs(t));
            }
        }
        return new Deviation(worst, scale, wr, wc, allowed);
    }

    /** {@code maxAbsError / allowed}: at most 1 when the bound holds; 0 when both are 0. */
    public double ratio() {
        if (maxAbsError == 0) {
            return 0;
        }
        return maxAbsError / allowed;
    }

    /** {@code maxAbsError / maxAbsTrusted} (infinite when the trusted value is 0 and the error is not). */
    public double relativeError() {
        return maxAbsError == 0 ? 0 : maxAbsError / maxAbsTrusted;
    }

    public boolean holds() {
        return maxAbsError <= allowed;
    }

    /** One line for failure messages and reports. */
    public String describe(String what) {
        return String.format("%s: max |err| = %.3e at [%d][%d] (scale %.3e), allowed %.3e, err/allowed = %.3g",
                what, maxAbsError, worstRow, worstCol, maxAbsTrusted, allowed, ratio());
    }
}
