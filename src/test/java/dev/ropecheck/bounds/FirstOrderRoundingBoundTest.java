package dev.ropecheck.bounds;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.candidates.Bug;
import dev.ropecheck.candidates.CandidateAttention;
import dev.ropecheck.candidates.Summation;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.reference.RopeReferenceEngine_DD;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.ExplicitFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * {@link FirstOrderRoundingBound} ({@code proofs-notes/first-order-rounding.md}): its exact pass is the
 * formulas of MATH §2–3 and §9; it holds for real binary32, bfloat16 and binary16 evaluations in every
 * summation order; it resolves relative changes the stage-by-stage bound cannot, and is nearly attained
 * (a stated fraction); it is bitwise the same on any number of threads.
 */
class FirstOrderRoundingBoundTest {
    private static final Set<Quantity> FIELDS = FirstOrderRoundingBound.FIELDS;

    /** The same instance with {@code dO} (its {@code E}'s entries) in place of {@code E} (MATH §9). */
    private static RopeInstance withUpstreamGradient(RopeInstance in) {
        return in.toBuilder().dO(in.e()).build();
    }

    private static RopeInstance rounded(RopeInstance in, FloatFormat f) {
        RopeInstance.Builder b = in.toBuilder();
        b.a1(round(in.a1(), f)).a2(round(in.a2(), f)).a3(round(in.a3(), f)).e(round(in.e(), f));
        b.clearX().wq(round(in.wq(), f)).wk(round(in.wk(), f)).clearY().wv(round(in.wv(), f));
        return b.build();
    }

    private static DMatrixRMaj round(DMatrixRMaj m, FloatFormat f) {
        DMatrixRMaj out = m.copy();
        for (int t = 0; t < out.data.length; t++) {
            out.data[t] = f.round(out.data[t]);
        }
        return out;
    }

    /** The largest {@code |cand - ref| / allowed} over every entry of every first-order field. */
    private static double worstRatio(RopeResult cand, RopeResult ref, Map<Quantity, DMatrixRMaj> allowed, StringBuilder where) {
        double worst = 0;
        for (Map.Entry<Quantity, DMatrixRMaj> e : allowed.entrySet()) {
            DMatrixRMaj c = cand.get(e.getKey());
            DMatrixRMaj r = ref.get(e.getKey());
            for (int t = 0; t < c.data.length; t++) {
                double ratio = Math.abs(c.data[t] - r.data[t]) / e.getValue().data[t];
                if (ratio > worst) {
                    worst = ratio;
                    where.setLength(0);
                    where.append(e.getKey().key()).append('[').append(t).append(']');
                }
            }
        }
        return worst;
    }

    @Test
    @dev.ropecheck.specs.Spec("first-order-rounding")
    void exactPassIsTheFormulasOfMath() {
        List<RopeInstance> cases = List.of(
                new InstanceSpec(40, 8, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 3L).build(),
                new InstanceSpec(40, 8, FamilyKind.ROPE_HALF_SPLIT, 0.5, true, 4L).build().toBuilder()
                        .scale(1 / Math.sqrt(8)).causal(true).build(),
                new InstanceSpec(33, 6, FamilyKind.IDENTITY, 0.5, true, 5L).build(),
                withUpstreamGradient(new InstanceSpec(30, 8, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 6L).build()));
        for (RopeInstance in : cases) {
            FirstOrderOutputs got = new FirstOrderPass(in, RoundingClass.firstOrder(FloatFormat.FP32), -1).run();
            Set<Quantity> fields = EnumSet.copyOf(FIELDS);
            if (in.hasUpstreamGradient()) {
                fields.remove(Quantity.LOSS);
            }
            RopeResult want = new RopeReferenceEngine_DD().compute(in, fields);
            for (Quantity q : fields) {
                double[] g = got.v[got.slot(q)];
                DMatrixRMaj w = want.get(q);
                double scale = 0;
                for (double x : w.data) {
                    scale = Math.max(scale, Math.abs(x));
                }
                for (int t = 0; t < g.length; t++) {
                    assertEquals(w.data[t], g[t], 1e-12 * scale + 1e-300, "n=" + in.n() + " d=" + in.d() + " "
                            + in.family().name() + " " + q.key() + "[" + t + "]");
                }
            }
        }
    }

