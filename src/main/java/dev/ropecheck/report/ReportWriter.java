package dev.ropecheck.report;

import dev.ropecheck.io.AtomicFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes the verification report: {@code report.md} (tables, figures as SVG files next to it), {@code report.html}
 * (the same, figures inline, so the file stands alone), {@code report.json} ({@link ReportJson}) and the SVGs.
 */
public final class ReportWriter {
    private ReportWriter() {
    }

    /** The table of check results. */
    public static TextTable table(List<VerificationResult> results) {
        TextTable t = new TextTable("id", "cases", "max error", "bound", "tightness", "verdict", "detail");
        for (VerificationResult r : results) {
            boolean skipped = r.verdict() == Verdict.SKIPPED;
            t.row(r.id(), Integer.toString(r.cases()), skipped ? "-" : TextTable.num(r.maxError()),
                    skipped ? "-" : TextTable.num(r.bound()), skipped ? "-" : TextTable.num(r.tightness()),
                    r.verdict().name(), r.detail());
        }
        return t;
    }

    /** The tightness range of each bound at the largest n it reached. */
    public static TextTable largestN(List<VerificationResult> results) {
        List<TightnessPoint> all = results.stream().flatMap(r -> r.points().stream()).toList();
        TextTable t = new TextTable("bound", "largest n", "cases there", "tightness min", "tightness max", "worst there");
        for (TightnessFigures.AtLargestN a : TightnessFigures.atLargestN(all)) {
            t.row(a.bound(), TightnessFigures.fmt(a.n()), Integer.toString(a.cases()), TextTable.num(a.min()),
                    TextTable.num(a.max()), a.worst());
        }
        return t;
    }

    /** The replay commands, one line per row. */
    static TextTable replays(List<ReportContent.Row> rows) {
        TextTable t = new TextTable("id", "replay", "seconds");
        for (ReportContent.Row r : rows) {
            t.row(r.result().id(), r.replay(), String.format(Locale.ROOT, "%.1f", r.seconds()));
        }
        return t;
    }

    /** The sentence under the results table. */
    private static final String INTRO = "Tightness is measured error / proved bound at the worst case (1 = the bound is attained)."
            + " Each row replays with the command in the replay table; the worst instance is in its detail.";

    /** Writes every file into {@code dir} (created when missing), each atomically. */
    public static void write(Path dir, String heading, ReportContent c) throws java.io.IOException {
        Files.createDirectories(dir);
        for (TightnessFigures.Figure f : c.figures()) {
            writeUtf8(dir.resolve(svgFile(f)), f.svg());
        }
        writeUtf8(dir.resolve("report.md"), markdown(heading, c));
        writeUtf8(dir.resolve("report.html"), html(heading, c));
        byte[] json = ReportJson.write(c);
        AtomicFile.write(dir.resolve("report.json"), o -> o.write(json));
    }

    /** The name of a figure's SVG file next to {@code report.md}. */
    private static String svgFile(TightnessFigures.Figure f) {
        return f.file() + ".svg";
    }

    private static void writeUtf8(Path file, String text) throws java.io.IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, o -> o.write(bytes));
    }

    /** {@code report.md}: the figures linked as the SVG files next to it. */
    private static String markdown(String heading, ReportContent c) {
        List<VerificationResult> results = c.results();
        StringBuilder md = new StringBuilder("# ").append(heading).append("\n\n");
        md.append(table(results).markdown()).append('\n').append(INTRO).append("\n\n");
        for (VerificationResult r : results) {
            md.append("- **").append(r.id()).append("**: ").append(r.title()).append('\n');
        }
        md.append('\n');
        for (String n : c.notes()) {
            md.append("> ").append(n).append("\n\n");
        }
        md.append("## Tightness at the largest n reached\n\n").append(largestN(results).markdown()).append('\n');
        for (ReportContent.Section s : c.sections()) {
            md.append("## ").append(s.heading()).append("\n\n").append(s.table().markdown()).append('\n').append(s.text())
                    .append("\n\n");
        }
        for (TightnessFigures.Figure f : c.figures()) {
            String file = svgFile(f);
            md.append("## ").append(f.title()).append("\n\n![").append(f.title()).append("](").append(file)
                    .append(")\n\n").append(f.caption()).append("\n\n");
        }
        md.append("## Replay\n\n").append(replays(c.rows()).markdown()).append('\n');
        return md.toString();
    }

    /** {@code report.html}: stands alone, the figures inline. */
    private static String html(String heading, ReportContent c) {
        List<VerificationResult> results = c.results();
        StringBuilder html = new StringBuilder(htmlHead(heading));
        html.append(table(results).html()).append("<p>").append(Html.escape(INTRO)).append("</p>\n");
        for (String n : c.notes()) {
            html.append("<blockquote>").append(Html.escape(n)).append("</blockquote>\n");
        }
        html.append("<h2>Tightness at the largest n reached</h2>\n").append(largestN(results).html());
        for (ReportContent.Section s : c.sections()) {
            html.append("<h2>").append(Html.escape(s.heading())).append("</h2>\n").append(s.table().html()).append("<p>")
                    .append(Html.escape(s.text())).append("</p>\n");
        }
        for (TightnessFigures.Figure f : c.figures()) {
            html.append("<h2>").append(Html.escape(f.title())).append("</h2>\n<figure>\n").append(f.svg())
                    .append("<figcaption>").append(Html.escape(f.caption())).append("</figcaption>\n</figure>\n");
        }
        html.append("<h2>Rows</h2>\n<ul>\n");
        for (VerificationResult r : results) {
            html.append("<li><b>").append(Html.escape(r.id())).append("</b>: ").append(Html.escape(r.title())).append("</li>\n");
        }
        html.append("</ul>\n<h2>Replay</h2>\n").append(replays(c.rows()).html());
        html.append("</body></html>\n");
        return html.toString();
    }

    /** The document head (title, style sheet) and the heading. */
    private static String htmlHead(String heading) {
        return new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
                .append(Html.escape(heading)).append("</title>\n<style>body{font-family:sans-serif;margin:1.5em auto;"
                        + "max-width:1400px;padding:0 1em;color:#222}"
                        + "table{border-collapse:collapse;font-size:13px;margin:0.5em 0}"
                        + "td,th{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}"
                        + "th{background:#f3f3f3}td:last-child{max-width:46em;word-break:break-word}"
                        + ".pass{color:#070}.fail{color:#b00;font-weight:bold}"
                        + "figure{margin:1em 0}figcaption{font-size:13px;color:#444;max-width:70em}"
                        + "svg{max-width:100%;height:auto}blockquote{font-size:13px;color:#555;margin:0.4em 1em}"
                        + "h2{margin-top:1.6em;border-bottom:1px solid #ddd}</style></head><body>\n<h1>")
                .append(Html.escape(heading)).append("</h1>\n").toString();
    }
}
