package dev.ropecheck.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small multiples in SVG: a grid of panels, each with lines (a value and, optionally, a min..max range per
 * point), log or linear axes with at most about six labelled ticks, horizontal and vertical reference lines,
 * and markers on the axis floor for values that a log axis cannot show (exact zeros). The output depends only
 * on the data (fixed number formatting), so the same run gives the same bytes.
 */
public final class SvgChart {
    /** An axis: log (base 2 or 10 ticks) or linear. */
    public record Scale(String label, boolean log, int base) {
        public static Scale log2(String label) {
            return new Scale(label, true, 2);
        }

        public static Scale log10(String label) {
            return new Scale(label, true, 10);
        }

        public static Scale linear(String label) {
            return new Scale(label, false, 10);
        }
    }

    /**
     * One line of a panel.
     *
     * @param name legend text
     * @param x abscissae
     * @param y values (drawn as a line with markers)
     * @param low range lower ends (NaN or null: no range)
     * @param floor how many points at each x sit at the axis floor (exact zeros), or null
     */
    public record Line(String name, double[] x, double[] y, double[] low, int[] floor) {
        public Line(String name, double[] x, double[] y) {
            this(name, x, y, null, null);
        }
    }

    /** A reference line: horizontal ({@code vertical == false}) at y, or vertical at x. */
    public record Rule(boolean vertical, double at, String label, String color) {
    }

