package dev.ropecheck.engine.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.approx.Method;
import dev.ropecheck.bounds.Deviation;
import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.bounds.FastGradientBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.engine.reference.RopeReferenceEngine_AP;
import dev.ropecheck.engine.exact.StandardExactEngine_F64;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.StandardInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Properties of the fast gradients (RoPE-grad Section 6, MATH §6–7) beyond the contract suite:
 * the bound is non-trivial, a wrong variant is caught, tiny {@code eps} reproduces the exact engine,
 * the two fast engines agree, the Section 7 identity reduction, and a gradient-descent step.
 * Tolerances: {@link FastGradientBound} (proofs-notes/fast-gradient-error.md) plus
 * {@link ExactRoundingModel} when the other side is the double exact engine.
 */
class FastGradientPropertiesTest {
    static final Set<Quantity> GRADS = EnumSet.of(Quantity.R, Quantity.GRAD_X, Quantity.DQ, Quantity.DK, Quantity.DV,
            Quantity.GRAD_WQ, Quantity.GRAD_WK, Quantity.GRAD_WV);
    static final RopeExactEngine_F64 EXACT = new RopeExactEngine_F64();

    /** One fast engine's gradient pass, by name. */
    record Fast(String name, Function<RopeInstance, FastGradient> run) {
    }

    static Fast lowRank(double eps) {
        return of(new RopeLowRankEngine_F64(eps, Method.CHEBYSHEV));
    }

    static Fast fft(double eps) {
        return of(new RopeFftEngine_F64(eps, Method.CHEBYSHEV));
    }

    static Fast of(PolynomialEngine e) {
        return new Fast(e.name(), e::gradient);
    }

    static List<Fast> both(double eps) {
        return List.of(lowRank(eps), fft(eps));
    }

    static Set<Quantity> quantities(RopeInstance in) {
        Set<Quantity> s = EnumSet.noneOf(Quantity.class);
        for (Quantity q : GRADS) {
            if (in.hasWeights() || !q.needsWeights()) {
                s.add(q);
            }
        }
        return s;
    }

    /** Each gradient quantity of {@code g} against {@code ref} within {@code g}'s bound plus {@code extra(q)}. */
    static List<String> outside(FastGradient g, RopeResult ref, RopeInstance in, Function<Quantity, Double> extra) {
        List<String> bad = new ArrayList<>();
        for (Quantity q : quantities(in)) {
            double allowed = g.bound().allowed(q, in, ref) + extra.apply(q);
            Deviation dev = Deviation.measure(g.get(q), ref.get(q), allowed);
            if (!dev.holds()) {
                bad.add(dev.describe(q.key()));
            }
        }
        return bad;
    }

    @Test
    @DisplayName("Theorem 6.7 bound is non-trivial: at eps = 1e-6 each gradient bound is below the quantity's size")
    @dev.ropecheck.specs.Spec({"lemma-6.3", "theorem-6.7"})
    void theorem67BoundIsNonTrivial() {
        RopeReferenceEngine_AP ref = RopeReferenceEngine_AP.withDigits(30);
        List<String> ratios = new ArrayList<>();
        qt().withExamples(8).forAll(FastInstances.rotations(8)).checkAssert(spec -> {
            RopeInstance in = spec.build();
            RopeResult r = ref.compute(in, quantities(in));
            for (Fast f : both(1e-6)) {
                FastGradient g = f.run().apply(in);
                for (Quantity q : quantities(in)) {
                    double scale = FastForward.maxAbs(r.get(q));
                    double bound = g.bound().allowed(q, in, r);
                    if (scale > 1e-12) {
                        ratios.add(String.format("%s %s %.2e", f.name(), q.key(), bound / scale));
                        assertTrue(bound < scale, () -> f.name() + " " + spec + ": bound for " + q.key() + " = "
                                + bound / scale + " x max|" + q.key() + "| (would accept zeros)");
                    }
                }
            }
        });
        System.out.println("bound / max|quantity| at eps 1e-6, sample: " + ratios.subList(0, Math.min(8, ratios.size())));
    }

