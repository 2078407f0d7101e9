package dev.ropecheck.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.io.Instances;
import dev.ropecheck.io.InstanceWriter;
import dev.ropecheck.io.ResultReader;
import dev.ropecheck.model.ProblemSet;
import dev.ropecheck.model.RopeInstance;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instances that give the upstream gradient {@code dO} in place of {@code E} (MATH §9, specs/upstream-gradient.md,
 * specs/format-instance.md version 2) on the command line: {@code make-instance --upstream dO}, inline JSON and
 * NPZ reading, the refusals (one line each), and {@code check} saying that the loss is undefined.
 */
class UpstreamGradientCliTest {
    private final CliContext ctx = CliContext.standard();

    private static final String INLINE = "{\n  \"format\": \"rope-attention-instance/2\",\n  \"n\": 3,\n  \"d\": 2,\n"
            + "  \"scale\": \"1/sqrt(d)\",\n  \"causal\": true,\n  \"family\": {\"kind\": \"rope\"},\n"
            + "  \"q\": [[0.5, -0.25], [1, 0.125], [-0.75, 0.5]],\n  \"k\": [[0.25, 0.5], [-1, 0.5], [0.125, 0.25]],\n"
            + "  \"v\": [[1, 0], [0.5, -0.5], [0.25, 0.75]],\n  %s\n}\n";

    @dev.ropecheck.specs.Spec({"upstream-gradient", "format-instance"})
    @Test
    @DisplayName("format-instance v2: make-instance --upstream dO writes dO (the draws E would get) to the NPZ; it reads as an instance with dO, and E files are unchanged")
    void makeInstanceWritesDo(@TempDir Path dir) throws Exception {
        Path withE = dir.resolve("e.json");
        Path withDo = dir.resolve("d.json");
        String[] common = {"make-instance", "--n", "9", "--d", "4", "--family", "rope", "--bound", "0.5", "--qkv",
            "--causal", "--batch", "2", "--heads", "1", "--seed", "5"};
        assertEquals(0, CliRunner.run(ctx, concat(common, "--out", withE.toString())).exit());
        CliRunner.Run r = CliRunner.run(ctx, concat(common, "--upstream", "dO", "--out", withDo.toString()));
        assertEquals(0, r.exit(), r::toString);
        ProblemSet e = Instances.read(withE);
        ProblemSet d = Instances.read(withDo);
        for (int k = 0; k < 2; k++) {
            assertFalse(e.problems().get(k).hasUpstreamGradient());
            assertTrue(d.problems().get(k).hasUpstreamGradient());
            assertArrayEquals(e.problems().get(k).e().data, d.problems().get(k).dO().data, 0.0);
            assertArrayEquals(e.problems().get(k).a1().data, d.problems().get(k).a1().data, 0.0);
        }
        assertEquals(Files.readString(withE).replace("e.npz", "d.npz"), Files.readString(withDo),
                "the headers are the same; the NPZ names dO");
        assertTrue(dev.ropecheck.io.NpzArrays.read(dir.resolve("d.npz")).containsKey("dO"));
        assertFalse(dev.ropecheck.io.NpzArrays.read(dir.resolve("d.npz")).containsKey("E"));
        // a plain instance with --upstream dO becomes a version-2 file
        Path plain = dir.resolve("p.json");
        assertEquals(0, CliRunner.run(ctx, "make-instance", "--n", "4", "--d", "2", "--family", "identity", "--bound", "1",
                "--upstream", "dO", "--out", plain.toString()).exit());
        assertTrue(Instances.isVersion2(plain));
        assertTrue(Instances.read(plain).first().hasUpstreamGradient());
    }

    @dev.ropecheck.specs.Spec({"upstream-gradient", "format-instance"})
    @Test
    @DisplayName("format-instance v2: an inline dO reads; compute writes no loss; check of an exact result PASSes, and --fields loss is refused in one line")
    void inlineDoComputeAndCheck(@TempDir Path dir) throws Exception {
        Path inst = dir.resolve("i.json");
        Files.writeString(inst, String.format(INLINE, "\"dO\": [[0.5, 0], [0.25, -1], [0, 0.125]]"));
        RopeInstance p = Instances.read(inst).first();
        assertTrue(p.hasUpstreamGradient());
        assertEquals(-1.0, p.dO().get(1, 1), 0.0);
        assertThrows(IllegalStateException.class, p::e);
        for (String engine : new String[] {"exact", "reference-dd", "reference", "fast-lowrank"}) {
            Path res = dir.resolve(engine + ".json");
            CliRunner.Run c = CliRunner.run(ctx, "compute", "--engine", engine, "--in", inst.toString(), "--out",
                    res.toString());
            assertEquals(0, c.exit(), c::toString);
            var doc = ResultReader.read(res);
            assertFalse(doc.quantities().contains(dev.ropecheck.engine.Quantity.LOSS), engine + " wrote a loss");
            assertArrayEquals(p.dO().data, doc.toResult().get(dev.ropecheck.engine.Quantity.C).data, 0.0, engine + ": c = dO");
        }
        CliRunner.Run ok = CliRunner.run(ctx, "check", "--instance", inst.toString(), "--candidate",
                dir.resolve("exact.json").toString());
        assertEquals(0, ok.exit(), ok::toString);
        assertTrue(ok.out().contains("dO in place of E"), ok::toString);
        CliRunner.Run loss = CliRunner.run(ctx, "check", "--instance", inst.toString(), "--candidate",
                dir.resolve("exact.json").toString(), "--fields", "attention,loss");
        assertEquals(2, loss.exit(), loss::toString);
        assertEquals(1, loss.err().strip().lines().count(), loss::toString);
        assertTrue(loss.err().contains("--fields loss: loss is undefined for an instance that gives dO in place of E"),
                loss::toString);
        CliRunner.Run computeLoss = CliRunner.run(ctx, "compute", "--engine", "exact", "--in", inst.toString(), "--fields",
                "loss");
        assertEquals(2, computeLoss.exit(), computeLoss::toString);
        assertTrue(computeLoss.err().contains("loss is undefined"), computeLoss::toString);
    }