    @Test
    @dev.ropecheck.specs.Spec("first-order-rounding")
    void holdsForBinary32Bfloat16AndBinary16InEveryOrder() {
        List<String> lines = new ArrayList<>();
        double worstOverall = 0;
        for (FloatFormat f : List.of(FloatFormat.FP32, FloatFormat.BF16, FloatFormat.FP16)) {
            for (long seed = 1; seed <= 6; seed++) {
                int[][] sizes = {{24, 4}, {64, 8}, {96, 16}};
                int[] nd = sizes[(int) (seed % sizes.length)];
                FamilyKind fam = seed % 2 == 0 ? FamilyKind.IDENTITY : FamilyKind.ROPE_INTERLEAVED;
                // seeds 5 and 6: entries up to 2, so scores up to 2 d and rows near one-hot (adversarial)
                double bound = seed >= 5 ? 2.0 : 0.5;
                InstanceSpec spec = new InstanceSpec(nd[0], nd[1], fam, bound, true, 100 + seed);
                RopeInstance in = rounded(spec.build(), f);
                RopeResult ref = new RopeReferenceEngine_DD().compute(in, FIELDS);
                Map<Quantity, DMatrixRMaj> allowed = new FirstOrderRoundingBound(RoundingClass.firstOrder(f), 2)
                        .allowed(in, EnumSet.complementOf(EnumSet.of(Quantity.DQROT, Quantity.DKROT)));
                for (Summation order : Summation.values()) {
                    RopeResult cand = CandidateAttention.compute(in, f, order, Bug.NONE);
                    StringBuilder where = new StringBuilder();
                    double w = worstRatio(cand, ref, allowed, where);
                    worstOverall = Math.max(worstOverall, w);
                    lines.add(String.format("%s %s %s: worst err/allowed %.2e at %s", f.label(), spec, order, w, where));
                    assertTrue(w <= 1, "replay: " + spec + " rounded to " + f.label() + ", " + order
                            + ": err/allowed " + w + " at " + where);
                }
            }
        }
        lines.forEach(System.out::println);
        System.out.printf("first-order bound, worst err/allowed over every case: %.2e%n", worstOverall);
    }

    @Test
    @dev.ropecheck.specs.Spec("first-order-rounding")
    void resolvesWhatTheStageBoundCannotAndIsNearlyAttained() {
        RopeInstance in = new InstanceSpec(256, 32, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 4242L).build();
        Set<Quantity> fields = EnumSet.of(Quantity.ATTENTION, Quantity.DQ, Quantity.DK, Quantity.DV, Quantity.GRAD_WQ,
                Quantity.GRAD_WK, Quantity.GRAD_WV);
        RopeResult ref = new RopeReferenceEngine_DD().compute(in, fields);
        Map<Quantity, DMatrixRMaj> fo = new FirstOrderRoundingBound(RoundingClass.firstOrder(FloatFormat.FP32), 2)
                .allowed(in, fields);
        Map<Quantity, DMatrixRMaj> hm = new ComponentwiseRoundingBound(RoundingClass.probabilistic(FloatFormat.FP32), 2)
                .allowed(in, fields);
        RopeResult cand = CandidateAttention.compute(in, FloatFormat.FP32, Summation.NAIVE, Bug.NONE);
        for (Quantity q : fields) {
            double foRes = minDetectable(ref.get(q), fo.get(q));
            double hmRes = minDetectable(ref.get(q), hm.get(q));
            Map<Quantity, DMatrixRMaj> one = Map.of(q, fo.get(q));
            double attained = worstRatio(cand, ref, one, new StringBuilder());
            System.out.printf("%s: resolves %.2e (stage bound %.2e, %.0fx), worst err/allowed %.2e%n", q.key(), foRes,
                    hmRes, hmRes / foRes, attained);
            assertTrue(foRes <= 1e-3, q.key() + " resolves only " + foRes);
            // proofs-notes/first-order-rounding.md §5: the worst of M >= 256 entries reaches at least 1e-4 of the bound
            assertTrue(attained >= 1e-4, q.key() + ": worst err/allowed " + attained + " < 1e-4: the bound is loose");
            assertTrue(attained <= 1, q.key() + ": worst err/allowed " + attained);
        }
        double gw = minDetectable(ref.get(Quantity.GRAD_WK), hm.get(Quantity.GRAD_WK))
                / minDetectable(ref.get(Quantity.GRAD_WK), fo.get(Quantity.GRAD_WK));
        assertTrue(gw >= 30, "gradWK: the first-order bound is only " + gw + "x sharper than the stage bound");
    }

    private static double minDetectable(DMatrixRMaj value, DMatrixRMaj allowed) {
        double best = Double.POSITIVE_INFINITY;
        for (int t = 0; t < value.data.length; t++) {
            if (Math.abs(value.data[t]) > allowed.data[t]) {
                best = Math.min(best, allowed.data[t] / Math.abs(value.data[t]));
            }
        }
        return best;
    }

