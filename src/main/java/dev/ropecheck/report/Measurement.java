package dev.ropecheck.report;

import java.util.List;

/** A measurement for the report's plots that has no pass/fail of its own (timings, degrees). */
public interface Measurement {
    /** The id {@code verify --only} selects it by. */
    String id();

    String title();

    /** The series measured; empty when what it needs is not registered. */
    List<Series> run(VerificationCases cases, Progress progress);

    /** Report sections (tables) of the last {@link #run}; none by default. */
    default List<ReportContent.Section> sections() {
        return List.of();
    }

    /** Figures of the last {@link #run}; none by default. */
    default List<TightnessFigures.Figure> figures() {
        return List.of();
    }
}
