package dev.ropecheck.engine;

import dev.ropecheck.model.TensorInstance;
import java.util.EnumSet;
import java.util.Set;

/**
 * The engine contract ({@link Engine}) of the tensor attention kind (reference, exact, fast): given an
 * instance, compute some of the {@link TensorQuantity quantities} of MATH §8, as a {@link TensorResult}.
 */
public interface TensorAttentionEngine extends Engine<TensorInstance, TensorQuantity> {

    /** A short stable name ("tensor-reference", "tensor-exact", "tensor-fast"). */
    @Override
    String name();

    /** The quantities this engine can compute for {@code instance}. */
    @Override
    Set<TensorQuantity> supported(TensorInstance instance);

    /**
     * Computes the requested quantities (and may compute more).
     *
     * @throws IllegalArgumentException when a requested quantity is not {@link #supported}, or the instance
     *     is outside what this engine accepts (the message names the limit)
     */
    @Override
    TensorResult compute(TensorInstance instance, Set<TensorQuantity> wanted);

    /** Computes every supported quantity. */
    @Override
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

    /** Throws naming the first quantity of {@code wanted} not in {@code supported} ({@link Engine#requireSupported}). */
    static void requireSupported(String engine, Set<TensorQuantity> wanted, Set<TensorQuantity> supported) {
        Engine.requireSupported(engine, wanted, supported);
    }
}
