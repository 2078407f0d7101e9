package dev.ropecheck.engine.reference;

import static dev.ropecheck.engine.reference.FdSupport.REF;
import static dev.ropecheck.engine.reference.FdSupport.STEP;
import static dev.ropecheck.engine.reference.FdSupport.WORK;
import static dev.ropecheck.engine.reference.FdSupport.ap;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.gen.KernelSpec;
import dev.ropecheck.model.Support;
import java.util.SplittableRandom;
import org.apfloat.Apfloat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reference gradient against central finite differences of the loss at 100 digits, step
 * {@code 1e-30} (RoPE-grad Lemma 3.18, Lemma 4.1, Lemmas 5.1–5.6; MATH §3). Each check asserts the
 * derived bound of {@link FdSupport} (truncation {@code O(h^2 |φ'''|)} plus rounding), which is far
 * below the required {@value FdSupport#MIN_DIGITS} matching digits against the natural scale
 * {@code n d Δ H (H + Ē)} of the directional derivative.
 */
class GradientFiniteDifferenceTest {

    private static final int EXAMPLES = 12;

    /** Checks one directional derivative of {@code L}: {@code analytic} against the central difference. */
    private static void checkDirection(Object spec, String what, ApInstance in, ApInstance plus,
            ApInstance minus, Apfloat analytic, double delta, double boundOverride) {
        ReferenceRopeAttention.Forward fw = REF.forward(in);
        double hMax = FdSupport.dbl(fw.h().maxAbs());
        double eMax = FdSupport.dbl(in.e().maxAbs());
        Apfloat fd = FdSupport.central(REF.loss(plus), REF.loss(minus));
        double bound = boundOverride >= 0 ? boundOverride : FdSupport.lossFdBound(in.n(), in.d(), delta, hMax, eMax);
        double scale = (double) in.n() * in.d() * delta * hMax * (hMax + eMax);
        assertTrue(bound <= Math.pow(10, -FdSupport.MIN_DIGITS) * scale || scale == 0,
                "derived bound " + bound + " does not support " + FdSupport.MIN_DIGITS + " digits against scale " + scale
                        + " for " + spec);
        FdSupport.within(spec, what, ApfloatAbs.abs(fd.subtract(analytic)), ap(bound), ap(scale));
    }

    /** {@code <M, Mdot>} summed entrywise. */
    static Apfloat inner(ApMatrix m, ApMatrix dir) {
        Apfloat s = Apfloat.ZERO;
        for (int r = 0; r < m.rows(); r++) {
            for (int c = 0; c < m.cols(); c++) {
                s = s.add(m.get(r, c).multiply(dir.get(r, c)));
            }
        }
        return s;
    }

    /** Scales {@code xdot} so that {@code max|D| = 1} ({@code D = ∂s} along it); returns it and the old {@code Δ}. */
    private static ApMatrix normalised(ApInstance in, ApMatrix xdot, double[] deltaOut) {
        Apfloat delta = REF.scores(in, xdot).maxAbs();
        if (delta.signum() == 0) {
            deltaOut[0] = 0;
            return xdot;
        }
        deltaOut[0] = 1;
        return FdSupport.scaled(xdot, delta);
    }

    static void checkX(Object spec, ApInstance in, ApMatrix g, ApMatrix xdot0, String label) {
        double[] delta = new double[1];
        ApMatrix xdot = normalised(in, xdot0, delta);
        Apfloat analytic = inner(g, xdot);
        checkDirection(spec, label, in, in.withX(in.x().plusScaled(xdot, STEP)),
                in.withX(in.x().plusScaled(xdot, STEP.negate())), analytic, delta[0], -1);
    }

    @Test
    @DisplayName("Lemma 3.18 / Lemmas 5.4-5.6: G = dL/dX matches central differences along random directions and coordinates")
    @dev.ropecheck.specs.Spec({"lemma-3.18", "lemma-4.1-part-7"})
    void lemma318GradXMatchesFiniteDifferences() {
        qt().withExamples(EXAMPLES).forAll(Generators.instances(6, 4)).checkAssert(spec -> {
            ApInstance in = REF.prepare(spec.build());
            ApMatrix g = REF.evaluate(in).values().get(Quantity.GRAD_X);
            SplittableRandom rnd = new SplittableRandom(spec.seed() ^ 0x5eedL);
            int dd = in.d() * in.d();
            checkX(spec, in, g, FdSupport.randomDirection(rnd, dd, dd), "G along a random direction");
            Support s = in.support();
            for (int t = 0; t < 3; t++) {
                int row = rnd.nextInt(dd);
                int col = t < 2 ? s.pairIndex(rnd.nextInt(s.size())) : rnd.nextInt(dd);
                checkX(spec, in, g, FdSupport.unit(dd, dd, row, col), "G[" + row + "," + col + "]");
            }
        });
    }

    @dev.ropecheck.specs.Spec({"causal-mask", "score-scale"})
    @Test
    @DisplayName("MATH §9 (specs/causal-mask.md, specs/score-scale.md): G = dL/dX matches central differences on scaled and causal instances")
    void kernelConventionsGradXMatchesFiniteDifferences() {
        qt().withExamples(8).forAll(KernelSpec.over(Generators.instances(6, 4))).checkAssert(k -> {
            ApInstance in = REF.prepare(k.build());
            ApMatrix g = REF.evaluate(in).values().get(Quantity.GRAD_X);
            SplittableRandom rnd = new SplittableRandom(k.base().seed() ^ 0x5caL);
            int dd = in.d() * in.d();
            checkX(k, in, g, FdSupport.randomDirection(rnd, dd, dd), "G along a random direction");
            Support s = in.support();
            int row = rnd.nextInt(dd);
            int col = s.pairIndex(rnd.nextInt(s.size()));
            checkX(k, in, g, FdSupport.unit(dd, dd, row, col), "G[" + row + "," + col + "]");
        });
    }

    @Test
    @DisplayName("Lemmas 5.1-5.3: p_ij = dL/ds_ij (central differences of L as a function of the scores)")
    @dev.ropecheck.specs.Spec("lemma-3.18")
    void lemma53PIsDerivativeOfLossInScores() {
        qt().withExamples(EXAMPLES).forAll(Generators.instances(6, 4)).checkAssert(spec -> {
            ApInstance in = REF.prepare(spec.build());
            ReferenceRopeAttention.Forward fw = REF.forward(in);
            ApMatrix p = REF.evaluate(in).values().get(Quantity.P);
            double hMax = FdSupport.dbl(fw.h().maxAbs());
            double eMax = FdSupport.dbl(in.e().maxAbs());
            SplittableRandom rnd = new SplittableRandom(spec.seed() ^ 0xabcL);
            int n = in.n();
            for (int t = 0; t < Math.min(4, n * n); t++) {
                int i = rnd.nextInt(n);
                int j = rnd.nextInt(n);
                Apfloat sij = fw.s().get(i, j);
                Apfloat fd = FdSupport.central(REF.lossFromScores(in, fw.s().with(i, j, sij.add(STEP))),
                        REF.lossFromScores(in, fw.s().with(i, j, sij.subtract(STEP))));
                double bound = FdSupport.lossFdBound(n, in.d(), 1, hMax, eMax);
                double scale = (double) n * in.d() * hMax * (hMax + eMax);
                FdSupport.within(spec, "p[" + i + "," + j + "]", ApfloatAbs.abs(fd.subtract(p.get(i, j))), ap(bound),
                        ap(scale));
            }
        });
    }

    @Test
    @DisplayName("MATH §3 chain rule: dL/dW_Q, dL/dW_K (X = W_Q ⊗ W_K rebuilt) and dL/dW_V match central differences")
    @dev.ropecheck.specs.Spec("def-3.2")
    void lemma41ChainRuleWeightGradientsMatchFiniteDifferences() {
        qt().withExamples(EXAMPLES).forAll(Generators.instances(6, 4)).checkAssert(spec -> {
            ApInstance in = REF.prepare(spec.build());
            var v = REF.evaluate(in).values();
            SplittableRandom rnd = new SplittableRandom(spec.seed() ^ 0x77L);
            int d = in.d();
            if (in.hasWeights()) {
                // W_Q direction: x(t) = (W_Q + t Wdot) ⊗ W_K is linear in t with xdot = Wdot ⊗ W_K.
                ApMatrix wdot = FdSupport.randomDirection(rnd, d, d);
                Apfloat delta = REF.scores(in, wdot.kron(in.wk())).maxAbs();
                if (delta.signum() != 0) {
                    wdot = FdSupport.scaled(wdot, delta);
                }
                checkDirection(spec, "dL/dW_Q", in, in.withWeights(in.wq().plusScaled(wdot, STEP), in.wk()),
                        in.withWeights(in.wq().plusScaled(wdot, STEP.negate()), in.wk()),
                        inner(v.get(Quantity.GRAD_WQ), wdot), delta.signum() == 0 ? 0 : 1, -1);
                ApMatrix kdot = FdSupport.randomDirection(rnd, d, d);
                delta = REF.scores(in, in.wq().kron(kdot)).maxAbs();
                if (delta.signum() != 0) {
                    kdot = FdSupport.scaled(kdot, delta);
                }
                checkDirection(spec, "dL/dW_K", in, in.withWeights(in.wq(), in.wk().plusScaled(kdot, STEP)),
                        in.withWeights(in.wq(), in.wk().plusScaled(kdot, STEP.negate())),
                        inner(v.get(Quantity.GRAD_WK), kdot), delta.signum() == 0 ? 0 : 1, -1);
            }
            // W_V: L is quadratic in Y, so the central difference has no truncation error; only rounding.
            ApMatrix ydot = FdSupport.randomDirection(rnd, d, d);
            ReferenceRopeAttention.Forward fw = REF.forward(in);
            double hMax = FdSupport.dbl(fw.h().maxAbs()) + FdSupport.dbl(in.a3().times(ydot).maxAbs()) * 1e-29;
            double eMax = FdSupport.dbl(in.e().maxAbs());
            double hDot = FdSupport.dbl(in.a3().times(ydot).maxAbs());
            double round = FdSupport.roundingPerScale() * in.n() * d * (hMax + eMax) * (hMax + eMax);
            Apfloat fd = FdSupport.central(REF.loss(in.withY(in.y().plusScaled(ydot, STEP))),
                    REF.loss(in.withY(in.y().plusScaled(ydot, STEP.negate()))));
            Apfloat analytic = inner(v.get(Quantity.GRAD_WV), ydot);
            double scale = (double) in.n() * d * hDot * (hMax + eMax);
            FdSupport.within(spec, "dL/dW_V", ApfloatAbs.abs(fd.subtract(analytic)), ap(round), ap(scale));
        });
    }
}
