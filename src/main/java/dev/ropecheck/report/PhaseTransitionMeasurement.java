package dev.ropecheck.report;

import dev.ropecheck.approx.ExpPolynomial;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.fast.RopeFftEngine_F64;
import dev.ropecheck.engine.fast.RopeLowRankEngine_F64;
import dev.ropecheck.io.InstanceGenerator;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
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
 *   <li>with timings ({@code --full} only): process CPU time ({@link PhaseTransitionTimings#cpuMs}; best of two after a warm-up) of exact
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
        Map<String, RopeAttentionEngine> fast = fastEngines();
        if (fast.isEmpty()) {
            return List.of();
        }
        Map<String, Cert[][]> certs = certificates(fast, grid, tgt, progress);
        // threshold: B where the certified beta (low rank if present: the rotated scores; else fft) crosses ln n
        String thresholdEngine = certs.containsKey("fast-lowrank") ? "fast-lowrank" : certs.keySet().iterator().next();
        double[] threshold = thresholds(grid, tgt, certs.get(thresholdEngine));
        List<SvgChart.Rule> rules = PhaseTransitionReport.thresholdRules(threshold, tgt);
        List<SvgChart.Panel> panels = new ArrayList<>(PhaseTransitionReport.certificatePanels(grid, tgt, certs, rules));
        List<ReportContent.Section> secs = new ArrayList<>();
        secs.add(PhaseTransitionReport.certificates(grid, tgt, certs, threshold, thresholdEngine));
        String caption = PhaseTransitionReport.caption(tgt);
        if (cases.extended()) {
            caption += timings(grid, tgt, fast, panels, rules, secs, progress);
        } else {
            caption += "Timings and crossovers are measured by verify --full only.";
        }
        produced(secs, List.of(new TightnessFigures.Figure("phase-transition", "Bounded-entry phase transition",
                SvgChart.render(panels, 3, false), caption, panels)));
        return List.of();
    }

    /** The fast engines of this build, fft before low rank. */
    private Map<String, RopeAttentionEngine> fastEngines() {
        Map<String, RopeAttentionEngine> fast = new LinkedHashMap<>();
        for (String name : List.of("fast-fft", "fast-lowrank")) {
            engines.engine(name).ifPresent(e -> fast.put(name, e));
        }
        return fast;
    }

    /** What each fast engine certifies at each target size and B: {@code [target][B]} per engine. */
    private Map<String, Cert[][]> certificates(Map<String, RopeAttentionEngine> fast, double[] grid, int[] tgt,
            Progress progress) {
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
        return certs;
    }

    /** Per target size, the B at which the certified beta of {@code certs[target]} crosses {@code ln n}. */
    private static double[] thresholds(double[] grid, int[] tgt, Cert[][] certs) {
        double[] threshold = new double[tgt.length];
        for (int t = 0; t < tgt.length; t++) {
            threshold[t] = crossing(grid, certs[t], Math.log(tgt[t]));
        }
        return threshold;
    }

    /** Timings, fits, crossovers and speed-ups; adds panels and sections; returns the caption's sentence. */
    private String timings(double[] grid, int[] tgt, Map<String, RopeAttentionEngine> fast, List<SvgChart.Panel> panels,
            List<SvgChart.Rule> rules, List<ReportContent.Section> secs, Progress progress) {
        RopeAttentionEngine exact = engines.engine("exact").orElse(null);
        if (exact == null) {
            return "No exact engine in this build: no crossover.";
        }
        PhaseTransitionCrossover x = new PhaseTransitionCrossover(this, new PhaseTransitionTimings(this, progress), grid, tgt);
        x.fitExact(exact);
        for (Map.Entry<String, RopeAttentionEngine> e : fast.entrySet()) {
            for (String mode : PhaseTransitionCrossover.MODES) {
                x.sweep(e.getKey(), e.getValue(), mode);
            }
        }
        return PhaseTransitionReport.timings(x, panels, rules, secs);
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
}
