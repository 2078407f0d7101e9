package dev.ropecheck.engine.fast;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.approx.Method;
import dev.ropecheck.bounds.Deviation;
import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntBinaryOperator;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Adversarial soundness search for {@code FastForwardBound} and {@code FastGradientBound} (MATH §5, §6;
 * RoPE-fwd Thm 1.3, RoPE-grad Theorem 6.7): instead of random entries, the structured worst cases of the
 * derivations — entries at {@code ±B} with alternating signs (the largest {@code beta} for the data), every
 * entry {@code +B} (scores at {@code beta}), near-one-hot rows of {@code f} (one key dominating, where
 * {@code q - r} cancels), random signs at {@code ±B} — at {@code n = 2^k + 1} (the FFT length doubles just past
 * a power of two: the most rounding per token). Every forward and gradient quantity of both fast engines must be
 * within its certified bound plus the exact engine's own rounding model; a mutation that shrinks a bound shows
 * up here first. The worst measured/bound ratio is printed.
 */
class AdversarialBoundSearchTest {
    private static final RopeExactEngine_F64 EXACT = new RopeExactEngine_F64();
    private static final Set<Quantity> FWD = EnumSet.of(Quantity.ALPHA, Quantity.ATTENTION, Quantity.C, Quantity.LOSS);