    @Test
    @dev.ropecheck.specs.Spec("first-order-rounding")
    void bitwiseTheSameOnAnyNumberOfThreads() {
        RopeInstance in = new InstanceSpec(48, 8, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 9L).build();
        RoundingClass cls = RoundingClass.firstOrder(FloatFormat.FP32);
        Map<Quantity, DMatrixRMaj> one = new FirstOrderRoundingBound(cls, 1).allowed(in, FIELDS);
        Map<Quantity, DMatrixRMaj> three = new FirstOrderRoundingBound(cls, 3).allowed(in, FIELDS);
        assertEquals(one.keySet(), three.keySet());
        for (Quantity q : one.keySet()) {
            assertArrayEquals(one.get(q).data, three.get(q).data, 0, q.key());
            for (double x : one.get(q).data) {
                assertTrue(x > 0 && Double.isFinite(x), q.key() + " has allowed " + x);
            }
        }
    }

    @Test
    @dev.ropecheck.specs.Spec("first-order-rounding")
    void edgeInstancesGivePositiveBoundsAndHoldForBinary32() {
        List<RopeInstance> cases = List.of(
                new InstanceSpec(1, 2, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 11L).build(),
                new InstanceSpec(2, 2, FamilyKind.IDENTITY, 0.5, true, 12L).build().toBuilder().causal(true).build(),
                new InstanceSpec(16, 8, FamilyKind.ROPE_INTERLEAVED, 4.0, true, 13L).build(),
                new InstanceSpec(16, 4, FamilyKind.ROPE_HALF_SPLIT, 0.5, true, 14L).build().toBuilder()
                        .scale(1 / Math.sqrt(4)).causal(true).build());
        for (RopeInstance in : cases) {
            Map<Quantity, DMatrixRMaj> allowed = new FirstOrderRoundingBound(RoundingClass.firstOrder(FloatFormat.FP32), 2)
                    .allowed(in, FIELDS);
            for (Map.Entry<Quantity, DMatrixRMaj> e : allowed.entrySet()) {
                for (double x : e.getValue().data) {
                    assertTrue(x > 0, "n=" + in.n() + " " + e.getKey().key() + " allowed " + x);
                }
            }
            if (in.hasPapersConventions()) {
                RopeResult ref = new RopeReferenceEngine_DD().compute(in, FIELDS);
                allowed.remove(Quantity.DQROT);
                allowed.remove(Quantity.DKROT);
                RopeResult cand = CandidateAttention.compute(in, FloatFormat.FP32, Summation.NAIVE, Bug.NONE);
                StringBuilder where = new StringBuilder();
                double w = worstRatio(cand, ref, allowed, where);
                assertTrue(w <= 1, "n=" + in.n() + ": err/allowed " + w + " at " + where);
            }
        }
    }

