package dev.ropecheck.report;

import java.util.List;

/** A {@link Measurement} whose run also produces report sections and figures, kept until the next run. */
abstract class SectionedMeasurement implements Measurement {
    private List<ReportContent.Section> sections = List.of();
    private List<TightnessFigures.Figure> figures = List.of();

    /** Keeps what the run produced. */
    protected final void produced(List<ReportContent.Section> s, List<TightnessFigures.Figure> f) {
        sections = List.copyOf(s);
        figures = List.copyOf(f);
    }

    @Override
    public final List<ReportContent.Section> sections() {
        return sections;
    }

    @Override
    public final List<TightnessFigures.Figure> figures() {
        return figures;
    }
}
