package dev.ropecheck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RoPE weights (Def. 3.1, RoPE-fwd Def. 1.1) at arbitrary precision and in double. */
class RopeFamilyTest {

    /** {@code cos(m theta_k)} evaluated directly at 100 digits, independently of the family. */
    private static Apfloat directCos(double base, int d, int k, int m, boolean sine) {
        long p = 100;
        Apfloat th = ApfloatMath.exp(new Apfloat(-2L * k, p).divide(new Apfloat(d, p))
                .multiply(ApfloatMath.log(ExactValues.apfloat(base, p))));
        Apfloat angle = th.multiply(new Apfloat(m, p));
        return sine ? ApfloatMath.sin(angle) : ApfloatMath.cos(angle);
    }

    @Test
    @DisplayName("Def. 3.1: W_m[b,e] at 60 digits equals cos/sin(m theta_k) computed directly, to 1e-58")
    void arbitraryPrecisionWeightsMatchDirectEvaluation() {
        for (RopeFamily.Layout layout : RopeFamily.Layout.values()) {
            RopeFamily f = new RopeFamily(6, 10000.0, layout);
            for (int m : new int[] {0, 1, -1, 7, -13, 1000, -65535, 1 << 20}) {
                for (int k = 0; k < 3; k++) {
                    int a = f.dimA(k);
                    int b = f.dimB(k);
                    Apfloat cos = directCos(10000.0, 6, k, m, false);
                    Apfloat sin = directCos(10000.0, 6, k, m, true);
                    assertClose(cos, f.weight(m, a, a, 60), m, k);
                    assertClose(cos, f.weight(m, b, b, 60), m, k);
                    assertClose(sin, f.weight(m, a, b, 60), m, k);
                    assertClose(sin.negate(), f.weight(m, b, a, 60), m, k);
                }
            }
        }
    }

    private static void assertClose(Apfloat expected, Apfloat got, int m, int k) {
        double err = ApfloatMath.abs(expected.subtract(got)).doubleValue();
        assertTrue(err < 1e-58, "m=" + m + " k=" + k + ": |error| = " + err + " exceeds 1e-58");
    }

    @Test
    /**
     * theta_k = Math.pow(base, x), x = -2k/d rounded: relative error <= (1 + |x| ln base) u + u, and
     * theta |x| ln base = theta ln(1/theta) <= 1/e; the angle m theta_k then errs by at most
     * |m| (2 + 1/e) u, and cos/sin add one rounding each (<= 2u with their 1-ulp accuracy).
     */
    @DisplayName("Def. 3.1: the double weights agree with the exact ones within (2.4 |m| + 2) u")
    void doubleWeightsWithinTheirRoundingBound() {
        RopeFamily f = new RopeFamily(8);
        for (int m : new int[] {0, 3, -200, 4095, -70000}) {
            for (int k = 0; k < 4; k++) {
                int a = f.dimA(k);
                int b = f.dimB(k);
                double bound = (2.4 * Math.abs(m) + 2) * 0x1p-53;
                assertEquals(f.weight(m, a, a, 40).doubleValue(), f.weight(m, a, a), bound, "cos, m=" + m);
                assertEquals(f.weight(m, a, b, 40).doubleValue(), f.weight(m, a, b), bound, "sin, m=" + m);
            }
        }
    }

    @Test
    @DisplayName("Def. 3.1: the support has 2d pairs and W_m is zero outside it")
    void supportHasTwoDPairs() {
        RopeFamily f = new RopeFamily(6, 500.0, RopeFamily.Layout.HALF_SPLIT);
        assertEquals(12, f.support().size());
        for (int b = 0; b < 6; b++) {
            for (int e = 0; e < 6; e++) {
                if (!f.support().contains(b, e)) {
                    assertEquals(0.0, f.weight(5, b, e));
                }
            }
        }
        assertTrue(f.support().contains(0, 3) && f.support().contains(3, 0), "half-split pairs (k, k+d/2)");
    }
}