    @Test
    @DisplayName("Lemma 6.4: the variant dropping the -r~ column of x is caught by the reference comparison")
    @dev.ropecheck.specs.Spec({"lemma-6.4", "lemma-6.6"})
    void lemma64DroppingRColumnIsCaught() {
        RopeReferenceEngine_AP ref = RopeReferenceEngine_AP.withDigits(30);
        SplittableRandom rnd = new SplittableRandom(20261124L);
        FamilyKind[] fams = {FamilyKind.ROPE_INTERLEAVED, FamilyKind.ROPE_HALF_SPLIT, FamilyKind.IDENTITY};
        FactorMutant mutant = FactorMutant.DROP_R;
        List<Fast> wrongs = List.of(of(mutant.of(new RopeLowRankEngine_F64(1e-6, Method.CHEBYSHEV))),
                of(mutant.of(new RopeFftEngine_F64(1e-6, Method.CHEBYSHEV))));
        int[] caught = new int[wrongs.size()];
        int tried = 0;
        for (int k = 0; k < 9; k++) {
            InstanceSpec spec = new InstanceSpec(2 + rnd.nextInt(6), 2 * (1 + rnd.nextInt(2)), fams[k % 3], 0.5,
                    true, rnd.nextLong());
            RopeInstance in = spec.build();
            RopeResult r = ref.compute(in, quantities(in));
            tried++;
            for (int w = 0; w < wrongs.size(); w++) {
                if (!outside(wrongs.get(w).run().apply(in), r, in, q -> 0.0).isEmpty()) {
                    caught[w]++;
                }
            }
        }
        for (int w = 0; w < wrongs.size(); w++) {
            System.out.printf("suite power: %s %s caught on %d of %d instances%n", wrongs.get(w).name(), mutant,
                    caught[w], tried);
            assertTrue(tried == 9 && caught[w] == tried, wrongs.get(w).name() + " " + mutant + " ("
                    + mutant.breaks() + ") caught only " + caught[w]
                    + " of the " + tried + " instances of the fixed seed set; every one must catch it");
        }
    }

    @Test
    @DisplayName("Theorem 6.7 at eps = 1e-14: fast gradients match the exact engine to 1e-10 relative")
    @dev.ropecheck.specs.Spec({"lemma-6.2", "theorem-6.7"})
    void tinyEpsMatchesExactEngine() {
        qt().withExamples(12).forAll(FastInstances.rotations(16)).checkAssert(spec -> {
            RopeInstance in = spec.build();
            RopeResult ex = EXACT.compute(in, quantities(in));
            for (Fast f : both(1e-14)) {
                FastGradient g = f.run().apply(in);
                List<String> bad = outside(g, ex, in, q -> ExactRoundingModel.tolerance(q, in, null).bound());
                assertTrue(bad.isEmpty(), () -> f.name() + " " + spec + " vs exact: " + bad);
                for (Quantity q : quantities(in)) {
                    DMatrixRMaj e = ex.get(q);
                    double scale = FastForward.maxAbs(e);
                    double err = Deviation.measure(g.get(q), e, 0).maxAbsError();
                    // the exact engine is itself only good to its rounding bound (zero gradients at n = 1)
                    double exTol = ExactRoundingModel.tolerance(q, in, null).bound();
                    assertTrue(err <= 1e-10 * scale + exTol, () -> f.name() + " " + spec + ": " + q.key()
                            + " relative error " + err / scale + " > 1e-10 at eps 1e-14 (exact engine's own bound "
                            + exTol + ")");
                    if (scale > exTol * 1e3) {
                        synchronized (WORST) {
                            WORST[0] = Math.max(WORST[0], err / scale);
                        }
                    }
                }
            }
        });
        System.out.printf("eps 1e-14: largest relative error of a fast gradient quantity vs exact: %.3g%n", WORST[0]);
    }

    static final double[] WORST = new double[1];

    @Test
    @DisplayName("Theorem 6.7: fast-fft and fast-lowrank gradients agree within the sum of their bounds")
    @dev.ropecheck.specs.Spec({"lemma-6.5", "theorem-6.7"})
    void fastEnginesAgreeWithinSumOfBounds() {
        qt().withExamples(20).forAll(FastInstances.rotations(24)).checkAssert(spec -> {
            RopeInstance in = spec.build();
            FastGradient a = lowRank(1e-3).run().apply(in);
            FastGradient b = fft(1e-3).run().apply(in);
            for (Quantity q : quantities(in)) {
                double tol = a.bound().allowed(q, in, null) + b.bound().allowed(q, in, null);
                Deviation dev = Deviation.measure(a.get(q), b.get(q), tol);
                assertTrue(dev.holds(), () -> spec + ": " + dev.describe(q.key() + " lowrank vs fft"));
            }
        });
    }

