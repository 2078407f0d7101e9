package dev.ropecheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.io.TensorResultDocument;
import dev.ropecheck.io.TensorResultIO;
import dev.ropecheck.engine.TensorQuantity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tensor attention (MATH §8) through the command line: make-instance, compute with each engine, check with the
 * tolerance of the candidate's class, and bad input (one message naming the field, non-zero exit, no output file).
 */
class TensorCliTest {
    @TempDir
    Path dir;

    private final CliContext ctx = CliRunner.stubContext();
    private Path instance;

    @BeforeEach
    void makeInstance() {
        instance = dir.resolve("t.json");
        CliRunner.Run r = CliRunner.run(ctx, "make-instance", "--family", "tensor", "--n", "4", "--d", "2", "--bound", "1",
                "--seed", "21", "--out", instance.toString());
        assertEquals(0, r.exit(), r::toString);
    }

    private Path compute(String engine) {
        Path out = dir.resolve(engine + ".json");
        CliRunner.Run r = CliRunner.run(ctx, "compute", "--engine", engine, "--in", instance.toString(), "--out",
                out.toString());
        assertEquals(0, r.exit(), r::toString);
        return out;
    }

    private CliRunner.Run check(Path candidate, String cls) {
        return CliRunner.run(ctx, "check", "--instance", instance.toString(), "--candidate", candidate.toString(),
                "--engine-class", cls);
    }

    @Test
    @DisplayName("MATH §8 / Def. 3.16, 3.17: compute writes attention, alpha, c, loss, gradX; reference as trusted decimals")
    @dev.ropecheck.specs.Spec("format-tensor-instance")
    void computeWritesTheFields() throws IOException {
        TensorResultDocument ref = TensorResultIO.read(compute("reference"));
        for (TensorQuantity q : new TensorQuantity[] {TensorQuantity.ATTENTION, TensorQuantity.ALPHA, TensorQuantity.C,
                TensorQuantity.LOSS, TensorQuantity.GRAD_X}) {
            assertTrue(ref.has(q), q.key());
        }
        String loss = ref.grid(TensorQuantity.LOSS).text(0, 0);
        assertTrue(loss.replaceAll("[^0-9]", "").length() > 30, "reference digits: " + loss);
        TensorResultDocument exact = TensorResultIO.read(compute("exact"));
        assertEquals("tensor-exact", exact.engine());
        assertTrue(exact.grid(TensorQuantity.LOSS).get(0, 0) > 0, "a zero loss would pass nothing");
        TensorResultDocument fast = TensorResultIO.read(compute("fast"));
        assertEquals("1.0E-6", fast.meta().get("eps"));
    }

    @Test
    @DisplayName("check: exact within the tensor rounding model, fast within the tensor fast bound (TensorExactRounding, TensorFastErrorBound)")
    @dev.ropecheck.specs.Spec("format-tensor-instance")
    void checkPassesTheEngines() {
        CliRunner.Run e = check(compute("exact"), "exact");
        assertEquals(0, e.exit(), e::toString);
        assertTrue(e.out().contains("gradX") && e.out().contains("PASS"), e::toString);
        CliRunner.Run f = check(compute("fast"), "fast");
        assertEquals(0, f.exit(), f::toString);
    }

    @Test
    @DisplayName("check fails a fast result held to the exact rounding model, and a zeroed gradient")
    @dev.ropecheck.specs.Spec("format-tensor-instance")
    void checkFailsWrongResults() throws IOException {
        Path fast = compute("fast");
        CliRunner.Run r = check(fast, "exact");
        assertEquals(Main.EXIT_FAILED, r.exit(), r::toString);
        assertTrue(r.out().contains("FAIL"), r::toString);
        TensorResultDocument exact = TensorResultIO.read(compute("exact"));
        TensorResultDocument zeroed = new TensorResultDocument("zeros", exact.n(), exact.d());
        zeroed.put(TensorQuantity.GRAD_X, new org.ejml.data.DMatrixRMaj(exact.d(), exact.d() * exact.d()));
        Path z = dir.resolve("zeros.json");
        try (var o = Files.newOutputStream(z)) {
            TensorResultIO.write(zeroed, o);
        }
        CliRunner.Run rz = check(z, "fast");
        assertEquals(Main.EXIT_FAILED, rz.exit(), rz::toString);
    }

    private void fails(String json, String... mention) throws IOException {
        Path in = dir.resolve("bad.json");
        Files.writeString(in, json, StandardCharsets.UTF_8);
        Path out = dir.resolve("out.json");
        CliRunner.Run r = CliRunner.run(ctx, "compute", "--engine", "exact", "--in", in.toString(), "--out", out.toString());
        assertNotEquals(0, r.exit(), r::toString);
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), r::toString);
        assertFalse(err.contains("Exception") || err.contains("\tat "), r::toString);
        for (String m : mention) {
            assertTrue(err.contains(m), "should mention " + m + ": " + r);
        }
        assertFalse(Files.exists(out));
    }

    @Test
    @DisplayName("bad tensor input: shape, NaN, non-numeric, inexact, missing weight, unknown engine")
    @dev.ropecheck.specs.Spec("format-tensor-instance")
    void badTensorInput() throws IOException {
        String json = Files.readString(instance);
        fails(json.replaceFirst("\"A4\":\\[\\[[^\\]]*\\]", "\"A4\":[[0.5]"), "A4");
        fails(json.replaceFirst("\"E\":\\[\\[[^,\\]]*", "\"E\":[[\"NaN\""), "E[0][0]");
        fails(json.replaceFirst("\"WQ\":\\[\\[[^,\\]]*", "\"WQ\":[[\"x1\""), "WQ[0][0]");
        fails(json.replaceFirst("\"A1\":\\[\\[[^,\\]]*", "\"A1\":[[0.3"), "A1[0][0]", "not exactly representable");
        fails(json.replaceFirst("\"WK2\":", "\"comment\":"), "WK2");
        fails(json.replaceFirst("\"Y\":|\"WV1\":", "\"Z\":"), "Z");
        CliRunner.Run r = CliRunner.run(ctx, "compute", "--engine", "fast-fft", "--in", instance.toString());
        assertNotEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("reference, exact or fast"), r::toString);
        CliRunner.Run big = CliRunner.run(ctx, "make-instance", "--family", "tensor", "--n", "2", "--d", "65", "--bound", "1");
        assertNotEquals(0, big.exit(), big::toString);
        assertTrue(big.err().contains("--d = 65"), big::toString);
    }
}
