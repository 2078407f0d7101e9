package dev.ropecheck.cli;

/**
 * The production {@link ToleranceSource}: the exact class is judged by
 * {@code dev.ropecheck.bounds.ExactRoundingModel}, the fast class by the proved bound of
 * {@code dev.ropecheck.bounds}. While those are not in this build, no class can be judged and
 * {@code check} says so instead of inventing a threshold.
 */
public final class StandardTolerances {
    private StandardTolerances() {
    }

    public static ToleranceSource create() {
        return ToleranceSource.none("no proved tolerance is available in this build: dev.ropecheck.bounds"
                + " (ExactRoundingModel, fast approximation bound) is not wired into the check command");
    }
}
