package dev.ropecheck.engine.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Edge cases of RoPE attention at the reference's 50 digits (Defs. 3.12–3.17, Lemma 4.1): one
 * token, {@code d = 2} by hand, all-zero inputs, and a target equal to the attention output.
 * Bounds are {@code 10^-P} times the absolute scale of the computation (evaluation at {@code P+10}
 * digits; see {@code proofs-notes/reference-precision.md}).
 */
class ReferenceEdgeCaseTest {
    private static final ReferenceRopeAttention REF = new ReferenceRopeAttention(50);
    private static final Apfloat EPS = new Apfloat("1e-50", 70);

    private static Apfloat ap(double v) {
        return FdSupport.ap(v);
    }

    @Test
    @DisplayName("Defs. 3.14, Lemma 5.3: n = 1 gives f = 1, p = 0 and G = 0 (to 10^-P of their scales)")
    @dev.ropecheck.specs.Spec("def-3.14")
    void def314SingleTokenHasUnitSoftmaxAndZeroGradient() {
        qt().withExamples(8).forAll(Generators.instances(1, 4)).checkAssert(spec -> {
            ReferenceRopeAttention.Evaluation r = REF.evaluate(REF.prepare(spec.build()));
            ApMatrix f = r.values().get(Quantity.F);
            assertEquals(1, f.rows());
            FdSupport.within(spec, "f - 1", ApfloatMath.abs(f.get(0, 0).subtract(Apfloat.ONE)), EPS, Apfloat.ONE);
            double hMax = FdSupport.dbl(r.values().get(Quantity.H).maxAbs());
            double cMax = FdSupport.dbl(r.values().get(Quantity.C).maxAbs());
            int d = f.cols() == 1 ? r.values().get(Quantity.H).cols() : 0;
            // p = f <c, h - f h>: |h - f h| <= |1 - f| H, so |p| <= d C (2 * 10^-P H) with rounding.
            double pScale = d * cMax * hMax;
            Apfloat pBound = EPS.multiply(ap(2 * pScale));
            FdSupport.within(spec, "p (n = 1)", r.values().get(Quantity.P).maxAbs(), pBound, ap(pScale));
            ApInstance in = REF.prepare(spec.build());
            double wMax = FdSupport.dbl(in.weightMatrix(0).maxAbs());
            double gScale = FdSupport.dbl(in.a1().maxAbs()) * FdSupport.dbl(in.a2().maxAbs()) * wMax / d;
            FdSupport.within(spec, "G (n = 1)", r.values().get(Quantity.GRAD_X).maxAbs(), pBound.multiply(ap(gScale)),
                    ap(pScale * gScale));
        });
    }

