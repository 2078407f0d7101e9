package dev.ropecheck.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The measurements without a verdict (time vs n, degree and rank vs B, error vs degree) as one small-multiples
 * figure: one panel per {@link Plot}, each with its own axis. The error-vs-n series of the checks are not drawn
 * here: the tightness figures show them against their bounds.
 */
public final class MeasurementFigures {
    private MeasurementFigures() {
    }

    /** The figure, or none when there is no measurement series. */
    public static List<TightnessFigures.Figure> render(List<Series> all) {
        Map<Plot, List<SvgChart.Line>> byPlot = new LinkedHashMap<>();
        for (Series s : all) {
            if (s.plot() != Plot.ERROR_VS_N) {
                byPlot.computeIfAbsent(s.plot(), k -> new ArrayList<>()).add(new SvgChart.Line(s.name(), s.x(), s.y()));
            }
        }
        if (byPlot.isEmpty()) {
            return List.of();
        }
        List<SvgChart.Panel> panels = new ArrayList<>();
        for (Map.Entry<Plot, List<SvgChart.Line>> e : byPlot.entrySet()) {
            Plot p = e.getKey();
            SvgChart.Scale x = p.logX() ? SvgChart.Scale.log2(p.xLabel()) : SvgChart.Scale.linear(p.xLabel());
            SvgChart.Scale y = p.logY() ? SvgChart.Scale.log10(p.yLabel()) : SvgChart.Scale.linear(p.yLabel());
            panels.add(new SvgChart.Panel(p.title(), x, y, e.getValue(), List.of()));
        }
        return List.of(new TightnessFigures.Figure("measurements", "Measurements: time, degree, rank",
                SvgChart.render(panels, 3, false), "Wall times are best of two after a warm-up on this machine (they vary"
                        + " with its load); degree and rank are what the engines certify for the instance.", panels));
    }
}
