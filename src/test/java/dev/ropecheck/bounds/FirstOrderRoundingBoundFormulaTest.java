package dev.ropecheck.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ropecheck.bounds.FirstOrderPass.Move;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * {@link FirstOrderPass} and {@link FirstOrderRoundingBound} recomputed intermediate by intermediate
 * from the table of {@code proofs-notes/first-order-rounding.md} §2 ({@link FirstOrderHandModel}) on
 * small instances ({@code n = 1..5}, {@code d = 2, 4, 6}) in binary32, bfloat16 and binary16 (where
 * {@code u_s} is 2^16 resp. 2^13 times {@code u_a^2 / u_a}, so every storage term shows), both RoPE
 * layouts, a non-power-of-two {@code d} (so {@code c_θ} carries {@code ln(base)} and the default scale
 * {@code 1/d} is inexact), the identity, a causal mask, a non-power-of-two exact scale, {@code q, k, v}
 * given directly and {@code dO} given in place of {@code E}.
 *
 * <p>The probe's coefficients are read through {@link FirstOrderPass.Trace} on a probe whose numbers
 * are all 0 (so every value it forms is the exact one, and every {@code φ} is taken at the exact
 * values), the own variances and the magnitudes {@code W} from the exact pass.
 *
 * <p>Tolerance {@link #REL} = 1e-12 relative, on every {@code φ}, own variance, magnitude {@code W} and
 * bound entry. The two sides evaluate the same real expressions in binary64 in different groupings
 * (the class's dot products take four partial sums, the hand model's one; the class keeps
 * {@code W}'s positive and negative parts in running arrays). Every {@code φ^2} is a sum of non-negative
 * terms, each a product of at most six factors, so the two sides differ only by what their inputs
 * differ by: {@code W} and the magnitudes {@code M} (sums of non-negative parts, agreeing to
 * {@code 2 γ_40 < 1e-14}; measured 2.5e-15), and the values that cancel ({@code Att}, {@code c},
 * {@code t}, the gradient sums), which enter only through a term {@code u_s^2 x^2} or
 * {@code u_a^2 x^2}. With {@code x} a sum of condition {@code κ}, that term differs by {@code 2κ} ulps.
 * In bfloat16 and binary16 it is the largest term ({@code u_s >> u_a}), so the entries with the worst
 * {@code κ} set the figure: the largest difference measured on these fixed instances is 3.5e-13
 * (binary16, {@code gradWQ}, {@code κ ~ 10^3}; printed by the tests), three times below the tolerance.
 * The instances are fixed (seeded), so the test is deterministic. On the other side, the smallest change of
 * the table that must show moves a {@code φ} by far more: one count of {@code k} (at most {@code 8n + 4d^2 + ...}
 * roundings, a few hundred here) is {@code > 1e-3} relative in binary32, where {@code u_s = u_a}; a
 * {@code u_s} term is half of {@code φ^2} or more in bfloat16 and binary16.
 */
class FirstOrderRoundingBoundFormulaTest {
    static final double REL = 1e-12;

    /** One instance with its seed and format. */
    record Case(long seed, RopeInstance in, RoundingClass cls) {
        @Override
        public String toString() {
            return "seed " + seed + " (n=" + in.n() + " d=" + in.d() + " " + in.family().name()
                    + (in.causal() ? " causal" : "") + " scale " + in.scale() + (in.hasQkv() ? " qkv" : "")
                    + (in.hasUpstreamGradient() ? " dO" : "") + ", " + cls.format().label() + ")";
        }
    }

    /**
     * Dyadic entries k/256, {@code 0 < |k| <= 255} (eight bits: exact in binary16 and bfloat16), signs mixed,
     * from {@code seed}. Eight bits rather than four: with fewer, two keys often give a query row the same
     * {@code <c_i, v_j>}, so an exact {@code t_ij = 0} is a rounding error on each side, unrelated.
     */
    static DMatrixRMaj m(int r, int c, long seed) {
        DMatrixRMaj out = new DMatrixRMaj(r, c);
        long x = seed * 0x9E3779B97F4A7C15L + 777;
        for (int t = 0; t < r * c; t++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            int k = (int) ((x >>> 33) % 511) - 255;
            out.data[t] = (k == 0 ? 77 : k) / 256.0;
        }
        return out;
    }

    static RopeInstance instance(int n, int d, PositionFamily fam, long seed, boolean causal, double scale, boolean qkv,
            boolean dO) {
        RopeInstance.Builder b = RopeInstance.builder();
        if (qkv) {
            b.qkv(m(n, d, seed), m(n, d, seed + 1), m(n, d, seed + 2));
        } else {
            b.a1(m(n, d, seed)).a2(m(n, d, seed + 1)).a3(m(n, d, seed + 2))
                    .wq(m(d, d, seed + 3)).wk(m(d, d, seed + 4)).wv(m(d, d, seed + 5));
        }
        if (dO) {
            b.dO(m(n, d, seed + 6));
        } else {
            b.e(m(n, d, seed + 6));
        }
        b.family(fam).causal(causal);
        if (!Double.isNaN(scale)) {
            b.scale(scale);
        }
        return b.build();
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        List<FloatFormat> formats = List.of(FloatFormat.FP32, FloatFormat.BF16, FloatFormat.FP16);
        long seed = 101;
        for (FloatFormat f : formats) {
            RoundingClass cls = RoundingClass.firstOrder(f);
            out.add(new Case(seed, instance(3, 4, new RopeFamily(4), seed, false, Double.NaN, false, false), cls));
            seed += 10;
            out.add(new Case(seed, instance(4, 4, new RopeFamily(4, RopeFamily.DEFAULT_BASE, RopeFamily.Layout.HALF_SPLIT),
                    seed, true, Double.NaN, false, false), cls));
            seed += 10;
            // d = 6: 2k/d inexact (c_θ = 4 + ln base), and the default scale 1/6 is inexact
            out.add(new Case(seed, instance(3, 6, new RopeFamily(6, 500.0, RopeFamily.Layout.INTERLEAVED), seed, false,
                    Double.NaN, false, false), cls));
            seed += 10;
            out.add(new Case(seed, instance(5, 2, new IdentityFamily(2), seed, false, Double.NaN, false, false), cls));
            seed += 10;
            // exact but not a power of two: the two roundings of sqrt(σ) on q and k, no shared move
            out.add(new Case(seed, instance(4, 2, new RopeFamily(2), seed, true, 0.75, false, false), cls));
            seed += 10;
            out.add(new Case(seed, instance(3, 4, new IdentityFamily(4), seed, false, 0.75, true, false), cls));
            seed += 10;
            out.add(new Case(seed, instance(3, 4, new RopeFamily(4), seed, false, 1 / Math.sqrt(3), false, true), cls));
            seed += 10;
            out.add(new Case(seed, instance(1, 2, new RopeFamily(2), seed, false, Double.NaN, true, false), cls));
            seed += 10;
        }
        return out;
    }

    /** The largest error seen, as a fraction of the value (printed by each test). */
    private double worst;
    private String worstAt = "";

    /** {@code got} against {@code hand} at {@link #REL}; the message gives the error as a multiple of the tolerance. */
    private void check(Case c, String what, double hand, double got) {
        double err = Math.abs(got - hand);
        double tol = REL * Math.abs(hand);
        if (hand != 0 && err / Math.abs(hand) > worst) {
            worst = err / Math.abs(hand);
            worstAt = c + " " + what;
        }
        if (!(err <= tol)) {
            fail(c + " " + what + ": class " + got + ", note " + hand + ", error " + err + " = "
                    + (tol == 0 ? "(tolerance 0: the note's value is 0)" : String.format("%.3g", err / tol)
                    + " x the tolerance " + REL + " relative"));
        }
    }

    private void check(Case c, String what, double[] hand, double[] got) {
        if (hand == null || got == null) {
            assertTrue(hand == null && got == null, c + " " + what + ": note " + (hand == null ? "has none" : "has one")
                    + ", class " + (got == null ? "has none" : "has one"));
            return;
        }
        assertEquals(hand.length, got.length, c + " " + what + ": size");
        for (int t = 0; t < hand.length; t++) {
            check(c, what + "[" + t + "]", hand[t], got[t]);
        }
    }

    private static final String[] SLOT_NAMES = {"Att", "c", "r", "loss", "dQ", "dK", "dV", "dQrot", "dKrot", "gradWQ",
        "gradWK", "gradWV", "dQrot via dQ", "dKrot via dK"};

    /** The coefficient of every move of probe {@code probe} with all numbers 0 (at the exact values), by key. */
    static Map<String, List<Double>> traced(Case c, FirstOrderMags mags, int probe) {
        Map<String, List<Double>> got = new LinkedHashMap<>();
        new FirstOrderPass(c.in(), c.cls(), probe, mags, () -> 0, (kind, slot, t, phi) ->
                got.computeIfAbsent(FirstOrderHandModel.key(kind, slot, t), k -> new ArrayList<>()).add(phi)).run();
        return got;
    }

    /**
     * Probe 0's coefficients, and probe 1's after an ordinary probe 0: every probe moves every
     * intermediate (probe 0 included), and none records magnitudes {@code W} of its own, moved, values
     * over the exact pass's (that would show in probe 1's, by {@code u_s} relative in bfloat16).
     */
    static List<Map<String, List<Double>>> traced(Case c, FirstOrderMags mags) {
        Map<String, List<Double>> first = traced(c, mags, 0);
        new FirstOrderPass(c.in(), c.cls(), 0, mags).run();
        return List.of(first, traced(c, mags, 1));
    }

    @Test
    @dev.ropecheck.specs.Spec("first-order-rounding")
    void section2PhiOfEachIntermediateMatchesTheTable() {
        int compared = 0;
        Set<Move> kinds = EnumSet.noneOf(Move.class);
        Set<Integer> ownSlots = new TreeSet<>();
        for (Case c : cases()) {
            FirstOrderPass exact = new FirstOrderPass(c.in(), c.cls(), -1);
            exact.run();
            FirstOrderHandModel hand = new FirstOrderHandModel(c.in(), c.cls());
            List<Map<String, List<Double>>> probes = traced(c, exact.mags());
            for (int probe = 0; probe < probes.size(); probe++) {
                Map<String, List<Double>> got = probes.get(probe);
                assertEquals(new TreeSet<>(hand.phi.keySet()), new TreeSet<>(got.keySet()), c + " probe " + probe
                        + ": the intermediates moved");
                for (Map.Entry<String, List<Double>> e : hand.phi.entrySet()) {
                    List<Double> g = got.get(e.getKey());
                    assertEquals(e.getValue().size(), g.size(), c + " probe " + probe + " " + e.getKey() + ": moves");
                    for (int m = 0; m < g.size(); m++) {
                        // (0 only where the value and its terms are: dQrot of a causal row 0, whose t = <c, v - Att> = 0)
                        check(c, "probe " + probe + " φ of " + e.getKey(), e.getValue().get(m), g.get(m));
                        compared += e.getValue().get(m) > 0 ? 1 : 0;
                    }
                    String[] parts = e.getKey().split("/");
                    kinds.add(Move.valueOf(parts[0]));
                    if (parts[0].equals("OWN")) {
                        ownSlots.add(Integer.parseInt(parts[1]));
                    }
                }
            }
        }
        assertTrue(compared > 10000, "nonzero moves compared: " + compared);
        System.out.printf("first-order §2: %d nonzero moves compared, largest relative difference %.2e (%s)%n", compared, worst, worstAt);
        assertEquals(EnumSet.allOf(Move.class), kinds, "every kind of intermediate is compared");
        assertEquals(FirstOrderOutputs.SLOTS, ownSlots.size(), "every output's own move is compared: " + ownSlots);
    }

    @Test
    @dev.ropecheck.specs.Spec("first-order-rounding")
    void section2OwnVarianceOfEachOutputMatchesTheTable() {
        int compared = 0;
        for (Case c : cases()) {
            FirstOrderOutputs base = new FirstOrderPass(c.in(), c.cls(), -1).run();
            FirstOrderHandModel hand = new FirstOrderHandModel(c.in(), c.cls());
            assertTrue(base.ownVariance != null, c + ": the exact pass records the own variances");
            for (int s = 0; s < FirstOrderOutputs.SLOTS; s++) {
                check(c, "own variance of " + SLOT_NAMES[s], hand.ownVariance[s], base.ownVariance[s]);
                if (hand.ownVariance[s] != null) {
                    for (int t = 0; t < hand.ownVariance[s].length; t++) {
                        assertEquals(hand.ownVariance[s][t], base.ownVariance(s, t), REL * hand.ownVariance[s][t]);
                        compared += hand.ownVariance[s][t] > 0 ? 1 : 0;
                    }
                }
            }
        }
        System.out.printf("first-order §2 own variances: %d entries, largest relative difference %.2e (%s)%n", compared, worst, worstAt);
        assertTrue(compared > 1000, "compared " + compared);
    }

    @Test
    @dev.ropecheck.specs.Spec("first-order-rounding")
    void section2PartialSumMagnitudesAreTheLargerSignedPartOfTheTerms() {
        for (Case c : cases()) {
            FirstOrderPass exact = new FirstOrderPass(c.in(), c.cls(), -1);
            exact.run();
            FirstOrderMags w = exact.mags();
            FirstOrderHandModel hand = new FirstOrderHandModel(c.in(), c.cls());
            check(c, "W of Att", hand.wAtt, w.att);
            check(c, "W of r", hand.wR, w.r);
            check(c, "W of dQrot", hand.wDqr, w.dqr);
            check(c, "W of dKrot", hand.wDkr, w.dkr);
            check(c, "W of dV", hand.wDv, w.dv);
            check(c, "W of the loss", hand.wLoss, w.loss);
            for (int k = 0; k < 3; k++) {
                check(c, "W of projection " + k, hand.wProj[k], w.proj[k]);
                check(c, "W of weight gradient " + k, hand.wGrad[k], w.grad[k]);
            }
            // a mixed-sign sum's W is below Σ|t| (the stage bound's) and at least |x|
            FirstOrderOutputs base = new FirstOrderPass(c.in(), c.cls(), -1).run();
            for (int t = 0; t < hand.wAtt.length; t++) {
                assertTrue(w.att[t] >= Math.abs(base.v[FirstOrderOutputs.ATT][t]) * (1 - REL), c + " W of Att[" + t + "]");
            }
        }
        System.out.printf("first-order §2 magnitudes W: largest relative difference %.2e (%s)%n", worst, worstAt);
    }

    @Test
    @dev.ropecheck.specs.Spec("first-order-rounding")
    void section3ExactPassValuesAreTheFormulas() {
        for (Case c : cases()) {
            FirstOrderOutputs base = new FirstOrderPass(c.in(), c.cls(), -1).run();
            FirstOrderHandModel hand = new FirstOrderHandModel(c.in(), c.cls());
            for (int s = 0; s < FirstOrderOutputs.SLOTS; s++) {
                double[] h = hand.value[s];
                double[] g = base.v[s];
                if (h == null || g == null) {
                    assertTrue(h == null && g == null, c + " " + SLOT_NAMES[s] + " present on one side only");
                    continue;
                }
                double scale = 0;
                for (double x : h) {
                    scale = Math.max(scale, Math.abs(x));
                }
                for (int t = 0; t < h.length; t++) {
                    // values cancel: compared relative to the field's largest entry
                    double err = Math.abs(g[t] - h[t]);
                    assertTrue(err <= REL * scale, c + " " + SLOT_NAMES[s] + "[" + t + "]: class " + g[t] + ", note "
                            + h[t] + ", error " + String.format("%.3g", err / (REL * scale)) + " x the tolerance");
                }
            }
        }
    }

    @Test
    @dev.ropecheck.specs.Spec("first-order-rounding")
    void section3BoundIsTheStudentTailOfTheProbesPlusTheOwnVariance() {
        Set<Quantity> all = EnumSet.of(Quantity.ATTENTION, Quantity.C, Quantity.R, Quantity.LOSS, Quantity.DQ,
                Quantity.DK, Quantity.DV, Quantity.DQROT, Quantity.DKROT, Quantity.GRAD_WQ, Quantity.GRAD_WK,
                Quantity.GRAD_WV);
        int k = FirstOrderRoundingBound.PROBES;
        List<Case> cs = cases();
        for (Case c : List.of(cs.get(0), cs.get(2), cs.get(11), cs.get(14), cs.get(21))) {
            Set<Quantity> fields = EnumSet.copyOf(all);
            if (c.in().hasQkv()) {
                fields.removeAll(EnumSet.of(Quantity.GRAD_WQ, Quantity.GRAD_WK, Quantity.GRAD_WV));
            }
            if (c.in().hasUpstreamGradient()) {
                fields.remove(Quantity.LOSS);
            }
            Map<Quantity, DMatrixRMaj> allowed = new FirstOrderRoundingBound(c.cls(), 1).allowed(c.in(), all);
            assertEquals(fields, allowed.keySet(), c + ": fields");
            FirstOrderPass exact = new FirstOrderPass(c.in(), c.cls(), -1);
            FirstOrderOutputs base = exact.run();
            FirstOrderHandModel hand = new FirstOrderHandModel(c.in(), c.cls());
            // S_o = Σ_probes (move - own move)^2, each probe from its own seeded stream
            double[][] sq = new double[FirstOrderOutputs.SLOTS][];
            for (int p = 0; p < k; p++) {
                FirstOrderOutputs probe = new FirstOrderPass(c.in(), c.cls(), p, exact.mags()).run();
                for (int s = 0; s < FirstOrderOutputs.SLOTS; s++) {
                    if (base.v[s] == null) {
                        continue;
                    }
                    if (sq[s] == null) {
                        sq[s] = new double[base.v[s].length];
                    }
                    for (int t = 0; t < sq[s].length; t++) {
                        double own = probe.ownMove[s] == null ? 0 : probe.ownMove[s][t];
                        double mv = probe.v[s][t] - base.v[s][t] - own;
                        sq[s][t] += mv * mv;
                    }
                }
            }
            long entries = 0;
            for (Quantity q : fields) {
                entries += base.v[base.slot(q)].length;
            }
            double pf = c.cls().failureProbability() / 2; // the first-order share, half of the class's
            double lambda2 = 2 * Math.log(2.0 * entries / pf);
            double c2 = k * (Math.pow(2.0 * entries / pf, 2.0 / k) - 1);
            for (Quantity q : fields) {
                int s = base.slot(q);
                int via = q == Quantity.DQROT ? FirstOrderOutputs.DQROT_VIA
                        : q == Quantity.DKROT ? FirstOrderOutputs.DKROT_VIA : -1;
                for (int t = 0; t < sq[s].length; t++) {
                    double ownV = hand.ownVariance[s] == null ? 0 : hand.ownVariance[s][t];
                    double b2 = c2 * sq[s][t] / k + lambda2 * ownV;
                    if (via >= 0) {
                        double viaOwn = hand.ownVariance[via] == null ? 0 : hand.ownVariance[via][t];
                        b2 = Math.max(b2, c2 * sq[via][t] / k + lambda2 * viaOwn);
                    }
                    double want = Math.sqrt(b2) * (1 + 0x1p-10);
                    // (0 for c when dO is given: c = dO exactly, nothing moves)
                    check(c, "bound of " + q.key() + "[" + t + "]", want, allowed.get(q).data[t]);
                }
            }
        }
    }
}