    @dev.ropecheck.specs.Spec("upstream-gradient")
    @Test
    @DisplayName("check: a candidate's loss on a dO instance is set aside with a warning saying why; the other fields are judged")
    void candidateLossIsSetAside(@TempDir Path dir) throws Exception {
        Path withE = dir.resolve("e.json");
        Files.writeString(withE, String.format(INLINE, "\"E\": [[0.5, 0], [0.25, -1], [0, 0.125]]"));
        Path withDo = dir.resolve("d.json");
        Files.writeString(withDo, String.format(INLINE, "\"dO\": [[0.5, 0], [0.25, -1], [0, 0.125]]"));
        Path res = dir.resolve("r.json");
        assertEquals(0, CliRunner.run(ctx, "compute", "--engine", "exact", "--in", withE.toString(), "--fields",
                "attention,loss", "--out", res.toString()).exit());
        CliRunner.Run r = CliRunner.run(ctx, "check", "--instance", withDo.toString(), "--candidate", res.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("field loss is not checked: loss is undefined"), r::toString);
        assertFalse(r.out().lines().anyMatch(l -> l.startsWith("loss ")), r::toString);
    }

    @dev.ropecheck.specs.Spec({"upstream-gradient", "format-instance"})
    @Test
    @DisplayName("format-instance v2: E and dO together, neither, a dO of the wrong shape, --upstream other and a version-1 writer of dO are refused in one line naming the field")
    void badUpstreamInput(@TempDir Path dir) throws Exception {
        String[][] cases = {
            {"\"E\": [[0, 0], [0, 0], [0, 0]],\n  \"dO\": [[0, 0], [0, 0], [0, 0]]", "give either E (the target) or dO"},
            {"\"comment\": \"no target\"", "field \"E\" is missing (give the target E, or the upstream gradient dO"},
            {"\"dO\": [[0, 0], [0, 0]]", "dO has shape [2, 2] but must be"},
            {"\"dO\": [[0.1, 0], [0, 0], [0, 0]]", "dO[0][0] = 0.1 is not exactly representable"},
        };
        for (String[] c : cases) {
            Path f = dir.resolve("bad.json");
            Files.writeString(f, String.format(INLINE, c[0]));
            CliRunner.Run r = CliRunner.run(ctx, "compute", "--engine", "exact", "--in", f.toString());
            assertEquals(2, r.exit(), r::toString);
            assertEquals(1, r.err().strip().lines().count(), r::toString);
            assertTrue(r.err().contains(c[1]), c[1] + "\n" + r);
            assertFalse(r.err().contains("Exception"), r::toString);
        }
        CliRunner.Run up = CliRunner.run(ctx, "make-instance", "--n", "4", "--d", "2", "--family", "rope", "--bound", "1",
                "--upstream", "dout", "--out", dir.resolve("x.json").toString());
        assertEquals(2, up.exit(), up::toString);
        assertTrue(up.err().contains("--upstream \"dout\" must be E (the target) or dO"), up::toString);
        Path v1 = dir.resolve("v1.json");
        Files.writeString(v1, "{\"format\": \"rope-attention-instance/1\", \"n\": 1, \"d\": 2, \"A1\": [[0, 0]],"
                + " \"A2\": [[0, 0]], \"A3\": [[0, 0]], \"dO\": [[0, 0]], \"WQ\": [[1, 0], [0, 1]], \"WK\": [[1, 0], [0, 1]],"
                + " \"WV\": [[1, 0], [0, 1]], \"family\": {\"kind\": \"identity\"}}");
        CliRunner.Run r1 = CliRunner.run(ctx, "compute", "--engine", "exact", "--in", v1.toString());
        assertEquals(2, r1.exit(), r1::toString);
        assertTrue(r1.err().contains("dO"), r1::toString);
        RopeInstance p = Instances.read(writeInline(dir)).first();
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> InstanceWriter.write(p, new ByteArrayOutputStream()));
        assertTrue(ex.getMessage().contains("rope-attention-instance/2"), ex.getMessage());
    }

    private static Path writeInline(Path dir) throws Exception {
        Path f = dir.resolve("ok.json");
        Files.writeString(f, String.format(INLINE, "\"dO\": [[0.5, 0], [0.25, -1], [0, 0.125]]"));
        return f;
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
