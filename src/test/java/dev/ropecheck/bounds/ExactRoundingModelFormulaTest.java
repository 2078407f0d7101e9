package dev.ropecheck.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.bounds.ExactRoundingModel.Budget;
import dev.ropecheck.bounds.ExactRoundingModel.Counts;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.ExplicitFamily;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link ExactRoundingModel} (with {@code RoundingWeights}, {@code RoundingBudget}, {@code RoundingGradients},
 * {@code RoundingSums}) recomputed from {@code proofs-notes/rounding-model.md} by {@link ExactRoundingHandModel}
 * on tiny instances: RoPE at {@code d = 2, 4, 6} (interleaved and half-split, bases {@code 10^4}, 100, 500;
 * {@code d = 6} makes {@code 2k/d} inexact), the identity, an explicit family with its largest weight at
 * {@code |m| = n - 1}, the general {@code X} route, an upstream gradient {@code dO}; each without a trusted
 * result, with a full trusted result far below and far above the instance magnitudes (so every
 * {@code min(instance, trusted)} takes each side), and with a partial one ({@code f}, {@code p} only).
 * Every quantity and every intermediate of {@link Budget} is compared on both routes and on the route the
 * engine is held to, at {@link #REL} relative. Entries are drawn from printed seeds.
 *
 * <p>{@link #REL}: both evaluations form the cancelling differences in the note's order (see
 * {@link ExactRoundingHandModel}) and otherwise sums of non-negative terms, at most a few dozen roundings
 * deep, so they agree to {@code ~1e-14}; {@code 1e-12} leaves room for that and still resolves every
 * changed count ({@code γ_k} against {@code γ_{k±1}}: {@code 1/k} relative of that term) and every changed
 * slack ({@code 2^-20}).
 */
class ExactRoundingModelFormulaTest {
    static final double REL = 1e-12;
    static final long SEED = 20261202L;

    private static DMatrixRMaj random(int r, int c, SplittableRandom rnd, double scale) {
        DMatrixRMaj m = new DMatrixRMaj(r, c);
        for (int t = 0; t < m.data.length; t++) {
            double v = scale * (0.05 + rnd.nextDouble());
            m.data[t] = rnd.nextBoolean() ? v : -v;
        }
        return m;
    }

    /** One case: the instance, how it was drawn. */
    record Case(String name, RopeInstance inst, long seed) {
    }

    static RopeInstance.Builder withWeights(int n, int d, PositionFamily fam, SplittableRandom rnd, double b) {
        return RopeInstance.builder().a1(random(n, d, rnd, b)).a2(random(n, d, rnd, b)).a3(random(n, d, rnd, b))
                .e(random(n, d, rnd, b)).wq(random(d, d, rnd, 1)).wk(random(d, d, rnd, 1)).wv(random(d, d, rnd, 1))
                .family(fam);
    }

    /** An explicit {@code d = 2} family on the full support whose entries grow with {@code m}, distinct per pair. */
    static ExplicitFamily growing(int n) {
        DMatrixRMaj[] w = new DMatrixRMaj[2 * n - 1];
        for (int idx = 0; idx < w.length; idx++) {
            int m = idx - (n - 1);
            double g = 3 + m; // largest at m = n - 1 only
            w[idx] = new DMatrixRMaj(new double[][] {{0.5 * g, -0.25 * g}, {0.125 * g, (m < 0 ? -1 : 1) * 0.75 * g}});
        }
        return new ExplicitFamily(w, Support.full(2));
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        long seed = SEED;
        out.add(new Case("rope d=2 n=3", withWeights(3, 2, new RopeFamily(2), new SplittableRandom(seed), 1).build(),
                seed++));
        out.add(new Case("rope d=4 half-split base 100 n=4", withWeights(4, 4,
                new RopeFamily(4, 100.0, RopeFamily.Layout.HALF_SPLIT), new SplittableRandom(seed), 0.5).build(), seed++));
        out.add(new Case("rope d=6 base 500 n=3", withWeights(3, 6,
                new RopeFamily(6, 500.0, RopeFamily.Layout.INTERLEAVED), new SplittableRandom(seed), 0.7).build(), seed++));
        // n = 20: the offset-grouped dQ, dK counts (2n + 2, 2n + 3) exceed the rotated ones (n + 5)
        out.add(new Case("rope d=2 n=20", withWeights(20, 2, new RopeFamily(2), new SplittableRandom(seed), 0.4).build(),
                seed++));
        out.add(new Case("identity d=2 n=2", withWeights(2, 2, new IdentityFamily(2), new SplittableRandom(seed), 2)
                .build(), seed++));
        out.add(new Case("explicit growing d=2 n=3", withWeights(3, 2, growing(3), new SplittableRandom(seed), 0.6)
                .build(), seed++));
        {
            SplittableRandom rnd = new SplittableRandom(seed);
            RopeInstance x = RopeInstance.builder().a1(random(3, 2, rnd, 1)).a2(random(3, 2, rnd, 1))
                    .a3(random(3, 2, rnd, 1)).e(random(3, 2, rnd, 1)).x(random(4, 4, rnd, 1)).y(random(2, 2, rnd, 1))
                    .family(new RopeFamily(2)).build();
            out.add(new Case("general X, rope d=2 n=3", x, seed++));
        }
        {
            SplittableRandom rnd = new SplittableRandom(seed);
            RopeInstance x = RopeInstance.builder().a1(random(2, 2, rnd, 1)).a2(random(2, 2, rnd, 1))
                    .a3(random(2, 2, rnd, 1)).e(random(2, 2, rnd, 1)).x(random(4, 4, rnd, 1)).y(random(2, 2, rnd, 1))
                    .family(growing(2)).build();
            out.add(new Case("general X, explicit d=2 n=2", x, seed++));
        }
        {
            // scores ~ 2e13: epsS, rho, phi, kappa of a few percent, so every (1 + phi), (1 + kappa), c + epsC
            // and m + epsDQ of the note is resolved (at ordinary scores they are u-relative)
            SplittableRandom rnd = new SplittableRandom(seed);
            RopeInstance big = withWeights(3, 2, new RopeFamily(2), rnd, 1).build();
            big = big.toBuilder().a1(random(3, 2, rnd, 2e6)).a2(random(3, 2, rnd, 2e6)).build();
            out.add(new Case("large scores, rope d=2 n=3", big, seed++));
        }
        {
            SplittableRandom rnd = new SplittableRandom(seed);
            RopeInstance i = withWeights(3, 4, new RopeFamily(4), rnd, 1).build();
            out.add(new Case("rope d=4 n=3 with dO", i.toBuilder().dO(random(3, 4, rnd, 0.3)).build(), seed++));
        }
        return out;
    }

    static final Quantity[] ALL = {Quantity.A, Quantity.ALPHA, Quantity.F, Quantity.H, Quantity.ATTENTION,
        Quantity.C, Quantity.LOSS, Quantity.R, Quantity.P, Quantity.GRAD_X, Quantity.DQ, Quantity.DK, Quantity.DV,
        Quantity.GRAD_WQ, Quantity.GRAD_WK, Quantity.GRAD_WV, Quantity.DQROT, Quantity.DKROT};

    private static int rows(Quantity q, int n, int d) {
        switch (q.shape()) {
            case N_N:
            case N_1:
            case N_D:
                return n;
            case ONE:
                return 1;
            case D2_D2:
                return d * d;
            default:
                return d;
        }
    }

    private static int cols(Quantity q, int n, int d) {
        switch (q.shape()) {
            case N_N:
                return n;
            case N_1:
            case ONE:
                return 1;
            case D2_D2:
                return d * d;
            default:
                return d;
        }
    }

    /**
     * Trusted results: none, every quantity at {@code scale}, only {@code f} and {@code p}, only a tiny
     * {@code h} and {@code c}, and (at moderate scores) the exact engine's own values.
     */
    static List<RopeResult> trusted(RopeInstance inst, long seed) {
        List<RopeResult> out = new ArrayList<>();
        out.add(null);
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x7E57L);
        for (double scale : new double[] {1e-3, 1e3}) {
            RopeResult.Builder b = RopeResult.builder("trusted-" + scale);
            for (Quantity q : ALL) {
                b.put(q, random(rows(q, inst.n(), inst.d()), cols(q, inst.n(), inst.d()), rnd, scale));
            }
            out.add(b.build());
        }
        out.add(RopeResult.builder("trusted-f-p")
                .put(Quantity.F, random(inst.n(), inst.n(), rnd, 0.3)).put(Quantity.P, random(inst.n(), inst.n(), rnd, 0.2))
                .build());
        // |h|, |c| far below their rounding errors: hHat << epsH, so the sign of every epsG1 and epsH term counts
        out.add(RopeResult.builder("trusted-tiny-h-c").put(Quantity.H, random(inst.n(), inst.d(), rnd, 1e-20))
                .put(Quantity.C, random(inst.n(), inst.d(), rnd, 1e-20)).build());
        if (ExactRoundingHandModel.stages(inst, null, Counts.engine(inst)).beta < 700) {
            // the exact engine's own values: magnitudes consistent with the instance, so a trusted column sum
            // is just below its instance bound and the terms it feeds are resolved
            Set<Quantity> want = EnumSet.noneOf(Quantity.class);
            for (Quantity q : applicable(inst)) {
                boolean rot = q == Quantity.DQROT || q == Quantity.DKROT;
                if ((!rot || Counts.rotatedApplies(inst)) && (q != Quantity.LOSS || !inst.hasUpstreamGradient())) {
                    want.add(q);
                }
            }
            out.add(new dev.ropecheck.engine.exact.RopeExactEngine_F64(1).compute(inst, want));
        }
        return out;
    }

    static List<Quantity> applicable(RopeInstance inst) {
        List<Quantity> out = new ArrayList<>();
        for (Quantity q : ALL) {
            boolean weights = q == Quantity.DQ || q == Quantity.DK || q == Quantity.GRAD_WQ || q == Quantity.GRAD_WK
                    || q == Quantity.DQROT || q == Quantity.DKROT;
            if (!weights || inst.hasWeights()) {
                out.add(q);
            }
        }
        return out;
    }

    private static void close(double want, double got, String what) {
        if (want == Double.POSITIVE_INFINITY) {
            // exp(beta) overflows at scores of 1e13 when no trusted A or alpha is given
            assertEquals(want, got, what);
            return;
        }
        assertTrue(want > 0 && Double.isFinite(want), what + ": note value " + want);
        assertEquals(want, got, REL * want, what + ": class " + got + " vs note " + want + " (relative "
                + (got / want - 1) + ")");
    }

    /**
     * The engine's routes, and for the general {@code X} route also the naive evaluator's counts of §10
     * ({@code d^4 + 3} roundings per score from {@code X = fl(W_Q ⊗ W_K)}, so {@code xRel = u}).
     */
    static List<Counts> routes(RopeInstance inst) {
        List<Counts> routes = new ArrayList<>();
        routes.add(Counts.engine(inst));
        if (Counts.rotatedApplies(inst)) {
            routes.add(Counts.rotated(inst));
        }
        if (!inst.hasWeights()) {
            long n = inst.n();
            long d = inst.d();
            routes.add(new Counts(d * d * d * d + 3, true, ExactRoundingHandModel.U, n * n + 3, n * d + 2, n * d + 2));
        }
        return routes;
    }

    @Test
    @DisplayName("exact rounding model: every quantity's bound equals the note's formula on both routes")
    void everyQuantityEqualsTheNote() {
        int compared = 0;
        for (Case c : cases()) {
            RopeInstance inst = c.inst();
            List<Counts> routes = routes(inst);
            int t = 0;
            for (RopeResult trusted : trusted(inst, c.seed())) {
                for (Quantity q : applicable(inst)) {
                    String what = c.name() + " seed=" + c.seed() + " trusted#" + t + " " + q.key();
                    for (Counts counts : routes) {
                        close(ExactRoundingHandModel.bound(q, inst, trusted, counts),
                                ExactRoundingModel.tolerance(q, inst, trusted, counts).bound(),
                                what + (counts.rotated() ? " rotated" : " offset-grouped"));
                        compared++;
                    }
                    double want = ExactRoundingHandModel.bound(q, inst, trusted);
                    close(want, ExactRoundingModel.tolerance(q, inst, trusted).bound(), what + " engine");
                    close(want, new ExactRoundingModel().allowed(q, inst, trusted), what + " allowed");
                    ErrorBound<RopeInstance, Quantity> kindGeneric = new ExactRoundingModel();
                    close(want, kindGeneric.allowed(q, inst, (dev.ropecheck.engine.Result<Quantity>) trusted), what + " as an ErrorBound");
                    assertEquals(q, ExactRoundingModel.tolerance(q, inst, trusted).quantity());
                    compared++;
                }
                t++;
            }
        }
        assertTrue(compared > 500, "compared " + compared);
    }

    @Test
    @DisplayName("exact rounding model: every intermediate of the budget equals the note's stage formulas")
    void budgetEqualsTheStages() {
        for (Case c : cases()) {
            RopeInstance inst = c.inst();
            List<Counts> routes = routes(inst);
            int t = 0;
            for (RopeResult trusted : trusted(inst, c.seed())) {
                Budget larger = null;
                double largest = -1;
                for (Counts counts : routes) {
                    String what = c.name() + " seed=" + c.seed() + " trusted#" + t + (counts.rotated() ? " rotated" : "");
                    Budget b = budgetAgrees(inst, trusted, counts, what);
                    if (c.name().startsWith("large")) {
                        assertTrue(b.rho() > 0.005 && b.rho() <= 0.1 && b.kappa() > 0.01, what + " rho " + b.rho());
                    }
                    if (b.epsS() > largest) {
                        largest = b.epsS();
                        larger = b;
                    }
                }
                if (!inst.hasWeights()) {
                    // budget() compares the engine's own routes only
                    larger = ExactRoundingModel.budget(inst, trusted, Counts.engine(inst));
                }
                Budget chosen = ExactRoundingModel.budget(inst, trusted);
                assertEquals(larger.epsS(), chosen.epsS(), 0.0, c.name() + ": budget() takes the larger epsS");
                assertEquals(larger.epsT(), chosen.epsT(), 0.0, c.name());
                t++;
            }
        }
    }

    /** The class's budget field by field against the hand model's stages, at {@link #REL}; returns the budget. */
    private static Budget budgetAgrees(RopeInstance inst, RopeResult trusted, Counts counts, String what) {
        ExactRoundingHandModel.Stages s = ExactRoundingHandModel.stages(inst, trusted, counts);
        Budget b = ExactRoundingModel.budget(inst, trusted, counts);
        assertEquals(inst.n(), b.n());
        assertEquals(inst.d(), b.d());
        double[] want = {s.beta, s.epsS, s.rho, s.phi, s.hHat, s.epsH, s.epsG1, s.epsD, s.epsAtt, s.cHat,
            s.tHat, s.epsT, s.kappa, s.fMax, s.pMax, s.pSum, s.pRow, s.pCol, s.fCol};
        double[] got = {b.beta(), b.epsS(), b.rho(), b.phi(), b.hHat(), b.epsH(), b.epsG1(), b.epsD(),
            b.epsAtt(), b.cHat(), b.tHat(), b.epsT(), b.kappa(), b.fMax(), b.pMax(), b.pSum(), b.pRow(),
            b.pCol(), b.fCol()};
        String[] names = {"beta", "epsS", "rho", "phi", "hHat", "epsH", "epsG1", "epsD", "epsAtt", "cHat",
            "tHat", "epsT", "kappa", "fMax", "pMax", "pSum", "pRow", "pCol", "fCol"};
        for (int k = 0; k < want.length; k++) {
            close(want[k], got[k], what + " " + names[k]);
        }
        if (inst.hasUpstreamGradient()) {
            assertEquals(0.0, b.epsC(), what + " epsC with dO");
        } else {
            close(s.epsC, b.epsC(), what + " epsC");
        }
        assertEquals(s.eta, b.etaW(), REL * s.eta, what + " etaW");
        return b;
    }

    /** Sequence length of {@link #longSequenceBudgetAndQuantitiesEqualTheNote}: {@code γ_n ≈ 1.1e-11}. */
    static final int LONG_N = 100_000;

    /**
     * At the cases' small {@code n} the terms of relative size {@code γ_n} (the softmax row sum's
     * {@code γ_n (1 + φ) g2} in {@code epsD}, {@code γ_{n+1} (1 + φ)} in {@code dV}, the {@code (1 + γ_k)} of the
     * gradient counts {@code k = 2n + 2, 2n + 3, 3n + 2}) are {@code 1e-14} of their bounds, below {@link #REL}:
     * a sign or an operator changed in one of them is not seen. At {@code n = 100000}, {@code γ_n ≈ 1.1e-11}, so
     * each is resolved at {@code REL}. No trusted result (its {@code n x n} fields would not fit). The budget
     * and the four bounds built on it ({@code G}, {@code dQ}, {@code dK}, {@code dV}) are compared.
     */
    @Test
    @DisplayName("exact rounding model at n = 100000 (γ_n ≈ 1e-11 resolved at REL): budget, G, dQ, dK, dV equal the note")
    void longSequenceBudgetAndQuantitiesEqualTheNote() {
        long seed = SEED + 100;
        List<Case> cases = List.of(
                new Case("rope d=2 n=" + LONG_N, withWeights(LONG_N, 2, new RopeFamily(2), new SplittableRandom(seed), 0.5)
                        .build(), seed),
                new Case("rope d=4 half-split n=" + LONG_N, withWeights(LONG_N, 4,
                        new RopeFamily(4, 100.0, RopeFamily.Layout.HALF_SPLIT), new SplittableRandom(seed + 1), 0.3).build(),
                        seed + 1),
                new Case("identity d=2 n=" + LONG_N, withWeights(LONG_N, 2, new IdentityFamily(2),
                        new SplittableRandom(seed + 2), 1).build(), seed + 2));
        int compared = 0;
        for (Case c : cases) {
            RopeInstance inst = c.inst();
            for (Counts counts : routes(inst)) {
                String what = c.name() + (counts.rotated() ? " rotated" : " offset-grouped");
                Budget b = budgetAgrees(inst, null, counts, what);
                // the regime asked for: the gradient counts' γ are resolved at REL
                assertTrue(ExactRoundingHandModel.gamma(counts.dq()) > 10 * REL && b.phi() > 0, what + " counts " + counts);
                // the quantities whose bounds carry those terms (the rest are compared at small n above)
                for (Quantity q : new Quantity[] {Quantity.GRAD_X, Quantity.DQ, Quantity.DK, Quantity.DV}) {
                    if (applicable(inst).contains(q)) {
                        close(ExactRoundingHandModel.bound(q, inst, null, counts),
                                ExactRoundingModel.tolerance(q, inst, null, counts).bound(), what + " " + q.key());
                        compared++;
                    }
                }
            }
        }
        assertTrue(compared >= 16, "compared " + compared);
    }

    @Test
    @DisplayName("exact rounding model: evaluation counts are those of §2 (offset-grouped) and §13 (rotated)")
    void countsAreTheNotesOrders() {
        RopeInstance rope = withWeights(5, 4, new RopeFamily(4), new SplittableRandom(SEED), 1).build();
        Counts e = Counts.engine(rope);
        // |S| = 8 (two 2x2 blocks), r = c = 2 entries per row and column
        assertEquals(new Counts(8 + 2, false, 0.0, 3 * 5 + 2, 5 * 2 + 2, 5 * 2 + 3, false), e);
        assertFalse(e.rotated());
        assertEquals(e, new Counts(10, false, 0.0, 17, 12, 13));
        assertTrue(Counts.rotatedApplies(rope));
        assertEquals(new Counts(4 + 1 + 4, false, 0.0, 17, 5 + 1 + 4, 5 + 1 + 4, true), Counts.rotated(rope));
        RopeInstance id = withWeights(3, 2, new IdentityFamily(2), new SplittableRandom(SEED), 1).build();
        assertEquals(new Counts(2 + 2, false, 0.0, 11, 3 + 2, 3 + 3, false), Counts.engine(id));
        assertEquals(new Counts(2 + 1, false, 0.0, 11, 3 + 1, 3 + 1, true), Counts.rotated(id));
        // explicit full support d = 2: |S| = 4, r = c = 2
        RopeInstance ex = withWeights(3, 2, growing(3), new SplittableRandom(SEED), 1).build();
        assertEquals(new Counts(4 + 2, false, 0.0, 11, 3 * 2 + 2, 3 * 2 + 3, false), Counts.engine(ex));
        assertFalse(Counts.rotatedApplies(ex));
        assertThrows(IllegalArgumentException.class, () -> Counts.rotated(ex));
        for (Case c : cases()) {
            if (!c.inst().hasWeights()) {
                // general X: |S| + 2d + 1
                int s = c.inst().family().support().size();
                assertEquals(new Counts(s + 2 * 2 + 1, true, 0.0, 3L * c.inst().n() + 2,
                        (long) c.inst().n() * 2 + 2, (long) c.inst().n() * 2 + 3, false), Counts.engine(c.inst()), c.name());
                assertFalse(Counts.rotatedApplies(c.inst()));
                assertThrows(IllegalArgumentException.class, () -> Counts.rotated(c.inst()));
            }
        }
    }

    @Test
    @DisplayName("exact rounding model: η_W of §1, γ_k and its domain, the stated constants")
    void weightErrorGammaAndConstants() {
        assertEquals(0x1p-53, ExactRoundingModel.U, 0);
        assertEquals(0x1p-900, ExactRoundingModel.FLOOR, 0);
        assertEquals(0x1p-20, ExactRoundingModel.TRUSTED_SLACK, 0);
        for (long k : new long[] {1, 2, 7, 1000, (long) (0.01 / 0x1p-53)}) {
            assertEquals(k * 0x1p-53 / (1 - k * 0x1p-53), ExactRoundingModel.gamma(k), 0, "gamma " + k);
        }
        assertThrows(IllegalArgumentException.class, () -> ExactRoundingModel.gamma((long) (0.01 / 0x1p-53) + 2));
        for (int d : new int[] {2, 4, 6, 8, 10, 64}) {
            for (double base : new double[] {10000.0, 100.0, 500.0, 1.5}) {
                for (int n : new int[] {1, 2, 17, 4096}) {
                    RopeFamily f = new RopeFamily(d, base, RopeFamily.Layout.INTERLEAVED);
                    double want = ExactRoundingHandModel.etaW(f, n);
                    assertEquals(want, ExactRoundingModel.weightError(f, n), REL * want,
                            "etaW d=" + d + " base=" + base + " n=" + n);
                    if (d == 2 || n == 1) {
                        // no block k >= 1, or every angle is m theta with m = 0: only the trig call's u
                        assertEquals(0x1p-53, ExactRoundingModel.weightError(f, n), 0, "d=" + d + " n=" + n);
                    }
                }
            }
        }
        // the note's example: base 10^4, d = 8, n = 4096; block k = 1 (theta = 0.1, 2k/d exact) decides:
        // eps_1 = (1 + ulp(0.1)/0.1)(1 + 4u) - 1 ~ 5.8e-16, 4095 * 0.1 * eps_1 + ulp(409.5)/2 ~ 2.7e-13
        double eta = ExactRoundingModel.weightError(new RopeFamily(8), 4096);
        assertTrue(eta > 2.5e-13 && eta < 3.5e-13, "etaW " + eta);
        assertEquals(0.0, ExactRoundingModel.weightError(new IdentityFamily(4), 9), 0);
        assertEquals(0.0, ExactRoundingModel.weightError(growing(3), 3), 0);
    }

    @Test
    @DisplayName("exact rounding model: no bound outside the papers' conventions, refused inputs")
    void conventionsAndPreconditions() {
        RopeInstance base = withWeights(3, 2, new RopeFamily(2), new SplittableRandom(SEED + 7), 1).build();
        ExactRoundingModel model = new ExactRoundingModel();
        assertTrue(model.allowed(Quantity.F, base, null) > 0);
        assertTrue(Double.isNaN(model.allowed(Quantity.F, base.toBuilder().causal(true).build(), null)), "causal");
        assertTrue(Double.isNaN(model.allowed(Quantity.F, base.toBuilder().scale(0.3).build(), null)), "scale 0.3");
        assertEquals(ExactRoundingModel.tolerance(Quantity.F, base, null).bound(), model.allowed(Quantity.F, base, null), 0);
        assertThrows(IllegalArgumentException.class, () -> ExactRoundingModel.tolerance(null, base, null));
        assertThrows(IllegalArgumentException.class, () -> ExactRoundingModel.tolerance(Quantity.LSE, base, null));
        Counts counts = Counts.engine(base);
        assertThrows(IllegalArgumentException.class, () -> ExactRoundingModel.budget(null, null, counts));
        assertThrows(IllegalArgumentException.class, () -> ExactRoundingModel.budget(base, null, null));
        for (Case c : cases()) {
            if (!c.inst().hasWeights()) {
                for (Quantity q : List.of(Quantity.DQ, Quantity.DK, Quantity.GRAD_WQ, Quantity.GRAD_WK)) {
                    assertThrows(IllegalArgumentException.class, () -> ExactRoundingModel.tolerance(q, c.inst(), null),
                            c.name() + " " + q.key());
                }
            }
        }
        // rho > 0.1: scores of magnitude ~1e14 make epsS ~ (|S| + 2 + 2d) u beta > 0.1
        SplittableRandom rnd = new SplittableRandom(SEED + 8);
        RopeInstance huge = RopeInstance.builder().a1(random(2, 2, rnd, 1e7)).a2(random(2, 2, rnd, 1e7))
                .a3(random(2, 2, rnd, 1)).e(random(2, 2, rnd, 1)).wq(random(2, 2, rnd, 1)).wk(random(2, 2, rnd, 1))
                .wv(random(2, 2, rnd, 1)).family(new IdentityFamily(2)).build();
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> ExactRoundingModel.tolerance(Quantity.F, huge, null));
        assertTrue(ex.getMessage().contains("rho"), ex.getMessage());
        // just inside: rho <= 0.1 is accepted (entries 1e5: scores ~1e10, epsS ~ 1e-5)
        RopeInstance big = huge.toBuilder().a1(random(2, 2, rnd, 1e5)).a2(random(2, 2, rnd, 1e5)).build();
        assertTrue(ExactRoundingModel.tolerance(Quantity.F, big, null).bound() > 0);
        // the explanation names the quantity and its formula
        String text = ExactRoundingModel.tolerance(Quantity.P, base, null).explanation();
        assertTrue(text.startsWith("p: kappa max|p|"), text);
    }

    /**
     * Which route decides: the engine is held to the larger of the two routes' bounds, except for
     * {@code gradX}, which only the offset-grouped route computes.
     */
    @Test
    @DisplayName("exact rounding model: the engine's bound is the larger route's; gradX the offset-grouped one")
    void routeChoice() {
        Set<Quantity> sawRotatedLarger = EnumSet.noneOf(Quantity.class);
        Set<Quantity> sawOffsetLarger = EnumSet.noneOf(Quantity.class);
        List<Case> all = new ArrayList<>(cases());
        // d = 64: the offset-grouped score count 2d + 2 = 130 against the rotated d + 5 = 69 decides
        for (int d : new int[] {16, 64}) {
            all.add(new Case("rope d=" + d + " n=2", withWeights(2, d, new RopeFamily(d), new SplittableRandom(SEED + d), 1)
                    .build(), SEED + d));
        }
        for (Case c : all) {
            RopeInstance inst = c.inst();
            if (!Counts.rotatedApplies(inst)) {
                continue;
            }
            double sOff = ExactRoundingModel.budget(inst, null, Counts.engine(inst)).epsS();
            double sRot = ExactRoundingModel.budget(inst, null, Counts.rotated(inst)).epsS();
            assertEquals(Math.max(sOff, sRot), ExactRoundingModel.budget(inst, null).epsS(), 0, c.name() + " budget()");
            for (Quantity q : applicable(inst)) {
                double off = ExactRoundingModel.tolerance(q, inst, null, Counts.engine(inst)).bound();
                double rot = ExactRoundingModel.tolerance(q, inst, null, Counts.rotated(inst)).bound();
                double got = ExactRoundingModel.tolerance(q, inst, null).bound();
                if (q == Quantity.GRAD_X) {
                    assertEquals(off, got, 0, c.name());
                } else {
                    assertEquals(Math.max(off, rot), got, 0, c.name() + " " + q.key());
                    if (rot > off) {
                        sawRotatedLarger.add(q);
                    } else if (off > rot) {
                        sawOffsetLarger.add(q);
                    }
                }
            }
        }
        assertFalse(sawRotatedLarger.isEmpty(), "some quantity has the larger bound on the rotated route");
        assertFalse(sawOffsetLarger.isEmpty(), "some quantity has the larger bound on the offset-grouped route");
    }
}
