package dev.ropecheck.engine.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.approx.ExpPolynomial;
import dev.ropecheck.approx.Method;
import dev.ropecheck.approx.ScoreBound;
import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.bounds.FastForwardBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.Arrays;
import java.util.EnumSet;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The fast-fft engine's two betas ({@code proofs-notes/fast-forward-error.md} §1, "Two betas"): the polynomial's
 * interval is {@code min(ScoreBound.beta, ScoreBound.betaRotated)} for RoPE and identity with weights and
 * {@code ScoreBound.beta} otherwise, while the expansion's rounding ({@code Pabs}, {@code sigma}) is scaled by
 * {@code ScoreBound.beta}; each at its stated value, and the bound sound where both are attained at once.
 */
class FftTwoBetasTest {
    private static final double EPS = 1e-3;

    @Test
    @DisplayName("RoPE with weights: the interval is betaRotated when smaller (n = 2^12, d = 4: degree 3, not 4)")
    void ropeIntervalIsTheRotatedBound() {
        RopeInstance in = new InstanceSpec(4096, 4, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 1L).build();
        double beta = ScoreBound.beta(in);
        double rot = ScoreBound.betaRotated(in);
        assertTrue(rot < beta, rot + " vs " + beta);
        assertEquals(rot, RopeFftEngine_F64.intervalBeta(in), 0);
        RopeFftEngine_F64 e = new RopeFftEngine_F64(EPS, Method.CHEBYSHEV);
        ExpPolynomial p = e.polynomial(in);
        assertEquals(RopeFftEngine_F64.roundUp(Math.max(rot, RopeFftEngine_F64.MIN_BETA)), p.beta(), 0);
        assertEquals(RopeFftEngine_F64.roundUp(beta), RopeFftEngine_F64.expansionBeta(in, p), 0);
    }

    @Test
    @DisplayName("explicit family and a general X keep ScoreBound.beta as the interval")
    void otherFamiliesKeepBeta() {
        RopeInstance explicit = new InstanceSpec(40, 2, FamilyKind.EXPLICIT, 0.5, true, 3L).build();
        assertEquals(ScoreBound.beta(explicit), RopeFftEngine_F64.intervalBeta(explicit), 0);
        RopeInstance x = new InstanceSpec(40, 4, FamilyKind.ROPE_INTERLEAVED, 0.5, false, 4L).build();
        assertEquals(ScoreBound.beta(x), RopeFftEngine_F64.intervalBeta(x), 0);
    }

    @Test
    @DisplayName("the expansion's rounding: rho = epsRound Pabs(betaAbs) e^beta and sigma at betaAbs, exactly")
    void expansionRoundingAtBetaAbs() {
        RopeInstance in = new InstanceSpec(3000, 4, FamilyKind.ROPE_HALF_SPLIT, 0.5, true, 9L).build();
        FastForward f = new RopeFftEngine_F64(EPS, Method.CHEBYSHEV).forward(in);
        ExpPolynomial p = f.polynomial();
        double betaAbs = RopeFftEngine_F64.expansionBeta(in, p);
        assertTrue(betaAbs > p.beta(), betaAbs + " vs " + p.beta());
        long monomials = ((Number) f.metadata().get("monomials")).longValue();
        double epsRound = FastForwardBound.fftRounding(FftPlans.lengthFor(in.n()), p.degree(), monomials, in.n());
        double pAbs = p.absSumAt(betaAbs);
        assertTrue(pAbs > p.absSum(), "Pabs at betaAbs " + pAbs + " must exceed Pabs at beta " + p.absSum());
        double rho = Math.nextUp(epsRound * pAbs * Math.exp(p.beta()) * (1 + 8 * 0x1p-53));
        assertEquals(rho, f.bound().rho(), 0);
        double omega = RopeFftEngine_F64.omega(in);
        assertEquals(FastForwardBound.scoreRounding(in.d(), betaAbs, omega, betaAbs), f.bound().sigma(), 0);
    }

