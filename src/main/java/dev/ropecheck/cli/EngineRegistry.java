package dev.ropecheck.cli;

import dev.ropecheck.engine.RopeAttentionEngine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one place the command line learns about engines. Each engine is one line in
 * {@link #standard()}: its CLI name, its tolerance class, the largest {@code n} the CLI lets it run on
 * and a factory from the command-line {@link Options} (reference precision in digits, {@code eps} of
 * the fast engines); kernels never depend on this package.
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
     * @param factory builds it
     */
    public record Entry(String name, EngineClass engineClass, int maxN, String limitReason, Factory factory) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** The engines of this project. Adding an engine is one line here. */
    public static EngineRegistry standard() {
        return new EngineRegistry()
                .register("reference", EngineClass.REFERENCE, dev.ropecheck.engine.reference.RopeReferenceEngine_AP.MAX_N,
                        "arbitrary precision costs O(n^2 d^2) big-number operations",
                        o -> dev.ropecheck.engine.reference.RopeReferenceEngine_AP.withDigits(o.precisionDigits()))
                .register("reference-dd", EngineClass.REFERENCE, 1 << 16, "double-double time grows as n^2 d",
                        o -> new dev.ropecheck.engine.reference.RopeReferenceEngine_DD(o.threads()))
                .register("exact", EngineClass.EXACT, 1 << 16, "its time grows as n^2",
                        o -> new dev.ropecheck.engine.exact.RopeExactEngine_F64(o.threads()))
                .register("fast-fft", EngineClass.FAST, 1 << 24, "the model's limit on n",
                        o -> dev.ropecheck.engine.fast.RopeFftEngine_F64.withThreads(o.eps(),
                                dev.ropecheck.approx.Method.CHEBYSHEV, o.threads()))
                .register("fast-lowrank", EngineClass.FAST, 1 << 24, "the model's limit on n",
                        o -> new dev.ropecheck.engine.fast.RopeLowRankEngine_F64(o.eps(), dev.ropecheck.approx.Method.CHEBYSHEV));
    }

    /** Registers an engine with an explicit factory. */
    public EngineRegistry register(String name, EngineClass cls, int maxN, String reason, Factory factory) {
        return register(new Entry(name, cls, maxN, reason, factory));
    }

    public EngineRegistry register(Entry entry) {
        entries.put(entry.name(), entry);
        return this;
    }

    /** Every registered entry, in registration order. */
    public List<Entry> entries() {
        return Collections.unmodifiableList(new ArrayList<>(entries.values()));
    }

    public Optional<Entry> find(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /**
     * The entry called {@code name}.
     *
     * @throws IllegalArgumentException naming the known engines when it is unknown
     */
    public Entry require(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("--engine " + name + " is unknown; engines: " + String.join(", ", entries.keySet()));
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
            List<String> can = entries.values().stream().filter(x -> x.maxN() >= n).map(Entry::name).collect(Collectors.toList());
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
