package dev.ropecheck.report;

/** Outcome of one {@link Verification}. */
public enum Verdict {
    /** Every measured error is within its bound. */
    PASS,
    /** Some measured error exceeds its bound. */
    FAIL,
    /** The check could not run (an engine or bound it needs is not registered or cannot take the cases); says why. */
    SKIPPED
}
