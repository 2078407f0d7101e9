package dev.ropecheck.engine.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The limits of {@link RopeReferenceEngine_DD} at their boundaries (one instance on each side), its
 * trusted-digit formula ({@code proofs-notes/double-double-reference.md} §1), and the {@code h} field.
 * {@code supported()} is asked only, except where a message or a value is the point: no large computation.
 * The {@code (2n-1) d^2 <= 2^23} offset-table limits bind before the work limits only at {@code d >= 92},
 * where an instance's {@code X} ({@code d^2 x d^2}) alone takes more than 0.5 GB: not tested here.
 */
class DoubleDoubleLimitsTest {
    private static final RopeReferenceEngine_DD DD = new RopeReferenceEngine_DD(1);

    private static RopeInstance rope(int n, int d) {
        return new InstanceSpec(n, d, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 7L).build();
    }

    private static RopeInstance xGiven(int n, int d) {
        return new InstanceSpec(n, d, FamilyKind.ROPE_INTERLEAVED, 0.5, false, 7L).build();
    }

    @dev.ropecheck.specs.Spec("theorem-5.7")
    @Test
    @DisplayName("n <= 2^16 is computed, 2^16 + 1 refused with the limit named")
    void tokenLimitAtItsBoundary() {
        assertFalse(DD.supported(rope(RopeReferenceEngine_DD.MAX_N, 2)).isEmpty());
        RopeInstance over = rope(RopeReferenceEngine_DD.MAX_N + 1, 2);
        assertTrue(DD.supported(over).isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DD.compute(over, EnumSet.of(Quantity.LOSS)));
        assertEquals("n = 65537 exceeds the reference-dd engine's limit n <= 65536 (time grows as n^2)", e.getMessage());
    }

    @dev.ropecheck.specs.Spec("theorem-5.7")
    @Test
    @DisplayName("X given: n^2 d^2 <= 2^31 (d = 2: n = 23170 computed, 23171 refused)")
    void offsetWorkLimitAtItsBoundary() {
        assertFalse(DD.supported(xGiven(23170, 2)).isEmpty());
        RopeInstance over = xGiven(23171, 2);
        assertTrue(DD.supported(over).isEmpty());
        String m = assertThrows(IllegalArgumentException.class, () -> DD.compute(over, EnumSet.of(Quantity.LOSS)))
                .getMessage();
        assertTrue(m.startsWith("n = 23171, d = 2: X-given scores cost n^2 d^2 = 2.15e+09 (limit 2.15e+09)"), m);
    }

    @dev.ropecheck.specs.Spec("theorem-5.7")
    @Test
    @DisplayName("gradX: n^2 d^2 <= 2^30 (d = 2: n = 2^14 exactly at the limit)")
    void gradXLimitsAtTheirBoundaries() {
        assertTrue(DD.supported(rope(1 << 14, 2)).contains(Quantity.GRAD_X));
        Set<Quantity> over = DD.supported(rope((1 << 14) + 1, 2));
        assertTrue(over.contains(Quantity.LOSS) && !over.contains(Quantity.GRAD_X), over.toString());
        String m = assertThrows(IllegalArgumentException.class,
                () -> DD.compute(rope((1 << 14) + 1, 2), EnumSet.of(Quantity.GRAD_X))).getMessage();
        assertTrue(m.startsWith("gradX costs O(n^2 d^2)") && m.contains("(n = 16385, d = 2 gives 1.07e+09"), m);
    }

    @dev.ropecheck.specs.Spec("theorem-5.7")
    @Test
    @DisplayName("n x n fields for n <= 4096 only")
    void quadraticFieldsAtTheirBoundary() {
        assertTrue(DD.supported(rope(RopeReferenceEngine_DD.MAX_QUADRATIC_N, 2)).containsAll(
                EnumSet.of(Quantity.A, Quantity.F, Quantity.P)));
        Set<Quantity> over = DD.supported(rope(RopeReferenceEngine_DD.MAX_QUADRATIC_N + 1, 2));
        assertTrue(over.contains(Quantity.ATTENTION) && !over.contains(Quantity.A) && !over.contains(Quantity.F)
                && !over.contains(Quantity.P), over.toString());
    }

    @dev.ropecheck.specs.Spec("theorem-5.7")
    @Test
    @DisplayName("double-double-reference.md §1: trusted digits floor(-log10((2n + 2d(d+4) + 2048) 2^-104)), in exact decimal arithmetic")
    void trustedDigitsFormula() {
        BigDecimal u2 = BigDecimal.ONE.divide(BigDecimal.valueOf(2).pow(104));
        for (int[] nd : new int[][] {{1, 2}, {64, 4}, {2048, 64}, {4096, 64}, {16384, 128}, {65536, 2}, {65536, 256}}) {
            BigDecimal gamma = BigDecimal.valueOf(2L * nd[0] + 2L * nd[1] * (nd[1] + 4) + 2048).multiply(u2);
            // floor(-log10 gamma) = the largest k with gamma <= 10^-k
            int k = 0;
            while (gamma.compareTo(BigDecimal.ONE.movePointLeft(k + 1)) <= 0) {
                k++;
            }
            assertEquals(k, RopeReferenceEngine_DD.trustedDigits(nd[0], nd[1]), "n = " + nd[0] + ", d = " + nd[1]);
        }
        assertEquals(27, RopeReferenceEngine_DD.trustedDigits(4096, 64));
        assertEquals(26, RopeReferenceEngine_DD.trustedDigits(16384, 128));
        assertEquals(String.valueOf(RopeReferenceEngine_DD.trustedDigits(9, 4)),
                DD.compute(rope(9, 4), EnumSet.of(Quantity.LOSS)).metadata().get("trustedDigits"));
    }

    @dev.ropecheck.specs.Spec("theorem-5.7")
    @Test
    @DisplayName("h = A3 Y (here A3 W_V) is returned when asked, equal to the exact engine's to 2 ulp")
    void valuesFieldIsReturned() {
        RopeInstance in = rope(9, 4);
        RopeResult dd = DD.compute(in, EnumSet.of(Quantity.H));
        double[] got = dd.get(Quantity.H).data;
        double[] want = new RopeExactEngine_F64(1).compute(in, EnumSet.of(Quantity.H)).get(Quantity.H).data;
        assertEquals(want.length, got.length);
        double max = 0;
        for (int k = 0; k < got.length; k++) {
            assertEquals(want[k], got[k], 2 * Math.ulp(want[k]) + 1e-300, "h entry " + k);
            max = Math.max(max, Math.abs(got[k]));
        }
        assertTrue(max > 0.01, "h is not all zero: max " + max);
        assertEquals(3, new RopeReferenceEngine_DD(3).threads());
    }
}