    @Test
    @DisplayName("absSumAt: an upper bound on Σ|a_k| x^k within γ_{2g+1}, equal to absSum's scale at beta")
    void absSumAtBoundsTheSum() {
        ExpPolynomial p = new RopeFftEngine_F64(EPS, Method.CHEBYSHEV).polynomial(
                new InstanceSpec(64, 4, FamilyKind.ROPE_INTERLEAVED, 1.0, true, 2L).build());
        for (double x : new double[] {0.0, p.beta(), 2 * p.beta(), 3.7}) {
            java.math.BigDecimal exact = java.math.BigDecimal.ZERO;
            java.math.BigDecimal pow = java.math.BigDecimal.ONE;
            for (double a : p.coefficients()) {
                exact = exact.add(new java.math.BigDecimal(Math.abs(a)).multiply(pow));
                pow = pow.multiply(new java.math.BigDecimal(x));
            }
            double got = p.absSumAt(x);
            assertTrue(new java.math.BigDecimal(got).compareTo(exact) >= 0, x + ": " + got + " < " + exact);
            assertTrue(got <= exact.doubleValue() * (1 + 1e-14), x + ": " + got + " vs " + exact);
        }
        assertTrue(p.absSumAt(p.beta()) >= p.absSum() * (1 - 1e-14));
    }

    /**
     * Both betas at their worst together: every token {@code (1/2)(1, 1, 1, 1)}, identity weights, so the
     * rotated bound is attained at {@code m = 0} ({@code s = betaRotated = 1/4}) while the four terms of
     * each pair have magnitude sum {@code 2 × betaRotated} ({@code = ScoreBound.beta}); values in
     * {@code [-1, 1]} alternating. The attention must be within the engine's bound of the exact engine's
     * (plus the exact engine's own rounding bound).
     */
    @Test
    @DisplayName("soundness where betaRotated is attained and the terms' magnitudes are largest")
    void soundWhereBothBetasAreAttained() {
        int n = 2048;
        int d = 4;
        DMatrixRMaj a = new DMatrixRMaj(n, d);
        Arrays.fill(a.data, 0.5);
        DMatrixRMaj v = new DMatrixRMaj(n, d);
        for (int i = 0; i < v.data.length; i++) {
            v.data[i] = (i % 3 == 0 ? 1.0 : -1.0) * ((i * 7919) % 4096) / 4096.0;
        }
        DMatrixRMaj eye = org.ejml.dense.row.CommonOps_DDRM.identity(d);
        RopeInstance in = RopeInstance.builder().a1(a).a2(a.copy()).a3(v).e(new DMatrixRMaj(n, d)).wq(eye)
                .wk(eye.copy()).wv(eye.copy()).family(new RopeFamily(d)).build();
        assertEquals(0.25, ScoreBound.betaRotated(in), 1e-7);
        assertEquals(0.5, ScoreBound.beta(in), 1e-7);
        RopeFftEngine_F64 e = new RopeFftEngine_F64(EPS, Method.CHEBYSHEV);
        FastForward f = e.forward(in);
        assertTrue(f.polynomial().beta() < 0.5, f.polynomial().toString());
        RopeResult exact = new RopeExactEngine_F64().compute(in, EnumSet.of(Quantity.ATTENTION));
        double allowed = f.bound().attention()
                + ExactRoundingModel.tolerance(Quantity.ATTENTION, in, null).bound();
        double worst = 0;
        for (int i = 0; i < n * d; i++) {
            worst = Math.max(worst, Math.abs(f.attention().data[i] - exact.get(Quantity.ATTENTION).data[i]));
        }
        System.out.printf("[two betas] worst |fft - exact| = %.3g, bound %.3g, ratio %.3g%n", worst, allowed,
                worst / allowed);
        assertTrue(worst <= allowed, worst + " > " + allowed);
        assertTrue(worst > 0, "the fast engine must differ from the exact one somewhere");
    }
}
