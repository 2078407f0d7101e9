package dev.ropecheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.report.CheckCases;
import dev.ropecheck.report.CheckResult;
import dev.ropecheck.report.LemmaCheck;
import dev.ropecheck.report.LemmaChecks;
import dev.ropecheck.report.Plot;
import dev.ropecheck.report.Progress;
import dev.ropecheck.report.Series;
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
    private static LemmaCheck fixed(String id, double err, double bound) {
        return new LemmaCheck() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String title() {
                return "fixed " + id;
            }

            @Override
            public CheckResult run(CheckCases cases, Progress progress) {
                return new CheckResult(id, title(), 1, err, bound, err <= bound ? Verdict.PASS : Verdict.FAIL, "fixed",
                        List.of(new Series(Plot.ERROR_VS_N, id, new double[] {1, 10, 100}, new double[] {err, err, err})));
            }
        };
    }

    private CliRunner.Run verify(CliContext ctx, LemmaChecks checks, String... args) {
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
        LemmaChecks checks = new LemmaChecks().register(fixed("def-3.13", 1e-16, 1e-15)).register(fixed("def-3.16", 3e-15, 1e-15));
        CliRunner.Run r = verify(CliRunner.stubContext(), checks, "--quick", "--out", dir.toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().contains("def-3.13") && r.out().contains("PASS") && r.out().contains("FAIL"), r::toString);
        assertTrue(r.out().contains("1 passed, 1 failed"), r::toString);
        String md = Files.readString(dir.resolve("report.md"));
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(md.contains("| def-3.16 |") && md.contains("error-vs-n.png"), md);
        assertTrue(Files.size(dir.resolve("error-vs-n.png")) > 1000);
        assertTrue(html.contains("data:image/png;base64,") && html.contains("class=\"fail\""), "html embeds the plot");
        assertTrue(md.contains("| 3.00 |"), "tightness 3e-15/1e-15 = 3 is reported: " + md);
    }

    @Test
    void passingChecksExitZero() {
        LemmaChecks checks = new LemmaChecks().register(fixed("def-3.13", 0, 1e-15));
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
}
