package dev.ropecheck.engine;

import dev.ropecheck.model.AttentionInstance;
import java.util.Set;

/**
 * The one engine contract of every kind of attention: given an instance of type {@code I}, compute
 * some of the quantities {@code Q} of that kind. The kinds are RoPE attention
 * ({@link RopeAttentionEngine}: MATH §2–6), tensor attention ({@link TensorAttentionEngine}: MATH §8)
 * and standard attention ({@link StandardAttentionEngine}: MATH §7); each kind's engines are named
 * kind, then method, then precision ({@code TensorExactEngine_F64}, {@code StandardReferenceEngine_AP}; the
 * RoPE kind is the default and drops its prefix: {@code RopeExactEngine_F64}, {@code RopeReferenceEngine_DD}).
 *
 * <p>Contract (checked for every engine of every kind by {@code contract.AllKindsEngineContractTest}):
 * {@link #compute} returns at least the requested quantities, each of the shape
 * {@link NamedQuantity#shape()} states for the instance's {@code n, d}, and refuses a quantity that is
 * not {@link #supported} with an {@link IllegalArgumentException}.
 *
 * @param <I> the instance type of the kind ({@code n} tokens of dimension {@code d})
 * @param <Q> the quantity enum of the kind
 */
public interface Engine<I extends AttentionInstance, Q extends Enum<Q> & NamedQuantity> {

    /** A short stable name, kind-method-precision ("exact", "reference-dd", "tensor-fast", "standard-exact"). */
    String name();

    /** The quantities this engine can compute for {@code instance}. */
    Set<Q> supported(I instance);

    /**
     * Computes the requested quantities (and may compute more).
     *
     * @throws IllegalArgumentException when a requested quantity is not {@link #supported}, or the
     *     instance is outside what this engine accepts (the message names the limit)
     */
    Result<Q> compute(I instance, Set<Q> wanted);

    /** Computes every supported quantity. */
    default Result<Q> computeAll(I instance) {
        return compute(instance, supported(instance));
    }

    /**
     * Throws naming the first quantity of {@code wanted} not in {@code supported}.
     *
     * @throws IllegalArgumentException {@code engine <name> cannot compute <key> for this instance (supported: ...)}
     */
    static <Q extends Enum<Q> & NamedQuantity> void requireSupported(String engine, Set<Q> wanted, Set<Q> supported) {
        for (Q q : wanted) {
            if (!supported.contains(q)) {
                throw new IllegalArgumentException("engine " + engine + " cannot compute " + q.key()
                        + " for this instance (supported: " + supported + ")");
            }
        }
    }
}
