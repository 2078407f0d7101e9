package dev.ropecheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.io.AtomicFile;
import dev.ropecheck.io.ResultDocument;
import dev.ropecheck.io.ResultReader;
import dev.ropecheck.io.ResultWriter;
import java.nio.file.Path;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production wiring ({@link CliContext#standard()}): the reference and exact engines and
 * {@code ExactRoundingModel}, end to end through files.
 */
class RealEnginesCliTest {
    @TempDir
    Path dir;

    private final CliContext ctx = CliContext.standard();

    @Test
    @DisplayName("check: the exact engine's result passes against the reference within the componentwise fp64 model; a 1e-9 perturbation of one attention entry fails")
    void checkJudgesTheExactEngineByItsRoundingModel() throws Exception {
        Path inst = dir.resolve("i.json");
        Path ex = dir.resolve("exact.json");
        assertEquals(0, CliRunner.run(ctx, "make-instance", "--n", "4", "--d", "2", "--family", "rope", "--bound", "1",
                "--seed", "9", "--out", inst.toString()).exit());
        CliRunner.Run c = CliRunner.run(ctx, "compute", "--engine", "exact", "--in", inst.toString(), "--out", ex.toString());
        assertEquals(0, c.exit(), c::toString);
        CliRunner.Run ok = CliRunner.run(ctx, "check", "--instance", inst.toString(), "--candidate", ex.toString(),
                "--precision", "30");
        assertEquals(0, ok.exit(), ok::toString);
        assertTrue(ok.out().contains("componentwise rounding model, fp64") && !ok.out().contains("FAIL"), ok::toString);

        ResultDocument doc = ResultReader.read(ex);
        ResultDocument bad = new ResultDocument("perturbed", doc.n(), doc.d());
        for (Quantity q : doc.quantities()) {
            DMatrixRMaj m = doc.grid(q).toMatrix();
            if (q == Quantity.ATTENTION) {
                m.data[0] *= 1 + 1e-9;
            }
            bad.put(q, m);
        }
        Path badFile = dir.resolve("bad.json");
        AtomicFile.write(badFile, o -> ResultWriter.write(bad, o));
        CliRunner.Run no = CliRunner.run(ctx, "check", "--instance", inst.toString(), "--candidate", badFile.toString(),
                "--precision", "30");
        assertEquals(1, no.exit(), no::toString);
        assertTrue(no.out().lines().anyMatch(l -> l.startsWith("attention") && l.contains("FAIL")), no::toString);
    }

    @Test
    @DisplayName("compute --fields writes just those fields; --threads 1 and 3 give the same doubles")
    void computeFieldsAndThreads() throws Exception {
        Path inst = dir.resolve("i.json");
        assertEquals(0, CliRunner.run(ctx, "make-instance", "--n", "300", "--d", "4", "--family", "rope", "--bound", "1",
                "--seed", "3", "--out", inst.toString()).exit());
        ResultDocument[] docs = new ResultDocument[2];
        String[] threads = {"1", "3"};
        for (int t = 0; t < 2; t++) {
            Path out = dir.resolve("r" + t + ".json");
            CliRunner.Run c = CliRunner.run(ctx, "compute", "--engine", "exact", "--in", inst.toString(), "--out",
                    out.toString(), "--fields", "loss,gradWQ,gradWK,gradWV", "--threads", threads[t]);
            assertEquals(0, c.exit(), c::toString);
            docs[t] = ResultReader.read(out);
        }
        assertEquals(java.util.Set.of(Quantity.LOSS, Quantity.GRAD_WQ, Quantity.GRAD_WK, Quantity.GRAD_WV),
                java.util.Set.copyOf(docs[0].quantities()));
        for (Quantity q : docs[0].quantities()) {
            DMatrixRMaj a = docs[0].grid(q).toMatrix();
            DMatrixRMaj b = docs[1].grid(q).toMatrix();
            for (int k = 0; k < a.data.length; k++) {
                assertEquals(Double.doubleToLongBits(a.data[k]), Double.doubleToLongBits(b.data[k]), q.key() + "[" + k + "]");
            }
        }
        CliRunner.Run bad = CliRunner.run(ctx, "compute", "--engine", "exact", "--in", inst.toString(), "--threads", "0");
        assertEquals(2, bad.exit(), bad::toString);
    }

    @Test
    @DisplayName("compute: gradX (d^4 entries) is left out by default when d > 16, written when asked for or d <= 16")
    void gradXDefault() throws Exception {
        for (int d : new int[] {16, 18}) {
            Path inst = dir.resolve("i" + d + ".json");
            assertEquals(0, CliRunner.run(ctx, "make-instance", "--n", "3", "--d", Integer.toString(d), "--family",
                    "identity", "--bound", "1", "--out", inst.toString()).exit());
            Path out = dir.resolve("r" + d + ".json");
            assertEquals(0, CliRunner.run(ctx, "compute", "--engine", "exact", "--in", inst.toString(), "--out",
                    out.toString()).exit());
            ResultDocument doc = ResultReader.read(out);
            assertEquals(d <= 16, doc.has(Quantity.GRAD_X), "d = " + d);
            assertTrue(doc.has(Quantity.GRAD_WQ) && doc.has(Quantity.ATTENTION), "d = " + d);
        }
        Path out = dir.resolve("asked.json");
        assertEquals(0, CliRunner.run(ctx, "compute", "--engine", "exact", "--in", dir.resolve("i18.json").toString(),
                "--out", out.toString(), "--fields", "gradX").exit());
        assertTrue(ResultReader.read(out).has(Quantity.GRAD_X));
    }

    @Test
    @DisplayName("compute --engine reference writes decimal strings carrying more digits than a double")
    void referenceWritesTrustedDecimalStrings() throws Exception {
        Path inst = dir.resolve("i.json");
        Path ref = dir.resolve("ref.json");
        assertEquals(0, CliRunner.run(ctx, "make-instance", "--n", "3", "--d", "2", "--family", "identity", "--bound", "1",
                "--out", inst.toString()).exit());
        CliRunner.Run c = CliRunner.run(ctx, "compute", "--engine", "reference", "--in", inst.toString(), "--out",
                ref.toString(), "--precision", "40");
        assertEquals(0, c.exit(), c::toString);
        ResultDocument doc = ResultReader.read(ref);
        String alpha0 = doc.grid(Quantity.ALPHA).text(0, 0);
        long digits = alpha0.replaceAll("e.*", "").chars().filter(Character::isDigit).count();
        assertTrue(digits >= 30, "alpha[0] = " + alpha0 + " should carry ~40 trusted digits");
        assertEquals(new java.math.BigDecimal(alpha0).doubleValue(), doc.grid(Quantity.ALPHA).get(0, 0), 0.0);
        assertEquals("40", doc.meta().get("precision"));
    }

    @Test
    @DisplayName("check --engine-class fast: each fast engine's result passes against the bound it certifies (MATH §5); attention off by 1e-4 fails")
    void checkJudgesFastResultsByTheCertifiedBound() throws Exception {
        Path inst = dir.resolve("i.json");
        assertEquals(0, CliRunner.run(ctx, "make-instance", "--n", "6", "--d", "2", "--family", "rope-half", "--bound", "0.5",
                "--seed", "1", "--out", inst.toString()).exit());
        for (String engine : new String[] {"fast-fft", "fast-lowrank"}) {
            Path res = dir.resolve(engine + ".json");
            CliRunner.Run c = CliRunner.run(ctx, "compute", "--engine", engine, "--in", inst.toString(), "--out", res.toString());
            assertEquals(0, c.exit(), c::toString);
            CliRunner.Run ok = CliRunner.run(ctx, "check", "--instance", inst.toString(), "--candidate", res.toString(),
                    "--engine-class", "fast", "--fast-engine", engine, "--precision", "30");
            assertEquals(0, ok.exit(), ok::toString);
            assertTrue(ok.out().contains("certified by the " + engine), ok::toString);
            ResultDocument doc = ResultReader.read(res);
            ResultDocument bad = new ResultDocument(engine, doc.n(), doc.d());
            for (Quantity q : doc.quantities()) {
                DMatrixRMaj m = doc.grid(q).toMatrix();
                if (q == Quantity.ATTENTION) {
                    m.data[3] += 1e-4;
                }
                bad.put(q, m);
            }
            Path badFile = dir.resolve(engine + "-bad.json");
            AtomicFile.write(badFile, o -> ResultWriter.write(bad, o));
            CliRunner.Run no = CliRunner.run(ctx, "check", "--instance", inst.toString(), "--candidate", badFile.toString(),
                    "--engine-class", "fast", "--fast-engine", engine, "--precision", "30");
            assertEquals(1, no.exit(), no::toString);
        }
    }
}