    @Test
    @dev.ropecheck.specs.Spec("first-order-rounding")
    void probesEstimateTheInheritedSumAndTheBoundAddsTheOwnVarianceExactly() {
        RopeInstance in = new InstanceSpec(4, 2, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 21L).build();
        RoundingClass cls = RoundingClass.firstOrder(FloatFormat.FP32);
        FirstOrderPass exact = new FirstOrderPass(in, cls, -1);
        FirstOrderOutputs base = exact.run();
        int[] calls = {0};
        new FirstOrderPass(in, cls, 0, exact.mags(), () -> {
            calls[0]++;
            return 0;
        }).run();
        // Σ_x G^2 φ^2 one intermediate at a time: move only the m-th, by exactly φ_m; v leaves out each
        // entry's own final move, total keeps it, and the difference is the exact pass's own variance
        double[][] v = base.zerosLike();
        double[][] total = base.zerosLike();
        for (int m = 0; m < calls[0]; m++) {
            int target = m;
            int[] at = {0};
            FirstOrderOutputs one = new FirstOrderPass(in, cls, 0, exact.mags(), () -> at[0]++ == target ? 1 : 0).run();
            base.addSquaredMoves(one, v);
            for (int s = 0; s < total.length; s++) {
                for (int t = 0; total[s] != null && t < total[s].length; t++) {
                    double move = one.v[s][t] - base.v[s][t];
                    total[s][t] += move * move;
                }
            }
        }
        double[][] sq = base.zerosLike();
        for (int k = 0; k < FirstOrderRoundingBound.PROBES; k++) {
            base.addSquaredMoves(new FirstOrderPass(in, cls, k, exact.mags()).run(), sq);
        }
        Set<Quantity> fields = EnumSet.of(Quantity.ATTENTION, Quantity.DQ, Quantity.DK, Quantity.DV, Quantity.GRAD_WK);
        Map<Quantity, DMatrixRMaj> allowed = new FirstOrderRoundingBound(cls, 2).allowed(in, fields);
        long entries = 0;
        for (Quantity q : fields) {
            entries += base.size(q);
        }
        double p = cls.componentFailureProbability();
        int k = FirstOrderRoundingBound.PROBES;
        // 2 exp(-λ^2/2) = P/N and 2 (1 + c^2/K)^(-K/2) = P/N, as stated, from the failure probability alone
        double lambda2 = 2 * Math.log(2.0 * entries / p);
        double c2 = k * (Math.pow(2.0 * entries / p, 2.0 / k) - 1);
        assertEquals(p / entries, 2 * Math.exp(-lambda2 / 2), 1e-9 * p / entries);
        assertEquals(p / entries, 2 * Math.pow(1 + c2 / k, -k / 2.0), 1e-9 * p / entries);
        for (Quantity q : fields) {
            int slot = base.slot(q);
            for (int t = 0; t < v[slot].length; t++) {
                double ratio = sq[slot][t] / (FirstOrderRoundingBound.PROBES * v[slot][t]);
                // S / V ~ chi-square(32): below 4 or above 90 with probability < 1e-9 each
                assertTrue(ratio > 4.0 / 32 && ratio < 90.0 / 32, q.key() + "[" + t + "]: S/(K V) = " + ratio);
                double own = base.ownVariance(slot, t);
                assertTrue(own > 0, q.key() + "[" + t + "] has an own final move");
                if (q == Quantity.ATTENTION) {
                    // the output's own count (α_t once, with the coefficient Σ f (v - Att)^+; products by
                    // their own size) is at most the one its downstream inherits, and at least its additions'
                    double inherited = total[slot][t] - v[slot][t];
                    // (at n = 4 with scores below 1: (2n + 1) / (3n + 2 (4n + drift^2) + 1) >= 0.2)
                    assertTrue(own <= inherited * (1 + 1e-9) && own >= 0.2 * inherited,
                            q.key() + "[" + t + "]: own " + own + " against the inherited count " + inherited);
                } else {
                    assertEquals(total[slot][t], v[slot][t] + own, 1e-9 * total[slot][t], q.key() + "[" + t + "]: own part");
                }
                double want = Math.sqrt(c2 * sq[slot][t] / k + lambda2 * own) * FirstOrderRoundingBound.SAFETY;
                assertEquals(want, allowed.get(q).data[t], 1e-12 * want, q.key() + "[" + t + "]");
            }
        }
        assertTrue(calls[0] > 100, "intermediates moved: " + calls[0]);
    }

    /**
     * Soundness against the orders §2 of the note bounds, in binary32: (a) online softmax with tiles of
     * one key, keys in ascending score, so the running max rises and rescales at every key (the {@code α_t}
     * count); (b) a two-pass softmax whose output sums take, column by column, the positive terms largest
     * first and then the negative ones smallest first, so every partial sum is as large as it can be
     * (the {@code W = max(Σ t^+, Σ t^-)} bound). Identity family, {@code q, k, v} exact in binary32.
     */
    @Test
    @dev.ropecheck.specs.Spec("first-order-rounding")
    void attentionHoldsInTheAdversarialOrders() {
        RoundingClass cls = RoundingClass.firstOrder(FloatFormat.FP32);
        double worst = 0;
        double[] worstOf = new double[2];
        StringBuilder at = new StringBuilder();
        for (long seed = 1; seed <= 3; seed++) {
            RopeInstance w = new InstanceSpec(384, 4, FamilyKind.IDENTITY, 2.0, true, 70 + seed).build();
            RopeInstance in = RopeInstance.builder().qkv(round(w.a1(), FloatFormat.FP32), round(w.a2(), FloatFormat.FP32),
                    round(w.a3(), FloatFormat.FP32)).e(round(w.e(), FloatFormat.FP32)).family(w.family()).entryBound(2.0).build();
            DMatrixRMaj ref = new RopeReferenceEngine_DD().compute(in, EnumSet.of(Quantity.ATTENTION)).get(Quantity.ATTENTION);
            DMatrixRMaj allowed = new FirstOrderRoundingBound(cls, 2).allowed(in, EnumSet.of(Quantity.ATTENTION))
                    .get(Quantity.ATTENTION);
            for (boolean online : new boolean[] {true, false}) {
                double[] got = AdversarialFloatAttention.attention(in, online);
                for (int t = 0; t < got.length; t++) {
                    double ratio = Math.abs(got[t] - ref.data[t]) / allowed.data[t];
                    worstOf[online ? 0 : 1] = Math.max(worstOf[online ? 0 : 1], ratio);
                    if (ratio > worst) {
                        worst = ratio;
                        at.setLength(0);
                        at.append("seed ").append(70 + seed).append(online ? " online" : " sorted").append(" [").append(t).append(']');
                    }
                }
            }
        }
        System.out.printf("first-order attention, adversarial binary32 orders: worst err/allowed %.3g at %s"
                + " (online %.3g, sorted %.3g)%n", worst, at, worstOf[0], worstOf[1]);
        assertTrue(worst <= 1, "err/allowed " + worst + " at " + at);
        // each adversary's error is visible next to the bound (not lost below it)
        assertTrue(worstOf[0] > 1e-3 && worstOf[1] > 1e-3, "online " + worstOf[0] + ", sorted " + worstOf[1]);
    }

