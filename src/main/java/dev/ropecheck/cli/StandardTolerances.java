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
 * of {@code dev.ropecheck.bounds} — the exact class by {@code ExactRoundingModel}, the fast class by
 * {@link FastCertifiedBound} (forward quantities only). A class whose
 * bound is not registered cannot be judged, and {@code check} says so instead of inventing a
 * threshold.
 */
public final class StandardTolerances implements ToleranceSource {
    /** Builds the bound of one class for a given {@code eps}. */
    @FunctionalInterface
    public interface BoundFactory {
        QuantityBound create(double eps);
    }

    private final Map<EngineClass, BoundFactory> bounds;
    private final Map<EngineClass, String> sources;
    private final Map<String, QuantityBound> cache = new java.util.HashMap<>();

    public StandardTolerances(Map<EngineClass, BoundFactory> bounds, Map<EngineClass, String> sources) {
        this.bounds = new EnumMap<>(EngineClass.class);
        this.bounds.putAll(bounds);
        this.sources = new EnumMap<>(EngineClass.class);
        this.sources.putAll(sources);
    }

    /** The bounds of this build, the fast class's from {@code engines}' fast-fft engine when present. */
    public static ToleranceSource create(EngineRegistry engines) {
        return create(engines, "fast-fft");
    }

    /**
     * The bounds of this build; the fast class is held to the bound that {@code fastEngine}
     * (fast-fft or fast-lowrank) certifies for the same instance and {@code eps}.
     */
    public static StandardTolerances create(EngineRegistry engines, String fastEngine) {
        Map<EngineClass, BoundFactory> b = new EnumMap<>(EngineClass.class);
        Map<EngineClass, String> s = new EnumMap<>(EngineClass.class);
        b.put(EngineClass.EXACT, eps -> new ExactRoundingModel());
        s.put(EngineClass.EXACT, "dev.ropecheck.bounds.ExactRoundingModel (forward-error model of the exact engine's"
                + " evaluation order, proofs-notes/rounding-model.md)");
        engines.find(fastEngine).ifPresent(fast -> {
            b.put(EngineClass.FAST, eps -> new FastCertifiedBound(fast.factory().create(
                    new EngineRegistry.Options(EngineRegistry.Options.DEFAULT_PRECISION, eps))));
            s.put(EngineClass.FAST, "dev.ropecheck.bounds.FastForwardBound as certified by the " + fastEngine
                    + " engine for this instance and eps (MATH §5 error transfer, proofs-notes/fast-forward-error.md);"
                    + " gradients: dev.ropecheck.bounds.FastGradientBound on the same forward bound (Theorem 6.7,"
                    + " proofs-notes/fast-gradient-error.md)");
        });
        return new StandardTolerances(b, s);
    }

    /** The bounds of this build with the standard engines. */
    public static ToleranceSource create() {
        return create(EngineRegistry.standard());
    }

    @Override
    public OptionalDouble allowed(EngineClass cls, RopeInstance instance, RopeResult reference, boolean trusted, double eps,
            Quantity q) {
        BoundFactory f = bounds.get(cls);
        if (f == null || !reference.has(q)) {
            return OptionalDouble.empty();
        }
        QuantityBound b = cache.computeIfAbsent(cls.name() + "/" + eps, k -> f.create(eps));
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
                        + " is registered in dev.ropecheck.cli.StandardTolerances";
    }

    @Override
    public boolean supports(EngineClass cls) {
        return bounds.containsKey(cls);
    }
}
