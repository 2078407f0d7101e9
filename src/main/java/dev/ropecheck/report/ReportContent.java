package dev.ropecheck.report;

import java.util.List;

/**
 * Everything one {@code verify} run reports: the rows (each with its replay command and wall time), the figures,
 * the tables of the report's sections and the run's notes.
 *
 * @param mode {@code quick} or {@code full}
 * @param seconds the run's wall time
 * @param rows the check rows, in registry order
 * @param figures every figure (tightness small multiples, phase transition, timings)
 * @param sections extra sections (heading, markdown-ready table, explanation), e.g. the AA22 fit
 * @param notes one line each
 */
public record ReportContent(String mode, double seconds, List<Row> rows, List<TightnessFigures.Figure> figures,
        List<Section> sections, List<String> notes) {

    public ReportContent {
        rows = List.copyOf(rows);
        figures = List.copyOf(figures);
        sections = List.copyOf(sections);
        notes = List.copyOf(notes);
    }

    /** A check row with the command that replays it and its wall time. */
    public record Row(VerificationResult result, String replay, double seconds) {
    }

    /** A report section: a heading, a table and the text under it. */
    public record Section(String heading, TextTable table, String text) {
    }

    /** The check results alone. */
    public List<VerificationResult> results() {
        return rows.stream().map(Row::result).toList();
    }
}
