package dev.ropecheck.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Measured timings live in one generated file ({@link MeasuredFigures#FILE}): it is committed, the
 * README and the timing claims of {@code specs/} link to it, and no {@code specs/} entry types a
 * timing by hand (which would disagree with it sooner or later).
 */
class MeasuredFiguresTest {
    /** A number followed by a time unit: {@code 295 ms}, {@code 0.76 s wall}, {@code 520 ms CPU}. */
    private static final Pattern TIMING = Pattern.compile("\\b\\d+(\\.\\d+)?\\s?(ms|µs|us)\\b|\\b\\d+(\\.\\d+)?\\s?s (wall|CPU)\\b");

    @Test
    @DisplayName("specs/ types no timing by hand; the generated figures file is committed and linked")
    void specsLinkTheGeneratedFiguresInsteadOfTypingTimings() throws IOException {
        List<String> typed = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("specs"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                Matcher m = TIMING.matcher(Files.readString(f, StandardCharsets.UTF_8));
                while (m.find()) {
                    typed.add(f.getFileName() + ": \"" + m.group() + "\"");
                }
            }
        }
        assertTrue(typed.isEmpty(), "hand-typed timings in specs/ (link " + MeasuredFigures.FILE + " instead): " + typed);
        String figures = Files.readString(Path.of(MeasuredFigures.FILE), StandardCharsets.UTF_8);
        assertTrue(figures.startsWith(MeasuredFigures.HEADER), MeasuredFigures.FILE + " is not a generated file");
        for (String id : List.of("theorem-5.7", "forward", "gradient")) {
            assertTrue(figures.contains("\n## " + id + "\n"), MeasuredFigures.FILE + " lacks the workload " + id);
        }
        for (String doc : List.of("README.md", "specs/theorem-5.7.md", "specs/theorem-6.7.md")) {
            assertTrue(Files.readString(Path.of(doc), StandardCharsets.UTF_8).contains("docs/figures.md"),
                    doc + " does not link " + MeasuredFigures.FILE);
        }
    }

    @Test
    @DisplayName("the figures file has one table row per timed size and the log-log slope of CPU time")
    void markdownHasEveryPointAndTheSlope() {
        MeasuredFigures.Timings quadratic = new MeasuredFigures.Timings("exact", List.of(
                new MeasuredFigures.Point(512, 9.0, 2.0), new MeasuredFigures.Point(1024, 30.0, 10.0),
                new MeasuredFigures.Point(2048, 100.0, 40.0), new MeasuredFigures.Point(4096, 300.0, 160.0)));
        assertEquals(2.0, quadratic.slope(), 1e-12, "slope over n >= 1024");
        String md = MeasuredFigures.markdown(List.of(new MeasuredFigures.Workload("theorem-5.7", "what", List.of(quadratic))),
                "the command");
        assertTrue(md.startsWith(MeasuredFigures.HEADER), md);
        assertTrue(md.contains("Written by `the command`"), md);
        assertTrue(md.contains("| exact | 2048 | 100.0 | 40.0 |"), md);
        assertTrue(md.contains("- exact: log-log slope 2.00"), md);
    }
}
