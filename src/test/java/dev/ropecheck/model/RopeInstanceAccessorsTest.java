package dev.ropecheck.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link RopeInstance}'s weight accessors refuse an instance given by {@code X}; its text names the shape. */
class RopeInstanceAccessorsTest {

    @Test
    @DisplayName("wq()/wk() without weights throw IllegalStateException naming the cause; toString gives n, d and the family")
    void weightAccessorsAndText() {
        RopeInstance general = new InstanceSpec(3, 2, FamilyKind.IDENTITY, 0.5, false, 5L).build();
        assertFalse(general.hasWeights());
        assertThrows(IllegalStateException.class, general::wq);
        assertThrows(IllegalStateException.class, general::wk);
        RopeInstance weighted = new InstanceSpec(3, 2, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 5L).build();
        assertTrue(weighted.wq().numRows == 2 && weighted.wk().numCols == 2);
        String text = weighted.toString();
        assertTrue(text.startsWith("RopeInstance{n=3, d=2, family=rope-interleaved"), text);
    }
}
