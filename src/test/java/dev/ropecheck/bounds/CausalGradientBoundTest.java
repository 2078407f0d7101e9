package dev.ropecheck.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.approx.ScoreBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the kernel conventions change in {@link FastGradientBound} and {@link FastForwardBound}
 * ({@code proofs-notes/causal-fast.md} §1, §3, §4), on the same forward bound: under the mask only the
 * column-sum factor of {@code dK, dV} changes ({@code e^{2β}} to {@code e^{2β} H_n}); the row quantities
 * ({@code r, G, dQ}) do not; {@code causalRounding} is {@code n epsRound}; the scale multiplies
 * {@code G, dQ, dK} by {@code sigma d}.
 */
class CausalGradientBoundTest {
    static double harmonic(int n) {
        double h = 0;
        for (int k = 1; k <= n; k++) {
            h += 1.0 / k;
        }
        return h;
    }

    @dev.ropecheck.specs.Spec("causal-fast")
    @Test
    @DisplayName("causal-fast.md §4: under the mask dK and dV carry e^{2beta} H_n, r, G and dQ are unchanged")
    void maskChangesOnlyTheColumnSums() {
        for (int n : new int[] {3, 17, 64}) {
            RopeInstance plain = new InstanceSpec(n, 4, FamilyKind.ROPE_INTERLEAVED, 0.25, true, 5L + n).build();
            RopeInstance causal = plain.toBuilder().causal(true).build();
            double beta = ScoreBound.beta(plain);
            FastForwardBound fwd = new FastForwardBound(beta, 1e-6, Math.exp(beta), 0, 0, 0.25, 0, 0.25);
            FastGradientBound a = new FastGradientBound(fwd, plain);
            FastGradientBound b = new FastGradientBound(fwd, causal);
            assertEquals(a.gradX(), b.gradX(), 0.0);
            assertEquals(a.dq(), b.dq(), 0.0);
            assertEquals(a.allowed(Quantity.R, plain, null), b.allowed(Quantity.R, causal, null), 0.0);
            double hn = harmonic(n);
            double expected = Math.min(hn, n / Math.exp(2 * beta));
            for (double ratio : new double[] {b.dk() / a.dk(), b.dv() / a.dv()}) {
                assertTrue(ratio >= expected * (1 - 1e-9) && ratio <= expected * (1 + 1e-6),
                        "n = " + n + ": causal/unmasked " + ratio + ", H_n = " + hn);
            }
        }
    }

    @dev.ropecheck.specs.Spec("causal-fast")
    @Test
    @DisplayName("causal-fast.md §1, §3: sigma scales G, dQ, dK by sigma d; causalRounding is n epsRound")
    void scaleAndRounding() {
        RopeInstance plain = new InstanceSpec(9, 4, FamilyKind.IDENTITY, 0.25, true, 3L).build();
        RopeInstance scaled = plain.toBuilder().scale(2.0 / 4).build();
        FastForwardBound fwd = new FastForwardBound(0.1, 1e-6, Math.exp(0.1), 0, 0, 0.25, 0, 0.25);
        FastGradientBound a = new FastGradientBound(fwd, plain);
        FastGradientBound b = new FastGradientBound(fwd, scaled);
        assertEquals(2 * a.gradX(), b.gradX(), 1e-12 * b.gradX());
        assertEquals(2 * a.dq(), b.dq(), 1e-12 * b.dq());
        assertEquals(2 * a.dk(), b.dk(), 1e-12 * b.dk());
        double e = FastForwardBound.fftRounding(32, 3, 165, 9);
        double c = FastForwardBound.causalRounding(e, 9);
        assertTrue(c >= 9 * e && c <= 9 * e * (1 + 1e-15), "causalRounding " + c + " vs n epsRound " + 9 * e);
    }
}