    /** One panel. */
    public record Panel(String title, Scale x, Scale y, List<Line> lines, List<Rule> rules) {
    }

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
        "#17becf"};
    private static final int W = 340;
    private static final int H = 230;
    private static final int LEFT = 58;
    private static final int RIGHT = 12;
    private static final int TOP = 26;
    private static final int BOTTOM = 40;

    private SvgChart() {
    }

    /**
     * The panels in a grid of {@code columns}; with {@code sharedY} every panel uses the union of the y ranges
     * (each panel still labels its own axis).
     */
    public static String render(List<Panel> panels, int columns, boolean sharedY) {
        return render(panels, columns, sharedY, 0);
    }

    /**
     * As {@link #render(List, int, boolean)}, with a log y axis that stops at {@code yFloor} (when positive): values
     * below it are drawn as filled triangles on the floor (the caller counts them in its caption).
     */
    public static String render(List<Panel> panels, int columns, boolean sharedY, double yFloor) {
        int cols = Math.max(1, Math.min(columns, panels.size()));
        int rows = (panels.size() + cols - 1) / cols;
        double[] shared = sharedY ? clip(yRange(panels), yFloor) : null;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n", cols * W, rows * H, cols * W,
                rows * H));
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        for (int p = 0; p < panels.size(); p++) {
            int ox = (p % cols) * W;
            int oy = (p / cols) * H;
            Panel panel = panels.get(p);
            double[] yr = shared != null ? shared : clip(yRange(List.of(panel)), yFloor);
            panel(sb, panel, ox, oy, yr);
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static double[] clip(double[] range, double floor) {
        return floor > 0 && range[0] < floor ? new double[] {floor, Math.max(range[1], floor * 10)} : range;
    }

    private static double[] yRange(List<Panel> panels) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        boolean log = panels.stream().allMatch(p -> p.y().log());
        for (Panel p : panels) {
            for (Line l : p.lines()) {
                for (int k = 0; k < l.y().length; k++) {
                    for (double v : new double[] {l.y()[k], l.low() == null ? Double.NaN : l.low()[k]}) {
                        if (Double.isFinite(v) && (!log || v > 0)) {
                            lo = Math.min(lo, v);
                            hi = Math.max(hi, v);
                        }
                    }
                }
            }
            for (Rule r : p.rules()) {
                if (!r.vertical() && (!log || r.at() > 0)) {
                    lo = Math.min(lo, r.at());
                    hi = Math.max(hi, r.at());
                }
            }
        }
        if (!(lo <= hi)) {
            return new double[] {log ? 0.1 : 0, 1};
        }
        if (log) {
            double a = Math.pow(10, Math.floor(Math.log10(lo)));
            double b = Math.pow(10, Math.ceil(Math.log10(hi)));
            return new double[] {a, b <= a ? a * 10 : b};
        }
        double pad = hi == lo ? Math.max(1, Math.abs(hi)) * 0.1 : (hi - lo) * 0.05;
        return new double[] {Math.min(0, lo), hi + pad};
    }

    private static double[] xRange(Panel p) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Line l : p.lines()) {
            for (double v : l.x()) {
                if (Double.isFinite(v) && (!p.x().log() || v > 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        for (Rule r : p.rules()) {
            if (r.vertical() && Double.isFinite(r.at())) {
                lo = Math.min(lo, r.at());
                hi = Math.max(hi, r.at());
            }
        }
        if (!(lo <= hi)) {
            return new double[] {1, 2};
        }
        if (lo == hi) {
            return p.x().log() ? new double[] {lo / 2, hi * 2} : new double[] {lo - 1, hi + 1};
        }
        if (!p.x().log()) {
            double pad = (hi - lo) * 0.04;
            return new double[] {lo - pad, hi + pad};
        }
        double f = Math.pow(hi / lo, 0.04);
        return new double[] {lo / f, hi * f};
    }

    /** A panel's placement: its origin, plot box and the two axis mappings. */
    private record Frame(int ox, int oy, int x0, int y0, int pw, int ph, double[] xr, double[] yr, Mapper mx, Mapper my) {
    }

    private static void panel(StringBuilder sb, Panel p, int ox, int oy, double[] yr) {
        double[] xr = xRange(p);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        int x0 = ox + LEFT;
        int y0 = oy + TOP;
        Mapper mx = new Mapper(xr[0], xr[1], p.x().log(), x0, x0 + pw);
        Mapper my = new Mapper(yr[0], yr[1], p.y().log(), y0 + ph, y0);
        Frame fr = new Frame(ox, oy, x0, y0, pw, ph, xr, yr, mx, my);
        axes(sb, p, fr);
        rules(sb, p, fr);
        long named = p.lines().stream().filter(l -> !l.name().isEmpty()).count();
        int legendY = (int) (y0 + ph - 12 - 12 * (named - 1));
        for (int li = 0; li < p.lines().size(); li++) {
            Line l = p.lines().get(li);
            String c = COLORS[li % COLORS.length];
            line(sb, p, l, c, fr);
            if (!l.name().isEmpty()) {
                sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"3\" fill=\"%s\"/>"
                        + "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text>\n", x0 + 6, legendY - 4, c, x0 + 19, legendY,
                        Html.escape(l.name())));
                legendY += 12;
            }
        }
    }

    /** The title, the plot box, the ticks with their grid lines, and the axis labels. */
    private static void axes(StringBuilder sb, Panel p, Frame fr) {
        int ox = fr.ox();
        int oy = fr.oy();
        int x0 = fr.x0();
        int y0 = fr.y0();
        int pw = fr.pw();
        int ph = fr.ph();
        double[] xr = fr.xr();
        double[] yr = fr.yr();
        Mapper mx = fr.mx();
        Mapper my = fr.my();
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\" font-size=\"12\">%s</text>\n",
                x0, oy + 16, Html.escape(p.title())));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#888\"/>\n", x0, y0, pw, ph));
        for (double t : ticks(yr[0], yr[1], p.y())) {
            double y = my.map(t);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", x0, x0 + pw, y, y, x0 - 4, y + 4,
                    tickLabel(t, p.y())));
        }
        for (double t : ticks(xr[0], xr[1], p.x())) {
            double x = mx.map(t);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#e4e4e4\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, x, y0, y0 + ph, x, y0 + ph + 14,
                    tickLabel(t, p.x())));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#444\">%s</text>\n",
                x0 + pw / 2, y0 + ph + 30, Html.escape(p.x().label())));
        sb.append(String.format(Locale.ROOT, "<text transform=\"translate(%d,%d) rotate(-90)\" text-anchor=\"middle\" "
                + "fill=\"#444\">%s</text>\n", ox + 12, y0 + ph / 2, Html.escape(p.y().label())));
    }

    /** The dashed reference lines, vertical (at an abscissa) or horizontal (at an ordinate). */
    private static void rules(StringBuilder sb, Panel p, Frame fr) {
        int x0 = fr.x0();
        int y0 = fr.y0();
        int pw = fr.pw();
        int ph = fr.ph();
        Mapper mx = fr.mx();
        Mapper my = fr.my();
        for (Rule r : p.rules()) {
            if (r.vertical()) {
                double x = mx.map(r.at());
                sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" "
                        + "stroke-dasharray=\"5,3\"/><text x=\"%.1f\" y=\"%d\" fill=\"%s\" font-size=\"10\" "
                        + "text-anchor=\"%s\">%s</text>\n", x, x, y0, y0 + ph, r.color(), x > x0 + pw * 0.6 ? x - 3 : x + 3,
                        y0 + 11, r.color(), x > x0 + pw * 0.6 ? "end" : "start", Html.escape(r.label())));
            } else if (!p.y().log() || r.at() > 0) {
                double y = my.map(r.at());
                sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                        + "stroke-dasharray=\"5,3\"/><text x=\"%d\" y=\"%.1f\" fill=\"%s\" font-size=\"10\" "
                        + "text-anchor=\"end\">%s</text>\n", x0, x0 + pw, y, y, r.color(), x0 + pw - 3, y - 3, r.color(),
                        Html.escape(r.label())));
            }
        }
    }

    /**
     * One line: floor triangles for exact zeros and points below the axis, a bar down to each point's smallest
     * value, the dots and the path through them.
     */
    private static void line(StringBuilder sb, Panel p, Line l, String c, Frame fr) {
        int y0 = fr.y0();
        int ph = fr.ph();
        double[] yr = fr.yr();
        Mapper mx = fr.mx();
        Mapper my = fr.my();
        StringBuilder path = new StringBuilder();
        for (int k = 0; k < l.x().length; k++) {
            double xv = l.x()[k];
            double yv = l.y()[k];
            if (l.floor() != null && l.floor()[k] > 0) {
                double fx = mx.map(xv);
                sb.append(String.format(Locale.ROOT, "<path d=\"M%.1f %d l-4 -7 h8 z\" fill=\"none\" stroke=\"%s\"/>\n",
                        fx, y0 + ph, c));
            }
            if (!Double.isFinite(xv) || !Double.isFinite(yv) || p.x().log() && xv <= 0 || p.y().log() && yv <= 0) {
                continue;
            }
            if (p.y().log() && yv < yr[0]) {
                sb.append(String.format(Locale.ROOT, "<path d=\"M%.1f %d l-4 -7 h8 z\" fill=\"%s\"/>\n", mx.map(xv),
                        y0 + ph, c));
                continue;
            }
            double px = mx.map(xv);
            double py = my.map(yv);
            path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", px, py));
            if (l.low() != null && Double.isFinite(l.low()[k]) && (!p.y().log() || l.low()[k] > 0)
                    && l.low()[k] < yv) {
                sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
                        + "stroke=\"%s\" stroke-opacity=\"0.45\" stroke-width=\"3\"/>\n", px, px,
                        my.map(Math.max(l.low()[k], yr[0])), py, c));
            }
            sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n", px, py, c));
        }
        if (path.length() > 0) {
            sb.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(c)
                    .append("\" stroke-width=\"1.5\"/>\n");
        }
    }

    /** At most about six ticks: decades (or powers of two) thinned to every k-th; linear: 1, 2 or 5 times 10^m. */
    static List<Double> ticks(double lo, double hi, Scale s) {
        List<Double> out = new ArrayList<>();
        if (s.log()) {
            double lb = Math.log(s.base());
            int a = (int) Math.ceil(Math.log(lo) / lb - 1e-9);
            int b = (int) Math.floor(Math.log(hi) / lb + 1e-9);
            int[] steps = s.base() == 2 ? new int[] {1, 2, 4, 8, 16, 32} : new int[] {1, 2, 5, 10, 20, 50};
            int step = steps[steps.length - 1];
            for (int st : steps) {
                if (Math.floorDiv(b, st) - Math.floorDiv(a - 1, st) <= 6) {
                    step = st;
                    break;
                }
            }
            for (int e = a; e <= b; e++) {
                if (Math.floorMod(e, step) == 0) {
                    out.add(Math.pow(s.base(), e));
                }
            }
            return out;
        }
        double span = hi - lo;
        double raw = span / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        for (double t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * span; t += step) {
            out.add(Math.abs(t) < 1e-12 * span ? 0 : t);
        }
        return out;
    }

    static String tickLabel(double t, Scale s) {
        if (s.log()) {
            int e = (int) Math.round(Math.log(t) / Math.log(s.base()));
            if (s.base() == 2) {
                return e == 0 ? "1" : e <= 6 && e > 0 ? Integer.toString(1 << e)
                        : "2<tspan dy=\"-5\" font-size=\"9\">" + e + "</tspan>";
            }
            return e == 0 ? "1" : "10<tspan dy=\"-5\" font-size=\"9\">" + e + "</tspan>";
        }
        if (t == Math.rint(t) && Math.abs(t) < 1e6) {
            return Long.toString((long) t);
        }
        String v = String.format(Locale.ROOT, "%.3g", t);
        return v.contains(".") ? v.replaceAll("0+$", "").replaceAll("\\.$", "") : v;
    }

    private record Mapper(double lo, double hi, boolean log, double a, double b) {
        double map(double v) {
            double t = log ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (v - lo) / (hi - lo);
            return a + t * (b - a);
        }
    }
}
