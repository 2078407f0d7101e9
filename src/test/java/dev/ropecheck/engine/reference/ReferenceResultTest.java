package dev.ropecheck.engine.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import org.apfloat.Apfloat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a {@link ReferenceResult} states about itself (Def. 3.2, {@code proofs-notes/reference-precision.md}):
 * the agreeing digits of each quantity, their minimum, the textbook form of {@code p}, and one clear refusal
 * for a quantity it does not hold.
 */
class ReferenceResultTest {

    private static final long P = 40;

    /**
     * A well-conditioned instance (n = 4, d = 4, entries in [-1, 1]): the evaluations at {@code P + guard} and
     * {@code P + guard + 20} digits differ by about {@code 10^-(P + guard)} relative, so every quantity that is
     * not zero agrees to the cap {@code P}, less at most a digit for the conservative exponent read-out and one
     * for cancellation in {@code p} and the gradients. Zero answers would claim 0 digits.
     */
    @Test
    @DisplayName("Def. 3.2: every quantity agrees to within two digits of the requested P; trustedDigits is their minimum")
    void agreeingDigitsNearTheCap() {
        RopeInstance inst = new InstanceSpec(4, 4, FamilyKind.ROPE_INTERLEAVED, 1.0, true, 7L).build();
        ReferenceResult r = new ReferenceRopeAttention(P).compute(inst);
        assertEquals(P, r.digits());
        long min = Long.MAX_VALUE;
        for (Quantity q : r.quantities()) {
            long t = r.agreeingDigits(q);
            assertTrue(t >= P - 2 && t <= P, q.key() + ": " + t + " agreeing digits at P = " + P);
            assertTrue(r.absoluteError(q).compareTo(r.get(q).maxAbs().multiply(new Apfloat("1e" + (2 - P), 20))) <= 0,
                    q.key() + ": |q(P) - q(P + 20)| = " + r.absoluteError(q).precision(5));
            min = Math.min(min, t);
        }
        assertEquals(min, r.trustedDigits());
        ApMatrix p = r.get(Quantity.P);
        ApMatrix textbook = r.pByQMinusR();
        assertEquals(p.rows(), textbook.rows());
        Apfloat diff = p.maxAbsDiff(textbook);
        assertTrue(diff.compareTo(p.maxAbs().multiply(new Apfloat("1e" + (3 - P), 20))) <= 0,
                "p and f (q - r) differ by " + diff.precision(5));
        assertTrue(p.maxAbs().signum() > 0);
    }

    @Test
    @DisplayName("a quantity the result does not hold (weight gradients of an X instance) is refused by every accessor")
    void missingQuantityRefused() {
        RopeInstance w = new InstanceSpec(2, 2, FamilyKind.IDENTITY, 1.0, true, 3L).build();
        RopeInstance inst = w.toBuilder().clearX().x(w.x()).build();
        ReferenceResult r = new ReferenceRopeAttention(30).compute(inst);
        assertTrue(r.has(Quantity.GRAD_X));
        assertFalse(r.has(Quantity.GRAD_WQ));
        for (Runnable call : new Runnable[] {() -> r.get(Quantity.GRAD_WQ), () -> r.absoluteError(Quantity.GRAD_WQ),
                () -> r.agreeingDigits(Quantity.GRAD_WQ)}) {
            String m = assertThrows(IllegalArgumentException.class, call::run).getMessage();
            assertTrue(m.contains("holds no gradWQ") && m.contains("W_Q and W_K"), m);
        }
    }
}
