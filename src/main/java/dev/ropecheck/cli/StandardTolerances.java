package dev.ropecheck.cli;

import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.bounds.QuantityBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The production {@link ToleranceSource}: each engine class is judged by a {@link QuantityBound}
 * of {@code dev.ropecheck.bounds} — the exact class by {@code ExactRoundingModel}. A class whose
 * bound is not in this build cannot be judged, and {@code check} says so instead of inventing a
 * threshold.
 */
public final class StandardTolerances implements ToleranceSource {
    private final Map<EngineClass, QuantityBound> bounds;
    private final Map<EngineClass, String> sources;

    public StandardTolerances(Map<EngineClass, QuantityBound> bounds, Map<EngineClass, String> sources) {
        this.bounds = new EnumMap<>(EngineClass.class);
        this.bounds.putAll(bounds);
        this.sources = new EnumMap<>(EngineClass.class);
        this.sources.putAll(sources);
    }

    /** The bounds of this build. */
    public static ToleranceSource create() {
        Map<EngineClass, QuantityBound> b = new EnumMap<>(EngineClass.class);
        Map<EngineClass, String> s = new EnumMap<>(EngineClass.class);
        b.put(EngineClass.EXACT, new ExactRoundingModel());
        s.put(EngineClass.EXACT, "dev.ropecheck.bounds.ExactRoundingModel (forward-error model of the exact engine's"
                + " evaluation order, proofs-notes/rounding-model.md)");
        return new StandardTolerances(b, s);
    }

    @Override
    public OptionalDouble allowed(EngineClass cls, RopeInstance instance, RopeResult reference, boolean trusted, double eps,
            Quantity q) {
        QuantityBound b = bounds.get(cls);
        if (b == null || !reference.has(q)) {
            return OptionalDouble.empty();
        }
        // An untrusted (double) reference must not lend its magnitudes: null asks for instance-only bounds.
        double v = b.allowed(q, instance, trusted ? reference : null);
        return Double.isFinite(v) && v >= 0 ? OptionalDouble.of(v) : OptionalDouble.empty();
    }

    @Override
    public String describe(EngineClass cls) {
        String s = sources.get(cls);
        if (s != null) {
            return s;
        }
        return "no proved bound for class " + cls.name().toLowerCase(java.util.Locale.ROOT)
                        + " is wired into dev.ropecheck.cli.StandardTolerances yet";
    }

    @Override
    public boolean supports(EngineClass cls) {
        return bounds.containsKey(cls);
    }
}
