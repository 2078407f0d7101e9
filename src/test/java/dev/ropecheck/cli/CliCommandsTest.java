package dev.ropecheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.io.AtomicFile;
import dev.ropecheck.io.InstanceReader;
import dev.ropecheck.io.ResultDocument;
import dev.ropecheck.io.ResultReader;
import dev.ropecheck.io.ResultWriter;
import dev.ropecheck.model.RopeInstance;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands run in-process with stub engines (the real engines are tested on their own branches). */
class CliCommandsTest {
    @TempDir
    Path dir;

    private final CliContext ctx = CliRunner.stubContext();

    @Test
    @dev.ropecheck.specs.Spec("format-result")
    void makeInstanceThenComputeRoundTripsEveryQuantityBitForBit() throws Exception {
        for (String family : new String[] {"rope", "rope-half", "identity", "explicit"}) {
            Path inst = dir.resolve(family + ".json");
            Path res = dir.resolve(family + ".result.json");
            CliRunner.Run mk = CliRunner.run(ctx, "make-instance", "--n", "6", "--d", "2", "--family", family, "--bound", "1.5",
                    "--seed", "42", "--out", inst.toString());
            assertEquals(0, mk.exit(), mk::toString);
            CliRunner.Run cp = CliRunner.run(ctx, "compute", "--engine", "exact", "--in", inst.toString(), "--out", res.toString());
            assertEquals(0, cp.exit(), cp::toString);
            RopeInstance instance = InstanceReader.read(inst);
            assertEquals(6, instance.n());
            RopeResult direct = new StubEngine("exact").computeAll(instance);
            ResultDocument doc = ResultReader.read(res);
            assertEquals("exact", doc.engine());
            assertTrue(doc.meta().containsKey("time_ms"));
            assertFalse(doc.has(Quantity.F), "n x n fields are written only with --include-quadratic");
            int compared = 0;
            for (Quantity q : direct.quantities()) {
                if (q.isQuadratic()) {
                    continue;
                }
                DMatrixRMaj want = direct.get(q);
                DMatrixRMaj got = doc.grid(q).toMatrix();
                for (int k = 0; k < want.getNumElements(); k++) {
                    assertEquals(Double.doubleToLongBits(want.data[k]), Double.doubleToLongBits(got.data[k]),
                            family + " " + q.key() + "[" + k + "]: the result file must hold the engine's doubles exactly");
                }
                compared++;
            }
            assertTrue(compared >= 8, "compared " + compared + " quantities");
        }
    }

    @Test
    void makeInstanceIsReproducibleAndWritesExactDyadicEntriesWithinTheBound() {
        CliRunner.Run a = CliRunner.run(ctx, "make-instance", "--n", "3", "--d", "4", "--family", "rope", "--bound", "0.25",
                "--seed", "7");
        CliRunner.Run b = CliRunner.run(ctx, "make-instance", "--n", "3", "--d", "4", "--family", "rope", "--bound", "0.25",
                "--seed", "7");
        assertEquals(0, a.exit(), a::toString);
        assertEquals(a.out(), b.out());
        RopeInstance inst = InstanceReader.read(new java.io.ByteArrayInputStream(a.out().getBytes()), "stdout");
        double max = 0;
        for (DMatrixRMaj m : new DMatrixRMaj[] {inst.a1(), inst.a2(), inst.a3(), inst.e(), inst.wq(), inst.wk(), inst.wv()}) {
            for (double v : m.data) {
                assertEquals(v, Math.scalb(Math.rint(Math.scalb(v, 12)), -12), 0.0, "entry " + v + " is not k/2^12");
                max = Math.max(max, Math.abs(v));
            }
        }
        assertTrue(max <= 0.25 && max > 0.2, "max |entry| = " + max + " for B = 0.25");
        assertEquals(0.25, inst.entryBound());
    }

    @Test
    void makeInstanceStreamsTwoToTheEighteenTokens() throws Exception {
        Path inst = dir.resolve("big.json");
        int n = 1 << 18;
        CliRunner.Run mk = CliRunner.run(ctx, "make-instance", "--n", Integer.toString(n), "--d", "1", "--family", "identity",
                "--bound", "1", "--out", inst.toString());
        assertEquals(0, mk.exit(), mk::toString);
        RopeInstance back = InstanceReader.read(inst);
        assertEquals(n, back.n());
        assertEquals(1, back.d());
        assertTrue(Files.size(inst) > 4L * n * 3, "every entry was written: " + Files.size(inst) + " bytes");
    }

