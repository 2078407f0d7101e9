package dev.ropecheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.report.VerificationCases;
import dev.ropecheck.report.VerificationResult;
import dev.ropecheck.report.Verification;
import dev.ropecheck.report.Verifications;
import dev.ropecheck.report.Plot;
import dev.ropecheck.report.Progress;
import dev.ropecheck.report.Series;
import dev.ropecheck.report.TightnessPoint;
import dev.ropecheck.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code verify}: the table, the reports, the exit code. */
class VerifyCommandTest {
    @TempDir
    Path dir;

    /** A check that reports a fixed error against a fixed bound. */
    private static Verification fixed(String id, double err, double bound) {
        return new Verification() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String title() {
                return "fixed " + id;
            }

            @Override
            public VerificationResult run(VerificationCases cases, Progress progress) {
                return new VerificationResult(id, title(), 1, err, bound, err <= bound ? Verdict.PASS : Verdict.FAIL, "fixed",
                        List.of(new Series(Plot.ERROR_VS_N, id, new double[] {1, 10, 100}, new double[] {err, err, err})),
                        List.of(new TightnessPoint(id, "", TightnessPoint.Axis.N, 1, err, bound, "make-instance --n 1"),
                                new TightnessPoint(id, "", TightnessPoint.Axis.N, 1024, err, bound, "make-instance --n 1024")));
            }
        };
    }

    private CliRunner.Run verify(CliContext ctx, Verifications checks, String... args) {
        CommandLine cl = new CommandLine(new RopecheckCommand());
        cl.addSubcommand("verify", new VerifyCommand(ctx, e -> checks));
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "verify";
        System.arraycopy(args, 0, all, 1, args.length);
        return new CliRunner.Run(cl.execute(all), out.toString(), err.toString());
    }

    @Test
    void aFailingCheckMakesTheExitNonZeroAndBothReportsAreWrittenWithEmbeddedPlots() throws Exception {
        Verifications checks = new Verifications().register(fixed("def-3.13", 1e-16, 1e-15)).register(fixed("def-3.16", 3e-15, 1e-15));
        CliRunner.Run r = verify(CliRunner.stubContext(), checks, "--quick", "--out", dir.toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().contains("def-3.13") && r.out().contains("PASS") && r.out().contains("FAIL"), r::toString);
        assertTrue(r.out().contains("1 passed, 1 failed"), r::toString);
        String md = Files.readString(dir.resolve("report.md"));
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(md.contains("| def-3.16 |") && md.contains("tightness-vs-n.svg"), md);
        assertTrue(Files.readString(dir.resolve("tightness-vs-n.svg")).startsWith("<svg"));
        assertTrue(html.contains("<svg") && html.contains("class=\"fail\"") && !html.contains("src=\"data:"),
                "html holds the figures inline");
        assertTrue(md.contains("| 3.00 |"), "tightness 3e-15/1e-15 = 3 is reported: " + md);
        assertTrue(md.contains("java -jar target/ropecheck.jar verify --quick --only def-3.16"), "replay line: " + md);
        String json = Files.readString(dir.resolve("report.json"));
        assertTrue(json.contains("\"format\" : \"ropecheck-verify-report/1\"") && json.contains("\"id\" : \"def-3.16\"")
                && json.contains("\"case\" : \"make-instance --n 1024\""), json);
    }

    @Test
    void theAttainmentTableIsInEveryReportFormat() throws Exception {
        Verifications checks = new Verifications().register(fixed("def-3.13", 1e-16, 1e-15))
                .register(new dev.ropecheck.report.BoundAttainmentMeasurement());
        CliRunner.Run r = verify(CliRunner.stubContext(), checks, "--quick", "--out", dir.toString());
        assertEquals(0, r.exit(), r::toString);
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("## Tightness at the attaining instances") && md.contains("Every row holds.")
                && md.contains("| ExactRoundingModel h"), md);
        assertTrue(Files.readString(dir.resolve("report.html")).contains("Tightness at the attaining instances"));
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("report.json").toFile());
        com.fasterxml.jackson.databind.JsonNode rows = json.get("sections").get(0).get("rows");
        assertEquals(14, rows.size(), json.toString());
        for (com.fasterxml.jackson.databind.JsonNode row : rows) {
            double ratio = Double.parseDouble(row.get("measured/bound").asText());
            assertTrue(row.get("holds").asText().equals("yes") && ratio <= 1
                    && ratio >= Double.parseDouble(row.get("derived fraction").asText()), row.toString());
        }
    }

    @Test
    void junitXmlHasOneTestCasePerRowAndAFailureCarriesTheWorstCaseAndReplay() throws Exception {
        Verifications checks = new Verifications().register(fixed("def-3.13", 1e-16, 1e-15)).register(fixed("def-3.16", 3e-15, 1e-15));
        Path xml = dir.resolve("ci").resolve("verify.xml");
        CliRunner.Run r = verify(CliRunner.stubContext(), checks, "--quick", "--out", dir.resolve("r").toString(),
                "--junit-xml", xml.toString());
        assertEquals(1, r.exit(), r::toString);
        String x = Files.readString(xml);
        assertTrue(x.contains("tests=\"2\" failures=\"1\""), x);
        assertTrue(x.contains("<testcase classname=\"ropecheck.verify\" name=\"def-3.13\""), x);
        int fail = x.indexOf("<failure");
        assertTrue(fail > x.indexOf("name=\"def-3.16\"") && x.indexOf("replay: java -jar target/ropecheck.jar verify --quick"
                + " --only def-3.16", fail) > 0 && x.indexOf("tightness 3.00", fail) > 0, x);
        javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
    }

    @Test
    void onlyWithAWholeIdRunsThatRowAlone() {
        Verifications checks = new Verifications().register(fixed("def-3.1", 0, 1)).register(fixed("def-3.13", 0, 1));
        CliRunner.Run r = verify(CliRunner.stubContext(), checks, "--only", "def-3.1", "--out", dir.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("1 passed"), r::toString);
    }

    @Test
    void passingChecksExitZero() {
        Verifications checks = new Verifications().register(fixed("def-3.13", 0, 1e-15));
        CliRunner.Run r = verify(CliRunner.stubContext(), checks, "--out", dir.toString());
        assertEquals(0, r.exit(), r::toString);
    }

    @Test
    void rowsOfFSumToOneWithinTheDerivedBoundAndABrokenEngineIsCaught() {
        CliRunner.Run ok = CliRunner.run(CliRunner.stubContext(), "verify", "--quick", "--only", "def-3.14", "--out",
                dir.resolve("a").toString());
        assertEquals(0, ok.exit(), ok::toString);
        assertTrue(ok.out().contains("def-3.14") && ok.out().contains("PASS"), ok::toString);
        // f scaled by 1 + 2^-40: rows sum to 1 + 2^-40, far outside (u + gamma_{n-1}) / (1 - gamma_{n-1}) for n <= 64.
        EngineRegistry broken = new EngineRegistry().register("exact", EngineClass.EXACT, 64, "stub",
                o -> new StubEngine("exact", 1 + 0x1.0p-40));
        CliRunner.Run bad = CliRunner.run(new CliContext(broken, new ProvisionalTolerances()), "verify", "--only", "def-3.14",
                "--out", dir.resolve("b").toString());
        assertEquals(1, bad.exit(), bad::toString);
        assertTrue(bad.out().contains("FAIL"), bad::toString);
    }

    @Test
    void checksWhoseEnginesAreMissingAreSkippedNotFailed() {
        CliContext none = new CliContext(new EngineRegistry(), StandardTolerances.create());
        CliRunner.Run r = CliRunner.run(none, "verify", "--only", "theorem-5.7", "--out", dir.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("SKIPPED"), r::toString);
    }

    @Test
    void figuresWritesTheGeneratedFileWithEveryWorkload() throws Exception {
        CliContext none = new CliContext(new EngineRegistry(), StandardTolerances.create());
        Path file = dir.resolve("docs").resolve("figures.md");
        CliRunner.Run r = CliRunner.run(none, "verify", "--only", "theorem-5.7", "--out", dir.resolve("r").toString(),
                "--figures", file.toString());
        assertEquals(0, r.exit(), r::toString);
        String md = Files.readString(file);
        assertTrue(md.startsWith(dev.ropecheck.report.MeasuredFigures.HEADER), md);
        assertTrue(md.contains("verify --quick --only theorem-5.7 --figures docs/figures.md"), md);
        for (String id : List.of("theorem-5.7", "forward", "gradient")) {
            assertTrue(md.contains("\n## " + id + "\n"), md);
        }
        assertTrue(r.out().contains("measured figures in " + file), r::toString);
    }
}
