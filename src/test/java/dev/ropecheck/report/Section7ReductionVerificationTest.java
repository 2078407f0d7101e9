package dev.ropecheck.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class Section7ReductionVerificationTest {
    @Test
    @DisplayName("Section 7 reduction: RoPE attention with the identity family and X = vec(X0) vec(I)^T / d equals standard attention (loss and G) to 40 digits")
    void section7ReductionHolds() {
        VerificationResult r = new Section7ReductionVerification().run(VerificationCases.quick(), Progress.NONE);
        assertEquals(Verdict.PASS, r.verdict(), () -> r.detail() + ": error " + r.maxError() + " = " + r.tightness() + " bounds");
        assertEquals(12, r.cases());
        assertTrue(r.bound() < 1e-20, "bound " + r.bound());
    }
}
