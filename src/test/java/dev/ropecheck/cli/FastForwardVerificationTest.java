package dev.ropecheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.report.VerificationCases;
import dev.ropecheck.report.VerificationResult;
import dev.ropecheck.report.FastForwardVerification;
import dev.ropecheck.report.Progress;
import dev.ropecheck.report.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast-forward check judges a fast engine by the bound it certifies in its metadata: a stub
 * whose outputs are off by a relative {@code 1e-10} passes when it certifies {@code 1e-8 max|x|} and
 * fails when it certifies {@code 1e-13 max|x|}.
 */
class FastForwardVerificationTest {
    @TempDir
    Path dir;

    /** The stub's values times {@code 1 + 1e-10}, with certified bounds {@code claim * max|field|}. */
    private static RopeAttentionEngine fast(double claim) {
        StubEngine inner = new StubEngine("fast-fft", 1 + 1e-10);
        return new RopeAttentionEngine() {
            @Override
            public String name() {
                return "fast-fft";
            }

            @Override
            public Set<Quantity> supported(RopeInstance instance) {
                return EnumSet.of(Quantity.ALPHA, Quantity.H, Quantity.ATTENTION, Quantity.C, Quantity.LOSS);
            }

            @Override
            public RopeResult compute(RopeInstance instance, Set<Quantity> wanted) {
                RopeResult r = inner.compute(instance, wanted);
                RopeResult.Builder b = RopeResult.builder("fast-fft");
                for (Quantity q : wanted) {
                    b.put(q, r.get(q));
                }
                b.meta("boundAttention", claim * max(r, Quantity.ATTENTION) + 1e-300)
                        .meta("boundC", claim * max(r, Quantity.C) + 1e-300)
                        .meta("boundLoss", claim * max(r, Quantity.LOSS) + 1e-300)
                        .meta("boundAlphaRelative", claim)
                        .meta("degree", 3);
                return b.build();
            }

            private double max(RopeResult r, Quantity q) {
                double m = 0;
                for (double v : r.get(q).data) {
                    m = Math.max(m, Math.abs(v));
                }
                return m;
            }
        };
    }

    private VerificationResult run(double claim) {
        EngineRegistry reg = new EngineRegistry()
                .register("exact", EngineClass.EXACT, 1024, "stub", o -> new StubEngine("exact"))
                .register("fast-fft", EngineClass.FAST, 1 << 20, "stub", o -> fast(claim));
        RegistryEngines engines = new RegistryEngines(new CliContext(reg, new ProvisionalTolerances()),
                EngineRegistry.Options.defaults());
        VerificationCases small = new VerificationCases(false, List.of(1, 3, 8), List.of(2), 1, List.of(64), List.of(1.0));
        return new FastForwardVerification(engines, "fast-fft", "lemma-6.1", false).run(small, Progress.NONE);
    }

    @Test
    void lemma61FastForwardWithinItsCertifiedBoundPassesAndAnOverclaimFails() {
        VerificationResult ok = run(1e-8);
        assertEquals(Verdict.PASS, ok.verdict(), ok::toString);
        assertTrue(ok.cases() >= 20 && ok.tightness() > 1e-4, ok::toString);
        VerificationResult bad = run(1e-13);
        assertEquals(Verdict.FAIL, bad.verdict(), bad::toString);
    }
}
