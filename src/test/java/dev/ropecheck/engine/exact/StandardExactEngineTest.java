package dev.ropecheck.engine.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.bounds.Deviation;
import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.StandardInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@link StandardExactEngine_F64} against the AS24 formulas, and RoPE-grad Section 7's reduction in
 * double (MATH §7): with the identity family and {@code X = vec(X0) vec(I)^T / d}, RoPE attention's
 * {@code f, Att, p, L} equal standard attention's and {@code G[(a,c),(b,e)] = ∇L_std[a,c] [b = e]}.
 *
 * <p>Tolerances: {@code d} is a power of two, so {@code X = X0/d} is exact and the reduced instance
 * is exactly the one {@code ExactRoundingModel} is evaluated on. {@code StandardExactEngine_F64}
 * does at most the engine's roundings per stage (its Javadoc), so the model with the engine's counts
 * bounds it; the naive formula below has its own counts ({@link #naiveCounts}). Two evaluations
 * within {@code b1} and {@code b2} of the truth differ by at most {@code b1 + b2}.
 */
class StandardExactEngineTest {

    /** d in {2, 4, 8}: powers of two. */
    static Gen<InstanceSpec> reducible() {
        return Generators.instances(32, 8, Generate.constant(FamilyKind.IDENTITY))
                .map(s -> new InstanceSpec(s.n(), s.d() == 6 ? 4 : s.d(), FamilyKind.IDENTITY, s.bound(), false,
                        s.seed()));
    }

    static DMatrixRMaj x0(InstanceSpec spec) {
        return InstanceSpec.matrix(new SplittableRandom(spec.seed() ^ 0x5DEECE66DL), spec.d(), spec.d(), spec.bound());
    }

    /** The reduced RoPE instance: identity family, {@code X[(a,c),(b,e)] = X0[a,c] [b = e] / d}. */
    static RopeInstance reduced(InstanceSpec spec, DMatrixRMaj x0) {
        int d = spec.d();
        DMatrixRMaj x = new DMatrixRMaj(d * d, d * d);
        for (int a = 0; a < d; a++) {
            for (int c = 0; c < d; c++) {
                for (int b = 0; b < d; b++) {
                    x.set(a * d + c, b * d + b, x0.get(a, c) / d);
                }
            }
        }
        return spec.build().toBuilder().clearX().x(x).build();
    }

    /** Counts of {@link #naive}: scores {@code d^2 + 2} roundings per term, gradient {@code n^2 + 2}. */
    static ExactRoundingModel.Counts naiveCounts(RopeInstance inst) {
        int n = inst.n();
        int d = inst.d();
        return new ExactRoundingModel.Counts((long) d * d + 2, true, 0.0, (long) n * n + 3, (long) n * d + 2,
                (long) n * d + 2);
    }

    /** AS24 by the formulas: quadruple sums, plain softmax with the row maximum, p = f (c (h_j - Att_i)). */
    static StandardExactEngine_F64.Values naive(StandardInstance in) {
        int n = in.n();
        int d = in.d();
        DMatrixRMaj a1 = in.a1();
        DMatrixRMaj a2 = in.a2();
        DMatrixRMaj x0 = in.x0();
        DMatrixRMaj h = new DMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < d; l++) {
                double acc = 0;
                for (int a = 0; a < d; a++) {
                    acc += in.a3().get(i, a) * in.y().get(a, l);
                }
                h.set(i, l, acc);
            }
        }
        DMatrixRMaj f = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            double[] s = new double[n];
            double mx = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int a = 0; a < d; a++) {
                    for (int c = 0; c < d; c++) {
                        acc += a1.get(i, a) * x0.get(a, c) * a2.get(j, c);
                    }
                }
                s[j] = acc / d;
                mx = Math.max(mx, s[j]);
            }
            double z = 0;
            for (int j = 0; j < n; j++) {
                z += Math.exp(s[j] - mx);
            }
            for (int j = 0; j < n; j++) {
                f.set(i, j, Math.exp(s[j] - mx) / z);
            }
        }
        DMatrixRMaj att = NaiveRopeAttention.attention(f, h);
        DMatrixRMaj c = NaiveRopeAttention.minus(att, in.e());
        double loss = 0;
        for (double v : c.data) {
            loss += v * v;
        }
        DMatrixRMaj p = NaiveRopeAttention.p(f, c, h, att);
        DMatrixRMaj g = new DMatrixRMaj(d, d);
        for (int a = 0; a < d; a++) {
            for (int cc = 0; cc < d; cc++) {
                double acc = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        acc += p.get(i, j) * a1.get(i, a) * a2.get(j, cc);
                    }
                }
                g.set(a, cc, acc / d);
            }
        }
        return new StandardExactEngine_F64.Values(0.5 * loss, g, f, att, p);
    }

    private static double tol(Quantity q, RopeInstance red, ExactRoundingModel.Counts other) {
        return ExactRoundingModel.tolerance(q, red, null).bound() + ExactRoundingModel.tolerance(q, red, null, other).bound();
    }

    private static List<String> compare(StandardExactEngine_F64.Values got, StandardExactEngine_F64.Values want,
            RopeInstance red, ExactRoundingModel.Counts other) {
        List<String> bad = new ArrayList<>();
        check(bad, "loss", new DMatrixRMaj(1, 1, true, got.loss()), new DMatrixRMaj(1, 1, true, want.loss()),
                tol(Quantity.LOSS, red, other));
        check(bad, "gradient", got.gradient(), want.gradient(), tol(Quantity.GRAD_X, red, other));
        check(bad, "f", got.f(), want.f(), tol(Quantity.F, red, other));
        check(bad, "attention", got.attention(), want.attention(), tol(Quantity.ATTENTION, red, other));
        check(bad, "p", got.p(), want.p(), tol(Quantity.P, red, other));
        return bad;
    }

    private static void check(List<String> bad, String what, DMatrixRMaj got, DMatrixRMaj want, double allowed) {
        Deviation dev = Deviation.measure(got, want, allowed);
        if (!dev.holds()) {
            bad.add(dev.describe(what));
        }
    }

    @Test
    @DisplayName("AS24: StandardExactEngine_F64 matches the naive formulas within the rounding model")
    void standardAttentionMatchesNaiveFormula() {
        qt().withExamples(50).forAll(reducible()).checkAssert(spec -> {
            DMatrixRMaj x0 = x0(spec);
            RopeInstance red = reduced(spec, x0);
            StandardInstance std = StandardInstance.of(red, x0);
            List<String> bad = compare(StandardExactEngine_F64.evaluate(std), naive(std), red, naiveCounts(red));
            assertTrue(bad.isEmpty(), spec + "\n" + String.join("\n", bad));
        });
    }

    @Test
    @DisplayName("Section 7: identity family and X = vec(X0) vec(I)^T / d give L = L_std and G = ∇L_std ⊗ [b=e] in double")
    @dev.ropecheck.specs.Spec({"lemma-5.3", "section-7-reduction"})
    void section7ReductionInDouble() {
        RopeExactEngine_F64 engine = new RopeExactEngine_F64();
        qt().withExamples(50).forAll(reducible()).checkAssert(spec -> {
            DMatrixRMaj x0 = x0(spec);
            RopeInstance red = reduced(spec, x0);
            StandardExactEngine_F64.Values std = StandardExactEngine_F64.evaluate(StandardInstance.of(red, x0));
            RopeResult rope = engine.computeAll(red);
            int d = red.d();
            DMatrixRMaj g = rope.get(Quantity.GRAD_X);
            DMatrixRMaj gDiag = new DMatrixRMaj(d, d);
            for (int a = 0; a < d; a++) {
                for (int c = 0; c < d; c++) {
                    for (int b = 0; b < d; b++) {
                        for (int e = 0; e < d; e++) {
                            double v = g.get(a * d + c, b * d + e);
                            if (b != e) {
                                assertEquals(0.0, v, spec + ": G off the diagonal pairs must be exactly 0");
                            } else if (b == 0) {
                                gDiag.set(a, c, v);
                            } else {
                                // Every diagonal pair carries the same ∇L_std[a,c]: same sums, same order.
                                assertEquals(gDiag.get(a, c), v, 0.0, spec + ": G[(a,c),(b,b)] differs across b");
                            }
                        }
                    }
                }
            }
            StandardExactEngine_F64.Values asStd = new StandardExactEngine_F64.Values(rope.loss(), gDiag,
                    rope.get(Quantity.F), rope.get(Quantity.ATTENTION), rope.get(Quantity.P));
            List<String> bad = compare(asStd, std, red, ExactRoundingModel.Counts.engine(red));
            assertTrue(bad.isEmpty(), spec + "\n" + String.join("\n", bad));
        });
    }

    @Test
    @DisplayName("bad input is rejected")
    void rejectsMissingInstance() {
        assertThrows(IllegalArgumentException.class, () -> StandardExactEngine_F64.evaluate(null));
    }

    @Test
    @DisplayName("stable softmax: scores of 400 and 380 (e^400 overflows) give f = (1, e^-20)/(1 + e^-20), finite, rows summing to 1")
    void largeScoresAreShiftedByTheRowMaximum() {
        DMatrixRMaj a1 = new DMatrixRMaj(new double[][] {{20}, {20}});
        DMatrixRMaj a2 = new DMatrixRMaj(new double[][] {{20}, {19}});
        DMatrixRMaj a3 = new DMatrixRMaj(new double[][] {{1}, {-1}});
        DMatrixRMaj e = new DMatrixRMaj(2, 1);
        DMatrixRMaj one = new DMatrixRMaj(new double[][] {{1}});
        StandardExactEngine_F64.Values v = StandardExactEngine_F64.evaluate(new StandardInstance(a1, a2, a3, e, one, one));
        double small = Math.exp(-20);
        for (int i = 0; i < 2; i++) {
            assertEquals(1 / (1 + small), v.f().get(i, 0), 4e-16, "f[" + i + ",0]");
            assertEquals(small / (1 + small), v.f().get(i, 1), 4e-16 * small, "f[" + i + ",1]");
            assertEquals((1 - small) / (1 + small), v.attention().get(i, 0), 4e-16, "Att[" + i + "]");
        }
        assertTrue(Double.isFinite(v.loss()) && Double.isFinite(v.gradient().get(0, 0)));
    }
}