    @Test
    @DisplayName("Section 7: identity family, G~[(a,c),(b,e)] = grad L_std[a,c] [b = e] (both fast engines)")
    @dev.ropecheck.specs.Spec("theorem-6.7")
    void section7IdentityReduction() {
        Gen<InstanceSpec> ids = FastInstances.rotations(16).map(s -> new InstanceSpec(s.n(), s.d(), FamilyKind.IDENTITY,
                s.bound(), true, s.seed())).describedAs(InstanceSpec::toString);
        qt().withExamples(15).forAll(ids).checkAssert(spec -> {
            RopeInstance in = spec.build();
            int d = in.d();
            DMatrixRMaj x0 = new DMatrixRMaj(d, d);
            CommonOps_DDRM.multTransB(in.wq(), in.wk(), x0);
            StandardExactEngine_F64.Values std = StandardExactEngine_F64.evaluate(StandardInstance.of(in, x0));
            double tolStd = ExactRoundingModel.tolerance(Quantity.GRAD_X, in, null).bound();
            for (Fast f : both(1e-3)) {
                FastGradient g = f.run().apply(in);
                DMatrixRMaj gx = g.get(Quantity.GRAD_X);
                double tol = g.bound().gradX() + tolStd;
                for (int a = 0; a < d; a++) {
                    for (int c = 0; c < d; c++) {
                        double first = gx.get(a * d + c, 0);
                        for (int b = 0; b < d; b++) {
                            for (int e = 0; e < d; e++) {
                                double v = gx.get(a * d + c, b * d + e);
                                if (b != e) {
                                    assertEquals(0.0, v, 0.0, f.name() + " off-diagonal block entry must be 0");
                                } else {
                                    assertEquals(first, v, 0.0, f.name() + " diagonal blocks must be equal");
                                }
                            }
                        }
                        double err = Math.abs(first - std.gradient().get(a, c));
                        int aa = a;
                        int cc = c;
                        assertTrue(err <= tol, () -> f.name() + " " + spec + ": |G~[(" + aa + "," + cc
                                + "),(b,b)] - grad L_std| = " + err / tol + " x bound");
                    }
                }
            }
        });
    }

    @Test
    @DisplayName("Lemma 4.1 chain rule end to end: a small step along the fast gradient lowers L whenever the exact step does")
    @dev.ropecheck.specs.Spec("theorem-6.7")
    void gradientDescentStepLowersLoss() {
        int[] counts = new int[2];
        qt().withExamples(10).forAll(FastInstances.rotations(16)).checkAssert(spec -> {
            RopeInstance in = spec.build();
            RopeResult ex = EXACT.compute(in, EnumSet.of(Quantity.LOSS, Quantity.GRAD_WQ, Quantity.GRAD_WK,
                    Quantity.GRAD_WV));
            double l0 = ex.loss();
            double norm2 = sq(ex.get(Quantity.GRAD_WQ)) + sq(ex.get(Quantity.GRAD_WK)) + sq(ex.get(Quantity.GRAD_WV));
            if (norm2 == 0) {
                return;
            }
            // step eta with predicted decrease eta ||g||^2 = 1e-3 L0: second-order terms are O(eta^2)
            double eta = 1e-3 * l0 / norm2;
            double lExact = lossAfterStep(in, eta, ex.get(Quantity.GRAD_WQ), ex.get(Quantity.GRAD_WK),
                    ex.get(Quantity.GRAD_WV));
            if (!(lExact < l0)) {
                return;
            }
            counts[0]++;
            for (Fast f : both(1e-3)) {
                FastGradient g = f.run().apply(in);
                double lFast = lossAfterStep(in, eta, g.get(Quantity.GRAD_WQ), g.get(Quantity.GRAD_WK),
                        g.get(Quantity.GRAD_WV));
                assertTrue(lFast < l0, () -> f.name() + " " + spec + ": step along the fast gradient gives L = " + lFast
                        + " >= L0 = " + l0 + " while the exact step gives " + lExact);
            }
            counts[1]++;
        });
        System.out.printf("gradient-descent step: exact step decreased L on %d instances, fast steps too on %d%n",
                counts[0], counts[1]);
        // a property that checked nothing proves nothing: most generated instances must reach the check
        assertTrue(counts[1] >= GD_MIN_CHECKED, "the gradient-descent property checked only " + counts[1]
                + " of 10 instances (at least " + GD_MIN_CHECKED + " required)");
    }

