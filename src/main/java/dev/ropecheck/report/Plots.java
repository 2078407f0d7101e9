package dev.ropecheck.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Renders the report's plots to PNG with XChart. On a log axis, points with a non-positive
 * coordinate cannot be drawn; they are left out and counted in the caption.
 */
public final class Plots {
    private Plots() {
    }

    /** A rendered plot. */
    public record Image(Plot plot, byte[] png, String caption) {
    }

    /** One PNG per plot that has at least one drawable point. */
    public static List<Image> render(List<Series> all) {
        Map<Plot, List<Series>> byPlot = new EnumMap<>(Plot.class);
        for (Series s : all) {
            byPlot.computeIfAbsent(s.plot(), k -> new ArrayList<>()).add(s);
        }
        System.setProperty("java.awt.headless", "true");
        List<Image> out = new ArrayList<>();
        for (Map.Entry<Plot, List<Series>> e : byPlot.entrySet()) {
            Plot p = e.getKey();
            XYChart chart = new XYChartBuilder().width(1100).height(600).title(p.title()).xAxisTitle(p.xLabel())
                    .yAxisTitle(p.yLabel()).build();
            chart.getStyler().setXAxisLogarithmic(p.logX()).setYAxisLogarithmic(p.logY());
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            if (p.logY()) {
                // One label per few decades: log axes spanning 1e-50..1e-6 otherwise print overlapping labels.
                chart.getStyler().setYAxisDecimalPattern("0E0").setYAxisTickMarkSpacingHint(60);
            }
            int dropped = 0;
            int drawn = 0;
            Set<String> names = new HashSet<>();
            for (Series s : e.getValue()) {
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (int k = 0; k < s.x().length; k++) {
                    double x = s.x()[k];
                    double y = s.y()[k];
                    boolean ok = Double.isFinite(x) && Double.isFinite(y) && (!p.logX() || x > 0) && (!p.logY() || y > 0);
                    if (ok) {
                        xs.add(x);
                        ys.add(y);
                    } else {
                        dropped++;
                    }
                }
                if (xs.isEmpty()) {
                    continue;
                }
                String name = s.name();
                while (!names.add(name)) {
                    name = name + "'";
                }
                chart.addSeries(name, xs.stream().mapToDouble(Double::doubleValue).toArray(),
                        ys.stream().mapToDouble(Double::doubleValue).toArray());
                drawn++;
            }
            if (drawn == 0) {
                continue;
            }
            try {
                byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
                out.add(new Image(p, png, p.title() + (dropped > 0 ? " (" + dropped + " points with value 0 not drawn on the log axis)"
                        : "")));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return out;
    }
}
