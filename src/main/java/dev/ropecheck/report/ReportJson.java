package dev.ropecheck.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@code report.json} ({@code ropecheck-verify-report/1}), for trend tracking across commits: every row (with its
 * replay command), every case's tightness, every plotted point of every figure, and every section's table (for example
 * the bounds at their attaining instances, {@link BoundAttainment}) as objects keyed by column. Rows, points and figures are
 * deterministic (the same run gives the same values); {@code run.seconds}, {@code rows[].seconds} and the timing
 * figures are measurements of this machine and vary. Non-finite numbers are written as the strings
 * {@code "NaN"}, {@code "Infinity"}.
 */
public final class ReportJson {
    private ReportJson() {
    }

    /** The report as UTF-8 JSON bytes. */
    public static byte[] write(ReportContent c) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(bytes, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("format", "ropecheck-verify-report/1");
            run(g, c);
            g.writeArrayFieldStart("rows");
            for (ReportContent.Row r : c.rows()) {
                row(g, r);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("points");
            for (ReportContent.Row r : c.rows()) {
                for (TightnessPoint p : r.result().points()) {
                    point(g, p);
                }
            }
            g.writeEndArray();
            g.writeArrayFieldStart("figures");
            for (TightnessFigures.Figure f : c.figures()) {
                figure(g, f);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("sections");
            for (ReportContent.Section s : c.sections()) {
                section(g, s);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void run(JsonGenerator g, ReportContent c) throws IOException {
        g.writeObjectFieldStart("run");
        g.writeStringField("mode", c.mode());
        g.writeNumberField("seconds", c.seconds());
        g.writeArrayFieldStart("notes");
        for (String n : c.notes()) {
            g.writeString(n);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void row(JsonGenerator g, ReportContent.Row r) throws IOException {
        VerificationResult x = r.result();
        g.writeStartObject();
        g.writeStringField("id", x.id());
        g.writeStringField("title", x.title());
        g.writeNumberField("cases", x.cases());
        g.writeNumberField("maxError", x.maxError());
        g.writeNumberField("bound", x.bound());
        g.writeNumberField("tightness", x.tightness());
        g.writeStringField("verdict", x.verdict().name());
        g.writeStringField("detail", x.detail());
        g.writeStringField("replay", r.replay());
        g.writeNumberField("seconds", r.seconds());
        g.writeEndObject();
    }

    private static void point(JsonGenerator g, TightnessPoint p) throws IOException {
        g.writeStartObject();
        g.writeStringField("bound", p.bound());
        g.writeStringField("series", p.series());
        g.writeStringField("axis", p.axis().key());
        g.writeNumberField("x", p.x());
        g.writeNumberField("measured", p.measured());
        g.writeNumberField("allowed", p.allowed());
        g.writeNumberField("tightness", p.ratio());
        g.writeStringField("case", p.replay());
        g.writeEndObject();
    }

    private static void figure(JsonGenerator g, TightnessFigures.Figure f) throws IOException {
        g.writeStartObject();
        g.writeStringField("file", f.file());
        g.writeStringField("title", f.title());
        g.writeStringField("caption", f.caption());
        g.writeArrayFieldStart("panels");
        for (SvgChart.Panel p : f.panels()) {
            panel(g, p);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void panel(JsonGenerator g, SvgChart.Panel p) throws IOException {
        g.writeStartObject();
        g.writeStringField("title", p.title());
        g.writeStringField("x", p.x().label());
        g.writeStringField("y", p.y().label());
        g.writeArrayFieldStart("lines");
        for (SvgChart.Line l : p.lines()) {
            g.writeStartObject();
            g.writeStringField("name", l.name());
            array(g, "x", l.x());
            array(g, "y", l.y());
            if (l.low() != null) {
                array(g, "low", l.low());
            }
            if (l.floor() != null) {
                g.writeArrayFieldStart("zeros");
                for (int z : l.floor()) {
                    g.writeNumber(z);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("rules");
        for (SvgChart.Rule rule : p.rules()) {
            g.writeStartObject();
            g.writeStringField("orientation", rule.vertical() ? "vertical" : "horizontal");
            g.writeNumberField("at", rule.at());
            g.writeStringField("label", rule.label());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** A report section: its heading, text, and table as an array of objects keyed by the column names. */
    private static void section(JsonGenerator g, ReportContent.Section s) throws IOException {
        g.writeStartObject();
        g.writeStringField("heading", s.heading());
        g.writeStringField("text", s.text());
        g.writeArrayFieldStart("rows");
        List<String> header = new java.util.ArrayList<>();
        for (String h : s.table().header()) {
            String key = h;
            for (int k = 2; header.contains(key); k++) {
                key = h + " (" + k + ")"; // a repeated column name stays a separate key
            }
            header.add(key);
        }
        for (String[] cells : s.table().rows()) {
            g.writeStartObject();
            for (int k = 0; k < header.size() && k < cells.length; k++) {
                g.writeStringField(header.get(k), cells[k]);
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void array(JsonGenerator g, String name, double[] v) throws IOException {
        g.writeArrayFieldStart(name);
        for (double x : v) {
            g.writeNumber(x);
        }
        g.writeEndArray();
    }
}