    @Test
    @DisplayName("Def. 3.1, d = 2 by hand: s_ij = Q_i W_{i-j} K_j^T / 2 with theta_0 = 1, Q = K = I, and f = softmax rows")
    @dev.ropecheck.specs.Spec("def-3.1")
    void def31TwoDimensionalScoresByHand() {
        DMatrixRMaj eye = new DMatrixRMaj(new double[][] {{1, 0}, {0, 1}});
        DMatrixRMaj a3 = new DMatrixRMaj(new double[][] {{0.5, -0.25}, {1, 2}});
        RopeInstance inst = RopeInstance.builder().a1(eye).a2(eye).a3(a3).e(new DMatrixRMaj(2, 2))
                .wq(eye).wk(eye).wv(eye).family(new RopeFamily(2)).build();
        ReferenceRopeAttention.Forward fw = REF.forward(REF.prepare(inst));
        Apfloat half = new Apfloat("0.5", 70);
        Apfloat sin1 = ApfloatMath.sin(new Apfloat(1, 70));
        // s_00 = W_0[0,0]/2, s_01 = W_{-1}[0,1]/2 = sin(-1)/2, s_10 = W_1[1,0]/2 = -sin(1)/2, s_11 = W_0[1,1]/2.
        Apfloat[][] want = {{half, sin1.negate().multiply(half)}, {sin1.negate().multiply(half), half}};
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                FdSupport.within(inst, "s[" + i + "," + j + "]", ApfloatMath.abs(fw.s().get(i, j).subtract(want[i][j])),
                        EPS, Apfloat.ONE);
            }
        }
        // f_00 = 1 / (1 + exp(s_01 - s_00)); row 1 by symmetry f_11 = f_00.
        Apfloat f00 = Apfloat.ONE.divide(new Apfloat(1, 70).add(ApfloatMath.exp(want[0][1].subtract(half))));
        FdSupport.within(inst, "f[0,0]", ApfloatMath.abs(fw.f().get(0, 0).subtract(f00)), EPS, Apfloat.ONE);
        FdSupport.within(inst, "f[1,1]", ApfloatMath.abs(fw.f().get(1, 1).subtract(f00)), EPS, Apfloat.ONE);
    }

    @Test
    @DisplayName("Defs. 3.12-3.17: zero A1, A2, A3, E give s = 0, f = 1/n, L = 0 and G = 0 exactly")
    @dev.ropecheck.specs.Spec({"def-3.13", "def-3.17"})
    void def317ZeroInputsGiveZeroLossAndGradient() {
        qt().withExamples(6).forAll(Generators.instances(6, 4)).checkAssert(spec -> {
            RopeInstance base = spec.build();
            DMatrixRMaj z = new DMatrixRMaj(base.n(), base.d());
            RopeInstance inst = base.toBuilder().a1(z).a2(z).a3(z).e(z).build();
            ReferenceResult r = REF.compute(inst);
            assertTrue(r.loss().signum() == 0, "L = " + r.loss() + " must be exactly 0 for " + spec);
            assertTrue(r.get(Quantity.GRAD_X).maxAbs().signum() == 0, "G must be exactly 0 for " + spec);
            assertTrue(r.get(Quantity.P).maxAbs().signum() == 0, "p must be exactly 0 for " + spec);
            Apfloat oneOverN = new Apfloat(1, 70).divide(new Apfloat(inst.n(), 70));
            FdSupport.within(spec, "f - 1/n", r.get(Quantity.F).maxAbsDiff(
                    ApMatrix.zeros(inst.n(), inst.n()).plusScaled(ones(inst.n()), oneOverN)), EPS, Apfloat.ONE);
            assertEquals(50, r.trustedDigits(), "trusted digits for " + spec);
        });
    }

    private static ApMatrix ones(int n) {
        ApMatrix m = ApMatrix.zeros(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m = m.with(i, j, Apfloat.ONE);
            }
        }
        return m;
    }

    @Test
    @DisplayName("Defs. 3.16-3.17, Lemma 4.1: E = Att (taken at 20 more digits) gives c, L and G zero to 10^-P of their scales")
    @dev.ropecheck.specs.Spec({"def-3.16", "def-3.17"})
    void def317TargetEqualToAttentionGivesZeroLossAndGradient() {
        qt().withExamples(5).forAll(Generators.instances(6, 4)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            ApInstance in = REF.prepare(inst);
            ApMatrix attHi = REF.forward(ApInstance.of(inst, in.digits() + 20)).attention();
            ReferenceRopeAttention.Evaluation r = REF.evaluate(in.withE(attHi));
            double hMax = FdSupport.dbl(r.values().get(Quantity.H).maxAbs());
            int n = in.n();
            int d = in.d();
            // |c| <= 10^-P H (Att is an average of h, computed to P+10 digits of its absolute scale H).
            Apfloat cBound = EPS.multiply(ap(hMax));
            FdSupport.within(spec, "c (E = Att)", r.values().get(Quantity.C).maxAbs(), cBound, ap(hMax));
            FdSupport.within(spec, "L (E = Att)", r.values().get(Quantity.LOSS).maxAbs(),
                    cBound.multiply(cBound).multiply(ap(n * d / 2.0)), ap(n * d * hMax * hMax));
            double wMax = 0;
            for (int m = -(n - 1); m <= n - 1; m++) {
                wMax = Math.max(wMax, FdSupport.dbl(in.weightMatrix(m).maxAbs()));
            }
            // |p| <= d |c| 2H, |G| <= (1/d) n^2 max|p| max|A1| max|A2| max|W|.
            double gFactor = n * n * 2.0 * hMax * FdSupport.dbl(in.a1().maxAbs()) * FdSupport.dbl(in.a2().maxAbs()) * wMax;
            FdSupport.within(spec, "G (E = Att)", r.values().get(Quantity.GRAD_X).maxAbs(), cBound.multiply(ap(gFactor)),
                    ap(gFactor * hMax));
        });
    }

    @Test
    @DisplayName("requested precision: 10 and 10000 digits are accepted, 9 and 10001 refused with the range; withDigits keeps the guard digits")
    void precisionRangeIsInclusive() {
        assertEquals(10, new ReferenceRopeAttention(10).digits());
        assertEquals(10_000, new ReferenceRopeAttention(10_000).digits());
        for (long bad : new long[] {9, 10_001}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new ReferenceRopeAttention(bad));
            assertTrue(e.getMessage().contains("[10, 10000]"), e.getMessage());
        }
        ReferenceRopeAttention r = new ReferenceRopeAttention().withDigits(25);
        assertEquals(25, r.digits());
        assertEquals(25 + ReferenceRopeAttention.GUARD_DIGITS, r.workingDigits());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ReferenceRopeAttention().withDigits(10_001));
    }
}
