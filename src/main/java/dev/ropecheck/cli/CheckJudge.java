package dev.ropecheck.cli;

import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.bounds.RoundingClass;
import dev.ropecheck.check.CheckReport;
import dev.ropecheck.check.ResultCheck;
import dev.ropecheck.check.RoundingTolerance;
import dev.ropecheck.check.ToleranceModel;
import dev.ropecheck.check.TrustedReference;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeInstance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * The judging half of {@link CheckCommand}: one RoPE problem and its candidate through the one checking
 * core ({@link ResultCheck}), with the class's warnings, its tolerance model (the rounding model of
 * {@code --dtype}/{@code --bound}, or the fast class's certified bounds) and the trusted reference (the
 * apfloat reference where it can take the instance, else double-double). Holds the options of the
 * command that shape the judgement; the command parses the rest and prints.
 */
final class CheckJudge {
    private final CliContext context;
    private final Path candidateFile;
    private final List<String> fields;
    private final Double resolution;
    private final String fastEngine;
    private final String referenceChoice;

    /** The options of {@code check} as given ({@code fields} and {@code resolution} may be null). */
    CheckJudge(CliContext context, Path candidateFile, List<String> fields, Double resolution, String fastEngine,
            String referenceChoice) {
        this.context = context;
        this.candidateFile = candidateFile;
        this.fields = fields;
        this.resolution = resolution;
        this.fastEngine = fastEngine;
        this.referenceChoice = referenceChoice;
    }

    /** The one checking core on one problem, with the warnings and tolerance of the named class. */
    CheckReport judge(RopeInstance instance, RopeResult candidate, EngineClass cls, FloatFormat format,
            RoundingClass rounding, EngineRegistry.Options options) {
        List<String> warnings = new ArrayList<>();
        candidate = withoutUndefined(instance, candidate, warnings);
        Set<Quantity> required = requiredFields(candidate);
        for (Quantity q : required) {
            String why = RopeAttentionEngine.undefinedReason(q, instance);
            if (why != null) {
                throw new IllegalArgumentException("--fields " + q.key() + ": " + why + "; drop it from --fields");
            }
        }
        Set<Quantity> judged = EnumSet.copyOf(required);
        judged.addAll(candidate.quantities());
        String inexact = firstInexactInput(instance, format);
        if (!inexact.isEmpty()) {
            warnings.add("the instance is not exact in " + format.label() + " (" + inexact + "); the bound includes the"
                    + " rounding of storing every input");
        }
        if (rounding.firstOrder() && cls != EngineClass.FAST) {
            String why = dev.ropecheck.bounds.FirstOrderRoundingBound.unsupportedReason(instance, format);
            if (!why.isEmpty()) {
                warnings.add("--bound first-order does not apply (" + why + "); every field is judged by the"
                        + " probabilistic stage bound alone");
            }
        }
        List<String> absent = new ArrayList<>();
        for (Quantity q : RopeAttentionEngine.withoutWeightQuantities(EnumSet.allOf(Quantity.class), instance)) {
            if (!judged.contains(q) && !q.isQuadratic()) {
                absent.add(q.key());
            }
        }
        if (!absent.isEmpty()) {
            warnings.add("not checked (absent from the candidate and not required; require them with --fields): "
                    + String.join(", ", absent));
        }
        ToleranceModel model = cls == EngineClass.FAST ? fastModel(options) : new RoundingTolerance(rounding);
        TrustedReference reference = trustedReference(instance, judged, options, rounding);
        double r = resolution != null ? resolution : ResultCheck.defaultResolution(format);
        if (!(r > 0 && r <= 1)) {
            throw new IllegalArgumentException("--resolution " + r + " must lie in (0, 1]");
        }
        return ResultCheck.run(instance, candidate, required, reference, model, warnings, r);
    }

    /**
     * The candidate without the fields the instance does not define (the loss, when the instance gives {@code dO}
     * in place of {@code E}; MATH §9), each set aside with a warning saying why.
     */
    private RopeResult withoutUndefined(RopeInstance instance, RopeResult candidate, List<String> warnings) {
        RopeResult.Builder b = RopeResult.builder(candidate.engine());
        boolean dropped = false;
        for (Quantity q : candidate.quantities()) {
            String why = RopeAttentionEngine.undefinedReason(q, instance);
            if (why != null) {
                warnings.add(candidateFile + ": field " + q.key() + " is not checked: " + why);
                dropped = true;
            } else {
                b.put(q, candidate.get(q));
                if (candidate.residual(q) != null) {
                    b.putResidual(q, candidate.residual(q));
                }
            }
        }
        if (!dropped) {
            return candidate;
        }
        candidate.metadata().forEach(b::meta);
        return b.build();
    }

    /** {@code --fields}, or every field the candidate holds plus {@code attention}. */
    private Set<Quantity> requiredFields(RopeResult candidate) {
        Set<Quantity> given = ComputeCommand.parseFields(fields);
        if (given != null) {
            return given;
        }
        Set<Quantity> req = EnumSet.noneOf(Quantity.class);
        req.addAll(candidate.quantities());
        req.add(Quantity.ATTENTION);
        return req;
    }

