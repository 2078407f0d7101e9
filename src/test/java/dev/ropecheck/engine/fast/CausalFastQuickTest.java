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
        return List.of(new RopeFftEngine_F64(FastConventionsTest.EPS, Method.CHEBYSHEV),
                new RopeLowRankEngine_F64(FastConventionsTest.EPS, Method.CHEBYSHEV));
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
        // an explicit family whose weights do not depend on the offset but are not 1: its monomials take the
        // FFT engine's constant-τ path with τ ≠ 1 (the identity family and the empty monomial have τ = 1)
        RopeInstance flat = constantExplicit(5, 0.75, 4105);
        EngineContract.Comparison cf = FastConventionsTest.compare(engines().get(0), flat, FastConventionsTest.REFERENCE);
        assertTrue(cf.failures().isEmpty(), () -> "fast-fft on the constant explicit family" + cf.failures());
    }

    /** {@code d = 2}, diagonal support, {@code W_m = w I} for every offset; entries from {@code seed}. */
    static RopeInstance constantExplicit(int n, double w, long seed) {
        org.ejml.data.DMatrixRMaj[] ws = new org.ejml.data.DMatrixRMaj[2 * n - 1];
        for (int t = 0; t < ws.length; t++) {
            ws[t] = new org.ejml.data.DMatrixRMaj(new double[][] {{w, 0}, {0, w}});
        }
        boolean[][] mask = {{true, false}, {false, true}};
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        org.ejml.data.DMatrixRMaj[] m = new org.ejml.data.DMatrixRMaj[7];
        for (int k = 0; k < m.length; k++) {
            int rows = k < 4 ? n : 2;
            m[k] = new org.ejml.data.DMatrixRMaj(rows, 2);
            for (int t = 0; t < m[k].data.length; t++) {
                m[k].data[t] = rnd.nextDouble() - 0.5;
            }
        }
        return RopeInstance.builder().a1(m[0]).a2(m[1]).a3(m[2]).e(m[3]).wq(m[4]).wk(m[5]).wv(m[6])
                .family(new dev.ropecheck.model.ExplicitFamily(ws, dev.ropecheck.model.Support.ofMask(mask)))
                .entryBound(0.5).causal(true).build();
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
            double fftC = RopeFftEngine_F64.roundingConstant(causal, engines().get(0).forward(causal).polynomial());
            double fftO = RopeFftEngine_F64.roundingConstant(open, engines().get(0).forward(open).polynomial());
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
