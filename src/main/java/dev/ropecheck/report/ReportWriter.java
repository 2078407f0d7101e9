package dev.ropecheck.report;

import dev.ropecheck.io.AtomicFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * Writes the verification report: {@code report.md} (table, plots as PNG files next to it) and
 * {@code report.html} (the same, plots embedded as data URIs, so the file stands alone).
 */
public final class ReportWriter {
    private ReportWriter() {
    }

    /** The table of check results. */
    public static TextTable table(List<CheckResult> results) {
        TextTable t = new TextTable("id", "cases", "max error", "bound", "tightness", "verdict", "detail");
        for (CheckResult r : results) {
            boolean skipped = r.verdict() == Verdict.SKIPPED;
            t.row(r.id(), Integer.toString(r.cases()), skipped ? "-" : TextTable.num(r.maxError()),
                    skipped ? "-" : TextTable.num(r.bound()), skipped ? "-" : TextTable.num(r.tightness()),
                    r.verdict().name(), r.detail());
        }
        return t;
    }

    /**
     * Writes {@code report.md}, {@code report.html} and the PNGs into {@code dir} (created when
     * missing). Each file is written atomically.
     */
    public static void write(Path dir, String heading, List<CheckResult> results, List<Plots.Image> images,
            List<String> notes) throws java.io.IOException {
        Files.createDirectories(dir);
        TextTable table = table(results);
        StringBuilder md = new StringBuilder("# ").append(heading).append("\n\n");
        md.append(table.markdown()).append('\n');
        md.append("Tightness is measured error / bound at the worst case (1 = the bound is attained).\n\n");
        for (CheckResult r : results) {
            md.append("- **").append(r.id()).append("**: ").append(r.title()).append('\n');
        }
        md.append('\n');
        for (String n : notes) {
            md.append("> ").append(n).append("\n\n");
        }
        for (Plots.Image img : images) {
            String file = img.plot().file() + ".png";
            AtomicFile.write(dir.resolve(file), o -> o.write(img.png()));
            md.append("## ").append(img.plot().title()).append("\n\n![").append(img.caption()).append("](").append(file)
                    .append(")\n\n");
        }
        byte[] mdBytes = md.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(dir.resolve("report.md"), o -> o.write(mdBytes));

        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(Html.escape(heading)).append("</title>\n<style>body{font-family:sans-serif;margin:2em}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
                        + ".pass{color:#070}.fail{color:#b00;font-weight:bold}</style></head><body>\n<h1>")
                .append(Html.escape(heading)).append("</h1>\n");
        html.append(table.html());
        html.append("<p>Tightness is measured error / bound at the worst case (1 = the bound is attained).</p>\n<ul>\n");
        for (CheckResult r : results) {
            html.append("<li><b>").append(Html.escape(r.id())).append("</b>: ").append(Html.escape(r.title())).append("</li>\n");
        }
        html.append("</ul>\n");
        for (String n : notes) {
            html.append("<blockquote>").append(Html.escape(n)).append("</blockquote>\n");
        }
        for (Plots.Image img : images) {
            html.append("<h2>").append(Html.escape(img.plot().title())).append("</h2>\n<img alt=\"")
                    .append(Html.escape(img.caption())).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(img.png())).append("\">\n<p>")
                    .append(Html.escape(img.caption())).append("</p>\n");
        }
        html.append("</body></html>\n");
        byte[] htmlBytes = html.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(dir.resolve("report.html"), o -> o.write(htmlBytes));
    }
}
