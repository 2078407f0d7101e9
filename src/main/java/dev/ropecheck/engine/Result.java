package dev.ropecheck.engine;

import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * What an engine of any kind computed for one instance: some quantities of type {@code Q} in double
 * precision, plus free-form metadata. {@link QuantityValues} is the one implementation; its kinds are
 * {@link RopeResult}, {@link TensorResult} and {@link StandardResult}.
 *
 * @param <Q> the quantity enum of the kind
 */
public interface Result<Q extends Enum<Q> & NamedQuantity> {
    /** The name of the engine that computed it. */
    String engine();

    boolean has(Q q);

    Set<Q> quantities();

    /** The value of {@code q} (a copy); throws when this result does not hold it. */
    DMatrixRMaj get(Q q);

    /** The low-order part of {@code q} kept by engines more accurate than double, or null. */
    DMatrixRMaj residual(Q q);

    /** The loss {@code L} as a number. */
    double loss();

    Map<String, String> metadata();
}
