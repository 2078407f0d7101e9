package dev.ropecheck.bounds;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.Result;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeInstance;

/**
 * The {@link ErrorBound} of the RoPE attention kind: the allowed max-abs-entry error of one engine's
 * value of a quantity, against the true value. Each implementation is a proved bound or a rounding
 * model written once (see {@code proofs-notes/}).
 */
@FunctionalInterface
public interface QuantityBound extends ErrorBound<RopeInstance, Quantity> {

    /**
     * @param q the quantity
     * @param instance the instance
     * @param trusted the reference values (rounded to double), for magnitudes the bound depends on
     * @return the bound on {@code max |engine value - true value|}
     */
    double allowed(Quantity q, RopeInstance instance, RopeResult trusted);

    /** The kind-generic form; {@code trusted} must be a {@link RopeResult} (every RoPE engine returns one). */
    @Override
    default double allowed(Quantity q, RopeInstance instance, Result<Quantity> trusted) {
        return allowed(q, instance, (RopeResult) trusted);
    }
}
