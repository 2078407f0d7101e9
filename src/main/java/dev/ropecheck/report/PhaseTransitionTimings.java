package dev.ropecheck.report;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.Set;

/**
 * Process CPU times of one engine on the phase-transition instances ({@link PhaseTransitionMeasurement#instance}) at
 * each {@link PhaseTransitionMeasurement#FIT_N}, and the probe at the smallest size that decides whether an engine is
 * timed at every size.
 */
final class PhaseTransitionTimings {
    /** A probe at n = 2^10 costing more than this (CPU ms) is not repeated at every fit size. */
    static final double PROBE_LIMIT_MS = 2000;

    private static final int[] FIT_N = PhaseTransitionMeasurement.FIT_N;

    private final PhaseTransitionMeasurement source;
    private final Progress progress;

    PhaseTransitionTimings(PhaseTransitionMeasurement source, Progress progress) {
        this.source = source;
        this.progress = progress;
    }

    /**
     * One engine at one B: the CPU times at every fit size ({@code null} when not timed there), the {@code terms} its
     * probe reported, and the probe's CPU ms ({@code NaN}, with no times and no terms, when the engine refused).
     */
    record Timed(double[] t, int terms, double probeMs) {
    }

    /**
     * Probes {@code e} once at n = 2^10, then times it at every fit size unless the probe cost over
     * {@link #PROBE_LIMIT_MS} and an exponent to extrapolate with is already known ({@code haveExponent}).
     */
    Timed probeAndTime(RopeAttentionEngine e, Set<Quantity> q, double b, boolean haveExponent, String label) {
        try {
            double c0 = cpuMs();
            RopeResult probe = e.compute(source.instance(FIT_N[0], b), q);
            double probeMs = cpuMs() - c0;
            int terms = Integer.parseInt(probe.metadata().getOrDefault("terms", "0"));
            double[] t = probeMs > PROBE_LIMIT_MS && haveExponent ? null : time(e, q, b, label);
            return new Timed(t, terms, probeMs);
        } catch (IllegalArgumentException refused) {
            return new Timed(null, 0, Double.NaN);
        }
    }

    /**
     * Process CPU time (ms) per call at each {@link PhaseTransitionMeasurement#FIT_N}: best of two after one warm-up
     * (one when a call costs over 2 s), a fast call repeated until 100 ms of CPU have accumulated (the clock counts
     * ticks).
     */
    double[] time(RopeAttentionEngine e, Set<Quantity> q, double b, String label) {
        double[] t = new double[FIT_N.length];
        for (int i = 0; i < FIT_N.length; i++) {
            progress.step("timing " + label + " n=" + FIT_N[i], i, FIT_N.length);
            RopeInstance in = source.instance(FIT_N[i], b);
            Set<Quantity> wanted = EnumSet.copyOf(q);
            wanted.retainAll(e.supported(in));
            if (i == 0) {
                e.compute(in, wanted);
            }
            t[i] = bestOfTwo(e, in, wanted);
        }
        return t;
    }

    /** The lesser CPU ms per call of two batches (one when the first costs over 2 s). */
    private static double bestOfTwo(RopeAttentionEngine e, RopeInstance in, Set<Quantity> wanted) {
        double best = Double.POSITIVE_INFINITY;
        for (int rep = 0; rep < 2 && (rep == 0 || best <= 2000); rep++) {
            // CPU time is counted in clock ticks: repeat a fast call until at least 100 ms have accumulated
            double t0 = cpuMs();
            int calls = 0;
            double spent;
            do {
                e.compute(in, wanted);
                calls++;
                spent = cpuMs() - t0;
            } while (spent < 100);
            best = Math.min(best, spent / calls);
        }
        return best;
    }

    /**
     * Process CPU time in ms (every thread of the engine counted): on a loaded machine wall time measures the load,
     * CPU time the engine's work.
     */
    static double cpuMs() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e6;
        }
        return System.nanoTime() / 1e6;
    }
}
