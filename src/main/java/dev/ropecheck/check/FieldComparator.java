package dev.ropecheck.check;

import org.ejml.data.DMatrixRMaj;

/**
 * The one comparator: a candidate field against a reference field, entry by entry, each entry
 * against its own allowed error.
 *
 * <p>Entry {@code k} passes when {@code |cand_k - ref_k| <= allowed_k}, where the reference value is
 * {@code hi_k + lo_k} (a reference more accurate than double carries its low-order part) and the
 * difference is formed as {@code |(cand_k - hi_k) - lo_k|}, which is exact to one rounding when the
 * two are close. A field is {@link FieldVerdict#VACUOUS} when no entry is constrained, i.e. when
 * {@code |ref_k| <= allowed_k} for every {@code k}: then an all-zero (and a sign-flipped, which needs
 * {@code 2|ref_k| <= allowed_k}) answer would pass. Entries where candidate and reference are the same
 * infinity are equal and unconstrained; any other non-finite candidate entry is
 * {@link FieldVerdict#NONFINITE}.
 */
public final class FieldComparator {
    private static final int BINS_PER_OCTAVE = 16;
    private static final int MIN_EXP = -1100;
    private static final int MAX_EXP = 1100;

    private FieldComparator() {
    }

    /**
     * Compares {@code cand} with {@code refHi + refLo} against {@code allowed} and the reference's
     * own error {@code refError}.
     *
     * @param refLo the reference's low-order part, or null
     * @param allowed per-entry allowed error of the candidate's class (same shape), or a {@code 1 x 1}
     *     matrix applying to every entry
     * @param refError per-entry bound on the reference's own error, a {@code 1 x 1} matrix, or null
     *     (then 0)
     * @throws IllegalArgumentException when the shapes differ
     */
    public static FieldCheck compare(String field, DMatrixRMaj cand, DMatrixRMaj refHi, DMatrixRMaj refLo,
            DMatrixRMaj allowed, DMatrixRMaj refError) {
        int rows = refHi.numRows;
        int cols = refHi.numCols;
        if (cand.numRows != rows || cand.numCols != cols) {
            throw new IllegalArgumentException("field " + field + " has shape " + cand.numRows + "x" + cand.numCols
                    + " but the instance needs " + rows + "x" + cols);
        }
        requireShape(field, "allowed error", allowed, rows, cols);
        if (refLo != null) {
            requireShape(field, "reference residual", refLo, rows, cols);
        }
        if (refError != null) {
            requireShape(field, "reference error", refError, rows, cols);
        }
        int size = rows * cols;
        Tally t = new Tally();
        for (int k = 0; k < size; k++) {
            t.entry(k, cand.data[k], refHi.data[k], refLo == null ? 0 : refLo.data[k], at(allowed, k),
                    refError == null ? 0 : at(refError, k));
        }
        FieldVerdict v = t.verdict();
        int worst = t.firstNonFinite >= 0 ? t.firstNonFinite : Math.max(t.worst, 0);
        double hiW = refHi.data[worst];
        double loW = refLo == null ? 0 : refLo.data[worst];
        double allowedW = at(allowed, worst) + (refError == null ? 0 : at(refError, worst));
        double candW = cand.data[worst];
        double errW = Double.isFinite(candW) ? Math.abs((candW - hiW) - loW) : Double.POSITIVE_INFINITY;
        String note = v == FieldVerdict.VACUOUS
                ? "allowed error >= |value| at every entry: an all-zero field would pass"
                : "";
        return new FieldCheck(field, rows + "x" + cols, v, size, t.failing, worst / cols, worst % cols, candW, hiW + loW,
                errW, allowedW, Math.max(t.worstRatio, 0), median(t.hist, size), t.maxAbs, t.constrained,
                t.constrained == 0 ? Double.NaN : t.minDetect, t.refShare, note);
    }

