package dev.ropecheck.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tightness figures: for each parameter ({@link TightnessPoint.Axis}), one panel per bound with the
 * {@code measured / bound} of every case, on a log axis shared by the panels, the bound itself ({@code 1})
 * drawn as a dashed line. Per abscissa and sub-group the dot is the largest tightness and the pale bar
 * reaches down to the smallest; exact zeros (tightness 0, not drawable on a log axis) are drawn as open
 * triangles on the axis floor and counted in the caption, never dropped silently.
 */
public final class TightnessFigures {
    /** A rendered figure: its file stem, title, SVG text, caption and the panels it draws (every plotted point). */
    public record Figure(String file, String title, String svg, String caption, List<SvgChart.Panel> panels) {
    }

    /** The tightness range of one bound at the largest {@code n} it reached. */
    public record AtLargestN(String bound, double n, int cases, double min, double max, String worst) {
    }

    /** The shared axis's floor: tightness below it (10 decades below the bound) is drawn on the floor and counted. */
    public static final double FLOOR = 1e-10;

    private TightnessFigures() {
    }

    /** One figure per axis that has points (n, B, eps, d, beta, in that order). */
    public static List<Figure> render(List<TightnessPoint> points) {
        List<Figure> out = new ArrayList<>();
        for (TightnessPoint.Axis axis : TightnessPoint.Axis.values()) {
            Map<String, List<TightnessPoint>> byBound = new LinkedHashMap<>();
            for (TightnessPoint p : points) {
                if (p.axis() == axis) {
                    byBound.computeIfAbsent(p.bound(), k -> new ArrayList<>()).add(p);
                }
            }
            if (!byBound.isEmpty()) {
                out.add(figure(axis, byBound));
            }
        }
        return out;
    }

    /** What a caption says of the points a figure does not draw as dots: exact zeros, below the floor, failed. */
    private record Undrawn(List<String> zeros, List<String> below, List<String> failed) {
    }

