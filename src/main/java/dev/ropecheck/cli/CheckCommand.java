package dev.ropecheck.cli;

import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.bounds.RoundingClass;
import dev.ropecheck.check.CheckReport;
import dev.ropecheck.check.ResultCheck;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.io.CandidateArrays;
import dev.ropecheck.io.Instances;
import dev.ropecheck.io.NpzArrays;
import dev.ropecheck.model.ProblemSet;
import dev.ropecheck.io.ResultDocument;
import dev.ropecheck.io.ResultReader;
import dev.ropecheck.model.RopeInstance;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code check}: judges a result produced by another implementation (PyTorch, JAX, a CUDA kernel)
 * through the one checking core ({@link ResultCheck}): every required field against a trusted
 * reference (the apfloat reference where it can take the instance, else the double-double
 * reference; never a double evaluation), each entry against the allowed error of the class the user
 * names ({@code --engine-class}, {@code --dtype}, {@code --bound}; never the candidate's own
 * {@code engine} label). Exit 0 only when every required field passes; 1 when one fails or is
 * missing; 3 when one could not be judged (no bound, or a vacuous one).
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Judges a foreign result field by field against a trusted reference and the tolerance of the"
                + " class you name. Exit 0 only if every required field passes (1: a field fails or is missing;"
                + " 3: a field could not be judged).")
