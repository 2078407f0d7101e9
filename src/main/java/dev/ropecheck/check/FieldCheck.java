package dev.ropecheck.check;

/**
 * The check of one field: its verdict and the numbers behind it.
 *
 * @param field the field's key
 * @param shape {@code rows x cols}, or "-" when absent
 * @param verdict the verdict
 * @param entries number of entries
 * @param failing entries outside their allowed error (NaN/infinite ones included)
 * @param worstRow row of the entry with the largest {@code err/allowed} (or the first non-finite one)
 * @param worstCol its column
 * @param candidate the candidate's value there
 * @param reference the reference's value there
 * @param error {@code |candidate - reference|} there
 * @param allowed the allowed error there (candidate class plus reference error)
 * @param maxRatio the largest {@code err/allowed} over entries
 * @param medianRatio the median {@code err/allowed} (to a factor {@code 2^(1/16)})
 * @param maxAbsError the largest {@code |candidate - reference|}
 * @param constrained entries whose allowed error is below their magnitude (an all-zero answer would
 *     fail them)
 * @param minDetectable the smallest relative change of one entry the check would catch,
 *     {@code min allowed/|value|} over constrained entries
 * @param referenceShare the largest share of the allowed error that is the reference's own error
 * @param note a hint or the reason for the verdict ("" when none)
 */
public record FieldCheck(String field, String shape, FieldVerdict verdict, int entries, int failing, int worstRow,
        int worstCol, double candidate, double reference, double error, double allowed, double maxRatio,
        double medianRatio, double maxAbsError, int constrained, double minDetectable, double referenceShare,
        String note) {

    /** A field that could not be judged or is absent: no numbers. */
    public static FieldCheck without(String field, FieldVerdict verdict, String note) {
        return new FieldCheck(field, "-", verdict, 0, 0, -1, -1, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, note);
    }

    /** The same check with another verdict, and {@code why} appended to the note. */
    public FieldCheck withVerdict(FieldVerdict v, String why) {
        return new FieldCheck(field, shape, v, entries, failing, worstRow, worstCol, candidate, reference, error, allowed,
                maxRatio, medianRatio, maxAbsError, constrained, minDetectable, referenceShare,
                note.isEmpty() ? why : note + "; " + why);
    }

    /** The same check with another verdict note appended. */
    public FieldCheck withNote(String more) {
        String n = note.isEmpty() ? more : note + "; " + more;
        return new FieldCheck(field, shape, verdict, entries, failing, worstRow, worstCol, candidate, reference, error,
                allowed, maxRatio, medianRatio, maxAbsError, constrained, minDetectable, referenceShare, n);
    }
}