    /** Cases of {@link #gradientDescentStepLowersLoss} that must reach the fast-step check. */
    static final int GD_MIN_CHECKED = 5;

    static double sq(DMatrixRMaj m) {
        double s = 0;
        for (double v : m.data) {
            s += v * v;
        }
        return s;
    }

    static double lossAfterStep(RopeInstance in, double eta, DMatrixRMaj gq, DMatrixRMaj gk, DMatrixRMaj gv) {
        DMatrixRMaj wq = in.wq();
        DMatrixRMaj wk = in.wk();
        DMatrixRMaj wv = in.wv();
        CommonOps_DDRM.addEquals(wq, -eta, gq);
        CommonOps_DDRM.addEquals(wk, -eta, gk);
        CommonOps_DDRM.addEquals(wv, -eta, gv);
        RopeInstance stepped = RopeInstance.builder().a1(in.a1()).a2(in.a2()).a3(in.a3()).e(in.e()).family(in.family())
                .wq(wq).wk(wk).wv(wv).build();
        return EXACT.compute(stepped, EnumSet.of(Quantity.LOSS)).loss();
    }

    @Test
    @DisplayName("engine wiring: supported() lists the gradient quantities, weights-only ones only with weights")
    void engineWiring() {
        RopeInstance w = new InstanceSpec(5, 2, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 3L).build();
        RopeInstance x = new InstanceSpec(5, 2, FamilyKind.EXPLICIT, 0.5, false, 3L).build();
        for (RopeAttentionEngine e : List.of(new RopeFftEngine_F64(1e-3, Method.TAYLOR), new RopeLowRankEngine_F64(1e-3, Method.TAYLOR))) {
            assertTrue(e.supported(w).containsAll(GRADS), e.name() + " " + e.supported(w));
            RopeResult r = e.compute(w, EnumSet.of(Quantity.GRAD_WQ, Quantity.LOSS));
            assertTrue(r.has(Quantity.GRAD_WQ) && r.has(Quantity.LOSS));
        }
        Set<Quantity> sx = new RopeFftEngine_F64(1e-3, Method.TAYLOR).supported(x);
        assertTrue(sx.contains(Quantity.GRAD_X) && sx.contains(Quantity.DV) && !sx.contains(Quantity.DQ), sx.toString());
    }

    @Test
    @Tag("long")
    @DisplayName("Theorem 6.7 at n = 256, 1024 (long): both fast gradients within their bound + the exact engine's of the exact engine")
    void largerNWithinBoundOfExactEngine() {
        for (int n : new int[] {256, 1024}) {
            for (FamilyKind fam : List.of(FamilyKind.ROPE_INTERLEAVED, FamilyKind.IDENTITY)) {
                InstanceSpec spec = new InstanceSpec(n, 4, fam, 0.5, true, 7L + n);
                RopeInstance in = spec.build();
                RopeResult ex = EXACT.compute(in, quantities(in));
                for (Fast f : both(1e-3)) {
                    FastGradient g = f.run().apply(in);
                    List<String> bad = outside(g, ex, in, q -> ExactRoundingModel.tolerance(q, in, null).bound());
                    assertTrue(bad.isEmpty(), () -> f.name() + " " + spec + ": " + bad);
                    Deviation dev = Deviation.measure(g.get(Quantity.GRAD_X), ex.get(Quantity.GRAD_X),
                            g.bound().gradX());
                    System.out.printf("n=%d %s %s: gradX err/bound %.2e%n", n, fam, f.name(), dev.ratio());
                }
            }
        }
    }
}
