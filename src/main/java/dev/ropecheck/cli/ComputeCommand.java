package dev.ropecheck.cli;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.io.AtomicFile;
import dev.ropecheck.io.InstanceReader;
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
            description = "reference, exact, fast-fft or fast-lowrank.")
    String engine;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "Instance (rope-attention-instance/1).")
    Path in;

    @Option(names = "--out", paramLabel = "FILE", description = "Result file (written atomically); stdout when absent.")
    Path out;

    @Option(names = "--precision", paramLabel = "DIGITS",
            description = "Decimal digits of the reference engine (default: ${DEFAULT-VALUE}).", defaultValue = "50")
    long precision;

    @Option(names = "--eps", paramLabel = "EPS",
            description = "Approximation parameter of the fast engines, in (0, 0.1) (default: ${DEFAULT-VALUE}).",
            defaultValue = "1e-6")
    double eps;

    @Option(names = "--include-quadratic",
            description = "Also write the n x n quantities (A, f, p) when the engine computes them.")
    boolean includeQuadratic;

    /** Largest n for which n x n fields are written. */
    static final int MAX_QUADRATIC_N = 4096;

    ComputeCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        EngineRegistry.Options options = options(precision, eps);
        context.engines().require(engine);
        RopeInstance instance = InstanceReader.read(in);
        ResultDocument doc = compute(context.engines(), engine, options, instance, includeQuadratic);
        if (out == null) {
            PrintWriter w = spec.commandLine().getOut();
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            ResultWriter.write(doc, bytes);
            w.print(bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
            w.flush();
        } else {
            AtomicFile.write(out, o -> ResultWriter.write(doc, o));
            spec.commandLine().getErr().println("wrote " + out + " (engine " + engine + ", " + doc.meta().get("time_ms")
                    + " ms)");
        }
        return Main.EXIT_OK;
    }

    /** Validates {@code --precision} and {@code --eps}. */
    static EngineRegistry.Options options(long precision, double eps) {
        if (precision < 17 || precision > 100_000) {
            throw new IllegalArgumentException("--precision = " + precision + " must lie in [17, 100000] digits");
        }
        if (!(eps > 0 && eps < 0.1)) {
            throw new IllegalArgumentException("--eps = " + eps + " must lie in (0, 0.1)");
        }
        return new EngineRegistry.Options(precision, eps);
    }

    /** Runs engine {@code name} on {@code instance}: every supported non-quadratic quantity (and the quadratic ones on request). */
    static ResultDocument compute(EngineRegistry registry, String name, EngineRegistry.Options options,
            RopeInstance instance, boolean includeQuadratic) {
        registry.requireCapacity(name, instance.n());
        if (includeQuadratic && instance.n() > MAX_QUADRATIC_N) {
            throw new IllegalArgumentException("--include-quadratic at n = " + instance.n() + " would write n^2 = "
                    + (long) instance.n() * instance.n() + " entries per n x n field; it is limited to n <= " + MAX_QUADRATIC_N);
        }
        RopeAttentionEngine e = registry.create(name, options);
        EngineRegistry.Entry entry = registry.require(name);
        long t0 = System.nanoTime();
        ResultDocument doc;
        if (e instanceof dev.ropecheck.engine.reference.ReferenceEngine) {
            doc = ReferenceDecimals.compute(instance, options.precisionDigits(), includeQuadratic);
        } else {
            Set<Quantity> wanted = EnumSet.noneOf(Quantity.class);
            for (Quantity q : e.supported(instance)) {
                if (includeQuadratic || !q.isQuadratic()) {
                    wanted.add(q);
                }
            }
            RopeResult r = e.compute(instance, wanted);
            doc = ResultDocument.of(r, instance.n(), instance.d(), includeQuadratic);
            if (entry.engineClass() == EngineClass.REFERENCE) {
                doc.meta("precision_digits", Long.toString(options.precisionDigits()));
            }
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        if (entry.engineClass() == EngineClass.FAST) {
            doc.meta("eps", Double.toString(options.eps()));
        }
        doc.meta("time_ms", String.format(java.util.Locale.ROOT, "%.3f", ms));
        return doc;
    }
}
