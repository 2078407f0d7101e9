package dev.ropecheck.engine;

import dev.ropecheck.model.TensorInstance;
import java.util.EnumSet;
import java.util.Set;

/**
 * The one contract the tensor attention engines share (reference, exact, fast): given an instance,
 * compute some of the {@link TensorQuantity quantities} of MATH §8.
 */
public interface TensorAttentionEngine {

    /** A short stable name ("tensor-reference", "tensor-exact", "tensor-fast"). */
    String name();

    /** The quantities this engine can compute for {@code instance}. */
    Set<TensorQuantity> supported(TensorInstance instance);

    /**
     * Computes the requested quantities (and may compute more).
     *
     * @throws IllegalArgumentException when a requested quantity is not {@link #supported}, or the instance
     *     is outside what this engine accepts (the message names the limit)
     */
    TensorResult compute(TensorInstance instance, Set<TensorQuantity> wanted);

    /** Computes every supported quantity. */
    default TensorResult computeAll(TensorInstance instance) {
        return compute(instance, supported(instance));
    }

    /** The weight-gradient quantities {@code instance} has weights for. */
    static Set<TensorQuantity> weightQuantities(TensorInstance instance) {
        Set<TensorQuantity> s = EnumSet.noneOf(TensorQuantity.class);
        if (instance.hasKeyWeights()) {
            s.add(TensorQuantity.GRAD_WQ);
            s.add(TensorQuantity.GRAD_WK1);
            s.add(TensorQuantity.GRAD_WK2);
        }
        if (instance.hasValueWeights()) {
            s.add(TensorQuantity.GRAD_WV1);
            s.add(TensorQuantity.GRAD_WV2);
        }
        return s;
    }

    /** Throws naming the first quantity of {@code wanted} not in {@code supported}. */
    static void requireSupported(String engine, Set<TensorQuantity> wanted, Set<TensorQuantity> supported) {
        for (TensorQuantity q : wanted) {
            if (!supported.contains(q)) {
                throw new IllegalArgumentException("engine " + engine + " cannot compute " + q.key()
                        + " for this instance (supported: " + supported + ")");
            }
        }
    }
}
