package dev.ropecheck.cli;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeInstance;
import java.util.OptionalDouble;

/**
 * Where the {@code check} command (and {@code GoldenCorpusTest}) get the error an implementation
 * is allowed: for {@link EngineClass#EXACT} the rounding model of the exact formulas
 * ({@code dev.ropecheck.bounds.ExactRoundingModel}), for {@link EngineClass#FAST} the proved bound
 * of the polynomial method ({@code dev.ropecheck.bounds}). The allowed error is a bound on
 * {@code max_entries |candidate - exact value|} of one field.
 */
public interface ToleranceSource {

    /**
     * The largest allowed {@code |candidate - exact|} over the entries of {@code q}, or empty when
     * this source has no bound for {@code q} (the field is then reported as unchecked).
     *
     * @param reference values of the instance from the engine serving as the reference (for bounds
     *     that scale with magnitudes)
     * @param trusted true when {@code reference} is the arbitrary-precision reference rounded to
     *     double (accurate to {@code u}); false when it is itself a double evaluation (the exact
     *     engine standing in), whose magnitudes a bound must not rely on
     * @param eps the fast engines' parameter (ignored for {@link EngineClass#EXACT})
     */
    OptionalDouble allowed(EngineClass cls, RopeInstance instance, RopeResult reference, boolean trusted, double eps,
            Quantity q);

    /** One line saying where the bounds come from, printed under the table. */
    String describe(EngineClass cls);

    /** True when this source can judge class {@code cls} at all. */
    boolean supports(EngineClass cls);
}
