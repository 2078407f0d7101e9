package dev.ropecheck.report;

import dev.ropecheck.approx.ExpApproximations;
import dev.ropecheck.approx.Method;
import dev.ropecheck.bounds.ExpApproximationBound;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lemma 3.4's degree against AA22: the minimal certified degree ({@link ExpApproximations#minimalDegree}, full
 * {@code eta} with coefficient and Horner rounding) of Taylor and Chebyshev over a {@code (beta, eps)} grid, fitted
 * to {@code max(a L/ln(L/B), b B)} ({@link DegreeFit}); the table of fitted constants and residuals, the degree
 * table with the fit beside it, and the erratum table (MATH §4's Taylor column is the Lagrange remainder; the
 * project's geometric-tail remainder needs fewer terms for {@code beta >= 2}; {@code proofs-notes/errata.md} item 1).
 */
public final class DegreeTableMeasurement extends SectionedMeasurement {

    @Override
    public String id() {
        return "lemma-3.4-degree-table";
    }

    @Override
    public String title() {
        return "Lemma 3.4 degree table against AA22";
    }

    static double[] betas(VerificationCases cases) {
        return cases.extended() ? new double[] {0.125, 0.25, 0.5, 1, 2, 3, 4, 6, 8, 12, 16}
                : new double[] {0.25, 0.5, 1, 2, 4, 8};
    }

    static double[] epss(VerificationCases cases) {
        return cases.extended() ? new double[] {1e-2, 1e-3, 1e-4, 1e-6, 1e-8, 1e-9, 1e-10, 1e-12}
                : new double[] {1e-3, 1e-6, 1e-9, 1e-12};
    }

    @Override
    public List<Series> run(VerificationCases cases, Progress progress) {
        double[] betas = betas(cases);
        double[] epss = epss(cases);
        List<List<DegreeFit.Point>> byMethod = degrees(betas, epss, progress);
        TextTable fits = new TextTable("method", "points", "a (L/ln(L/B) branch)", "b (B branch)", "RMS residual",
                "max |g - fit|", "max relative", "c in g = c AA22", "its RMS");
        List<DegreeFit.Fit> fitted = new ArrayList<>();
        for (int k = 0; k < Method.values().length; k++) {
            DegreeFit.Fit f = DegreeFit.fit(byMethod.get(k));
            fitted.add(f);
            fits.row(Method.values()[k].name().toLowerCase(Locale.ROOT), Integer.toString(byMethod.get(k).size()),
                    f4(f.a()), f4(f.b()), f4(f.rms()), f4(f.maxAbs()), f4(f.maxRel()), f4(f.ratio()), f4(f.ratioRms()));
        }
        List<SvgChart.Panel> panels = panels(betas, epss, byMethod, fitted);
        TextTable table = new TextTable("beta", "eps", "taylor", "taylor fit", "chebyshev", "chebyshev fit", "AA22 (a = b = 1)");
        for (double beta : betas) {
            for (double eps : epss) {
                table.row(TightnessFigures.fmt(beta), String.format(Locale.ROOT, "%.0e", eps),
                        degree(byMethod.get(0), beta, eps), f2(fitted.get(0).predict(beta, eps)),
                        degree(byMethod.get(1), beta, eps), f2(fitted.get(1).predict(beta, eps)),
                        f2(DegreeFit.aa22(beta, eps)));
            }
        }
        DegreeFit.Fit t = fitted.get(0);
        DegreeFit.Fit c = fitted.get(1);
        List<ReportContent.Section> sections = List.of(
                new ReportContent.Section("Lemma 3.4 against AA22: fitted constants", fits, String.format(Locale.ROOT,
                        "Minimal certified degree g over beta in %s and eps in %s (L = ln(1/eps), B = 2 beta), fitted by least"
                                + " squares to max(a L/ln(L/B), b B) (log-ratio replaced by 1 where L/B <= e). Taylor: a = %.3f,"
                                + " b = %.3f, RMS residual %.2f degrees; Chebyshev: a = %.3f, b = %.3f, RMS %.2f. The last two"
                                + " columns fit AA22's expression with one overall constant instead.", java.util.Arrays.toString(betas),
                        java.util.Arrays.toString(epss), t.a(), t.b(), t.rms(), c.a(), c.b(), c.rms())),
                new ReportContent.Section("Lemma 3.4 degree table", table, "Dash: below the double rounding floor (no"
                        + " certified polynomial). Fit columns: the fitted form at the point."),
                new ReportContent.Section("Lemma 3.4 erratum (MATH §4 degree table)", errata(), "MATH §4's Taylor column is"
                        + " the Lagrange remainder beta^(g+1) e^beta/(g+1)!, reproduced in the second column; the project"
                        + " certifies the smaller of it and the geometric-tail remainder, which needs fewer terms for beta >= 2"
                        + " (proofs-notes/errata.md item 1). The Chebyshev column is reproduced exactly."));
        produced(sections, List.of(new TightnessFigures.Figure("lemma-3.4-degree", "Lemma 3.4: minimal certified degree vs beta",
                SvgChart.render(panels, 4, false), "Left of each pair: the measured minimal degree per eps; right: the"
                        + " fitted AA22 form at the same eps (constants in the table above).", panels)));
        return List.of();
    }

    /** The minimal certified degree of each method at each {@code (beta, eps)}; none below the rounding floor. */
    private static List<List<DegreeFit.Point>> degrees(double[] betas, double[] epss, Progress progress) {
        List<List<DegreeFit.Point>> byMethod = new ArrayList<>();
        for (Method m : Method.values()) {
            List<DegreeFit.Point> pts = new ArrayList<>();
            for (double beta : betas) {
                progress.step("Lemma 3.4 degree table " + m + " beta " + beta, 0, 1);
                for (double eps : epss) {
                    try {
                        pts.add(new DegreeFit.Point(beta, eps, ExpApproximations.minimalDegree(m, beta, eps).degree()));
                    } catch (IllegalArgumentException belowFloor) {
                        // below the double rounding floor: no certified polynomial (a dash in the table)
                    }
                }
            }
            byMethod.add(pts);
        }
        return byMethod;
    }

    /** Per method: the measured degree per eps against beta, and the fitted form beside it. */
    private static List<SvgChart.Panel> panels(double[] betas, double[] epss, List<List<DegreeFit.Point>> byMethod,
            List<DegreeFit.Fit> fitted) {
        List<SvgChart.Panel> panels = new ArrayList<>();
        for (int k = 0; k < Method.values().length; k++) {
            List<SvgChart.Line> lines = new ArrayList<>();
            for (double eps : epss) {
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (DegreeFit.Point p : byMethod.get(k)) {
                    if (p.eps() == eps) {
                        xs.add(p.beta());
                        ys.add((double) p.degree());
                    }
                }
                lines.add(new SvgChart.Line(String.format(Locale.ROOT, "eps %.0e", eps), toArray(xs), toArray(ys)));
            }
            List<SvgChart.Line> fitLines = new ArrayList<>();
            for (double eps : epss) {
                double[] x = betas.clone();
                double[] y = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    y[i] = fitted.get(k).predict(x[i], eps);
                }
                fitLines.add(new SvgChart.Line("", x, y));
            }
            panels.add(new SvgChart.Panel(Method.values()[k].name().toLowerCase(Locale.ROOT) + ": measured degree",
                    SvgChart.Scale.log2("beta"), SvgChart.Scale.linear("minimal certified degree g"), lines, List.of()));
            panels.add(new SvgChart.Panel(Method.values()[k].name().toLowerCase(Locale.ROOT) + ": fit max(a L/ln(L/B), b B)",
                    SvgChart.Scale.log2("beta"), SvgChart.Scale.linear("fitted degree"), fitLines, List.of()));
        }
        return panels;
    }

    /** MATH §4's degree table beside the Lagrange degree recomputed and the project's certified degrees. */
    private static TextTable errata() {
        TextTable errata = new TextTable("beta", "eps", "MATH §4 Taylor (Lagrange remainder)", "Lagrange, recomputed",
                "project Taylor (min of Lagrange, geometric tail)", "MATH §4 Chebyshev", "project Chebyshev");
        double[] eb = {0.25, 0.5, 1, 2, 4};
        int[][] math4Taylor = {{3, 4, 6, 10, 17}, {7, 9, 12, 17, 25}};
        int[][] math4Cheb = {{2, 3, 5, 7, 11}, {6, 8, 10, 13, 18}};
        double[] ee = {1e-3, 1e-9};
        for (int e = 0; e < 2; e++) {
            for (int b = 0; b < eb.length; b++) {
                int lagrange = 0;
                while (ExpApproximationBound.taylorLagrangeRemainder(eb[b], lagrange) > ee[e]) {
                    lagrange++;
                }
                errata.row(TightnessFigures.fmt(eb[b]), String.format(Locale.ROOT, "%.0e", ee[e]),
                        Integer.toString(math4Taylor[e][b]), Integer.toString(lagrange),
                        Integer.toString(ExpApproximations.minimalDegree(Method.TAYLOR, eb[b], ee[e]).degree()),
                        Integer.toString(math4Cheb[e][b]),
                        Integer.toString(ExpApproximations.minimalDegree(Method.CHEBYSHEV, eb[b], ee[e]).degree()));
            }
        }
        return errata;
    }

    private static String degree(List<DegreeFit.Point> pts, double beta, double eps) {
        for (DegreeFit.Point p : pts) {
            if (p.beta() == beta && p.eps() == eps) {
                return Integer.toString(p.degree());
            }
        }
        return "—";
    }


    private static double[] toArray(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String f4(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
