package dev.ropecheck.cli;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.io.AtomicFile;
import dev.ropecheck.io.InstanceReader;
import dev.ropecheck.io.Instances;
import dev.ropecheck.io.NpzArrays;
import dev.ropecheck.model.ProblemSet;
import dev.ropecheck.io.ResultDocument;
import dev.ropecheck.io.ResultWriter;
import dev.ropecheck.model.RopeInstance;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code compute}: runs one engine on one instance file and writes a result file (specs/format-result.md). */
@Command(name = "compute", mixinStandardHelpOptions = true,
        description = "Computes attention, alpha, c, the loss and the gradients of an instance with one engine.")
final class ComputeCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--engine", required = true, paramLabel = "NAME",
            description = "reference, exact, fast-fft or fast-lowrank; for tensor instances reference, exact or fast.")
    String engine;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "Instance (rope-attention-instance/1 or tensor-attention-instance/1).")
    Path in;

    @Option(names = "--out", paramLabel = "FILE", description = "Result file (written atomically); stdout when absent.")
    Path out;

    @Option(names = "--precision", paramLabel = "DIGITS",
            description = "Decimal digits of the reference engine, in [" + MIN_PRECISION + ", " + MAX_PRECISION
                    + "] (default: ${DEFAULT-VALUE}).", defaultValue = "50")
    long precision;

    /** Fewest reference digits: a double's 17 significant digits must be carried exactly. */
    static final long MIN_PRECISION = 17;
    /** Most reference digits ({@link dev.ropecheck.engine.reference.ReferenceRopeAttention}'s limit). */
    static final long MAX_PRECISION = 10_000;

    /**
     * Bytes per entry of the four {@code n x d} inputs that reading an instance needs at the least: each matrix is
     * held as read ({@code Grid}) and as the engine's {@code DMatrixRMaj}, 8 bytes each (MATH §2's inputs
     * {@code A1, A2, A3, E}): {@code 4 * 2 * 8 = 64}. A lower bound, so the refusal never fires on an instance
     * that would fit.
     */
    static final long READ_BYTES_PER_ND = 64;

    @Option(names = "--eps", paramLabel = "EPS",
            description = "Approximation parameter of every fast engine (RoPE and tensor): the certified max |P(z) - e^z| of the"
                    + " Chebyshev exp polynomial on [-beta, beta] (MATH §4), in (0, 0.1) (default: ${DEFAULT-VALUE}).",
            defaultValue = "1e-6")
    double eps;

    @Option(names = "--threads", paramLabel = "N",
            description = "Most threads the exact, reference-dd and fast-fft engines use (default: the processors"
                    + " the JVM sees, which -XX:ActiveProcessorCount sets); results do not depend on it.")
    Integer threads;

    @Option(names = "--fields", split = ",", paramLabel = "F",
            description = "The fields to compute and write (default: every field the engine computes except the n x n"
                    + " ones, and except gradX (d^4 entries) when d > " + EngineRun.GRAD_X_DEFAULT_MAX_D + ").")
    java.util.List<String> fields;

    @Option(names = "--include-quadratic",
            description = "Also write the n x n quantities (A, f, p) when the engine computes them.")
    boolean includeQuadratic;

    ComputeCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        EngineRegistry.Options options = options(precision, eps, threads);
        requireDistinct(in, out);
        if (dev.ropecheck.io.TensorFormat.isTensorInstance(in)) {
            return computeTensor(options);
        }
        context.engines().require(engine);
        if (Instances.isVersion2(in)) {
            return computeVersion2(options);
        }
        InstanceReader.Header header = InstanceReader.readHeader(in);
        Main.workload("instance " + in + " (n = " + header.n() + ", d = " + header.d() + ") with engine " + engine);
        try {
            context.engines().requireCapacity(engine, header.n());
        } catch (IllegalArgumentException e) {
            throw new Main.Unavailable(in + ": " + e.getMessage());
        }
        try {
            requireHeap(header.n(), header.d(), Runtime.getRuntime().maxMemory());
        } catch (Main.Unavailable e) {
            throw new Main.Unavailable(in + ": " + e.getMessage());
        }
        RopeInstance instance = InstanceReader.read(in);
        ResultDocument doc;
        try {
            doc = EngineRun.compute(context.engines(), engine, options, instance, includeQuadratic, parseFields(fields));
        } catch (Main.Unavailable e) {
            throw new Main.Unavailable(in + ": " + e.getMessage());
        }
        writeJson(doc);
        return Main.EXIT_OK;
    }

    /** Writes {@code doc} as a rope-attention-result/1 to {@code --out} (atomically) or stdout. */
    private void writeJson(ResultDocument doc) throws IOException {
        if (out == null) {
            PrintWriter w = spec.commandLine().getOut();
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            ResultWriter.write(doc, bytes);
            w.print(bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
            StandardOutput.finish(w);
        } else {
            AtomicFile.write(out, o -> ResultWriter.write(doc, o));
            spec.commandLine().getErr().println("wrote " + out + " (engine " + engine + ", " + doc.meta().get("time_ms")
                    + " ms)");
        }
    }

    /**
     * {@code compute} on a rope-attention-instance/2: every problem {@code (b, h)}; one problem may be
     * written as JSON, several go to an NPZ ({@code --out FILE.npz}) with arrays {@code [batch, heads, ...]}
     * (specs/format-npz.md). The fields are those of the problem ({@code RopeAttentionEngine#withoutWeightQuantities}).
     */
    private Integer computeVersion2(EngineRegistry.Options options) throws IOException {
        ProblemSet set = Instances.read(in);
        RopeInstance first = set.first();
        Main.workload("instance " + in + " (batch " + set.batch() + " x heads " + set.heads() + ", n = " + first.n()
                + ", d = " + first.d() + ") with engine " + engine);
        try {
            context.engines().requireCapacity(engine, first.n());
        } catch (IllegalArgumentException e) {
            throw new Main.Unavailable(in + ": " + e.getMessage());
        }
        boolean npz = out != null && NpzArrays.isNpz(out);
        if (!set.isSingle() && !npz) {
            throw new IllegalArgumentException(in + " holds batch x heads = " + set.batch() + " x " + set.heads()
                    + " problems: give --out FILE.npz");
        }
        java.util.List<RopeResult> results = new java.util.ArrayList<>();
        ResultDocument single = null;
        for (RopeInstance p : set.problems()) {
            try {
                single = EngineRun.compute(context.engines(), engine, options, p, includeQuadratic, parseFields(fields));
            } catch (Main.Unavailable e) {
                throw new Main.Unavailable(in + ": " + e.getMessage());
            }
            results.add(single.toResult());
        }
        if (!npz) {
            writeJson(single);
            return Main.EXIT_OK;
        }
        java.util.Set<Quantity> fields = RopeAttentionEngine.withoutWeightQuantities(results.get(0).quantities(), first);
        dev.ropecheck.io.CandidateArrays.write(out, results, set.batch(), set.heads(), first.n(), first.d(), fields, engine,
                true);
        spec.commandLine().getErr().println("wrote " + out + " (engine " + engine + ", " + set.problems().size()
                + " problems)");
        return Main.EXIT_OK;
    }

    /** {@code compute} on a tensor-attention-instance/1 ({@link TensorCli}). */
    private Integer computeTensor(EngineRegistry.Options options) throws IOException {
        dev.ropecheck.model.TensorInstance t = dev.ropecheck.io.TensorInstanceReader.read(in);
        long t0 = System.nanoTime();
        Main.workload("tensor instance " + in + " (n = " + t.n() + ") with engine " + engine);
        dev.ropecheck.io.TensorResultDocument doc;
        try {
            doc = TensorCli.compute(engine, options.precisionDigits(), options.eps(), t);
        } catch (dev.ropecheck.io.FormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("--engine")) {
                throw e;
            }
            throw new Main.Unavailable("tensor engine " + engine + " cannot compute " + in + ": " + e.getMessage());
        }
        doc.meta("time_ms", String.format(java.util.Locale.ROOT, "%.3f", (System.nanoTime() - t0) / 1e6));
        if (out == null) {
            PrintWriter w = spec.commandLine().getOut();
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            dev.ropecheck.io.TensorResultIO.write(doc, bytes);
            w.print(bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
            StandardOutput.finish(w);
        } else {
            AtomicFile.write(out, o -> dev.ropecheck.io.TensorResultIO.write(doc, o));
            spec.commandLine().getErr().println("wrote " + out + " (tensor engine " + engine + ", " + doc.meta().get("time_ms")
                    + " ms)");
        }
        return Main.EXIT_OK;
    }

    /**
     * An {@link IllegalArgumentException} when {@code out} is {@code in} (issue 13: {@code compute --in X --out X}
     * would replace the instance by the result): same path, or the same file through a link.
     */
    static void requireDistinct(Path in, Path out) {
        if (out == null) {
            return;
        }
        boolean same = in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize());
        if (!same && java.nio.file.Files.exists(out) && java.nio.file.Files.exists(in)) {
            try {
                same = java.nio.file.Files.isSameFile(in, out);
            } catch (IOException ignored) {
                // cannot tell: the paths differ, so let the write go ahead
            }
        }
        if (same) {
            throw new IllegalArgumentException("--out " + out + " is the input file --in " + in
                    + "; writing the result there would destroy the instance — give another --out");
        }
    }

    /**
     * A {@link Main.Unavailable} when holding the inputs of an {@code n x d} instance needs more than
     * {@code maxHeap} bytes ({@link #READ_BYTES_PER_ND}), before the bulk is read.
     */
    static void requireHeap(int n, int d, long maxHeap) {
        long need = READ_BYTES_PER_ND * n * d;
        if (maxHeap != Long.MAX_VALUE && need > maxHeap) {
            throw new Main.Unavailable("n = " + n + ", d = " + d + " needs at least " + (need >> 20)
                    + " MiB to hold the inputs (64 n d bytes), more than the Java heap limit -Xmx = " + (maxHeap >> 20)
                    + " MiB; run with a larger -Xmx or a smaller instance");
        }
    }

    /** {@code --fields} as quantities, or null when absent. */
    static Set<Quantity> parseFields(java.util.List<String> fields) {
        if (fields == null || fields.isEmpty()) {
            return null;
        }
        Set<Quantity> out = EnumSet.noneOf(Quantity.class);
        for (String f : fields) {
            try {
                out.add(Quantity.byKey(f.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--fields: " + e.getMessage());
            }
        }
        return out;
    }

    /** Validates {@code --precision}, {@code --eps} and {@code --threads} (null: the default). */
    static EngineRegistry.Options options(long precision, double eps, Integer threads) {
        EngineRegistry.Options o = options(precision, eps);
        if (threads == null) {
            return o;
        }
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("--threads = " + threads + " must lie in [1, 1024]");
        }
        return new EngineRegistry.Options(o.precisionDigits(), o.eps(), threads);
    }

    /** Validates {@code --precision} and {@code --eps}. */
    static EngineRegistry.Options options(long precision, double eps) {
        if (precision < MIN_PRECISION || precision > MAX_PRECISION) {
            throw new IllegalArgumentException("--precision = " + precision + " must lie in [" + MIN_PRECISION + ", "
                    + MAX_PRECISION + "] digits");
        }
        if (!(eps > 0 && eps < 0.1)) {
            throw new IllegalArgumentException("--eps = " + eps + " must lie in (0, 0.1)");
        }
        return new EngineRegistry.Options(precision, eps);
    }

}
