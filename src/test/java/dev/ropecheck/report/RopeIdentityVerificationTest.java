package dev.ropecheck.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RopeIdentityVerificationTest {
    @Test
    @DisplayName("Def. 3.1 / MATH §1: rope(Q)_i . rope(K)_j = Q_i W_{i-j} K_j^T within the derived rounding bound, and the bound is not vacuous")
    void def31RopeIdentityHoldsWithinTheRoundingBound() {
        VerificationResult r = new RopeIdentityVerification().run(new VerificationCases(false, java.util.List.of(1, 2, 5, 8, 16),
                java.util.List.of(2, 4), 1, java.util.List.of(64), java.util.List.of(1.0)), Progress.NONE);
        assertEquals(Verdict.PASS, r.verdict(), () -> r.detail() + " error " + r.maxError() + " bound " + r.bound()
                + " = " + r.tightness() + " bounds");
        // Not vacuous: entries are O(1), so a wrong identity (e.g. W_{j-i}) errs by O(1); the bound must be far below.
        assertTrue(r.bound() < 1e-9, "bound " + r.bound());
        assertTrue(r.maxError() > 0, "the double side is expected to round somewhere");
        System.out.printf("def-3.1 RoPE identity: %d pairs, worst error %.3e, bound %.3e, tightness %.3g (%s)%n", r.cases(),
                r.maxError(), r.bound(), r.tightness(), r.detail());
    }

    @Test
    @DisplayName("the check's 40-digit cos/sin agree with apfloat's to 30 digits (so its exact side is exact enough)")
    void exactCosSinAgreesWithApfloat() {
        for (int m : new int[] {1, -7, 1000, 65535}) {
            java.math.BigDecimal theta = new java.math.BigDecimal("0.316227766016837933199889354443271853372");
            java.math.BigDecimal[] cs = RopeIdentityVerification.exactCosSin(theta, m);
            org.apfloat.Apfloat x = new org.apfloat.Apfloat(theta.toString(), 60).multiply(new org.apfloat.Apfloat(m, 60));
            double dc = cs[0].subtract(new java.math.BigDecimal(org.apfloat.ApfloatMath.cos(x).toString(true))).abs().doubleValue();
            double ds = cs[1].subtract(new java.math.BigDecimal(org.apfloat.ApfloatMath.sin(x).toString(true))).abs().doubleValue();
            assertTrue(dc < 1e-30 && ds < 1e-30, "m = " + m + ": cos off by " + dc + ", sin off by " + ds);
        }
    }
}
