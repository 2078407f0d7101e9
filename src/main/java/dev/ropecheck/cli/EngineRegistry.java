package dev.ropecheck.cli;

import dev.ropecheck.engine.RopeAttentionEngine;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one place the command line learns about engines. Each engine is one line in
 * {@link #standard()}: its CLI name, its class, the constructor argument it takes (reference
 * precision in digits, {@code eps} of the fast engines, or nothing) and the largest {@code n} the
 * CLI lets it run on.
 *
 * <p>Engines are looked up by class name, so an engine that is not in this build is listed as
 * unavailable instead of breaking the build; kernels never depend on this package.
 */
public final class EngineRegistry {

    /**
     * Options from the command line that engines are constructed with.
     *
     * @param threads the most threads an engine may use (results do not depend on it)
     */
    public record Options(long precisionDigits, double eps, int threads) {
        public static final long DEFAULT_PRECISION = 50;
        public static final double DEFAULT_EPS = 1e-6;

        /** Options on the processors the JVM sees ({@code -XX:ActiveProcessorCount} sets them). */
        public Options(long precisionDigits, double eps) {
            this(precisionDigits, eps, defaultThreads());
        }

        public Options {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads = " + threads + " must be at least 1");
            }
        }

        /** {@link Runtime#availableProcessors()}, at least 1. */
        public static int defaultThreads() {
            return Math.max(1, Runtime.getRuntime().availableProcessors());
        }

