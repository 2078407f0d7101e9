package dev.ropecheck.bounds;

import dev.ropecheck.engine.NamedQuantity;
import dev.ropecheck.engine.Result;
import dev.ropecheck.model.AttentionInstance;

/**
 * The allowed max-abs-entry error of one engine's value of a quantity against the true value, for any
 * kind of attention. Each implementation is a proved bound or a rounding model written once (see
 * {@code proofs-notes/}); {@link QuantityBound} (RoPE attention) and {@link TensorQuantityBound}
 * (tensor attention) are its two kinds.
 *
 * @param <I> the instance type of the kind
 * @param <Q> the quantity enum of the kind
 */
public interface ErrorBound<I extends AttentionInstance, Q extends Enum<Q> & NamedQuantity> {

    /**
     * @param q the quantity
     * @param instance the instance
     * @param trusted the reference values (rounded to double), for magnitudes the bound depends on; a
     *     result of the kind's own result class
     * @return the bound on {@code max |engine value - true value|}
     */
    double allowed(Q q, I instance, Result<Q> trusted);
}
