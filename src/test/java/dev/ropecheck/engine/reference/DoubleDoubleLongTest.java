package dev.ropecheck.engine.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The long sweeps of the double-double reference: more agreement examples, and timing at real sizes. */
@Tag("long")
class DoubleDoubleLongTest {

    @Test
    @DisplayName("MATH §2-3 (long): per-entry agreement >= 25 digits on 40 generated instances, n <= 32, d <= 8")
    void agreementSweep() {
        DoubleDoubleEngineTest.agreementProperty(40, 32, 8);
    }

    @Test
    @DisplayName("Timing (long): RoPE n = 4096, d = 64, forward fields + dQ, dK, dV, weight gradients, against the exact engine")
    void timingN4096D64() {
        RopeInstance inst = new InstanceSpec(4096, 64, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 1L).build();
        EnumSet<Quantity> wanted = EnumSet.of(Quantity.ALPHA, Quantity.H, Quantity.ATTENTION, Quantity.C, Quantity.LOSS,
                Quantity.R, Quantity.DQ, Quantity.DK, Quantity.DV, Quantity.GRAD_WQ, Quantity.GRAD_WK, Quantity.GRAD_WV);
        long t0 = System.nanoTime();
        RopeResult dd = new RopeReferenceEngine_DD().compute(inst, wanted);
        double tdd = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        RopeResult ex = new RopeExactEngine_F64().compute(inst, wanted);
        double tex = (System.nanoTime() - t0) / 1e9;
        System.out.printf("reference-dd n = 4096, d = 64: %.1f s; exact %.2f s; ratio %.1fx%n", tdd, tex, tdd / tex);
        // the exact engine's loss agrees with the trusted one to double precision
        assertTrue(Math.abs(dd.loss() - ex.loss()) <= 1e-9 * Math.abs(dd.loss()));
    }
}
