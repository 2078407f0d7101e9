package dev.ropecheck.engine.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.approx.Method;
import dev.ropecheck.bounds.FastGradientBound;
import dev.ropecheck.check.ToleranceModel;
import dev.ropecheck.contract.EngineContract;
import dev.ropecheck.contract.CausalContractCases;
import dev.ropecheck.contract.MaskedScaledReference;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.gen.ConventionCase;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * The fast engines under the kernel conventions of MATH §9 (score scale {@code sigma}, causal mask):
 * every returned field within the certified bound ({@link FastGradientBound} on the engine's own
 * forward bound; {@code proofs-notes/causal-fast.md}) of an independent {@code O(n^2)} evaluation of the
 * definitions ({@link MaskedScaledReference}, apfloat), the mask really applied, and the results
 * bitwise reproducible. Generated cases print as {@link ConventionCase} expressions; QuickTheories
 * prints the seed ({@code -DQT_SEED} replays it).
 *
 * <p>The reference is {@link #REFERENCE}: once the exact and reference engines implement MATH §9,
 * that one line can name them instead.
 */
class FastConventionsTest {
    /** Where the trusted values come from (one line; see the class comment). */
    static final RopeAttentionEngine REFERENCE = CausalContractCases.reference();
    /** As the fast contracts: every gradient field constrained (no all-zero answer passes). */
    static final double EPS = 1e-8;

    static RopeFftEngine_F64 fft() {
        return new RopeFftEngine_F64(EPS, Method.CHEBYSHEV);
    }

    static RopeLowRankEngine_F64 lowRank() {
        return new RopeLowRankEngine_F64(EPS, Method.CHEBYSHEV);
    }

    /** The fields a fast engine returns ({@link dev.ropecheck.contract.FastSpecs#required}). */
    static Set<Quantity> required(RopeInstance inst) {
        return dev.ropecheck.contract.FastSpecs.required(inst);
    }

    static EngineContract.Comparison compare(PolynomialEngine e, RopeInstance inst, RopeAttentionEngine reference) {
        ToleranceModel model = ToleranceModel.perField(FastGradientBound.forEngine(in -> e.forward(in).bound()),
                e.name() + " certified bound");
        return EngineContract.compare(e, reference, model, required(inst), inst);
    }

    private static void within(PolynomialEngine e, ConventionCase c) {
        RopeInstance inst = c.build();
        EngineContract.Comparison cmp = compare(e, inst, REFERENCE);
        assertTrue(cmp.failures().isEmpty(), () -> e.name() + " on " + c + cmp.failures());
    }

    @dev.ropecheck.specs.Spec("causal-fast")
    @Test
    @DisplayName("MATH §9, causal-fast.md: fast-fft within its certified bound, causal and scaled (all families, weights and X)")
    void fftWithinBound() {
        qt().withExamples(14).forAll(ConventionCase.over(FastInstances.all(8), false))
                .checkAssert(c -> within(fft(), c));
    }

    @dev.ropecheck.specs.Spec("causal-fast")
    @Test
    @DisplayName("MATH §9, causal-fast.md: fast-lowrank within its certified bound, causal and scaled (RoPE, identity)")
    void lowRankWithinBound() {
        qt().withExamples(12).forAll(ConventionCase.over(FastInstances.rotations(8), false))
                .checkAssert(c -> within(lowRank(), c));
    }

    @dev.ropecheck.specs.Spec("causal-fast")
    @Test
    @DisplayName("MATH §9: fast-fft causal at larger n (identity, explicit: FFT wrap-around, odd lengths) within bound")
    void fftCausalLargerN() {
        qt().withExamples(5).forAll(ConventionCase.over(FastInstances.specs(33,
                Generate.pick(List.of(FamilyKind.IDENTITY, FamilyKind.EXPLICIT))), true))
                .checkAssert(c -> within(fft(), c));
    }

    @dev.ropecheck.specs.Spec("causal-fast")
    @Test
    @DisplayName("MATH §9: the mask is applied: causal results fail the unmasked reference, unmasked results the causal one")
    void maskIsApplied() {
        qt().withExamples(8).forAll(ConventionCase.over(FastInstances.rotations(8)
                .map(s -> new InstanceSpec(Math.max(s.n(), 3), s.d(), s.family(), 0.5, true, s.seed())), false))
                .checkAssert(c -> {
                    for (PolynomialEngine e : List.of(fft(), lowRank())) {
                        RopeInstance self = c.build();
                        RopeInstance other = c.flipped().build();
                        EngineContract.Comparison cmp = crossCompare(e, self, other);
                        assertTrue(cmp.failures().contains("attention"), () -> e.name() + " on " + c
                                + ": the answer for causal = " + c.causal() + " passes as the answer for causal = "
                                + !c.causal() + cmp.failures());
                    }
                });
    }

    /** {@code e}'s answer on {@code self}, judged as an answer to {@code other} within {@code e}'s bound for it. */
    private static EngineContract.Comparison crossCompare(PolynomialEngine e, RopeInstance self, RopeInstance other) {
        RopeAttentionEngine answerOfSelf = new RopeAttentionEngine() {
            @Override
            public String name() {
                return e.name();
            }

            @Override
            public Set<Quantity> supported(RopeInstance instance) {
                return e.supported(self);
            }

            @Override
            public RopeResult compute(RopeInstance instance, Set<Quantity> wanted) {
                return e.compute(self, wanted);
            }
        };
        ToleranceModel model = ToleranceModel.perField(FastGradientBound.forEngine(in -> e.forward(in).bound()),
                e.name() + " certified bound");
        return EngineContract.compare(answerOfSelf, REFERENCE, model, required(other), other);
    }

    /**
     * SHA-256 of every field (forward and gradient) of both engines on fixed unmasked instances at the
     * papers' scale, recorded before the kernel conventions were implemented: the unmasked path must be
     * bitwise unchanged ({@code proofs-notes/causal-fast.md} §6). Two fast-fft digests (the first and fourth,
     * RoPE with weights) were re-recorded when the engine's polynomial interval became
     * {@code min(ScoreBound.beta, betaRotated)} (fast-forward-error.md §1, "Two betas"): a smaller interval,
     * so other coefficients; the identity, explicit and general-X cases, whose interval did not move, are
     * unchanged.
     */
    static final List<String> PAPERS_DIGESTS = List.of(
            "fast-fft:0fa8df3b9c927546",
            "fast-lowrank:4a717ebececc4ec0",
            "fast-fft:16d3d23d84d0a8b7",
            "fast-fft:b48018b9a195d88b",
            "fast-lowrank:a5f39b2a974b8574",
            "fast-fft:8c6633389d7640f7",
            "fast-fft:b8f8a9ade75a4645",
            "fast-lowrank:1370db63db57f2be",
            "fast-fft:6095050c8ea43dc4",
            "fast-fft:ab4774e321569fbf",
            "fast-fft:b37fa92f0770fba0");

    static List<RopeInstance> papersInstances() {
        List<RopeInstance> out = new ArrayList<>();
        long seed = 501;
        for (FamilyKind f : FamilyKind.values()) {
            out.add(new InstanceSpec(9, 4, f, 0.5, true, seed++).build());
            out.add(new InstanceSpec(6, 2, f, 0.25, false, seed++).build());
        }
        return out;
    }

    static String digest(RopeResult r) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        for (Quantity q : Quantity.values()) {
            if (!r.has(q)) {
                continue;
            }
            md.update(q.key().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 * r.get(q).data.length);
            for (double v : r.get(q).data) {
                buf.putLong(Double.doubleToRawLongBits(v));
            }
            md.update(buf.array());
        }
        return java.util.HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }

    @dev.ropecheck.specs.Spec("causal-fast")
    @Test
    @DisplayName("causal-fast.md §6: unmasked results at the papers' scale are bitwise what they were")
    void papersConventionsBitwiseUnchanged() throws Exception {
        List<String> got = new ArrayList<>();
        for (RopeInstance inst : papersInstances()) {
            for (PolynomialEngine e : List.of(fft(), lowRank())) {
                boolean rotation = inst.family() instanceof dev.ropecheck.model.RopeFamily
                        || inst.family() instanceof dev.ropecheck.model.IdentityFamily;
                if (e instanceof RopeLowRankEngine_F64 && (!rotation || !inst.hasWeights())) {
                    continue;
                }
                Set<Quantity> fields = required(inst);
                fields.removeIf(Quantity::needsRotation); // the digests predate dQrot, dKrot
                got.add(e.name() + ":" + digest(e.compute(inst, fields)));
            }
        }
        System.out.println("papers-convention digests: " + String.join(",", got));
        assertEquals(PAPERS_DIGESTS, got);
    }

    @dev.ropecheck.specs.Spec("causal-fast")
    @Test
    @DisplayName("MATH §9: causal and scaled results are bitwise identical across runs and 1, 2, 4 concurrent threads")
    void bitwiseAcrossThreads() throws Exception {
        List<RopeInstance> cases = new ArrayList<>();
        for (FamilyKind f : List.of(FamilyKind.ROPE_INTERLEAVED, FamilyKind.IDENTITY)) {
            cases.add(new ConventionCase(new InstanceSpec(13, 4, f, 0.5, true, 41L), true,
                    ConventionCase.Scale.INV_SQRT_D).build());
        }
        cases.add(new ConventionCase(new InstanceSpec(11, 2, FamilyKind.EXPLICIT, 0.5, false, 43L), true,
                ConventionCase.Scale.TWO_OVER_D).build());
        for (RopeInstance inst : cases) {
            for (PolynomialEngine e : List.of(fft(), lowRank())) {
                if (e instanceof RopeLowRankEngine_F64 && !(inst.family() instanceof dev.ropecheck.model.RopeFamily
                        || inst.family() instanceof dev.ropecheck.model.IdentityFamily) || !inst.hasWeights()
                        && e instanceof RopeLowRankEngine_F64) {
                    continue;
                }
                Set<Quantity> wanted = required(inst);
                RopeResult first = e.compute(inst, wanted);
                for (int threads : new int[] {1, 2, 4}) {
                    ExecutorService pool = Executors.newFixedThreadPool(threads);
                    try {
                        List<Future<RopeResult>> runs = new ArrayList<>();
                        for (int k = 0; k < threads; k++) {
                            runs.add(pool.submit(() -> e.compute(inst, wanted)));
                        }
                        for (Future<RopeResult> r : runs) {
                            RopeResult got = r.get();
                            for (Quantity q : wanted) {
                                assertTrue(Arrays.equals(first.get(q).data, got.get(q).data),
                                        e.name() + " " + q.key() + " differs with " + threads + " threads");
                            }
                        }
                    } finally {
                        pool.shutdown();
                    }
                }
                assertEquals(first.loss(), e.compute(inst, wanted).loss(), 0.0);
            }
        }
    }
}