    /** The first input entry not exact in {@code format}, as "field[i][j] = v", or "". */
    static String firstInexactInput(RopeInstance inst, FloatFormat format) {
        Map<String, DMatrixRMaj> inputs = new java.util.LinkedHashMap<>();
        inputs.put("A1", inst.a1());
        inputs.put("A2", inst.a2());
        inputs.put("A3", inst.a3());
        inputs.put(inst.upstreamName(), inst.upstream());
        if (inst.hasWeights()) {
            inputs.put("W_Q", inst.wq());
            inputs.put("W_K", inst.wk());
        } else {
            inputs.put("X", inst.x());
        }
        inputs.put(inst.hasValueWeight() ? "W_V" : "Y", inst.y());
        for (Map.Entry<String, DMatrixRMaj> e : inputs.entrySet()) {
            DMatrixRMaj m = e.getValue();
            for (int k = 0; k < m.data.length; k++) {
                if (!format.isExact(m.data[k])) {
                    return e.getKey() + "[" + k / m.numCols + "][" + k % m.numCols + "] = " + m.data[k];
                }
            }
        }
        return "";
    }

    /** The fast class's certified bounds (one number per field), through {@link StandardTolerances}. */
    private ToleranceModel fastModel(EngineRegistry.Options options) {
        if (!fastEngine.equals("fast-fft") && !fastEngine.equals("fast-lowrank")) {
            throw new IllegalArgumentException("--fast-engine " + fastEngine + " must be fast-fft or fast-lowrank");
        }
        ToleranceSource tol = StandardTolerances.create(context.engines(), fastEngine);
        if (!tol.supports(EngineClass.FAST)) {
            throw new Main.Unavailable("cannot judge class fast: " + tol.describe(EngineClass.FAST));
        }
        double e = options.eps();
        return new ToleranceModel() {
            @Override
            public String describe() {
                return tol.describe(EngineClass.FAST) + ", eps = " + e;
            }

            @Override
            public Tolerances allowed(RopeInstance instance, Set<Quantity> fs, RopeResult reference) {
                Map<Quantity, DMatrixRMaj> out = new EnumMap<>(Quantity.class);
                Map<Quantity, String> none = new EnumMap<>(Quantity.class);
                for (Quantity q : fs) {
                    var v = tol.allowed(EngineClass.FAST, instance, reference, true, e, q);
                    if (v.isPresent()) {
                        out.put(q, new DMatrixRMaj(1, 1, true, v.getAsDouble()));
                    } else {
                        none.put(q, "the " + fastEngine + " engine certifies no bound for this field at eps = " + e);
                    }
                }
                return new Tolerances(out, none);
            }
        };
    }

    /**
     * The apfloat reference where it can take the instance (and {@code --reference} allows), else the
     * double-double reference; never the exact double engine.
     */
    private TrustedReference trustedReference(RopeInstance instance, Set<Quantity> judged,
            EngineRegistry.Options options, RoundingClass rounding) {
        String choice = referenceChoice.toLowerCase(Locale.ROOT);
        if (!choice.equals("auto") && !choice.equals("reference") && !choice.equals("reference-dd")) {
            throw new IllegalArgumentException("--reference " + referenceChoice + " must be auto, reference or reference-dd");
        }
        List<String> refused = new ArrayList<>();
        if (!choice.equals("reference-dd")) {
            Optional<EngineRegistry.Entry> ap = context.engines().find("reference");
            if (ap.isPresent() && instance.n() <= ap.get().maxN()) {
                try {
                    RopeResult r = computeReference("reference", options, instance, judged);
                    return TrustedReference.arbitraryPrecision(r);
                } catch (IllegalArgumentException tooCostly) {
                    refused.add("reference: " + tooCostly.getMessage());
                }
            } else {
                refused.add("reference: " + ap.map(e -> "n = " + instance.n() + " > " + e.maxN() + " (" + e.limitReason() + ")")
                        .orElse("not registered"));
            }
            if (choice.equals("reference")) {
                throw new Main.Unavailable(String.join("; ", refused));
            }
        }
        Optional<EngineRegistry.Entry> dd = context.engines().find("reference-dd");
        if (dd.isEmpty() || instance.n() > dd.get().maxN()) {
            refused.add("reference-dd: " + dd.map(e -> "n = " + instance.n() + " > " + e.maxN() + " (" + e.limitReason() + ")")
                    .orElse("not registered"));
            throw new Main.Unavailable("no trusted reference can take this instance: " + String.join("; ", refused));
        }
        RopeResult r = computeReference("reference-dd", options, instance, judged);
        return TrustedReference.doubleDouble(r, rounding, instance.n());
    }

    private RopeResult computeReference(String name, EngineRegistry.Options options, RopeInstance instance,
            Set<Quantity> judged) {
        RopeAttentionEngine engine = context.engines().create(name, options);
        Set<Quantity> wanted = EnumSet.noneOf(Quantity.class);
        Set<Quantity> supported = engine.supported(instance);
        for (Quantity q : judged) {
            // lse is judged through the reference's alpha (ResultCheck)
            Quantity source = q == Quantity.LSE ? Quantity.ALPHA : q;
            if (supported.contains(source)) {
                wanted.add(source);
            }
        }
        if (wanted.isEmpty()) {
            throw new Main.Unavailable("the " + name + " engine computes none of the fields to check for this instance");
        }
        return engine.compute(instance, wanted);
    }
}
