package dev.ropecheck.cli;

/**
 * What the commands are wired to: the engines and the tolerance source. {@link #standard()} is the
 * production wiring; tests pass their own (e.g. a stub engine, a provisional tolerance rule).
 */
public record CliContext(EngineRegistry engines, ToleranceSource tolerances) {

    public CliContext {
        if (engines == null || tolerances == null) {
            throw new IllegalArgumentException("engines and tolerances are required");
        }
    }

    /** The engines of this build and the tolerances of {@link StandardTolerances}. */
    public static CliContext standard() {
        EngineRegistry engines = EngineRegistry.standard();
        return new CliContext(engines, StandardTolerances.create(engines));
    }
}
