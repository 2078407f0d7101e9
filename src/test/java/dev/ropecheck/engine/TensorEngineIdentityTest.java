package dev.ropecheck.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ropecheck.engine.exact.TensorExactEngine_F64;
import dev.ropecheck.engine.fast.TensorFastEngine_F64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The tensor engines' names (they label result files) and the tensor quantities' keys and shapes. */
class TensorEngineIdentityTest {
    @Test
    @DisplayName("engine names label results: tensor-exact, tensor-fast; eps outside (0, 1) is refused")
    void namesAndEps() {
        assertEquals("tensor-exact", new TensorExactEngine_F64().name());
        TensorFastEngine_F64 fast = new TensorFastEngine_F64(1e-3, true);
        assertEquals("tensor-fast", fast.name());
        assertEquals(1e-3, fast.eps());
        for (double bad : new double[] {0, 1, -1e-3, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> new TensorFastEngine_F64(bad, true));
        }
    }

    @Test
    @DisplayName("every tensor quantity is found by its key and has a shape")
    void keysRoundTrip() {
        for (TensorQuantity q : TensorQuantity.values()) {
            assertSame(q, TensorQuantity.byKey(q.key()));
            assertNotNull(q.shape());
        }
        assertThrows(IllegalArgumentException.class, () -> TensorQuantity.byKey("no-such-field"));
    }
}
