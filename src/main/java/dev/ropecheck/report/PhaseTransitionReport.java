package dev.ropecheck.report;

import dev.ropecheck.report.PhaseTransitionMeasurement.Cert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The phase transition's figure panels, tables, section texts and caption, from the certificates
 * ({@link PhaseTransitionMeasurement}) and, with {@code --full}, the crossovers ({@link PhaseTransitionCrossover}).
 */
final class PhaseTransitionReport {
    private PhaseTransitionReport() {
    }

    /** The dashed verticals where the certified beta reaches {@code ln n}, one per target size it reaches it at. */
    static List<SvgChart.Rule> thresholdRules(double[] threshold, int[] tgt) {
        List<SvgChart.Rule> rules = new ArrayList<>();
        for (int t = 0; t < tgt.length; t++) {
            if (Double.isFinite(threshold[t])) {
                rules.add(new SvgChart.Rule(true, threshold[t], "beta = ln 2^" + log2(tgt[t]), t == 0 ? "#b00" : "#d60"));
            }
        }
        return rules;
    }

    /** The panels of certified beta, and of certified degree and rank, against B. */
    static List<SvgChart.Panel> certificatePanels(double[] grid, int[] tgt, Map<String, Cert[][]> certs,
            List<SvgChart.Rule> rules) {
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
        return List.of(
                new SvgChart.Panel("certified score bound beta", SvgChart.Scale.linear("entry bound B"),
                        SvgChart.Scale.log10("beta"), betaLines, betaRules),
                new SvgChart.Panel("certified degree g and rank", SvgChart.Scale.linear("entry bound B"),
                        SvgChart.Scale.log10("degree / rank"), degLines, rules));
    }

    /** The section of every certificate, per engine, target size and B, under the threshold sentence. */
    static ReportContent.Section certificates(double[] grid, int[] tgt, Map<String, Cert[][]> certs, double[] threshold,
            String thresholdEngine) {
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
        StringBuilder thrText = new StringBuilder("The certified beta crosses ln n at");
        for (int t = 0; t < tgt.length; t++) {
            thrText.append(t == 0 ? "" : " and").append(" B = ").append(TextTable.num(threshold[t])).append(" (n = 2^")
                    .append(log2(tgt[t])).append(')');
        }
        String thr = thrText + " (" + thresholdEngine + ", linear interpolation on the grid).";
        return new ReportContent.Section("Phase transition: certificates", certTable, thr);
    }

    /** The figure caption's first sentences: what is plotted, at which sizes. */
    static String caption(int[] tgt) {
        StringBuilder sizes = new StringBuilder();
        for (int t = 0; t < tgt.length; t++) {
            sizes.append(t == 0 ? "" : " and ").append("2^").append(log2(tgt[t]));
        }
        return "Certified beta, degree and rank against the entry bound B at n = " + sizes + " (RoPE, d = 2,"
                + " seed 1); dashed verticals: where beta(B) reaches ln n, the AS23 threshold B_AS ~ sqrt(log n). ";
    }

    /** Adds the crossover and speed-up panels and their two sections; returns the caption's sentence. */
    static String timings(PhaseTransitionCrossover x, List<SvgChart.Panel> panels, List<SvgChart.Rule> rules,
            List<ReportContent.Section> secs) {
        panels.add(new SvgChart.Panel("crossover n* (fast beats exact for n > n*)", SvgChart.Scale.linear("entry bound B"),
                SvgChart.Scale.log10("n*"), x.crossLines, rules));
        List<SvgChart.Rule> speedRules = new ArrayList<>(rules);
        speedRules.add(new SvgChart.Rule(false, 1, "speed-up 1", "#444"));
        panels.add(new SvgChart.Panel("speed-up over exact at n = 2^14, 2^16", SvgChart.Scale.linear("entry bound B"),
                SvgChart.Scale.log10("exact time / fast time"), x.speedLines, speedRules));
        String head = String.join("; ", x.headline) + ".";
        secs.add(new ReportContent.Section("Phase transition: crossover and speed-up", x.result, "Headline: " + head
                + " Model: t = c n^k (process CPU time) fitted per engine, mode and B over n = 2^10..2^12 (best of two"
                + " after a warm-up; where one run at 2^10 costs over 2 s, that run alone with the exponent of the first B);"
                + " the fast prediction at a target n is scaled by its certified work there over the work at the n it was"
                + " timed at (2^12, or 2^10);"
                + " exact is fitted once (its cost does not depend on B). An infinite n* means the fitted fast exponent"
                + " is not below exact's or the engine refused."));
        secs.add(new ReportContent.Section("Phase transition: fitted cost models", x.fitTable, "Process CPU times in ms on"
                + " this machine (all threads); they vary between runs and with the load, the certificates above do not."));
        return "Crossover n* and speed-up from power laws fitted to CPU times at n = 2^10..2^12. " + head;
    }

    static int log2(int n) {
        return Integer.numberOfTrailingZeros(n);
    }

    private static double[] map(Cert[] c, java.util.function.ToDoubleFunction<Cert> f) {
        double[] out = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            out[i] = f.applyAsDouble(c[i]);
        }
        return out;
    }
}
