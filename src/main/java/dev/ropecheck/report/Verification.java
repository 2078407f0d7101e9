package dev.ropecheck.report;

/**
 * One verifiable statement of MATH.md, matched to a {@code specs/} entry by {@link #id()}: it
 * measures an error over a set of cases and compares it with a bound that is derived (in the
 * check's Javadoc or the specs entry), never tuned.
 */
public interface Verification {
    /** The id of the {@code specs/<id>.md} entry this check verifies. */
    String id();

    /** One line for the report. */
    String title();

    /**
     * Runs the check.
     *
     * @param cases the instances and sizes of this run (quick or full)
     * @param progress where to report progress
     * @return the measurement; {@link Verdict#SKIPPED} with the reason when something it needs is
     *     not registered
     */
    VerificationResult run(VerificationCases cases, Progress progress);
}
