package dev.ropecheck.report;

import java.util.List;

/**
 * The report's table of {@link BoundAttainment}: every bound at its attaining instance, {@code measured / bound}
 * beside the derived fraction it must reach. A row that is unsound ({@code measured > bound}) or below its fraction
 * is marked {@code NO} in the table and named under it.
 */
public final class BoundAttainmentMeasurement extends SectionedMeasurement {
    private List<BoundAttainment.Attained> last = List.of();

    @Override
    public String id() {
        return "bound-attainment";
    }

    @Override
    public String title() {
        return "Tightness at the attaining instances";
    }

    @Override
    public List<Series> run(VerificationCases cases, Progress progress) {
        progress.step(title(), 0, 1);
        last = BoundAttainment.all();
        TextTable t = new TextTable("bound", "source", "attaining instance", "measured", "allowed", "measured/bound",
                "derived fraction", "holds");
        for (BoundAttainment.Attained a : last) {
            t.row(a.bound(), a.source(), a.instance(), TextTable.num(a.measured()), TextTable.num(a.allowed()),
                    String.format(java.util.Locale.ROOT, "%.6f", a.ratio()),
                    String.format(java.util.Locale.ROOT, "%.6f", a.fraction()), a.holds() ? "yes" : "NO");
        }
        List<String> failing = last.stream().filter(a -> !a.holds()).map(BoundAttainment.Attained::bound).toList();
        String verdict = failing.isEmpty() ? "Every row holds." : "NOT HOLDING: " + String.join("; ", failing) + ".";
        produced(List.of(new ReportContent.Section(title(), t, verdict + " Each bound at the instance that attains it (or nearly),"
                + " against the fraction derived from the bound's own extremal case (proofs-notes/mutation.md,"
                + " \"Tightness fractions\"): fraction <= measured/bound <= 1. The tightness tests assert every row.")),
                List.of());
        return List.of();
    }

    /** The rows of the last run. */
    public List<BoundAttainment.Attained> rows() {
        return last;
    }
}