    /** A RoPE instance with weights whose entries follow {@code pattern(row, col)} scaled by {@code b}. */
    static RopeInstance structured(int n, int d, double b, IntBinaryOperator a1, IntBinaryOperator a2, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        DMatrixRMaj m1 = new DMatrixRMaj(n, d);
        DMatrixRMaj m2 = new DMatrixRMaj(n, d);
        DMatrixRMaj m3 = new DMatrixRMaj(n, d);
        DMatrixRMaj e = new DMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                m1.set(i, a, b * a1.applyAsInt(i, a));
                m2.set(i, a, b * a2.applyAsInt(i, a));
                m3.set(i, a, ((i + a) % 2 == 0 ? b : -b));
                e.set(i, a, rnd.nextBoolean() ? b : -b);
            }
        }
        DMatrixRMaj id = new DMatrixRMaj(d, d);
        for (int a = 0; a < d; a++) {
            id.set(a, a, 1);
        }
        return RopeInstance.builder().a1(m1).a2(m2).a3(m3).e(e).wq(id).wk(id.copy()).wv(id.copy())
                .family(new RopeFamily(d)).entryBound(Math.max(b, 1.0)).build();
    }

    record Case(String name, RopeInstance in) {
    }

    static List<Case> cases(int[] ns, double b) {
        List<Case> out = new ArrayList<>();
        int d = 4;
        for (int n : ns) {
            out.add(new Case("alternating n=" + n, structured(n, d, b, (i, a) -> (i + a) % 2 == 0 ? 1 : -1,
                    (i, a) -> (i + a) % 2 == 0 ? -1 : 1, n)));
            out.add(new Case("all +B n=" + n, structured(n, d, b, (i, a) -> 1, (i, a) -> 1, n)));
            out.add(new Case("near-one-hot n=" + n, structured(n, d, b, (i, a) -> 1, (i, a) -> i == 0 ? 1 : 0, n)));
            SplittableRandom rnd = new SplittableRandom(31L * n);
            int[][] s1 = new int[n][d];
            int[][] s2 = new int[n][d];
            for (int i = 0; i < n; i++) {
                for (int a = 0; a < d; a++) {
                    s1[i][a] = rnd.nextBoolean() ? 1 : -1;
                    s2[i][a] = rnd.nextBoolean() ? 1 : -1;
                }
            }
            out.add(new Case("random signs n=" + n, structured(n, d, b, (i, a) -> s1[i][a], (i, a) -> s2[i][a], n)));
        }
        return out;
    }

    /** Returns the worst measured/bound over forward and gradient quantities; fails on any violation. */
    static double check(Case c, double eps) {
        RopeInstance in = c.in();
        Set<Quantity> grads = FastGradientPropertiesTest.quantities(in);
        Set<Quantity> all = EnumSet.copyOf(FWD);
        all.addAll(grads);
        RopeResult ex = EXACT.compute(in, all);
        double worst = 0;
        List<String> bad = new ArrayList<>();
        for (FastGradientPropertiesTest.Fast f : List.of(FastGradientPropertiesTest.lowRank(eps),
                FastGradientPropertiesTest.fft(eps))) {
            FastGradient g = f.run().apply(in);
            for (Quantity q : grads) {
                double allowed = g.bound().allowed(q, in, ex) + ExactRoundingModel.tolerance(q, in, null).bound();
                assertTrue(Double.isFinite(allowed), f.name() + " " + c.name() + ": no finite bound for " + q.key());
                Deviation dev = Deviation.measure(g.get(q), ex.get(q), allowed);
                worst = Math.max(worst, dev.ratio());
                if (!dev.holds()) {
                    bad.add(f.name() + " " + c.name() + " eps=" + eps + " " + dev.describe(q.key()));
                }
            }
        }
        FastForward[] fs = {new RopeFftEngine_F64(eps, Method.CHEBYSHEV).forward(in), new RopeLowRankEngine_F64(eps, Method.TAYLOR).forward(in)};
        for (FastForward f : fs) {
            double allowedAtt = f.bound().attention() + ExactRoundingModel.tolerance(Quantity.ATTENTION, in, null).bound();
            Deviation att = Deviation.measure(f.attention(), ex.get(Quantity.ATTENTION), allowedAtt);
            double allowedC = f.bound().c() + ExactRoundingModel.tolerance(Quantity.C, in, null).bound();
            Deviation cd = Deviation.measure(f.c(), ex.get(Quantity.C), allowedC);
            double lTol = f.lossBound() + ExactRoundingModel.tolerance(Quantity.LOSS, in, null).bound();
            double lErr = Math.abs(f.loss() - ex.loss());
            double alphaTolEx = ExactRoundingModel.tolerance(Quantity.ALPHA, in, null).bound();
            for (int i = 0; i < in.n(); i++) {
                double a = ex.get(Quantity.ALPHA).get(i, 0);
                double tol = f.bound().alphaRelative() * (a + alphaTolEx) + alphaTolEx;
                double err = Math.abs(f.alpha()[i] - a);
                worst = Math.max(worst, err / tol);
                if (!(err <= tol)) {
                    bad.add(c.name() + " eps=" + eps + " alpha_" + i + " " + err / tol + " x bound");
                }
            }
            worst = Math.max(worst, Math.max(att.ratio(), Math.max(cd.ratio(), lErr / lTol)));
            if (!att.holds() || !cd.holds() || !(lErr <= lTol)) {
                bad.add(c.name() + " eps=" + eps + " " + att.describe("attention") + " / " + cd.describe("c")
                        + " / loss " + lErr / lTol);
            }
        }
        assertTrue(bad.isEmpty(), String.join("\n", bad));
        return worst;
    }

    @Test
    @DisplayName("MATH §5-6 adversarial search: ±B alternating, all +B, near-one-hot, random signs at n = 2, 9, 17")
    void adversarialInstancesWithinFastBounds() {
        double worst = 0;
        for (double eps : new double[] {1e-3, 1e-9}) {
            for (Case c : cases(new int[] {2, 9, 17}, 0.5)) {
                worst = Math.max(worst, check(c, eps));
            }
        }
        System.out.printf("[adversarial fast bounds] worst measured/bound = %.3g%n", worst);
        assertTrue(worst > 0, "the search measured nothing");
    }

    @Test
    @Tag("long")
    @DisplayName("MATH §5-6 adversarial search (long): B up to 1, n = 2^k + 1 up to 129")
    void adversarialInstancesWithinFastBoundsLong() {
        double worst = 0;
        for (double b : new double[] {0.25, 0.75, 1.0}) {
            for (double eps : new double[] {1e-3, 1e-6, 1e-12}) {
                for (Case c : cases(new int[] {3, 33, 65, 129}, b)) {
                    worst = Math.max(worst, check(c, eps));
                }
            }
        }
        System.out.printf("[adversarial fast bounds, long] worst measured/bound = %.3g%n", worst);
    }
}
