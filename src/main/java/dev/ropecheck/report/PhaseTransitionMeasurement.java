package dev.ropecheck.report;

import dev.ropecheck.approx.ExpPolynomial;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.fast.RopeFftEngine_F64;
import dev.ropecheck.engine.fast.RopeLowRankEngine_F64;
import dev.ropecheck.io.InstanceGenerator;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The bounded-entry phase transition, measured (AS23; RoPE-grad Section 7): for entry bounds {@code B} on a grid
 * up to past the threshold, on RoPE instances ({@code d = 2}, seed 1) at {@code n = 2^14} and {@code 2^16}:
 * <ol>
 *   <li>the certified score bound {@code beta} ({@code ScoreBound}), degree and rank each fast engine certifies, and
 *       where the theory's threshold falls: AS23's scores obey {@code |<q,k>|/d <= B_AS^2}, fast algorithms exist for
 *       {@code B_AS = o(sqrt(log n))} and not (under SETH) for {@code B_AS = Omega(sqrt(log n))}, i.e. at certified
 *       {@code beta ~ ln n}; the figure marks the B at which {@code beta(B)} crosses {@code ln n};</li>
 *   <li>with timings ({@code --full} only): process CPU time ({@link #cpuMs}; best of two after a warm-up) of exact
 *       and each fast engine,
 *       forward ({@code alpha, attention, c, loss}) and gradient ({@code attention, loss, gradX} and the weight
 *       gradients), at {@code n = 2^10, 2^11, 2^12}; a power law {@link PowerLaw} per engine, mode and {@code B};
 *       the fast prediction at the target {@code n} scaled by its certified work (rank, or monomials
 *       {@code C(T+g, g)}) at that {@code n} over the work at the largest fitted {@code n}; from these the crossover
 *       {@code n*} where the fast engine beats exact and the speed-up at the target sizes.</li>
 * </ol>
 * An engine that certifies no polynomial at some B (eps below the double rounding floor, or over its cap) never
 * beats exact there.
 */
public final class PhaseTransitionMeasurement extends SectionedMeasurement {
    static final Set<Quantity> FORWARD = EnumSet.of(Quantity.ALPHA, Quantity.ATTENTION, Quantity.C, Quantity.LOSS);
    static final Set<Quantity> GRADIENT = EnumSet.of(Quantity.ATTENTION, Quantity.LOSS, Quantity.GRAD_X, Quantity.GRAD_WQ,
            Quantity.GRAD_WK, Quantity.GRAD_WV);
    static final int[] FIT_N = {1 << 10, 1 << 11, 1 << 12};
    static final long SEED = 1;

    private final Engines engines;

    public PhaseTransitionMeasurement(Engines engines) {
        this.engines = engines;
    }

    @Override
    public String id() {
        return "phase-transition";
    }

    @Override
    public String title() {
        return "bounded-entry phase transition";
    }

    static double[] grid(VerificationCases cases) {
        return cases.extended() ? new double[] {0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.625, 1.75, 1.875, 2, 2.25}
                : new double[] {0.5, 1, 1.5, 1.75, 2};
    }

    private final Map<String, RopeInstance> built = new java.util.HashMap<>();

    /** The RoPE instance at {@code (n, B)} (built once per run: building one at n = 2^16 takes seconds). */
    RopeInstance instance(int n, double b) {
        return built.computeIfAbsent(n + "|" + b, k -> InstanceGenerator.build(new InstanceGenerator.Params(n, 2,
                InstanceGenerator.Family.ROPE, b, SEED)));
    }

    /** The target sizes: 2^14 and 2^16 with {@code --full}, 2^12 alone in {@code --quick} (its time budget). */
    static int[] targets(VerificationCases cases) {
        return cases.extended() ? new int[] {1 << 14, 1 << 16} : new int[] {1 << 12};
    }

    /** What an engine certifies on one instance: beta, degree, work (rank or monomials), or why it refuses. */
    record Cert(double beta, int degree, double work, String refused) {
    }

    static Cert certify(RopeAttentionEngine e, RopeInstance in, int terms) {
        try {
            if (e instanceof RopeLowRankEngine_F64 lr) {
                ExpPolynomial p = lr.polynomial(in);
                return new Cert(p.beta(), p.degree(), lr.rank(in), null);
            }
            if (e instanceof RopeFftEngine_F64 f) {
                ExpPolynomial p = f.polynomial(in);
                return new Cert(p.beta(), p.degree(), terms > 0 ? multisets(terms, p.degree()) : Double.NaN, null);
            }
        } catch (IllegalArgumentException refused) {
            return new Cert(Double.NaN, -1, Double.NaN, refused.getMessage());
        }
        return new Cert(Double.NaN, -1, Double.NaN, e.name() + " is not a polynomial-method engine");
    }

    /** {@code C(t + g, g)} as a double. */
    static double multisets(int t, int g) {
        double r = 1;
        for (int i = 1; i <= g; i++) {
            r = r * (t + i) / i;
        }
        return r;
    }

    @Override
    public List<Series> run(VerificationCases cases, Progress progress) {
        double[] grid = grid(cases);
        int[] tgt = targets(cases);
        built.clear();
        Map<String, RopeAttentionEngine> fast = new LinkedHashMap<>();
        for (String name : List.of("fast-fft", "fast-lowrank")) {
            engines.engine(name).ifPresent(e -> fast.put(name, e));
        }
        if (fast.isEmpty()) {
            return List.of();
        }
        // 1. certificates at the target sizes
        Map<String, Cert[][]> certs = new LinkedHashMap<>();
        for (Map.Entry<String, RopeAttentionEngine> e : fast.entrySet()) {
            Cert[][] c = new Cert[tgt.length][grid.length];
            for (int t = 0; t < tgt.length; t++) {
                for (int b = 0; b < grid.length; b++) {
                    progress.step("phase transition: " + e.getKey() + " certificate n=" + tgt[t] + " B=" + grid[b], b,
                            grid.length);
                    c[t][b] = certify(e.getValue(), instance(tgt[t], grid[b]), 0);
                }
            }
            certs.put(e.getKey(), c);
        }
        // threshold: B where the certified beta (low rank if present: the rotated scores; else fft) crosses ln n
        String thresholdEngine = certs.containsKey("fast-lowrank") ? "fast-lowrank" : certs.keySet().iterator().next();
        double[] threshold = new double[tgt.length];
        for (int t = 0; t < tgt.length; t++) {
            threshold[t] = crossing(grid, certs.get(thresholdEngine)[t], Math.log(tgt[t]));
        }
        List<SvgChart.Panel> panels = new ArrayList<>();
        List<SvgChart.Rule> rules = new ArrayList<>();
        for (int t = 0; t < tgt.length; t++) {
            if (Double.isFinite(threshold[t])) {
                rules.add(new SvgChart.Rule(true, threshold[t], "beta = ln 2^" + log2(tgt[t]), t == 0 ? "#b00" : "#d60"));
            }
        }
        List<SvgChart.Line> betaLines = new ArrayList<>();
        List<SvgChart.Line> degLines = new ArrayList<>();
        for (Map.Entry<String, Cert[][]> e : certs.entrySet()) {
            for (int t = 0; t < tgt.length; t++) {
                Cert[] c = e.getValue()[t];
                betaLines.add(new SvgChart.Line(e.getKey() + " n=2^" + log2(tgt[t]), grid, map(c, x -> x.beta())));
                degLines.add(new SvgChart.Line(e.getKey() + " degree n=2^" + log2(tgt[t]), grid,
                        map(c, x -> x.degree() < 0 ? Double.NaN : x.degree())));
                if (e.getKey().equals("fast-lowrank")) {
                    degLines.add(new SvgChart.Line("fast-lowrank rank n=2^" + log2(tgt[t]), grid, map(c, x -> x.work())));
                }
            }
        }
        List<SvgChart.Rule> betaRules = new ArrayList<>(rules);
        for (int t = 0; t < tgt.length; t++) {
            betaRules.add(new SvgChart.Rule(false, Math.log(tgt[t]), "ln 2^" + log2(tgt[t]), "#888"));
        }
        panels.add(new SvgChart.Panel("certified score bound beta", SvgChart.Scale.linear("entry bound B"),
                SvgChart.Scale.log10("beta"), betaLines, betaRules));
        panels.add(new SvgChart.Panel("certified degree g and rank", SvgChart.Scale.linear("entry bound B"),
                SvgChart.Scale.log10("degree / rank"), degLines, rules));
        TextTable certTable = new TextTable("B", "n", "engine", "beta", "degree", "rank (low rank)", "refused");
        for (Map.Entry<String, Cert[][]> e : certs.entrySet()) {
            for (int t = 0; t < tgt.length; t++) {
                for (int b = 0; b < grid.length; b++) {
                    Cert c = e.getValue()[t][b];
                    certTable.row(TightnessFigures.fmt(grid[b]), "2^" + log2(tgt[t]), e.getKey(), TextTable.num(c.beta()),
                            c.degree() < 0 ? "-" : Integer.toString(c.degree()),
                            Double.isNaN(c.work()) ? "-" : TextTable.num(c.work()),
                            c.refused() == null ? "" : c.refused());
                }
            }
        }
        List<ReportContent.Section> secs = new ArrayList<>();
        StringBuilder thrText = new StringBuilder("The certified beta crosses ln n at");
        for (int t = 0; t < tgt.length; t++) {
            thrText.append(t == 0 ? "" : " and").append(" B = ").append(TextTable.num(threshold[t])).append(" (n = 2^")
                    .append(log2(tgt[t])).append(')');
        }
        String thr = thrText + " (" + thresholdEngine + ", linear interpolation on the grid).";
        secs.add(new ReportContent.Section("Phase transition: certificates", certTable, thr));
        StringBuilder sizes = new StringBuilder();
        for (int t = 0; t < tgt.length; t++) {
            sizes.append(t == 0 ? "" : " and ").append("2^").append(log2(tgt[t]));
        }
        String caption = "Certified beta, degree and rank against the entry bound B at n = " + sizes + " (RoPE, d = 2,"
                + " seed 1); dashed verticals: where beta(B) reaches ln n, the AS23 threshold B_AS ~ sqrt(log n). ";
        if (cases.extended()) {
            caption += timings(grid, tgt, fast, certs, panels, rules, secs, progress);
        } else {
            caption += "Timings and crossovers are measured by verify --full only.";
        }
        produced(secs, List.of(new TightnessFigures.Figure("phase-transition", "Bounded-entry phase transition",
                SvgChart.render(panels, 3, false), caption, panels)));
        return List.of();
    }

    /** Timings, fits, crossovers and speed-ups; adds panels and a section; returns the caption's sentence. */
    private String timings(double[] grid, int[] tgt, Map<String, RopeAttentionEngine> fast, Map<String, Cert[][]> certs,
            List<SvgChart.Panel> panels, List<SvgChart.Rule> rules, List<ReportContent.Section> secs, Progress progress) {
        RopeAttentionEngine exact = engines.engine("exact").orElse(null);
        if (exact == null) {
            return "No exact engine in this build: no crossover.";
        }
        Map<String, PowerLaw> exactFit = new LinkedHashMap<>();
        TextTable fitTable = new TextTable("engine", "mode", "B", "c (ms)", "k", "RMS ln t",
                "CPU times at 2^10, 2^11, 2^12 (ms)");
        for (String mode : List.of("forward", "gradient")) {
            Set<Quantity> q = mode.equals("forward") ? FORWARD : GRADIENT;
            double[] t = time(exact, q, 1.0, progress, "exact " + mode);
            PowerLaw p = PowerLaw.fit(toDouble(FIT_N), t);
            exactFit.put(mode, p);
            fitTable.row("exact", mode, "1 (exact cost does not depend on B)", TextTable.num(p.c()), f3(p.k()), f3(p.rmsLog()),
                    join(t));
        }
        TextTable result = new TextTable("engine", "mode", "B", "n* (fast beats exact above)", "speed-up at 2^14",
                tgt.length > 1 ? "speed-up at 2^16" : "-");
        List<String> headline = new ArrayList<>();
        List<SvgChart.Line> crossLines = new ArrayList<>();
        List<SvgChart.Line> speedLines = new ArrayList<>();
        for (Map.Entry<String, RopeAttentionEngine> e : fast.entrySet()) {
            for (String mode : List.of("forward", "gradient")) {
                Set<Quantity> q = mode.equals("forward") ? FORWARD : GRADIENT;
                double[] nStar = new double[grid.length];
                double[][] speed = new double[tgt.length][grid.length];
                double[] stop = {Double.NaN, Double.NaN};
                double kRef = Double.NaN;
                String kRefAt = "";
                for (int b = 0; b < grid.length; b++) {
                    double[] t;
                    int terms;
                    double probeMs;
                    try {
                        double c0 = cpuMs();
                        RopeResult probe = e.getValue().compute(instance(FIT_N[0], grid[b]), q);
                        probeMs = cpuMs() - c0;
                        terms = Integer.parseInt(probe.metadata().getOrDefault("terms", "0"));
                        t = probeMs > PROBE_LIMIT_MS && Double.isFinite(kRef) ? null
                                : time(e.getValue(), q, grid[b], progress, e.getKey() + " " + mode + " B=" + grid[b]);
                    } catch (IllegalArgumentException refused) {
                        t = null;
                        terms = 0;
                        probeMs = Double.NaN;
                    }
                    PowerLaw p = null;
                    String how = "";
                    if (t != null) {
                        p = PowerLaw.fit(toDouble(FIT_N), t);
                        how = join(t);
                        if (Double.isNaN(kRef)) {
                            kRef = p.k();
                            kRefAt = TightnessFigures.fmt(grid[b]);
                        }
                    } else if (Double.isFinite(probeMs)) {
                        // too costly to time at every fit size: one timing at 2^10, the exponent fitted at the first B
                        p = new PowerLaw(probeMs / Math.pow(FIT_N[0], kRef), kRef, Double.NaN);
                        how = String.format(Locale.ROOT, "%.1f at 2^10 only; k from B = %s", probeMs, kRefAt);
                    }
                    if (p == null) {
                        nStar[b] = Double.POSITIVE_INFINITY;
                        for (int k = 0; k < tgt.length; k++) {
                            speed[k][b] = 0;
                        }
                        result.row(e.getKey(), mode, TightnessFigures.fmt(grid[b]), "never (refused)", "0", "0");
                    } else {
                        int refN = t != null ? FIT_N[FIT_N.length - 1] : FIT_N[0];
                        Cert atFit = certify(e.getValue(), instance(refN, grid[b]), terms);
                        fitTable.row(e.getKey(), mode, TightnessFigures.fmt(grid[b]), TextTable.num(p.c()), f3(p.k()),
                                f3(p.rmsLog()), how);
                        for (int k = 0; k < tgt.length; k++) {
                            Cert c = certify(e.getValue(), instance(tgt[k], grid[b]), terms);
                            double scale = c.refused() != null ? Double.POSITIVE_INFINITY : c.work() / atFit.work();
                            speed[k][b] = exactFit.get(mode).at(tgt[k]) / (p.at(tgt[k]) * scale);
                            if (k == 0) {
                                nStar[b] = p.crossover(exactFit.get(mode), scale);
                            }
                        }
                        result.row(e.getKey(), mode, TightnessFigures.fmt(grid[b]), TextTable.num(nStar[b]),
                                TextTable.num(speed[0][b]), tgt.length > 1 ? TextTable.num(speed[1][b]) : "-");
                    }
                    for (int k = 0; k < tgt.length; k++) {
                        if (Double.isNaN(stop[k]) && !(speed[k][b] > 1)) {
                            stop[k] = grid[b];
                        }
                    }
                }
                crossLines.add(new SvgChart.Line(e.getKey() + " " + mode, grid, nStar));
                for (int k = 0; k < tgt.length; k++) {
                    speedLines.add(new SvgChart.Line(e.getKey() + " " + mode + " 2^" + log2(tgt[k]), grid, speed[k]));
                }
                headline.add(String.format(Locale.ROOT, "%s %s stops beating exact at B = %s (n = 2^14), B = %s (n = 2^16)",
                        e.getKey(), mode, Double.isNaN(stop[0]) ? "> " + grid[grid.length - 1] : TightnessFigures.fmt(stop[0]),
                        Double.isNaN(stop[1]) ? "> " + grid[grid.length - 1] : TightnessFigures.fmt(stop[1])));
            }
        }
        panels.add(new SvgChart.Panel("crossover n* (fast beats exact for n > n*)", SvgChart.Scale.linear("entry bound B"),
                SvgChart.Scale.log10("n*"), crossLines, rules));
        List<SvgChart.Rule> speedRules = new ArrayList<>(rules);
        speedRules.add(new SvgChart.Rule(false, 1, "speed-up 1", "#444"));
        panels.add(new SvgChart.Panel("speed-up over exact at n = 2^14, 2^16", SvgChart.Scale.linear("entry bound B"),
                SvgChart.Scale.log10("exact time / fast time"), speedLines, speedRules));
        String head = String.join("; ", headline) + ".";
        secs.add(new ReportContent.Section("Phase transition: crossover and speed-up", result, "Headline: " + head
                + " Model: t = c n^k (process CPU time) fitted per engine, mode and B over n = 2^10..2^12 (best of two"
                + " after a warm-up; where one run at 2^10 costs over 2 s, that run alone with the exponent of the first B);"
                + " the fast prediction at a target n is scaled by its certified work there over the work at the n it was"
                + " timed at (2^12, or 2^10);"
                + " exact is fitted once (its cost does not depend on B). An infinite n* means the fitted fast exponent"
                + " is not below exact's or the engine refused."));
        secs.add(new ReportContent.Section("Phase transition: fitted cost models", fitTable, "Process CPU times in ms on"
                + " this machine (all threads); they vary between runs and with the load, the certificates above do not."));
        return "Crossover n* and speed-up from power laws fitted to CPU times at n = 2^10..2^12. " + head;
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

    /** A probe at n = 2^10 costing more than this (CPU ms) is not repeated at every fit size. */
    static final double PROBE_LIMIT_MS = 2000;

    /**
     * Process CPU time (ms) per call at each {@link #FIT_N}: best of two after one warm-up (one when a call costs
     * over 2 s), a fast call repeated until 100 ms of CPU have accumulated (the clock counts ticks).
     */
    private double[] time(RopeAttentionEngine e, Set<Quantity> q, double b, Progress progress, String label) {
        double[] t = new double[FIT_N.length];
        for (int i = 0; i < FIT_N.length; i++) {
            progress.step("timing " + label + " n=" + FIT_N[i], i, FIT_N.length);
            RopeInstance in = instance(FIT_N[i], b);
            Set<Quantity> wanted = EnumSet.copyOf(q);
            wanted.retainAll(e.supported(in));
            if (i == 0) {
                e.compute(in, wanted);
            }
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
            t[i] = best;
        }
        return t;
    }

    /** The B at which {@code beta(B)} first reaches {@code level}, linearly interpolated; NaN when it never does. */
    static double crossing(double[] grid, Cert[] c, double level) {
        for (int b = 0; b < grid.length; b++) {
            double beta = c[b].refused() != null ? Double.POSITIVE_INFINITY : c[b].beta();
            if (beta >= level) {
                if (b == 0) {
                    return grid[0];
                }
                double prev = c[b - 1].beta();
                if (!Double.isFinite(beta) || !Double.isFinite(prev)) {
                    return grid[b];
                }
                return grid[b - 1] + (grid[b] - grid[b - 1]) * (level - prev) / (beta - prev);
            }
        }
        return Double.NaN;
    }

    private static double[] map(Cert[] c, java.util.function.ToDoubleFunction<Cert> f) {
        double[] out = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            out[i] = f.applyAsDouble(c[i]);
        }
        return out;
    }

    private static int log2(int n) {
        return Integer.numberOfTrailingZeros(n);
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
