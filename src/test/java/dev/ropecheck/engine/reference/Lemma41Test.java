package dev.ropecheck.engine.reference;

import static dev.ropecheck.engine.reference.FdSupport.REF;
import static dev.ropecheck.engine.reference.FdSupport.STEP;
import static dev.ropecheck.engine.reference.FdSupport.ap;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.InstanceSpec;
import java.util.SplittableRandom;
import org.apfloat.Apfloat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * RoPE-grad Lemma 4.1 parts 1–7 ({@link ReferenceRopeAttention#directional}) against central
 * differences of the forward quantities at 100 digits, step {@code h = 1e-30}, along a random
 * direction {@code ẋ} scaled so that {@code Δ = max|D| = 1}. Bounds per part (derivations in
 * {@code proofs-notes/reference-precision.md}), with {@code ρ = 10^-(W-15)/h} the rounding factor and
 * {@code σ} the absolute-sum bound of the scores:
 * <ul>
 *   <li>part 1 ({@code s} is linear in {@code x}): {@code ρ σ};</li>
 *   <li>part 2 ({@code u''' = u D^3}): {@code u_ij (1.01 h^2/6 + ρ (1 + σ))};</li>
 *   <li>part 3 (sum of part 2): {@code alpha_i (1.01 h^2/6 + ρ (1 + σ))};</li>
 *   <li>part 4 ({@code |f'''| <= 32 Δ^3}, tilted cumulant): {@code 32 h^2/6 + 2 ρ (1 + σ)};</li>
 *   <li>parts 5, 6 ({@code |Att'''| <= 64 H Δ^3}): {@code 64 H h^2/6 + ρ H (2 n (1 + σ) + 1)};</li>
 *   <li>part 7: {@link FdSupport#lossFdBound}.</li>
 * </ul>
 * Each bound is also checked to lie below {@code 1e-25} of the quantity's natural scale.
 */
class Lemma41Test {
    private static final int EXAMPLES = 8;
    private static final double H2_6 = 1e-60 / 6;

    /** Everything one check needs: the analytic parts and the central differences. */
    private record Case(InstanceSpec spec, ApInstance in, ReferenceRopeAttention.Forward fw,
            ReferenceRopeAttention.Directional dir, ReferenceRopeAttention.Forward plus,
            ReferenceRopeAttention.Forward minus, double sigma, double rho, double hMax) {
    }

    private static Case build(InstanceSpec spec) {
        ApInstance in = REF.prepare(spec.build());
        SplittableRandom rnd = new SplittableRandom(spec.seed() ^ 0x41L);
        int dd = in.d() * in.d();
        ApMatrix xdot = FdSupport.randomDirection(rnd, dd, dd);
        Apfloat delta = REF.scores(in, xdot).maxAbs();
        if (delta.signum() != 0) {
            xdot = FdSupport.scaled(xdot, delta);
        }
        ReferenceRopeAttention.Forward fw = REF.forward(in);
        double wMax = 0;
        for (int m = -(in.n() - 1); m <= in.n() - 1; m++) {
            wMax = Math.max(wMax, FdSupport.dbl(in.weightMatrix(m).maxAbs()));
        }
        int d = in.d();
        double sigma = (double) d * d * d * FdSupport.dbl(in.a1().maxAbs()) * FdSupport.dbl(in.a2().maxAbs())
                * (FdSupport.dbl(in.x().maxAbs()) + 1e-29) * wMax;
        return new Case(spec, in, fw, REF.directional(in, xdot), REF.forward(in.withX(in.x().plusScaled(xdot, STEP))),
                REF.forward(in.withX(in.x().plusScaled(xdot, STEP.negate()))), sigma, FdSupport.roundingPerScale(),
                FdSupport.dbl(fw.h().maxAbs()));
    }

    /** Entrywise {@code |central(plus, minus) - analytic| <= bound * weight_ij}. */
    private static void entrywise(Case k, String part, ApMatrix plus, ApMatrix minus, ApMatrix analytic, double bound,
            ApMatrix weight, double scale) {
        assertTrue(bound <= 1e-25 * scale, part + ": derived bound " + bound + " does not support 25 digits against "
                + scale + " for " + k.spec());
        ApMatrix fd = FdSupport.central(plus, minus);
        for (int r = 0; r < fd.rows(); r++) {
            for (int c = 0; c < fd.cols(); c++) {
                Apfloat w = weight == null ? Apfloat.ONE : weight.get(r, c);
                Apfloat err = ApfloatAbs.abs(fd.get(r, c).subtract(analytic.get(r, c)));
                FdSupport.within(k.spec(), part + " [" + r + "," + c + "]", err, ap(bound).multiply(w),
                        ap(scale).multiply(w));
            }
        }
    }

    private static void forAll(java.util.function.Consumer<Case> check) {
        qt().withExamples(EXAMPLES).forAll(Generators.instances(6, 4)).checkAssert(spec -> check.accept(build(spec)));
    }

    @Test
    @DisplayName("Lemma 4.1 part 1: D = ds along xdot matches the central difference of s")
    @dev.ropecheck.specs.Spec("lemma-4.1-part-1")
    void part1ScoreDerivativeMatchesFiniteDifference() {
        forAll(k -> entrywise(k, "Lemma 4.1 part 1 (ds)", k.plus().s(), k.minus().s(), k.dir().ds(),
                k.rho() * k.sigma(), null, 1));
    }

    @Test
    @DisplayName("Lemma 4.1 part 2: du = u ∘ D matches the central difference of u = exp(s)")
    @dev.ropecheck.specs.Spec({"def-3.12", "lemma-4.1-part-2"})
    void part2ExpDerivativeMatchesFiniteDifference() {
        forAll(k -> entrywise(k, "Lemma 4.1 part 2 (du)", k.plus().a(), k.minus().a(), k.dir().du(),
                1.01 * H2_6 + k.rho() * (1 + k.sigma()), k.fw().a(), 1));
    }

    @Test
    @DisplayName("Lemma 4.1 part 3: dalpha_i = <u_i, D_i> matches the central difference of alpha")
    @dev.ropecheck.specs.Spec({"def-3.13", "lemma-4.1-part-3"})
    void part3AlphaDerivativeMatchesFiniteDifference() {
        forAll(k -> entrywise(k, "Lemma 4.1 part 3 (dalpha)", k.plus().alpha(), k.minus().alpha(), k.dir().dalpha(),
                1.01 * H2_6 + k.rho() * (1 + k.sigma()), k.fw().alpha(), 1));
    }

    @Test
    @DisplayName("Lemma 4.1 part 4: df = f ∘ D - f <f_i, D_i> matches the central difference of f")
    @dev.ropecheck.specs.Spec({"def-3.14", "lemma-4.1-part-4"})
    void part4SoftmaxDerivativeMatchesFiniteDifference() {
        forAll(k -> entrywise(k, "Lemma 4.1 part 4 (df)", k.plus().f(), k.minus().f(), k.dir().df(),
                32 * H2_6 + 2 * k.rho() * (1 + k.sigma()), null, 1));
    }

    @Test
    @DisplayName("Lemma 4.1 part 5: d<f_i, h_l> matches the central difference of Att = f h")
    @dev.ropecheck.specs.Spec("lemma-4.1-part-5")
    void part5AttentionDerivativeMatchesFiniteDifference() {
        forAll(k -> entrywise(k, "Lemma 4.1 part 5 (dAtt)", k.plus().attention(), k.minus().attention(),
                k.dir().dAttention(), attBound(k), null, Math.max(k.hMax(), 1e-300)));
    }

    @Test
    @DisplayName("Lemma 4.1 part 6: dc = dAtt matches the central difference of c = Att - E")
    @dev.ropecheck.specs.Spec({"def-3.16", "lemma-4.1-part-6"})
    void part6ResidualDerivativeMatchesFiniteDifference() {
        forAll(k -> entrywise(k, "Lemma 4.1 part 6 (dc)", k.plus().c(), k.minus().c(), k.dir().dc(), attBound(k), null,
                Math.max(k.hMax(), 1e-300)));
    }

    private static double attBound(Case k) {
        return 64 * k.hMax() * H2_6 + k.rho() * k.hMax() * (2 * k.in().n() * (1 + k.sigma()) + 1);
    }

    @Test
    @DisplayName("Lemma 4.1 part 7: dL = sum c ∘ dc matches the central difference of L")
    @dev.ropecheck.specs.Spec({"def-3.17", "lemma-4.1-part-7"})
    void part7LossDerivativeMatchesFiniteDifference() {
        forAll(k -> {
            int n = k.in().n();
            int d = k.in().d();
            double eMax = FdSupport.dbl(k.in().e().maxAbs());
            double bound = FdSupport.lossFdBound(n, d, 1, k.hMax(), eMax);
            double scale = (double) n * d * k.hMax() * (k.hMax() + eMax);
            Apfloat fd = FdSupport.central(k.plus().loss(), k.minus().loss());
            FdSupport.within(k.spec(), "Lemma 4.1 part 7 (dL)", ApfloatAbs.abs(fd.subtract(k.dir().dLoss())), ap(bound),
                    ap(scale));
        });
    }
}