final class CheckCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--instance", required = true, paramLabel = "FILE", description = "The instance the candidate solved.")
    Path instanceFile;

    @Option(names = "--candidate", required = true, paramLabel = "FILE", description = "The result to judge.")
    Path candidateFile;

    @Option(names = "--engine-class", defaultValue = "exact", paramLabel = "CLASS",
            description = "exact (the formulas of MATH §2-3 evaluated in floating point) or fast (polynomial method)"
                    + " (default: ${DEFAULT-VALUE}). The candidate's own \"engine\" field is never used.")
    String engineClass;

    @Option(names = "--dtype", defaultValue = "fp64", paramLabel = "D",
            description = "What the implementation computed in: fp64, fp32, bf16 or fp16 (storage format; bf16 and"
                    + " fp16 accumulate in fp32) (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--bound", defaultValue = "worst-case", paramLabel = "KIND",
            description = "worst-case (rigorous, the default), probabilistic (Higham-Mary, sqrt(k) instead of k;"
                    + " fails with probability at most --failure-probability) or first-order (also the first-order"
                    + " probabilistic bound, which keeps the cancellation of the exact derivatives:"
                    + " proofs-notes/first-order-rounding.md).")
    String boundKind;

    @Option(names = "--failure-probability", defaultValue = "1e-6", paramLabel = "P",
            description = "With --bound probabilistic or first-order: the probability the bound may fail (default: ${DEFAULT-VALUE}).")
    double failureProbability;

    @Option(names = "--fields", split = ",", paramLabel = "F",
            description = "The fields that must be present and pass (default: every field the candidate holds,"
                    + " plus attention).")
    List<String> fields;

    @Option(names = "--resolution", paramLabel = "R",
            description = "A field passes only if its bound would have caught the whole field scaled by 1 + t for every"
                    + " |t| > R (its smallest detectable relative change is at most R); else it is VACUOUS (exit 3)."
                    + " In (0, 1]; 1 only asks that an all-zero field fail (default: max(1e-3, 16 u) for the --dtype's"
                    + " unit roundoff u: 1e-3 for fp64 and fp32, 7.8e-3 for fp16, 0.0625 for bf16).")
    Double resolution;

    @Option(names = "--threads", paramLabel = "N",
            description = "Most threads the trusted reference and the engines use (default: the processors the JVM sees,"
                    + " which -XX:ActiveProcessorCount sets); verdicts do not depend on it.")
    Integer threads;

    @Option(names = "--eps", defaultValue = "1e-6", description = "With --engine-class fast: the implementation's eps, the certified max |P(z) - e^z| of its exp"
            + " polynomial on [-beta, beta] (MATH §4) (default: ${DEFAULT-VALUE}).")
    double eps;

    @Option(names = "--fast-engine", defaultValue = "fast-fft", paramLabel = "NAME",
            description = "With --engine-class fast: whose certified bound applies, fast-fft or fast-lowrank"
                    + " (default: ${DEFAULT-VALUE}).")
    String fastEngine;

    @Option(names = "--reference", defaultValue = "auto", paramLabel = "NAME",
            description = "auto (apfloat where it can take the instance, else double-double), reference or"
                    + " reference-dd (default: ${DEFAULT-VALUE}).")
    String referenceChoice;

    @Option(names = "--precision", defaultValue = "50", paramLabel = "DIGITS",
            description = "Digits of the apfloat reference (default: ${DEFAULT-VALUE}).")
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
        FloatFormat format = FloatFormat.parse(dtype);
        int kind = parseBoundKind(boundKind);
        boolean probabilistic = kind > 0;
        if (cls == EngineClass.FAST && (format != FloatFormat.FP64 || probabilistic)) {
            throw new IllegalArgumentException("--engine-class fast is judged in fp64 with the worst-case bound: drop"
                    + " --dtype " + dtype + " / --bound " + boundKind);
        }
        RoundingClass rounding = new RoundingClass(format, probabilistic, probabilistic ? failureProbability : 0, kind == 2);
        EngineRegistry.Options options = ComputeCommand.options(precision, eps, threads);
        if (dev.ropecheck.io.TensorFormat.isTensorInstance(instanceFile)) {
            return checkTensor(cls, options);
        }
        ProblemSet set = Instances.read(instanceFile);
        if (!set.isSingle() || NpzArrays.isNpz(candidateFile)) {
            return checkProblems(set, cls, format, rounding, options);
        }
        RopeInstance instance = set.first();
        ResultDocument cand = ResultReader.read(candidateFile);
        if (cand.n() != instance.n() || cand.d() != instance.d()) {
            throw new IllegalArgumentException(candidateFile + ": the candidate has n = " + cand.n() + ", d = " + cand.d()
                    + " but the instance " + instanceFile + " has n = " + instance.n() + ", d = " + instance.d());
        }
        RopeResult candidate = cand.toResult();
        CheckReport report = judge(instance, candidate, cls, format, rounding, options);
        PrintWriter out = spec.commandLine().getOut();
        out.println("candidate " + candidateFile + " (its engine label \"" + cand.engine() + "\" is not used), class "
                + describe(cls, rounding) + ", on " + instanceFile + " (" + describe(instance) + ")");
        out.print(report.render());
        out.flush();
        return report.exitCode();
    }

    private String describe(EngineClass cls, RoundingClass rounding) {
        return cls.name().toLowerCase(Locale.ROOT) + (cls == EngineClass.EXACT ? " " + rounding.label() : ", eps = " + eps);
    }

    private static String describe(RopeInstance instance) {
        return "n = " + instance.n() + ", d = " + instance.d() + ", family " + instance.family().name()
                + (instance.hasDefaultScale() ? "" : ", scale " + instance.scale()) + (instance.causal() ? ", causal" : "")
                + (instance.hasQkv() ? ", q/k/v" : "") + (instance.hasUpstreamGradient() ? ", dO in place of E" : "");
    }

    /**
     * Every problem {@code (b, h)} of a multi-problem instance judged by the one checking core, each on
     * its own; the failing (batch, head, field, index) are named, and the verdict is the worst.
     */
    private Integer checkProblems(ProblemSet set, EngineClass cls, FloatFormat format, RoundingClass rounding,
            EngineRegistry.Options options) {
        if (!NpzArrays.isNpz(candidateFile)) {
            throw new IllegalArgumentException(candidateFile + ": the instance " + instanceFile + " has batch x heads = "
                    + set.batch() + " x " + set.heads() + " problems; give the candidate as an NPZ file (specs/format-npz.md)");
        }
        List<RopeResult> cands = CandidateArrays.read(candidateFile, set);
        PrintWriter out = spec.commandLine().getOut();
        out.println("candidate " + candidateFile + ", class " + describe(cls, rounding) + ", on " + instanceFile + " (batch "
                + set.batch() + " x heads " + set.heads() + " problems, " + describe(set.first()) + ")");
        int worst = CheckReport.EXIT_PASS;
        CheckReport shown = null;
        int passed = 0;
        for (int b = 0; b < set.batch(); b++) {
            for (int h = 0; h < set.heads(); h++) {
                CheckReport r = judge(set.get(b, h), cands.get(b * set.heads() + h), cls, format, rounding, options);
                String where = "(batch " + b + ", head " + h + ")";
                if (r.passed()) {
                    passed++;
                } else {
                    out.println(where + ": " + verdictWord(r));
                    for (String line : r.diagnostics()) {
                        out.println(where + " " + line);
                    }
                }
                if (shown == null || severity(r.exitCode()) > severity(worst)) {
                    shown = r;
                    worst = r.exitCode();
                }
                out.flush();
            }
        }
        out.println("worst problem's report:");
        out.print(shown.render());
        out.println(passed + " of " + set.problems().size() + " problems PASS; overall "
                + (worst == CheckReport.EXIT_PASS ? "PASS" : worst == CheckReport.EXIT_FAIL ? "FAIL" : "UNDECIDED"));
        out.flush();
        return worst;
    }

    private static String verdictWord(CheckReport r) {
        return r.passed() ? "PASS" : r.exitCode() == CheckReport.EXIT_FAIL ? "FAIL" : "UNDECIDED";
    }

    /** FAIL above UNDECIDED above PASS. */
    private static int severity(int exit) {
        return exit == CheckReport.EXIT_FAIL ? 2 : exit == CheckReport.EXIT_PASS ? 0 : 1;
    }

    /** The one checking core on one problem ({@link CheckJudge#judge}). */
    private CheckReport judge(RopeInstance instance, RopeResult candidate, EngineClass cls, FloatFormat format,
            RoundingClass rounding, EngineRegistry.Options options) {
        return new CheckJudge(context, candidateFile, fields, resolution, fastEngine, referenceChoice)
                .judge(instance, candidate, cls, format, rounding, options);
    }

    /** 0 worst case, 1 probabilistic (Higham–Mary), 2 first-order probabilistic. */
    private static int parseBoundKind(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "worst-case":
            case "worst":
            case "rigorous":
                return 0;
            case "probabilistic":
                return 1;
            case "first-order":
                return 2;
            default:
                throw new IllegalArgumentException("--bound \"" + s + "\" must be worst-case, probabilistic or first-order");
        }
    }

    /** {@code check} on a tensor instance and result ({@link TensorCli#check}). */
    private Integer checkTensor(EngineClass cls, EngineRegistry.Options options) {
        dev.ropecheck.model.TensorInstance instance = dev.ropecheck.io.TensorInstanceReader.read(instanceFile);
        dev.ropecheck.io.TensorResultDocument cand = dev.ropecheck.io.TensorResultIO.read(candidateFile);
        TensorCli.Outcome outcome;
        try {
            outcome = TensorCli.check(instance, cand, cls, options.eps(), options.precisionDigits());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(candidateFile + ": " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("candidate " + candidateFile + " (engine \"" + cand.engine() + "\", class "
                + cls.name().toLowerCase(java.util.Locale.ROOT) + ") vs tensor reference on " + instanceFile + " (n = "
                + instance.n() + ", d = " + instance.d() + ", tensor attention)");
        out.print(outcome.table().render());
        out.println("tolerances: " + (cls == EngineClass.FAST
                ? "the tensor fast engine's certified bound at eps = " + options.eps() + " (TensorFastErrorBound)"
                : "the tensor exact rounding model (TensorExactRounding)") + ", plus u |reference| for the rounded reference");
        out.println(outcome.passed() ? "PASS" : "FAIL");
        out.flush();
        return outcome.passed() ? Main.EXIT_OK : Main.EXIT_FAILED;
    }

}
