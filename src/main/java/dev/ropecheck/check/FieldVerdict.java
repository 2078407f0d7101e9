package dev.ropecheck.check;

/**
 * What the check of one field concluded. Only {@link #PASS} is a pass: a field that was asked for
 * and is absent, has no bound, or has a bound an all-zero answer would meet, is never passed.
 */
public enum FieldVerdict {
    /** Present, finite, checked against a non-vacuous bound, and within it at every entry. */
    PASS,
    /** Some entry is outside its allowed error. */
    FAIL,
    /** Required but absent from the candidate. */
    MISSING,
    /** No bound applies (the tolerance model or the reference does not cover the field). */
    UNCHECKED,
    /** Every entry's allowed error is at least the entry's magnitude: an all-zero field would pass. */
    VACUOUS,
    /** The candidate holds NaN or an infinity where the reference is finite. */
    NONFINITE;

    /** True for the verdicts that say the candidate is wrong (exit 1). */
    public boolean isFailure() {
        return this == FAIL || this == MISSING || this == NONFINITE;
    }
}
