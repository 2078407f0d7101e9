package dev.ropecheck.engine.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.RopeFamily;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Transform sharing of {@link SupportKernels} (MATH §1): support entries whose weights {@code W_·[b_t, e_t]}
 * are equal, or negated, share one transform. RoPE's {@code 2d} entries are {@code cos} twice and
 * {@code ±sin} per pair, so {@code d} transforms serve them (half the work of one per entry); the identity
 * family's diagonal is one transform. A transform computed twice is the same transform, so the engines'
 * values cannot show a sharing rule that shares less: the representatives are held here.
 */
class SupportKernelsTest {

    @Test
    @DisplayName("RoPE (interleaved, d = 4): 8 support entries, 4 transforms; (b, a) = -(a, b), (b, b) = (a, a)")
    void ropeSharesCosAndSin() {
        SupportKernels k = new SupportKernels(new RopeFamily(4, 100.0, RopeFamily.Layout.INTERLEAVED), new FftFrame(5, false));
        // row-major support: (0,0) (0,1) (1,0) (1,1) (2,2) (2,3) (3,2) (3,3)
        assertEquals(8, k.size);
        assertArrayEquals(new int[] {0, 1, 1, 0, 4, 5, 5, 4}, k.rep);
        assertArrayEquals(new double[] {1, 1, -1, 1, 1, 1, -1, 1}, k.sgn);
        assertEquals(false, k.constant);
    }

    @Test
    @DisplayName("identity family (d = 3): every diagonal entry shares the first one's transform; none needed without a mask")
    void identitySharesOne() {
        SupportKernels k = new SupportKernels(new IdentityFamily(3), new FftFrame(4, false));
        assertArrayEquals(new int[] {0, 0, 0}, k.rep);
        assertArrayEquals(new double[] {1, 1, 1}, k.sgn);
        assertEquals(true, k.constant);
        assertEquals(false, new SupportKernels(new IdentityFamily(3), new FftFrame(4, true)).constant);
    }
}
