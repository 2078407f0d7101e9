package dev.ropecheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.io.Instances;
import dev.ropecheck.model.ProblemSet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} on a multi-problem kernel instance (specs/format-instance.md version 2,
 * specs/format-npz.md): the committed fixture {@code src/test/resources/kernel/qkv.json} (2 x 2
 * problems, q/k/v, causal, scale 1/sqrt(d), fp32) with results written by
 * {@code examples/torch_kernel_attention.py} (torch, float32, {@code np.savez}): the correct one PASSes,
 * the one with dk and dv exchanged FAILs naming (batch, head, field, index).
 */
class KernelCheckCliTest {
    static final Path DIR = Path.of("src/test/resources/kernel");
    private final CliContext ctx = CliContext.standard();

    @dev.ropecheck.specs.Spec("format-npz")
    @Test
    @DisplayName("format-npz: a PyTorch float32 result (dQrot, dKrot, dV, attention, lse) of every (batch, head) PASSes at --dtype fp32")
    void torchResultPasses() {
        CliRunner.Run r = CliRunner.run(ctx, "check", "--instance", DIR.resolve("qkv.json").toString(), "--candidate",
                DIR.resolve("qkv-torch-fp32.npz").toString(), "--dtype", "fp32");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("4 of 4 problems PASS; overall PASS"), r::toString);
        for (String f : new String[] {"attention", "lse", "dQrot", "dKrot", "dV"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(f + " ") && l.endsWith("PASS")), f + "\n" + r);
        }
    }

    @dev.ropecheck.specs.Spec("first-order-rounding")
    @Test
    @DisplayName("first-order-rounding: --bound first-order PASSes the PyTorch float32 result, names its class, and FAILs dk/dv exchanged")
    void firstOrderClassFromTheCommandLine() {
        CliRunner.Run r = CliRunner.run(ctx, "check", "--instance", DIR.resolve("qkv.json").toString(), "--candidate",
                DIR.resolve("qkv-torch-fp32.npz").toString(), "--dtype", "fp32", "--bound", "first-order");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("fp32 (first-order probabilistic, P_fail 1.0E-6)"), r::toString);
        assertTrue(r.out().contains("4 of 4 problems PASS; overall PASS"), r::toString);
        CliRunner.Run bad = CliRunner.run(ctx, "check", "--instance", DIR.resolve("qkv.json").toString(), "--candidate",
                DIR.resolve("qkv-torch-swap.npz").toString(), "--dtype", "fp32", "--bound", "first-order");
        assertEquals(1, bad.exit(), bad::toString);
        CliRunner.Run unknown = CliRunner.run(ctx, "check", "--instance", DIR.resolve("qkv.json").toString(),
                "--candidate", DIR.resolve("qkv-torch-fp32.npz").toString(), "--bound", "second-order");
        assertEquals(2, unknown.exit(), unknown::toString);
        assertTrue(unknown.err().contains("must be worst-case, probabilistic or first-order"), unknown::toString);
        CliRunner.Run inexact = CliRunner.run(ctx, "check", "--instance", DIR.resolve("qkv.json").toString(),
                "--candidate", DIR.resolve("qkv-torch-fp32.npz").toString(), "--dtype", "bf16", "--bound", "first-order");
        assertTrue(inexact.out().contains("--bound first-order does not apply (the first-order bound needs every input"
                + " exact in bf16)"), inexact::toString);
    }

    @dev.ropecheck.specs.Spec("format-npz")
    @Test
    @DisplayName("format-npz: dk and dv exchanged FAIL in every problem, naming (batch, head), the field and the index")
    void swappedGradientsFail() {
        CliRunner.Run r = CliRunner.run(ctx, "check", "--instance", DIR.resolve("qkv.json").toString(), "--candidate",
                DIR.resolve("qkv-torch-swap.npz").toString(), "--dtype", "fp32");
        assertEquals(1, r.exit(), r::toString);
        for (int b = 0; b < 2; b++) {
            for (int h = 0; h < 2; h++) {
                String at = "(batch " + b + ", head " + h + ")";
                assertTrue(r.out().contains(at + ": FAIL"), at + "\n" + r);
                assertTrue(r.out().contains(at + " dKrot: worst at ["), at + "\n" + r);
                assertTrue(r.out().contains(at + " dV: worst at ["), at + "\n" + r);
            }
        }
        assertFalse(r.out().contains("attention: worst"), "attention is right: " + r);
        assertTrue(r.out().contains("0 of 4 problems PASS; overall FAIL"), r::toString);
    }

    @dev.ropecheck.specs.Spec("format-instance")
    @Test
    @DisplayName("format-instance v2: a hand-written single JSON file (self-attention A, scale 0.375, causal) reads and an exact result PASSes")
    void handWrittenCase(@TempDir Path dir) {
        ProblemSet set = Instances.read(DIR.resolve("selfattention-inline.json"));
        assertTrue(set.isSingle());
        assertEquals(0.375, set.first().scale(), 0.0);
        assertTrue(set.first().causal());
        assertEquals(set.first().a1().get(2, 1), set.first().a3().get(2, 1), 0.0);
        Path res = dir.resolve("r.json");
        CliRunner.Run c = CliRunner.run(ctx, "compute", "--engine", "exact", "--in",
                DIR.resolve("selfattention-inline.json").toString(), "--out", res.toString());
        assertEquals(0, c.exit(), c::toString);
        CliRunner.Run r = CliRunner.run(ctx, "check", "--instance", DIR.resolve("selfattention-inline.json").toString(),
                "--candidate", res.toString());
        assertEquals(0, r.exit(), r::toString);
    }

    @dev.ropecheck.specs.Spec("format-instance")
    @Test
    @DisplayName("make-instance --qkv --causal --scale --batch --heads writes a header and its NPZ that read back as batch x heads problems")
    void makeInstanceWritesVersion2(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("k.json");
        CliRunner.Run m = CliRunner.run(ctx, "make-instance", "--n", "5", "--d", "4", "--family", "rope", "--bound", "0.5",
                "--qkv", "--causal", "--scale", "1/sqrt(d)", "--batch", "3", "--heads", "2", "--out", out.toString());
        assertEquals(0, m.exit(), m::toString);
        assertTrue(Files.exists(dir.resolve("k.npz")));
        ProblemSet set = Instances.read(out);
        assertEquals(3, set.batch());
        assertEquals(2, set.heads());
        assertTrue(set.get(2, 1).hasQkv() && set.get(2, 1).causal());
        assertEquals(0.5, set.get(0, 0).scale(), 0.0);
        assertFalse(java.util.Arrays.equals(set.get(0, 0).a1().data, set.get(2, 1).a1().data), "problems differ");
        CliRunner.Run again = CliRunner.run(ctx, "make-instance", "--n", "5", "--d", "4", "--family", "rope", "--bound",
                "0.5", "--qkv", "--causal", "--scale", "1/sqrt(d)", "--batch", "3", "--heads", "2", "--out",
                dir.resolve("k2.json").toString());
        assertEquals(0, again.exit());
        assertTrue(java.util.Arrays.equals(set.get(1, 1).a2().data, Instances.read(dir.resolve("k2.json")).get(1, 1).a2().data),
                "reproducible from the seed");
    }

    @dev.ropecheck.specs.Spec("format-instance")
    @Test
    @DisplayName("format-instance v2: bad shapes, both q and WQ, and a missing arrays file are one line naming the field (exit 2)")
    void badVersion2Input(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"format\": \"rope-attention-instance/2\", \"n\": 2, \"d\": 2, \"family\": {\"kind\": \"identity\"},"
                + " \"q\": [[1, 0], [0, 1]], \"k\": [[1, 0], [0, 1]], \"v\": [[1, 0]], \"E\": [[0, 0], [0, 0]]}");
        CliRunner.Run r = CliRunner.run(ctx, "check", "--instance", bad.toString(), "--candidate", bad.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("v has shape [1, 2]"), r::toString);
        assertEquals(1, r.err().strip().lines().count(), r::toString);
        Files.writeString(bad, "{\"format\": \"rope-attention-instance/2\", \"n\": 1, \"d\": 2, \"family\": {\"kind\": \"identity\"},"
                + " \"q\": [[1, 0]], \"k\": [[1, 0]], \"v\": [[1, 0]], \"E\": [[0, 0]], \"WQ\": [[1, 0], [0, 1]]}");
        r = CliRunner.run(ctx, "check", "--instance", bad.toString(), "--candidate", bad.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("WQ is given, but an instance of q, k, v has no weights"), r::toString);
        Files.writeString(bad, "{\"format\": \"rope-attention-instance/2\", \"n\": 1, \"d\": 2, \"family\": {\"kind\": \"identity\"},"
                + " \"arrays\": \"missing.npz\"}");
        r = CliRunner.run(ctx, "check", "--instance", bad.toString(), "--candidate", bad.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("missing.npz"), r::toString);
    }
}