        public static Options defaults() {
            return new Options(DEFAULT_PRECISION, DEFAULT_EPS);
        }
    }

    /** Builds an engine from the options. */
    @FunctionalInterface
    public interface Factory {
        RopeAttentionEngine create(Options options);
    }

    /**
     * One registered engine.
     *
     * @param name the CLI name ({@code --engine name})
     * @param engineClass what tolerance class its results belong to
     * @param maxN the largest {@code n} the CLI accepts for it
     * @param limitReason why {@code maxN} (shown when it is exceeded)
     * @param factory builds it; null when the engine is not in this build
     * @param missing why it is unavailable (when {@code factory} is null)
     */
    public record Entry(String name, EngineClass engineClass, int maxN, String limitReason, Factory factory,
            String missing) {
        public boolean available() {
            return factory != null;
        }
    }

    /** The constructor argument an engine takes. */
    public enum Arg {
        /** {@code (long digits)} or {@code (int digits)}. */
        PRECISION,
        /** {@code (double eps)}, or {@code (double eps, Method m)} with {@code m = CHEBYSHEV}. */
        EPS,
        /** {@code ()}. */
        NONE
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** The engines of this project. Adding an engine is one line here. */
    public static EngineRegistry standard() {
        return new EngineRegistry()
                .register("reference", EngineClass.REFERENCE, dev.ropecheck.engine.reference.ReferenceEngine.MAX_N,
                        "arbitrary precision costs O(n^2 d^2) big-number operations",
                        o -> dev.ropecheck.engine.reference.ReferenceEngine.withDigits(o.precisionDigits()))
                .register("reference-dd", EngineClass.REFERENCE, 1 << 16, "double-double time grows as n^2 d",
                        o -> new dev.ropecheck.engine.reference.DoubleDoubleEngine(o.threads()))
                .register("exact", EngineClass.EXACT, 1 << 16, "its time grows as n^2",
                        o -> new dev.ropecheck.engine.exact.ExactEngine(o.threads()))
                .register("fast-fft", EngineClass.FAST, 1 << 24, "the model's limit on n",
                        o -> new dev.ropecheck.engine.fast.FftEngine(o.eps(), dev.ropecheck.approx.Method.CHEBYSHEV))
                .register("fast-lowrank", EngineClass.FAST, 1 << 24, "the model's limit on n",
                        o -> new dev.ropecheck.engine.fast.LowRankEngine(o.eps(), dev.ropecheck.approx.Method.CHEBYSHEV));
    }

    /** Registers an engine given by its class name (unavailable when the class is not in this build). */
    public EngineRegistry register(String name, EngineClass cls, String className, Arg arg, int maxN, String reason) {
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException | LinkageError e) {
            return register(new Entry(name, cls, maxN, reason, null, className + " is not in this build"));
        }
        if (!RopeAttentionEngine.class.isAssignableFrom(type)) {
            return register(new Entry(name, cls, maxN, reason, null, className + " does not implement RopeAttentionEngine"));
        }
        return register(new Entry(name, cls, maxN, reason, reflective(type, arg), null));
    }

    /** Registers an engine with an explicit factory. */
    public EngineRegistry register(String name, EngineClass cls, int maxN, String reason, Factory factory) {
        return register(new Entry(name, cls, maxN, reason, factory, null));
    }

    public EngineRegistry register(Entry entry) {
        entries.put(entry.name(), entry);
        return this;
    }

    private static Factory reflective(Class<?> type, Arg arg) {
        return options -> {
            try {
                switch (arg) {
                    case PRECISION:
                        for (Class<?> p : new Class<?>[] {long.class, int.class}) {
                            Optional<Constructor<?>> c = constructor(type, p);
                            if (c.isPresent()) {
                                Object v = p == long.class ? (Object) options.precisionDigits()
                                        : (Object) Math.toIntExact(options.precisionDigits());
                                return (RopeAttentionEngine) c.get().newInstance(v);
                            }
                        }
                        break;
                    case EPS:
                        Optional<Constructor<?>> c = constructor(type, double.class);
                        if (c.isPresent()) {
                            return (RopeAttentionEngine) c.get().newInstance(options.eps());
                        }
                        // (double eps, Method method): the polynomial construction, Chebyshev when offered
                        for (Constructor<?> k : type.getConstructors()) {
                            Class<?>[] p = k.getParameterTypes();
                            if (p.length == 2 && p[0] == double.class && p[1].isEnum()) {
                                Object[] constants = p[1].getEnumConstants();
                                Object pick = constants[0];
                                for (Object o : constants) {
                                    if (((Enum<?>) o).name().equals("CHEBYSHEV")) {
                                        pick = o;
                                    }
                                }
                                return (RopeAttentionEngine) k.newInstance(options.eps(), pick);
                            }
                        }
                        break;
                    default:
                        break;
                }
                Optional<Constructor<?>> none = constructor(type);
                if (none.isPresent()) {
                    return (RopeAttentionEngine) none.get().newInstance();
                }
                throw new IllegalStateException(type.getName() + " has no public constructor taking " + arg);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException) {
                    throw (RuntimeException) e.getCause();
                }
                throw new IllegalStateException("cannot construct " + type.getName() + ": " + e.getCause(), e);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot construct " + type.getName() + ": " + e, e);
            }
        };
    }

    private static Optional<Constructor<?>> constructor(Class<?> type, Class<?>... params) {
        try {
            return Optional.of(type.getConstructor(params));
        } catch (NoSuchMethodException e) {
            return Optional.empty();
        }
    }

    /** Every registered entry, available or not, in registration order. */
    public List<Entry> entries() {
        return Collections.unmodifiableList(new ArrayList<>(entries.values()));
    }

    /** The available entries. */
    public List<Entry> available() {
        return entries.values().stream().filter(Entry::available).collect(Collectors.toList());
    }

    public Optional<Entry> find(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /**
     * The entry called {@code name}, available.
     *
     * @throws IllegalArgumentException naming the known engines when it is unknown or missing
     */
    public Entry require(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("--engine " + name + " is unknown; engines: " + String.join(", ", entries.keySet()));
        }
        if (!e.available()) {
            throw new IllegalArgumentException("--engine " + name + " is not available: " + e.missing()
                    + "; available: " + available().stream().map(Entry::name).collect(Collectors.joining(", ")));
        }
        return e;
    }

    /**
     * Requires {@code n <= maxN} of engine {@code name}.
     *
     * @throws IllegalArgumentException naming the limit, the reason and the engines that can take {@code n}
     */
    public void requireCapacity(String name, int n) {
        Entry e = require(name);
        if (n > e.maxN()) {
            List<String> can = available().stream().filter(x -> x.maxN() >= n).map(Entry::name).collect(Collectors.toList());
            throw new IllegalArgumentException("n = " + n + " is beyond what engine " + name + " can hold (n <= " + e.maxN()
                    + ": " + e.limitReason() + ")" + (can.isEmpty() ? "; no available engine takes this n"
                            : "; use --engine " + String.join(" or --engine ", can)));
        }
    }

    /** Constructs engine {@code name}. */
    public RopeAttentionEngine create(String name, Options options) {
        return require(name).factory().create(options);
    }
}
