package dev.ropecheck.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the CLI in-process and captures its exit code, stdout and stderr. */
final class CliRunner {
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private CliRunner() {
    }

    /** Stub engines: reference (n <= 16), exact (n <= 64) and fast-stub (any n), all {@link StubEngine}. */
    static CliContext stubContext() {
        EngineRegistry r = new EngineRegistry()
                .register("reference", EngineClass.REFERENCE, 16, "stub limit", o -> new StubEngine("reference"))
                .register("exact", EngineClass.EXACT, 64, "stub limit: n x n matrices", o -> new StubEngine("exact"))
                .register("reference-dd", EngineClass.REFERENCE, 1 << 16, "time grows as n^2",
                        o -> new dev.ropecheck.engine.reference.RopeReferenceEngine_DD())
                .register("fast-stub", EngineClass.FAST, 1 << 24, "none", o -> new StubEngine("fast-stub"));
        return new CliContext(r, new ProvisionalTolerances());
    }

    /** The text of a small valid instance (n = 4, d = 2, RoPE, seed 5), the starting point of the bad-input cases. */
    static String validInstanceText(CliContext ctx) {
        Run r = run(ctx, "make-instance", "--n", "4", "--d", "2", "--family", "rope", "--bound", "1", "--seed", "5");
        if (r.exit() != 0) {
            throw new IllegalStateException("make-instance failed: " + r);
        }
        return r.out();
    }

    static Run run(CliContext ctx, String... args) {
        CommandLine cl = Main.commandLine(ctx);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
