package dev.ropecheck.report;

import org.ejml.data.DMatrixRMaj;

/**
 * The error of one field of a candidate against a reference: {@code max |cand - ref|} and
 * {@code max |cand - ref| / |ref|} over entries with {@code ref != 0}. A NaN or infinite candidate
 * entry makes both errors NaN-free infinities, so it can never pass.
 *
 * @param maxAbs largest absolute error
 * @param maxRel largest relative error (0 when every reference entry is 0)
 * @param refMax {@code max |ref|}
 * @param worstIndex row-major index of the entry with the largest absolute error
 */
public record FieldError(double maxAbs, double maxRel, double refMax, int worstIndex) {

    /** Compares two equally shaped matrices. */
    public static FieldError of(DMatrixRMaj candidate, DMatrixRMaj reference) {
        if (candidate.numRows != reference.numRows || candidate.numCols != reference.numCols) {
            throw new IllegalArgumentException("candidate has shape " + candidate.numRows + "x" + candidate.numCols
                    + " but the reference has " + reference.numRows + "x" + reference.numCols);
        }
        int size = reference.numRows * reference.numCols;
        double maxAbs = 0;
        double maxRel = 0;
        double refMax = 0;
        int worst = 0;
        for (int k = 0; k < size; k++) {
            double r = reference.data[k];
            double c = candidate.data[k];
            double err = Math.abs(c - r);
            if (Double.isNaN(err)) {
                err = Double.POSITIVE_INFINITY;
            }
            if (err > maxAbs) {
                maxAbs = err;
                worst = k;
            }
            if (r != 0) {
                maxRel = Math.max(maxRel, err / Math.abs(r));
            } else if (err > 0) {
                maxRel = Double.POSITIVE_INFINITY;
            }
            refMax = Math.max(refMax, Math.abs(r));
        }
        return new FieldError(maxAbs, maxRel, refMax, worst);
    }
}
