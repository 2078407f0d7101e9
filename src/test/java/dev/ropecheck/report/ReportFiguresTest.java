package dev.ropecheck.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's figures, fits and models: readable axes, zeros in the caption, fits that recover known constants. */
class ReportFiguresTest {
    @Test
    void logAxesLabelAtMostSevenTicksOverSixtyDecadesAndSixteenOctaves() {
        List<Double> y = SvgChart.ticks(1e-61, 1e-7, SvgChart.Scale.log10("y"));
        assertTrue(y.size() <= 7 && y.size() >= 4, "decade ticks thinned: " + y);
        List<Double> x = SvgChart.ticks(1, 65536, SvgChart.Scale.log2("n"));
        assertTrue(x.size() <= 7 && x.size() >= 4 && x.contains(1.0) && x.contains(65536.0), "n ticks: " + x);
        assertEquals("2<tspan dy=\"-5\" font-size=\"9\">16</tspan>", SvgChart.tickLabel(65536, SvgChart.Scale.log2("n")));
        assertEquals("2", SvgChart.tickLabel(2.0, SvgChart.Scale.linear("B")));
        assertEquals("1.5", SvgChart.tickLabel(1.5, SvgChart.Scale.linear("B")));
    }

    @Test
    void oneTightnessPanelPerBoundAndZerosAreCountedInTheCaptionNotDropped() {
        List<TightnessPoint> pts = new ArrayList<>();
        for (int n = 1; n <= 1 << 16; n *= 4) {
            pts.add(new TightnessPoint("lemma-6.1", "alpha", TightnessPoint.Axis.N, n, 0.5e-7, 1e-7, "make-instance --n " + n));
            pts.add(new TightnessPoint("theorem-5.7", "", TightnessPoint.Axis.N, n, n == 1 ? 0 : 1e-17, 1e-16, "n " + n));
        }
        pts.add(new TightnessPoint("section-7-reduction", "", TightnessPoint.Axis.N, 2, 1e-51, 1e-25, "n 2"));
        List<TightnessFigures.Figure> f = TightnessFigures.render(pts);
        assertEquals(1, f.size());
        TightnessFigures.Figure fig = f.get(0);
        assertEquals(3, fig.panels().size(), "one panel per bound");
        assertTrue(fig.caption().contains("theorem-5.7: 1 at n = 1"), fig.caption());
        assertTrue(fig.caption().contains("section-7-reduction: 1 (smallest 1.00e-26)"), fig.caption());
        assertEquals(fig.svg(), TightnessFigures.render(pts).get(0).svg(), "the same data gives the same bytes");
        TightnessFigures.AtLargestN at = TightnessFigures.atLargestN(pts).get(0);
        assertEquals(65536, at.n());
        assertEquals(0.5, at.max(), 1e-15);
    }

    @Test
    void degreeFitRecoversTheConstantsOfDataDrawnFromTheForm() {
        List<DegreeFit.Point> pts = new ArrayList<>();
        for (double beta : new double[] {0.25, 0.5, 1, 2, 4, 8, 16}) {
            for (double eps : new double[] {1e-3, 1e-6, 1e-9, 1e-12}) {
                double g = DegreeFit.predict(1.3, 0.9, beta, eps);
                pts.add(new DegreeFit.Point(beta, eps, (int) Math.round(g * 1000)));
            }
        }
        // degrees scaled by 1000 so rounding to integers is negligible: the fit must find 1300 and 900
        DegreeFit.Fit fit = DegreeFit.fit(pts);
        assertEquals(1300, fit.a(), 0.5);
        assertEquals(900, fit.b(), 0.5);
        assertTrue(fit.rms() < 1, "rms " + fit.rms());
    }

    @Test
    void powerLawFitsExactDataAndCrossesWhereTheModelsMeet() {
        PowerLaw exact = PowerLaw.fit(new double[] {1024, 2048, 4096}, new double[] {1e-6 * 1024 * 1024, 1e-6 * 2048 * 2048,
            1e-6 * 4096 * 4096});
        assertEquals(2, exact.k(), 1e-12);
        assertEquals(1e-6, exact.c(), 1e-18);
        PowerLaw fast = new PowerLaw(1e-2, 1, 0);
        assertEquals(1e4, fast.crossover(exact, 1), 1e-6);
        assertEquals(2e4, fast.crossover(exact, 2), 1e-6);
        assertEquals(Double.POSITIVE_INFINITY, exact.crossover(fast, 1));
    }
}