    /** One figure: a panel per bound, and the caption counting every point not drawn as a dot. */
    private static Figure figure(TightnessPoint.Axis axis, Map<String, List<TightnessPoint>> byBound) {
        List<SvgChart.Panel> panels = new ArrayList<>();
        Undrawn undrawn = new Undrawn(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (Map.Entry<String, List<TightnessPoint>> e : byBound.entrySet()) {
            panels.add(panel(axis, e.getKey(), e.getValue(), undrawn));
        }
        String svg = SvgChart.render(panels, 4, true, FLOOR);
        StringBuilder cap = new StringBuilder("Tightness (measured error / proved bound) of each case against "
                + axis.label() + ", one panel per bound, shared log axis; the dashed line is the bound (1). Dot: the"
                + " largest tightness at that " + axis.key() + "; pale bar: down to the smallest.");
        cap.append(undrawn.zeros().isEmpty() ? " No case measured an error of exactly 0."
                : " Cases with an error of exactly 0 (tightness 0, open triangles on the axis floor): "
                        + String.join("; ", undrawn.zeros()) + ".");
        if (!undrawn.below().isEmpty()) {
            cap.append(" Cases below the axis floor " + TextTable.num(FLOOR) + " (filled triangles on the floor): ")
                    .append(String.join("; ", undrawn.below())).append('.');
        }
        if (!undrawn.failed().isEmpty()) {
            cap.append(" Cases not drawn because they failed (infinite or NaN tightness): ")
                    .append(String.join("; ", undrawn.failed())).append('.');
        }
        return new Figure("tightness-vs-" + axis.key(), "Tightness vs " + axis.label(), svg, cap.toString(), panels);
    }

    /**
     * The panel of one bound: per series and abscissa the largest and smallest finite tightness and the count of
     * exact zeros; zeros, points below {@link #FLOOR} and failed (infinite) points are also named in {@code undrawn}.
     */
    private static SvgChart.Panel panel(TightnessPoint.Axis axis, String bound, List<TightnessPoint> points,
            Undrawn undrawn) {
        Map<String, TreeMap<Double, double[]>> bySeries = new LinkedHashMap<>();
        TreeMap<Double, Integer> zeroAt = new TreeMap<>();
        int inf = 0;
        int under = 0;
        double smallest = Double.POSITIVE_INFINITY;
        for (TightnessPoint p : points) {
            double r = p.ratio();
            if (r > 0 && r < FLOOR) {
                under++;
                smallest = Math.min(smallest, r);
            }
            double[] acc = bySeries.computeIfAbsent(p.series(), k -> new TreeMap<>())
                    .computeIfAbsent(p.x(), k -> new double[] {Double.NaN, Double.NaN, 0});
            if (r == 0) {
                acc[2]++;
                zeroAt.merge(p.x(), 1, Integer::sum);
            } else if (Double.isInfinite(r)) {
                inf++;
            } else {
                acc[0] = Double.isNaN(acc[0]) ? r : Math.max(acc[0], r);
                acc[1] = Double.isNaN(acc[1]) ? r : Math.min(acc[1], r);
            }
        }
        if (!zeroAt.isEmpty()) {
            int total = zeroAt.values().stream().mapToInt(Integer::intValue).sum();
            undrawn.zeros().add(bound + ": " + total + " at " + axis.key() + " = " + String.join(", ",
                    zeroAt.keySet().stream().map(TightnessFigures::fmt).toList()));
        }
        if (inf > 0) {
            undrawn.failed().add(bound + ": " + inf);
        }
        if (under > 0) {
            undrawn.below().add(bound + ": " + under + " (smallest " + TextTable.num(smallest) + ")");
        }
        return new SvgChart.Panel(bound, scale(axis), SvgChart.Scale.log10("measured / bound"), lines(bySeries),
                List.of(new SvgChart.Rule(false, 1, "bound", "#b00")));
    }

    /** One line per series: its abscissae, largest and smallest tightness, and exact-zero counts. */
    private static List<SvgChart.Line> lines(Map<String, TreeMap<Double, double[]>> bySeries) {
        List<SvgChart.Line> lines = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Double, double[]>> s : bySeries.entrySet()) {
            int k = s.getValue().size();
            double[] x = new double[k];
            double[] hi = new double[k];
            double[] lo = new double[k];
            int[] fl = new int[k];
            int i = 0;
            for (Map.Entry<Double, double[]> v : s.getValue().entrySet()) {
                x[i] = v.getKey();
                hi[i] = v.getValue()[0];
                lo[i] = v.getValue()[1];
                fl[i] = (int) v.getValue()[2];
                i++;
            }
            lines.add(new SvgChart.Line(bySeries.size() == 1 ? "" : s.getKey(), x, hi, lo, fl));
        }
        return lines;
    }

    /** Per bound with points against n: the cases at the largest n, their smallest and largest tightness. */
    public static List<AtLargestN> atLargestN(List<TightnessPoint> points) {
        Map<String, List<TightnessPoint>> byBound = new LinkedHashMap<>();
        for (TightnessPoint p : points) {
            if (p.axis() == TightnessPoint.Axis.N) {
                byBound.computeIfAbsent(p.bound(), k -> new ArrayList<>()).add(p);
            }
        }
        List<AtLargestN> out = new ArrayList<>();
        for (Map.Entry<String, List<TightnessPoint>> e : byBound.entrySet()) {
            double n = e.getValue().stream().mapToDouble(TightnessPoint::x).max().orElse(Double.NaN);
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            int cases = 0;
            String worst = "";
            for (TightnessPoint p : e.getValue()) {
                if (p.x() == n) {
                    cases++;
                    min = Math.min(min, p.ratio());
                    if (p.ratio() > max) {
                        max = p.ratio();
                        worst = p.replay();
                    }
                }
            }
            out.add(new AtLargestN(e.getKey(), n, cases, min, max, worst));
        }
        return out;
    }

    private static SvgChart.Scale scale(TightnessPoint.Axis axis) {
        switch (axis) {
            case N:
            case D:
                return SvgChart.Scale.log2(axis.label());
            case EPS:
                return SvgChart.Scale.log10(axis.label());
            default:
                return SvgChart.Scale.linear(axis.label());
        }
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
