package dev.ropecheck.engine.reference;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The tensor reference's size guard {@code n^3 d^2 <= MAX_WORK}, at the limit and one step past it. */
class TensorReferenceLimitTest {

    @Test
    @DisplayName("n^3 d^2 = MAX_WORK is accepted (n = 50, d = 4); one more token or feature is refused")
    void guardIsInclusiveAtTheLimit() {
        assertEquals(TensorReferenceEngine_AP.MAX_WORK, 50L * 50 * 50 * 4 * 4);
        assertDoesNotThrow(() -> TensorReferenceEngine_AP.requireWithinLimit(50, 4));
        String m = assertThrows(IllegalArgumentException.class,
                () -> TensorReferenceEngine_AP.requireWithinLimit(51, 4)).getMessage();
        assertEquals("reference work n^3 d^2 = 2122416 (n = 51, d = 4) exceeds the reference limit 2000000;"
                + " use the exact double engine", m);
        assertThrows(IllegalArgumentException.class, () -> TensorReferenceEngine_AP.requireWithinLimit(50, 5));
        // n^3 d^2 in long: 2^31 - 1 tokens would overflow an int product
        assertThrows(IllegalArgumentException.class,
                () -> TensorReferenceEngine_AP.requireWithinLimit(Integer.MAX_VALUE, 1));
    }
}
