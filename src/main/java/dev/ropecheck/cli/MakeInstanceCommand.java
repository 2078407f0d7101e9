package dev.ropecheck.cli;

import dev.ropecheck.io.AtomicFile;
import dev.ropecheck.io.InstanceGenerator;
import dev.ropecheck.io.InstanceWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code make-instance}: writes a random instance with exact dyadic entries (streamed). */
@Command(name = "make-instance", mixinStandardHelpOptions = true,
        description = "Writes a random instance: entries k/2^12 in [-B, B], reproducible from the seed; streamed, "
                + "so n = 2^18 and more are fine.")
final class MakeInstanceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--n", required = true, description = "Tokens n, in [1, 2^24].")
    int n;

    @Option(names = "--d", required = true, description = "Features d, in [1, 256] (even for RoPE).")
    int d;

    @Option(names = "--family", required = true, paramLabel = "KIND",
            description = "rope (interleaved), rope-half (half-split), identity or explicit.")
    String family;

    @Option(names = "--bound", required = true, paramLabel = "B", description = "Entry bound B: every entry lies in [-B, B].")
    double bound;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--x", description = "Give a dense random X (d^2 x d^2) instead of WQ and WK.")
    boolean denseX;

    @Option(names = "--out", paramLabel = "FILE", description = "Output file (written atomically); stdout when absent.")
    Path out;

    @Override
    public Integer call() throws IOException {
        InstanceGenerator.Params p = new InstanceGenerator.Params(n, d, InstanceGenerator.Family.parse(family), bound, seed,
                !denseX, false);
        if (out == null) {
            PrintWriter w = spec.commandLine().getOut();
            try (InstanceWriter iw = new InstanceWriter(w)) {
                InstanceGenerator.write(p, iw);
            }
            w.flush();
        } else {
            AtomicFile.write(out, o -> {
                try (InstanceWriter iw = new InstanceWriter(o)) {
                    InstanceGenerator.write(p, iw);
                }
            });
        }
        return Main.EXIT_OK;
    }
}
