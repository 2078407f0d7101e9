package dev.ropecheck.cli;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.report.Engines;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** The report's view of the CLI's engine registry and tolerance source. */
final class RegistryEngines implements Engines {
    private final CliContext context;
    private final EngineRegistry.Options options;
    private final Map<String, Optional<RopeAttentionEngine>> cache = new HashMap<>();

    RegistryEngines(CliContext context, EngineRegistry.Options options) {
        this.context = context;
        this.options = options;
    }

    @Override
    public Optional<RopeAttentionEngine> engine(String name) {
        return cache.computeIfAbsent(name, k -> context.engines().find(k)
                .map(e -> e.factory().create(options)));
    }

    @Override
    public int maxN(String name) {
        return context.engines().find(name).map(EngineRegistry.Entry::maxN).orElse(0);
    }

    @Override
    public long referenceDigits() {
        return options.precisionDigits();
    }

    @Override
    public Optional<RopeAttentionEngine> engine(String name, double eps) {
        return context.engines().find(name)
                .map(e -> e.factory().create(new EngineRegistry.Options(options.precisionDigits(), eps, options.threads())));
    }

    @Override
    public dev.ropecheck.check.ToleranceModel tolerance(String name) {
        Optional<EngineRegistry.Entry> e = context.engines().find(name);
        if (e.isPresent() && e.get().engineClass() == EngineClass.EXACT) {
            return new dev.ropecheck.check.RoundingTolerance(dev.ropecheck.bounds.RoundingClass.worstCase(
                    dev.ropecheck.bounds.FloatFormat.FP64));
        }
        return Engines.super.tolerance(name);
    }

    @Override
    public OptionalDouble allowed(String name, RopeInstance instance, RopeResult reference, boolean trusted, Quantity q) {
        Optional<EngineRegistry.Entry> e = context.engines().find(name);
        if (e.isEmpty() || !context.tolerances().supports(e.get().engineClass())) {
            return OptionalDouble.empty();
        }
        return context.tolerances().allowed(e.get().engineClass(), instance, reference, trusted, options.eps(), q);
    }

    @Override
    public String whyNoBound(String name) {
        return context.engines().find(name).map(e -> context.tolerances().describe(e.engineClass()))
                .orElse("engine " + name + " is not registered");
    }
}
