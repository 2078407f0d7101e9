package dev.ropecheck.engine;

import dev.ropecheck.model.StandardInstance;
import java.util.Set;

/**
 * The engine contract ({@link Engine}) of the standard attention kind (MATH §7): given an instance,
 * compute some of the {@link StandardQuantity quantities}, as a {@link StandardResult}. Its engines
 * ({@code StandardExactEngine_F64}, {@code StandardReferenceEngine_AP}) are written independently of the RoPE
 * engines so that the Section 7 reduction compares separate programs.
 */
public interface StandardAttentionEngine extends Engine<StandardInstance, StandardQuantity> {

    @Override
    Set<StandardQuantity> supported(StandardInstance instance);

    @Override
    StandardResult compute(StandardInstance instance, Set<StandardQuantity> wanted);

    /** Computes every supported quantity. */
    @Override
    default StandardResult computeAll(StandardInstance instance) {
        return compute(instance, supported(instance));
    }
}