    /** The running account of one field's entries: failures, the worst entry, the error histogram, detectability. */
    private static final class Tally {
        final long[] hist = new long[(MAX_EXP - MIN_EXP) * BINS_PER_OCTAVE + 2];
        int failing;
        /** Entries whose allowed error is below their magnitude: there an all-zero answer would fail. */
        int constrained;
        int worst = -1;
        double worstRatio = -1;
        int firstNonFinite = -1;
        double maxAbs;
        double minDetect = Double.POSITIVE_INFINITY;
        double refShare;

        /**
         * Entry {@code k}: candidate {@code c}, reference {@code hi + lo}, allowed error {@code a}, reference error
         * {@code re}. A non-finite side fails unless both are the same infinity.
         */
        void entry(int k, double c, double hi, double lo, double a, double re) {
            double total = a + re;
            if (total > 0) {
                refShare = Math.max(refShare, re / total);
            }
            if (!Double.isFinite(c) || !Double.isFinite(hi)) {
                if (c == hi) {
                    return; // the same infinity on both sides
                }
                failing++;
                if (firstNonFinite < 0 && !Double.isFinite(c)) {
                    firstNonFinite = k;
                }
                if (worstRatio < Double.POSITIVE_INFINITY) {
                    worstRatio = Double.POSITIVE_INFINITY;
                    worst = k;
                }
                hist[hist.length - 1]++;
                maxAbs = Double.POSITIVE_INFINITY;
                return;
            }
            double err = Math.abs((c - hi) - lo);
            maxAbs = Math.max(maxAbs, err);
            double mag = Math.abs(hi + lo);
            if (mag > total) {
                constrained++;
                minDetect = Math.min(minDetect, total / mag);
            }
            double ratio = err == 0 ? 0 : total > 0 ? err / total : Double.POSITIVE_INFINITY;
            if (Double.isNaN(ratio)) {
                ratio = Double.POSITIVE_INFINITY;
            }
            if (ratio > 1) {
                failing++;
            }
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worst = k;
            }
            hist[bin(ratio)]++;
        }

        /** NONFINITE over FAIL over VACUOUS (no constrained entry) over PASS. */
        FieldVerdict verdict() {
            if (firstNonFinite >= 0) {
                return FieldVerdict.NONFINITE;
            } else if (failing > 0) {
                return FieldVerdict.FAIL;
            } else if (constrained == 0) {
                return FieldVerdict.VACUOUS;
            }
            return FieldVerdict.PASS;
        }
    }

    private static void requireShape(String field, String what, DMatrixRMaj m, int rows, int cols) {
        boolean scalar = m.numRows == 1 && m.numCols == 1;
        if (!scalar && (m.numRows != rows || m.numCols != cols)) {
            throw new IllegalArgumentException("field " + field + ": " + what + " has shape " + m.numRows + "x"
                    + m.numCols + ", expected " + rows + "x" + cols + " or 1x1");
        }
    }

    private static double at(DMatrixRMaj m, int k) {
        double v = m.data.length == 1 ? m.data[0] : m.data[k];
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    }

    private static int bin(double ratio) {
        if (ratio == 0) {
            return 0;
        }
        if (ratio == Double.POSITIVE_INFINITY) {
            return (MAX_EXP - MIN_EXP) * BINS_PER_OCTAVE + 1;
        }
        double l = Math.log(ratio) / Math.log(2);
        int b = (int) Math.floor((l - MIN_EXP) * BINS_PER_OCTAVE) + 1;
        return Math.max(1, Math.min(b, (MAX_EXP - MIN_EXP) * BINS_PER_OCTAVE));
    }

    /** The median bin's centre; {@code size >= 1} (instances have {@code n, d >= 1}). */
    private static double median(long[] hist, int size) {
        long half = (size + 1) / 2;
        long seen = 0;
        for (int b = 0; b < hist.length; b++) {
            seen += hist[b];
            if (seen >= half) {
                if (b == 0) {
                    return 0;
                }
                if (b == hist.length - 1) {
                    return Double.POSITIVE_INFINITY;
                }
                return Math.pow(2, MIN_EXP + (b - 0.5) / BINS_PER_OCTAVE);
            }
        }
        return Double.NaN;
    }
}
