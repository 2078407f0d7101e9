package dev.ropecheck.cli;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.io.InstanceReader;
import dev.ropecheck.io.ResultDocument;
import dev.ropecheck.io.ResultReader;
import dev.ropecheck.model.RopeInstance;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code check}: judges a result produced by another implementation against the reference engine
 * (or, when {@code n} is beyond it, the exact engine as a stand-in, which the output says), field by
 * field against the tolerance of the implementation's class ({@link ResultComparator}).
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Compares a foreign result with the reference, field by field, against the proved tolerance. "
                + "Exit 0 only if every checked field passes.")
final class CheckCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--instance", required = true, paramLabel = "FILE", description = "The instance the candidate solved.")
    Path instanceFile;

    @Option(names = "--candidate", required = true, paramLabel = "FILE", description = "The result to judge.")
    Path candidateFile;

    @Option(names = "--engine-class", defaultValue = "exact", paramLabel = "CLASS",
            description = "exact (binary64 exact formulas) or fast (polynomial method) (default: ${DEFAULT-VALUE}).")
    String engineClass;

    @Option(names = "--eps", defaultValue = "1e-6", description = "The fast implementation's eps (default: ${DEFAULT-VALUE}).")
    double eps;

    @Option(names = "--fast-engine", paramLabel = "NAME",
            description = "With --engine-class fast: whose certified bound applies, fast-fft or fast-lowrank (default: the"
                    + " candidate's engine field when it names one of them, else fast-fft). The candidate is held to the"
                    + " bound that engine certifies for this instance and eps (same polynomial construction).")
    String fastEngine;

    @Option(names = "--precision", defaultValue = "50", paramLabel = "DIGITS",
            description = "Digits of the reference engine (default: ${DEFAULT-VALUE}).")
    long precision;

    CheckCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        EngineClass cls = EngineClass.parse(engineClass);
        if (cls == EngineClass.REFERENCE) {
            throw new IllegalArgumentException("--engine-class must be exact or fast");
        }
        EngineRegistry.Options options = ComputeCommand.options(precision, eps);
        RopeInstance instance = InstanceReader.read(instanceFile);
        ResultDocument cand = ResultReader.read(candidateFile);
        if (cand.n() != instance.n() || cand.d() != instance.d()) {
            throw new IllegalArgumentException(candidateFile + ": the candidate has n = " + cand.n() + ", d = " + cand.d()
                    + " but the instance " + instanceFile + " has n = " + instance.n() + ", d = " + instance.d());
        }
        ToleranceSource tol = context.tolerances();
        if (cls == EngineClass.FAST && tol instanceof StandardTolerances) {
            String fe = fastEngine != null ? fastEngine
                    : cand.engine().equals("fast-lowrank") || cand.engine().equals("fast-fft") ? cand.engine() : "fast-fft";
            if (!fe.equals("fast-fft") && !fe.equals("fast-lowrank")) {
                throw new IllegalArgumentException("--fast-engine " + fe + " must be fast-fft or fast-lowrank");
            }
            tol = StandardTolerances.create(context.engines(), fe);
        }
        if (!tol.supports(cls)) {
            throw new Main.Unavailable("cannot judge class " + cls.name().toLowerCase(java.util.Locale.ROOT) + ": "
                    + tol.describe(cls));
        }
        PrintWriter out = spec.commandLine().getOut();
        Reference ref = chooseReference(context.engines(), instance.n());
        RopeResult reference = null;
        if (!ref.standIn) {
            try {
                reference = computeReference(ref.name, options, instance, cand);
            } catch (IllegalArgumentException tooCostly) {
                // e.g. the reference's cost guard: fall back to the exact engine as a stand-in
                Optional<EngineRegistry.Entry> exact = context.engines().find("exact").filter(EngineRegistry.Entry::available);
                if (exact.isEmpty() || instance.n() > exact.get().maxN()) {
                    throw tooCostly;
                }
                ref = new Reference("exact", true, tooCostly.getMessage());
            }
        }
        if (ref.standIn) {
            if (!tol.supports(EngineClass.EXACT)) {
                throw new Main.Unavailable("n = " + instance.n() + " needs the exact engine as a stand-in, but: "
                        + tol.describe(EngineClass.EXACT));
            }
            out.println("note: the reference engine cannot take this instance (" + ref.why
                    + "); the exact engine stands in for it and its own bound is added to every allowed error");
            reference = computeReference(ref.name, options, instance, cand);
        }
        ResultComparator.Outcome outcome = ResultComparator.compare(instance, cand.toResult(), reference, ref.name,
                ref.standIn ? 0 : options.precisionDigits(), cls, options.eps(), tol);
        out.println("candidate " + candidateFile + " (engine \"" + cand.engine() + "\", class "
                + cls.name().toLowerCase(java.util.Locale.ROOT) + ") vs " + ref.name + " on " + instanceFile + " (n = "
                + instance.n() + ", d = " + instance.d() + ", family " + instance.family().name() + ")");
        out.print(outcome.table().render());
        out.println("tolerances: " + tol.describe(cls));
        boolean ok = outcome.passed();
        out.println(ok ? "PASS" : "FAIL");
        out.flush();
        return ok ? Main.EXIT_OK : Main.EXIT_FAILED;
    }

    private RopeResult computeReference(String name, EngineRegistry.Options options, RopeInstance instance,
            ResultDocument cand) {
        RopeAttentionEngine engine = context.engines().create(name, options);
        Set<Quantity> wanted = EnumSet.noneOf(Quantity.class);
        Set<Quantity> supported = engine.supported(instance);
        for (Quantity q : cand.quantities()) {
            if (supported.contains(q)) {
                wanted.add(q);
            }
        }
        if (wanted.isEmpty()) {
            throw new IllegalArgumentException(candidateFile + " holds no field the " + name + " engine computes");
        }
        return engine.compute(instance, wanted);
    }

    /** Which engine serves as the reference for {@code n}. */
    record Reference(String name, boolean standIn, String why) {
    }

    static Reference chooseReference(EngineRegistry engines, int n) {
        Optional<EngineRegistry.Entry> reference = engines.find("reference").filter(EngineRegistry.Entry::available);
        if (reference.isPresent() && n <= reference.get().maxN()) {
            return new Reference("reference", false, "");
        }
        String why = reference.isPresent() ? "n = " + n + " > " + reference.get().maxN() + ": " + reference.get().limitReason()
                : engines.find("reference").map(EngineRegistry.Entry::missing).orElse("not registered");
        Optional<EngineRegistry.Entry> exact = engines.find("exact").filter(EngineRegistry.Entry::available);
        if (exact.isPresent() && n <= exact.get().maxN()) {
            return new Reference("exact", true, why);
        }
        throw new Main.Unavailable("no engine can serve as the reference for n = " + n + ": reference: " + why
                + "; exact: " + exact.map(e -> "n <= " + e.maxN() + " (" + e.limitReason() + ")")
                        .orElse(engines.find("exact").map(EngineRegistry.Entry::missing).orElse("not registered")));
    }
}
