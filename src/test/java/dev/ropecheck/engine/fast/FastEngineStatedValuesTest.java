package dev.ropecheck.engine.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.approx.ExpPolynomial;
import dev.ropecheck.approx.Method;
import dev.ropecheck.bounds.FastForwardBound;
import dev.ropecheck.gen.ConventionCase;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the fast engines report about themselves, at its stated value: names, the cost metadata
 * ({@code RopeFftEngine_F64.estimatedFlops}: {@code 2.5 L log2 L} per FFT, {@code 2(d+1)+1} FFTs and
 * {@code 6 L (d+1)} pointwise work per FFT monomial, {@code 4 n (d+1)} per direct one, {@code 3n} per
 * monomial for its factors; low-rank: {@code 4 r n (d+1) + 2 r n}), the monomial counters, the caps at
 * their boundary ({@code C(T+g, g) = cap} accepted, one above refused; likewise the rank), the RoPE weight
 * error {@code omega} in the score rounding, and the families the low-rank engine refuses. Fixed seeds.
 */
class FastEngineStatedValuesTest {
    private static final double EPS = 1e-6;

    private static RopeInstance rope(boolean causal) {
        return new ConventionCase(new InstanceSpec(6, 4, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 4201), causal,
                ConventionCase.Scale.PAPERS).build();
    }

    private static double num(Map<String, Object> meta, String key) {
        Object v = meta.get(key);
        assertTrue(v instanceof Number, key + " = " + v);
        return ((Number) v).doubleValue();
    }

    @Test
    @DisplayName("fast engines: names, flop estimates and monomial counters at their stated values")
    void namesAndCostMetadata() {
        RopeFftEngine_F64 fft = new RopeFftEngine_F64(EPS, Method.CHEBYSHEV);
        RopeLowRankEngine_F64 lr = new RopeLowRankEngine_F64(EPS, Method.CHEBYSHEV);
        assertEquals("fast-fft", fft.name());
        assertEquals("fast-lowrank", lr.name());
        for (boolean causal : new boolean[] {false, true}) {
            for (RopeInstance in : List.of(rope(causal), new ConventionCase(new InstanceSpec(5, 2, FamilyKind.EXPLICIT,
                    0.5, false, 4202), causal, ConventionCase.Scale.INV_SQRT_D).build())) {
                Map<String, Object> m = fft.forward(in).metadata();
                double n = in.n();
                double d = in.d();
                double len = num(m, "fftLength");
                double mono = num(m, "monomials");
                double fftMono = num(m, "fftMonomials");
                double direct = num(m, "directMonomials");
                assertEquals(mono, fftMono + direct, 0, in.toString());
                assertTrue(fftMono >= 0 && direct >= 0 && mono >= 1, m.toString());
                double perFft = 2.5 * len * (Math.log(len) / Math.log(2)) * (2 * (d + 1) + 1) + 6 * len * (d + 1);
                double want = fftMono * perFft + direct * 4 * n * (d + 1) + mono * 3 * n;
                assertEquals(want, num(m, "flops"), 1e-12 * want, m.toString());
                assertEquals(want, RopeFftEngine_F64.estimatedFlops(in.n(), in.d(), (int) len, (long) mono, (long) fftMono),
                        1e-12 * want);
            }
            RopeInstance in = rope(causal);
            Map<String, Object> m = lr.forward(in).metadata();
            double r = num(m, "rank");
            assertEquals(lr.rank(in), (long) r);
            double want = 4 * r * in.n() * (in.d() + 1) + 2 * r * in.n();
            assertEquals(want, num(m, "flops"), 1e-12 * want, m.toString());
        }
        // the explicit family's offsets are not constant, so some monomials go through the FFT
        Map<String, Object> m = fft.forward(new ConventionCase(new InstanceSpec(5, 2, FamilyKind.EXPLICIT, 0.5, false,
                4202), false, ConventionCase.Scale.INV_SQRT_D).build()).metadata();
        assertTrue(num(m, "fftMonomials") > 0, m.toString());
    }

    @Test
    @DisplayName("fast engines: the monomial and rank caps hold at their boundary")
    void capsAtTheirBoundary() {
        RopeInstance in = rope(false);
        long monomials = (long) num(new RopeFftEngine_F64(EPS, Method.CHEBYSHEV).forward(in).metadata(), "monomials");
        new RopeFftEngine_F64(EPS, Method.CHEBYSHEV, monomials).forward(in);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RopeFftEngine_F64(EPS, Method.CHEBYSHEV, monomials - 1).forward(in));
        assertTrue(e.getMessage().contains("exceeds the cap " + (monomials - 1)), e.getMessage());
        long rank = new RopeLowRankEngine_F64(EPS, Method.CHEBYSHEV).rank(in);
        assertEquals(rank, new RopeLowRankEngine_F64(EPS, Method.CHEBYSHEV, rank).rank(in));
        new RopeLowRankEngine_F64(EPS, Method.CHEBYSHEV, rank).forward(in);
        assertThrows(IllegalArgumentException.class, () -> new RopeLowRankEngine_F64(EPS, Method.CHEBYSHEV, rank - 1).rank(in));
        assertThrows(IllegalArgumentException.class, () -> new RopeLowRankEngine_F64(EPS, Method.CHEBYSHEV, rank - 1).forward(in));
    }

    @Test
    @DisplayName("fast engines: the RoPE weight error enters the score rounding; low-rank refuses other families")
    void omegaAndApplicability() {
        RopeInstance in = rope(true);
        RopeFamily f = (RopeFamily) in.family();
        double omega = FastForwardBound.ropeWeightError(in.n(), f.base());
        assertTrue(omega > 0);
        assertEquals(omega, RopeFftEngine_F64.omega(in), 0);
        FastForward ff = new RopeFftEngine_F64(EPS, Method.CHEBYSHEV).forward(in);
        ExpPolynomial p = ff.polynomial();
        double betaAbs = RopeFftEngine_F64.expansionBeta(in, p);
        assertEquals(FastForwardBound.scoreRounding(in.d(), betaAbs, omega, betaAbs), ff.bound().sigma(), 0);
        FastForward fl = new RopeLowRankEngine_F64(EPS, Method.CHEBYSHEV).forward(in);
        assertEquals(FastForwardBound.rotatedScoreRounding(in.d(), fl.polynomial().beta(), omega), fl.bound().sigma(), 0);
        RopeInstance explicit = new ConventionCase(new InstanceSpec(5, 2, FamilyKind.EXPLICIT, 0.5, true, 4203), true,
                ConventionCase.Scale.PAPERS).build();
        assertEquals(0.0, RopeFftEngine_F64.omega(explicit), 0);
        RopeLowRankEngine_F64 lr = new RopeLowRankEngine_F64(EPS, Method.CHEBYSHEV);
        assertThrows(IllegalArgumentException.class, () -> lr.polynomial(explicit));
        RopeInstance x = new ConventionCase(new InstanceSpec(5, 2, FamilyKind.ROPE_INTERLEAVED, 0.5, false, 4204), true,
                ConventionCase.Scale.PAPERS).build();
        assertThrows(IllegalArgumentException.class, () -> lr.polynomial(x));
    }
}
