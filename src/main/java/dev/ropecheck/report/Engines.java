package dev.ropecheck.report;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeInstance;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the checks may use from the surrounding program: engines by name, and the bounds that
 * judge a double engine against the reference. The command line supplies both from its registry and
 * its tolerance source; tests supply stubs.
 */
public interface Engines {

    /** The engine called {@code name} ("reference", "exact", "fast-fft", "fast-lowrank"), if in this build. */
    Optional<RopeAttentionEngine> engine(String name);

    /** Engine {@code name} built with approximation parameter {@code eps} (fast engines), if in this build. */
    Optional<RopeAttentionEngine> engine(String name, double eps);

    /** The largest {@code n} engine {@code name} is run on. */
    int maxN(String name);

    /** Decimal digits of the reference engine. */
    long referenceDigits();

    /**
     * The allowed {@code max |value - exact|} for field {@code q} of engine {@code name}'s result on
     * {@code instance}, or empty when no bound is in this build.
     *
     * @param reference values for magnitudes
     * @param trusted true when {@code reference} is the arbitrary-precision reference rounded to
     *     double; false when it is a double evaluation (then only instance magnitudes are used)
     */
    OptionalDouble allowed(String name, RopeInstance instance, RopeResult reference, boolean trusted, Quantity q);

    /** Why {@link #allowed} is empty for engine {@code name} (for the report). */
    String whyNoBound(String name);

    /**
     * The tolerance model engine {@code name}'s results are judged by in the one checking core
     * ({@code dev.ropecheck.check.ResultCheck}); by default {@link #allowed}, one number per field.
     */
    default dev.ropecheck.check.ToleranceModel tolerance(String name) {
        return dev.ropecheck.check.ToleranceModel.perField((q, instance, reference) -> {
            OptionalDouble v = allowed(name, instance, reference, true, q);
            return v.isPresent() ? v.getAsDouble() : Double.NaN;
        }, "the bound of " + name);
    }
}