    @Test
    void checkPassesACorrectForeignResultAndFailsAPerturbedOne() throws Exception {
        Path inst = dir.resolve("i.json");
        assertEquals(0, CliRunner.run(ctx, "make-instance", "--n", "5", "--d", "2", "--family", "rope", "--bound", "1",
                "--seed", "3", "--out", inst.toString()).exit());
        RopeInstance instance = InstanceReader.read(inst);
        RopeResult truth = new StubEngine("foreign").computeAll(instance);
        // A foreign implementation: one rounding (2^-53 relative) away from the reference in every entry.
        Path good = writeScaled(instance, truth, 1 + 0x1.0p-53, "good.json");
        Path bad = writeScaled(instance, truth, 1 + 1e-6, "bad.json");
        CliRunner.Run ok = CliRunner.run(ctx, "check", "--instance", inst.toString(), "--candidate", good.toString());
        assertEquals(0, ok.exit(), ok::toString);
        assertTrue(ok.out().contains("attention") && ok.out().contains("gradX") && ok.out().contains("PASS"), ok::toString);
        CliRunner.Run no = CliRunner.run(ctx, "check", "--instance", inst.toString(), "--candidate", bad.toString());
        assertEquals(1, no.exit(), no::toString);
        assertTrue(no.out().contains("FAIL"), no::toString);
    }

    @Test
    void checkUsesTheDoubleDoubleReferenceBeyondTheApfloatReferenceAndSaysSo() throws Exception {
        Path inst = dir.resolve("i.json");
        assertEquals(0, CliRunner.run(ctx, "make-instance", "--n", "20", "--d", "2", "--family", "identity", "--bound", "1",
                "--out", inst.toString()).exit());
        RopeInstance instance = InstanceReader.read(inst);
        Path good = writeScaled(instance, new StubEngine("foreign").computeAll(instance), 1, "good.json");
        CliRunner.Run ok = CliRunner.run(ctx, "check", "--instance", inst.toString(), "--candidate", good.toString());
        assertEquals(0, ok.exit(), ok::toString);
        assertTrue(ok.out().contains("reference: reference-dd (double-double"), ok::toString);
    }

    @Test
    void checkWithoutBoundsSaysWhichBoundIsMissing() throws Exception {
        Path inst = dir.resolve("i.json");
        assertEquals(0, CliRunner.run(ctx, "make-instance", "--n", "3", "--d", "2", "--family", "rope", "--bound", "1",
                "--out", inst.toString()).exit());
        RopeInstance instance = InstanceReader.read(inst);
        Path good = writeScaled(instance, new StubEngine("foreign").computeAll(instance), 1, "good.json");
        CliContext noBounds = new CliContext(ctx.engines(), StandardTolerances.create(ctx.engines())); // no fast-fft: no fast bound
        CliRunner.Run r = CliRunner.run(noBounds, "check", "--instance", inst.toString(), "--candidate", good.toString(),
                "--engine-class", "fast");
        assertEquals(Main.EXIT_UNAVAILABLE, r.exit(), r::toString);
        assertTrue(r.err().contains("class fast"), r::toString);
    }

    private Path writeScaled(RopeInstance instance, RopeResult r, double factor, String name) {
        ResultDocument doc = new ResultDocument("foreign", instance.n(), instance.d());
        for (Quantity q : r.quantities()) {
            if (q.isQuadratic()) {
                continue;
            }
            DMatrixRMaj m = r.get(q);
            for (int k = 0; k < m.data.length; k++) {
                m.data[k] *= factor;
            }
            doc.put(q, m);
        }
        Path p = dir.resolve(name);
        AtomicFile.write(p, o -> ResultWriter.write(doc, o));
        return p;
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : new String[] {"compute", "make-instance", "check", "golden", "verify"}) {
            CliRunner.Run r = CliRunner.run(ctx, c, "--help");
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("Usage: ropecheck " + c), r::toString);
        }
        CliRunner.Run root = CliRunner.run(ctx, "--help");
        assertEquals(0, root.exit());
        assertTrue(root.out().contains("make-instance"));
    }

    @Test
    void goldenWritesACorpusWhoseManifestChecksumsMatch() throws Exception {
        Path out = dir.resolve("golden");
        CliRunner.Run r = CliRunner.run(ctx, "golden", "--out", out.toString());
        assertEquals(0, r.exit(), r::toString);
        com.fasterxml.jackson.databind.JsonNode m = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("manifest.json").toFile());
        assertEquals(GoldenCommand.MANIFEST_TAG, m.get("format").asText());
        assertEquals(GoldenCommand.cases().size(), m.get("cases").size());
        for (com.fasterxml.jackson.databind.JsonNode c : m.get("cases")) {
            for (var e : (Iterable<java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>>) c.get("sha256")::fields) {
                assertEquals(e.getValue().asText(), GoldenCommand.sha256(Files.readAllBytes(out.resolve(e.getKey()))), e.getKey());
            }
            RopeInstance inst = InstanceReader.read(out.resolve(c.get("instance").asText()));
            ResultDocument res = ResultReader.read(out.resolve(c.get("result").asText()));
            assertEquals(inst.n(), res.n());
            assertTrue(res.has(Quantity.F), "golden results include the n x n quantities");
        }
    }
}