    @Test
    @dev.ropecheck.specs.Spec("first-order-rounding")
    void fieldsAnInstanceDoesNotDefineAreLeftOut() {
        RoundingClass cls = RoundingClass.firstOrder(FloatFormat.FP32);
        RopeInstance w = new InstanceSpec(6, 2, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 31L).build();
        RopeInstance qkv = RopeInstance.builder().qkv(w.a1(), w.a2(), w.a3()).e(w.e()).family(w.family())
                .entryBound(0.5).build();
        assertTrue(qkv.hasQkv());
        Set<Quantity> got = new FirstOrderRoundingBound(cls, 1).allowed(qkv, FIELDS).keySet();
        assertTrue(got.containsAll(EnumSet.of(Quantity.DQ, Quantity.DK, Quantity.DV, Quantity.LOSS)), got.toString());
        assertTrue(!got.contains(Quantity.GRAD_WQ) && !got.contains(Quantity.GRAD_WK) && !got.contains(Quantity.GRAD_WV),
                "q, k, v given directly have no weight gradients: " + got);
        Set<Quantity> withDo = new FirstOrderRoundingBound(cls, 1).allowed(withUpstreamGradient(w), FIELDS).keySet();
        assertTrue(!withDo.contains(Quantity.LOSS) && withDo.contains(Quantity.GRAD_WK), "dO: no loss: " + withDo);
        assertTrue(new FirstOrderRoundingBound(cls, 1).allowed(w, EnumSet.of(Quantity.A, Quantity.F)).isEmpty());
        // inputs exact in bf16 except one weight entry
        RopeInstance b = rounded(w, FloatFormat.BF16);
        DMatrixRMaj wk = b.wk();
        wk.data[3] = 0x1.001p-2;
        RopeInstance oneInexact = b.toBuilder().clearX().wq(b.wq()).wk(wk).build();
        assertEquals("", FirstOrderRoundingBound.unsupportedReason(b, FloatFormat.BF16));
        assertEquals("the first-order bound needs every input exact in bf16",
                FirstOrderRoundingBound.unsupportedReason(oneInexact, FloatFormat.BF16));
        assertThrows(IllegalArgumentException.class,
                () -> new FirstOrderRoundingBound(RoundingClass.firstOrder(FloatFormat.BF16), 1).allowed(oneInexact, FIELDS));
        assertThrows(IllegalArgumentException.class, () -> new FirstOrderRoundingBound(cls, 0));
    }

    @Test
    @dev.ropecheck.specs.Spec("first-order-rounding")
    void saysWhyItDoesNotApply() {
        RopeInstance in = new InstanceSpec(8, 4, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 2L).build();
        assertEquals("", FirstOrderRoundingBound.unsupportedReason(in, FloatFormat.FP32));
        assertTrue(FirstOrderRoundingBound.unsupportedReason(in, FloatFormat.BF16).contains("exact in bf16"),
                FirstOrderRoundingBound.unsupportedReason(in, FloatFormat.BF16));
        RopeInstance explicit = new InstanceSpec(8, 4, FamilyKind.EXPLICIT, 0.5, true, 2L).build();
        assertTrue(explicit.family() instanceof ExplicitFamily);
        assertTrue(!FirstOrderRoundingBound.unsupportedReason(explicit, FloatFormat.FP32).isEmpty());
    }
}
