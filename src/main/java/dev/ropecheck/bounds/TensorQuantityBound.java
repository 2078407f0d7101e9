package dev.ropecheck.bounds;

import dev.ropecheck.engine.Result;
import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.model.TensorInstance;

/**
 * The allowed max-abs-entry error of one tensor engine's value of a quantity against the true value (the
 * {@link ErrorBound} of the tensor kind, as {@link QuantityBound} is of the RoPE kind). Each implementation is a proved bound or a
 * rounding model written down in {@code proofs-notes/}.
 */
@FunctionalInterface
public interface TensorQuantityBound extends ErrorBound<TensorInstance, TensorQuantity> {

    /**
     * @param q the quantity
     * @param instance the instance
     * @param trusted reference values (rounded to double) for the magnitudes the bound depends on; must hold
     *     {@code F, H, ATTENTION, C, GRAD_X, GRAD_Y} and {@code ALPHA, A} where those are asked about
     * @return the bound on {@code max |engine value - true value|}
     */
    double allowed(TensorQuantity q, TensorInstance instance, TensorResult trusted);

    /** The kind-generic form; {@code trusted} must be a {@link TensorResult} (every tensor engine returns one). */
    @Override
    default double allowed(TensorQuantity q, TensorInstance instance, Result<TensorQuantity> trusted) {
        return allowed(q, instance, (TensorResult) trusted);
    }
}
