package dev.ropecheck.report;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The crossover part of the phase transition ({@code --full}): a power law {@link PowerLaw} per engine, mode and
 * {@code B} fitted to CPU times ({@link PhaseTransitionTimings}); the fast prediction at the target {@code n} scaled
 * by its certified work (rank, or monomials {@code C(T+g, g)}) at that {@code n} over the work at the {@code n} it
 * was timed at; from these the crossover {@code n*} where the fast engine beats exact and the speed-up at the target
 * sizes. Collects the tables, chart lines and headline {@link PhaseTransitionReport#timings} shows.
 */
final class PhaseTransitionCrossover {
    /** The two workloads, in report order. */
    static final List<String> MODES = List.of("forward", "gradient");

    private static final int[] FIT_N = PhaseTransitionMeasurement.FIT_N;

    private final PhaseTransitionMeasurement source;
    private final PhaseTransitionTimings timings;
    private final double[] grid;
    private final int[] tgt;
    private final Map<String, PowerLaw> exactFit = new LinkedHashMap<>();

    /** The fitted cost models, exact first, then each fast engine, mode and B. */
    final TextTable fitTable = new TextTable("engine", "mode", "B", "c (ms)", "k", "RMS ln t",
            "CPU times at 2^10, 2^11, 2^12 (ms)");
    /** The crossover and speed-ups per fast engine, mode and B. */
    final TextTable result;
    final List<String> headline = new ArrayList<>();
    final List<SvgChart.Line> crossLines = new ArrayList<>();
    final List<SvgChart.Line> speedLines = new ArrayList<>();

    PhaseTransitionCrossover(PhaseTransitionMeasurement source, PhaseTransitionTimings timings, double[] grid, int[] tgt) {
        this.source = source;
        this.timings = timings;
        this.grid = grid;
        this.tgt = tgt;
        this.result = new TextTable("engine", "mode", "B", "n* (fast beats exact above)", "speed-up at 2^14",
                tgt.length > 1 ? "speed-up at 2^16" : "-");
    }

    static Set<Quantity> quantities(String mode) {
        return mode.equals("forward") ? PhaseTransitionMeasurement.FORWARD : PhaseTransitionMeasurement.GRADIENT;
    }

    /** Fits exact's cost model once per mode, at B = 1 (its cost does not depend on B). */
    void fitExact(RopeAttentionEngine exact) {
        for (String mode : MODES) {
            double[] t = timings.time(exact, quantities(mode), 1.0, "exact " + mode);
            PowerLaw p = PowerLaw.fit(toDouble(FIT_N), t);
            exactFit.put(mode, p);
            fitTable.row("exact", mode, "1 (exact cost does not depend on B)", TextTable.num(p.c()), f3(p.k()), f3(p.rmsLog()),
                    join(t));
        }
    }

    /** One fast engine in one mode over the grid (after {@link #fitExact}): its rows, lines and headline clause. */
    void sweep(String name, RopeAttentionEngine engine, String mode) {
        new Sweep(name, engine, mode).run();
    }

    /** A cost model and how it was obtained (the times it was fitted to, or the one probe). */
    private record Model(PowerLaw p, String how) {
    }

    /** The state of one engine and mode across the grid: the exponent of the first fitted B is reused later. */
    private final class Sweep {
        private final String name;
        private final RopeAttentionEngine engine;
        private final String mode;
        private final Set<Quantity> q;
        private final double[] nStar = new double[grid.length];
        private final double[][] speed = new double[tgt.length][grid.length];
        private final double[] stop = {Double.NaN, Double.NaN};
        private double kRef = Double.NaN;
        private String kRefAt = "";

        Sweep(String name, RopeAttentionEngine engine, String mode) {
            this.name = name;
            this.engine = engine;
            this.mode = mode;
            this.q = quantities(mode);
        }

        void run() {
            for (int b = 0; b < grid.length; b++) {
                PhaseTransitionTimings.Timed timed = timings.probeAndTime(engine, q, grid[b], Double.isFinite(kRef),
                        name + " " + mode + " B=" + grid[b]);
                Model model = model(timed, b);
                if (model == null) {
                    refused(b);
                } else {
                    predict(b, timed, model);
                }
                recordStops(b);
            }
            crossLines.add(new SvgChart.Line(name + " " + mode, grid, nStar));
            for (int k = 0; k < tgt.length; k++) {
                speedLines.add(new SvgChart.Line(name + " " + mode + " 2^" + PhaseTransitionReport.log2(tgt[k]), grid,
                        speed[k]));
            }
            headline.add(String.format(Locale.ROOT, "%s %s stops beating exact at B = %s (n = 2^14), B = %s (n = 2^16)",
                    name, mode, Double.isNaN(stop[0]) ? "> " + grid[grid.length - 1] : TightnessFigures.fmt(stop[0]),
                    Double.isNaN(stop[1]) ? "> " + grid[grid.length - 1] : TightnessFigures.fmt(stop[1])));
        }

        /**
         * The cost model at {@code grid[b]}: fitted over every fit size when timed there, else the probe at 2^10 alone
         * with the exponent fitted at the first B; {@code null} when the engine refused.
         */
        private Model model(PhaseTransitionTimings.Timed timed, int b) {
            if (timed.t() != null) {
                PowerLaw p = PowerLaw.fit(toDouble(FIT_N), timed.t());
                if (Double.isNaN(kRef)) {
                    kRef = p.k();
                    kRefAt = TightnessFigures.fmt(grid[b]);
                }
                return new Model(p, join(timed.t()));
            }
            if (Double.isFinite(timed.probeMs())) {
                // too costly to time at every fit size: one timing at 2^10, the exponent fitted at the first B
                return new Model(new PowerLaw(timed.probeMs() / Math.pow(FIT_N[0], kRef), kRef, Double.NaN),
                        String.format(Locale.ROOT, "%.1f at 2^10 only; k from B = %s", timed.probeMs(), kRefAt));
            }
            return null;
        }

        /** A refusing engine never beats exact at {@code grid[b]}. */
        private void refused(int b) {
            nStar[b] = Double.POSITIVE_INFINITY;
            for (int k = 0; k < tgt.length; k++) {
                speed[k][b] = 0;
            }
            result.row(name, mode, TightnessFigures.fmt(grid[b]), "never (refused)", "0", "0");
        }

        /** The crossover and the speed-ups at {@code grid[b]}, the model scaled by certified work at each target. */
        private void predict(int b, PhaseTransitionTimings.Timed timed, Model model) {
            PowerLaw p = model.p();
            int refN = timed.t() != null ? FIT_N[FIT_N.length - 1] : FIT_N[0];
            PhaseTransitionMeasurement.Cert atFit = PhaseTransitionMeasurement.certify(engine, source.instance(refN, grid[b]),
                    timed.terms());
            fitTable.row(name, mode, TightnessFigures.fmt(grid[b]), TextTable.num(p.c()), f3(p.k()),
                    f3(p.rmsLog()), model.how());
            for (int k = 0; k < tgt.length; k++) {
                PhaseTransitionMeasurement.Cert c = PhaseTransitionMeasurement.certify(engine,
                        source.instance(tgt[k], grid[b]), timed.terms());
                double scale = c.refused() != null ? Double.POSITIVE_INFINITY : c.work() / atFit.work();
                speed[k][b] = exactFit.get(mode).at(tgt[k]) / (p.at(tgt[k]) * scale);
                if (k == 0) {
                    nStar[b] = p.crossover(exactFit.get(mode), scale);
                }
            }
            result.row(name, mode, TightnessFigures.fmt(grid[b]), TextTable.num(nStar[b]),
                    TextTable.num(speed[0][b]), tgt.length > 1 ? TextTable.num(speed[1][b]) : "-");
        }

        /** The first B at which the speed-up at each target is no longer above 1. */
        private void recordStops(int b) {
            for (int k = 0; k < tgt.length; k++) {
                if (Double.isNaN(stop[k]) && !(speed[k][b] > 1)) {
                    stop[k] = grid[b];
                }
            }
        }
    }

    private static double[] toDouble(int[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static String join(double[] t) {
        StringBuilder sb = new StringBuilder();
        for (double v : t) {
            sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", v));
        }
        return sb.toString();
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
