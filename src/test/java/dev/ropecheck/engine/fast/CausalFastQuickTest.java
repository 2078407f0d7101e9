package dev.ropecheck.engine.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.approx.ExpPolynomial;
import dev.ropecheck.approx.Method;
import dev.ropecheck.bounds.FastForwardBound;
import dev.ropecheck.contract.EngineContract;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.gen.ConventionCase;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The causal branches of both fast engines on a few small fixed cases (seconds, unlike the generated
 * {@link FastConventionsTest} and {@link AdversarialBoundSearchTest}): every returned field, forward and
 * gradient, within the certified bound of the 40-digit causal reference; the causal rounding constant of
 * {@code proofs-notes/causal-fast.md} ({@code n (1 + 2u)} times the unmasked one, {@link
 * FastForwardBound#causalRounding}) at its stated value in each engine's forward bound; the {@code causal}
 * metadata exactly on causal results; and a causal result that is not the unmasked one.
 * Seeds are fixed in {@link #cases()} and printed with every failure.
 */
class CausalFastQuickTest {
    private static final double U = 0x1p-53;

    static List<ConventionCase> cases() {
        return List.of(
                new ConventionCase(new InstanceSpec(6, 4, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 4101), true,
                        ConventionCase.Scale.PAPERS),
                new ConventionCase(new InstanceSpec(5, 2, FamilyKind.IDENTITY, 0.5, true, 4102), true,
                        ConventionCase.Scale.INV_SQRT_D),
                new ConventionCase(new InstanceSpec(7, 4, FamilyKind.ROPE_HALF_SPLIT, 0.25, true, 4103), true,
                        ConventionCase.Scale.TWO_OVER_D));
    }

    static List<PolynomialEngine> engines() {
        return List.of(new FftEngine(FastConventionsTest.EPS, Method.CHEBYSHEV),
                new LowRankEngine(FastConventionsTest.EPS, Method.CHEBYSHEV));
    }

    @Test
    @DisplayName("causal-fast.md: both fast engines' causal fields (forward and gradients) within the certified bound")
    void causalFieldsWithinCertifiedBound() {
        for (ConventionCase c : cases()) {
            RopeInstance inst = c.build();
            assertTrue(inst.causal());
            for (PolynomialEngine e : engines()) {
                EngineContract.Comparison cmp = FastConventionsTest.compare(e, inst, FastConventionsTest.REFERENCE);
                assertTrue(cmp.failures().isEmpty(), () -> e.name() + " on " + c + cmp.failures());
            }
            // the other arm of the mask branch: the same instance unmasked (low-rank's prefix-free sums)
            RopeInstance open = inst.toBuilder().causal(false).build();
            EngineContract.Comparison cmp = FastConventionsTest.compare(engines().get(1), open,
                    FastConventionsTest.REFERENCE);
            assertTrue(cmp.failures().isEmpty(), () -> "fast-lowrank on " + c + " unmasked" + cmp.failures());
        }
        // the explicit family and the general X route run only on the FFT engine
        ConventionCase x = new ConventionCase(new InstanceSpec(5, 2, FamilyKind.EXPLICIT, 0.5, false, 4104), true,
                ConventionCase.Scale.INV_SQRT_D);
        EngineContract.Comparison cmp = FastConventionsTest.compare(engines().get(0), x.build(),
                FastConventionsTest.REFERENCE);
        assertTrue(cmp.failures().isEmpty(), () -> "fast-fft on " + x + cmp.failures());
    }

    @Test
    @DisplayName("causal-fast.md: the causal rounding constant is n (1 + 2u) times the unmasked one, in both engines")
    void causalRoundingConstantAtItsStatedValue() {
        for (ConventionCase c : cases()) {
            RopeInstance causal = c.build();
            RopeInstance open = causal.toBuilder().causal(false).build();
            int n = causal.n();
            for (PolynomialEngine e : engines()) {
                FastForward fc = e.forward(causal);
                FastForward fo = e.forward(open);
                ExpPolynomial p = fc.polynomial();
                assertEquals(p.degree(), fo.polynomial().degree(), c + " " + e.name());
                assertEquals(p.beta(), fo.polynomial().beta(), 0, c + " " + e.name());
                // rho = nextUp(epsRound Pabs e^beta (1 + 8u)), so the ratio is n (1 + 2u) up to the two nextUps
                double ratio = fc.bound().rho() / fo.bound().rho();
                assertEquals(n * (1 + 2 * U), ratio, 8 * n * U, c + " " + e.name() + ": rho ratio " + ratio);
                assertTrue(fc.bound().attention() > fo.bound().attention(), c + " " + e.name());
                assertEquals(Boolean.TRUE.toString(), String.valueOf(fc.metadata().get("causal")), c + " " + e.name());
                assertFalse(fo.metadata().containsKey("causal"), c + " " + e.name());
                // a masked row differs from the unmasked one (row 0 sees only key 0)
                DMatrixRMaj ac = fc.attention();
                DMatrixRMaj ao = fo.attention();
                double diff = 0;
                for (int t = 0; t < ac.data.length; t++) {
                    diff = Math.max(diff, Math.abs(ac.data[t] - ao.data[t]));
                }
                assertTrue(diff > 1e3 * (fc.bound().attention() + fo.bound().attention()),
                        c + " " + e.name() + ": the mask changes attention by only " + diff);
            }
            double fftC = FftEngine.roundingConstant(causal, engines().get(0).forward(causal).polynomial());
            double fftO = FftEngine.roundingConstant(open, engines().get(0).forward(open).polynomial());
            assertEquals(FastForwardBound.causalRounding(fftO, n), fftC, 0, c.toString());
        }
    }

    @Test
    @DisplayName("causal-fast.md: row 0 of a causal result is key 0's value row exactly to the bound")
    void firstCausalRowIsTheFirstValue() {
        for (ConventionCase c : cases()) {
            RopeInstance inst = c.build();
            DMatrixRMaj h = inst.h();
            for (PolynomialEngine e : engines()) {
                FastForward f = e.forward(inst);
                for (int l = 0; l < inst.d(); l++) {
                    assertEquals(h.get(0, l), f.attention().get(0, l), f.bound().attention(),
                            c + " " + e.name() + " l=" + l);
                }
            }
        }
    }
}
