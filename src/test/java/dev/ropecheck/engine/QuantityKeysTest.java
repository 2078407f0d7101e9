package dev.ropecheck.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The field names of every kind (the keys of the result and instance files, {@code specs/format-result.md})
 * and which tensor requests need a backward pass ({@link TensorRowOutputs}): a forward-only request must not
 * pay for {@code ∇_X L} or {@code ∇_Y L}.
 */
class QuantityKeysTest {

    private static <Q extends Enum<Q> & NamedQuantity> void roundTrips(Class<Q> kind, Function<String, Q> byKey,
            String what) {
        Set<String> seen = new HashSet<>();
        for (Q q : kind.getEnumConstants()) {
            assertFalse(q.key().isEmpty(), q.name());
            assertEquals(q, byKey.apply(q.key()), q.name());
            assertEquals(true, seen.add(q.key()), "duplicate key " + q.key());
        }
        String m = assertThrows(IllegalArgumentException.class, () -> byKey.apply("nope")).getMessage();
        assertEquals("unknown " + what + " \"nope\"", m);
    }

    @Test
    @DisplayName("every kind's keys are distinct, non-empty and read back by byKey; an unknown key is named")
    void keysRoundTrip() {
        roundTrips(TensorQuantity.class, TensorQuantity::byKey, "tensor quantity");
        roundTrips(StandardQuantity.class, StandardQuantity::byKey, "standard quantity");
        assertEquals("gradX", StandardQuantity.GRAD_X.key());
        assertEquals(StandardQuantity.P, StandardQuantity.byKey("p"));
    }

    @Test
    @DisplayName("Tensor-grad: ∇_X L is needed exactly for gradX and the W_Q, W_K1, W_K2 gradients; ∇_Y L for gradY, W_V1, W_V2")
    void backwardPassesNeeded() {
        Set<TensorQuantity> x = EnumSet.of(TensorQuantity.GRAD_X, TensorQuantity.GRAD_WQ, TensorQuantity.GRAD_WK1,
                TensorQuantity.GRAD_WK2);
        Set<TensorQuantity> y = EnumSet.of(TensorQuantity.GRAD_Y, TensorQuantity.GRAD_WV1, TensorQuantity.GRAD_WV2);
        for (TensorQuantity q : TensorQuantity.values()) {
            assertEquals(x.contains(q), TensorRowOutputs.needsGradX(EnumSet.of(q)), q.key());
            assertEquals(y.contains(q), TensorRowOutputs.needsGradY(EnumSet.of(q)), q.key());
        }
        Set<TensorQuantity> forward = EnumSet.complementOf(EnumSet.copyOf(x));
        forward.removeAll(y);
        assertFalse(TensorRowOutputs.needsGradX(forward) || TensorRowOutputs.needsGradY(forward), forward.toString());
    }
}
