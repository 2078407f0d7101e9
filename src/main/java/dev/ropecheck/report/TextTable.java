package dev.ropecheck.report;

import java.util.ArrayList;
import java.util.List;

/** A plain aligned text table (for the terminal) that can also render itself as Markdown. */
public final class TextTable {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    public TextTable(String... header) {
        this.header = header.clone();
    }

    public TextTable row(String... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, header has " + header.length);
        }
        rows.add(cells.clone());
        return this;
    }

    /** The column names. */
    public List<String> header() {
        return List.of(header);
    }

    public List<String[]> rows() {
        return List.copyOf(rows);
    }

    /** Columns padded to equal width, two spaces apart. */
    public String render() {
        int[] w = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            w[c] = header[c].length();
            for (String[] r : rows) {
                w[c] = Math.max(w[c], r[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, w);
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < w.length; c++) {
            rule.append(c == 0 ? "" : "  ").append("-".repeat(w[c]));
        }
        sb.append(rule).append('\n');
        for (String[] r : rows) {
            line(sb, r, w);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] w) {
        for (int c = 0; c < cells.length; c++) {
            sb.append(c == 0 ? "" : "  ");
            sb.append(cells[c]);
            if (c < cells.length - 1) {
                sb.append(" ".repeat(w[c] - cells[c].length()));
            }
        }
        sb.append('\n');
    }

    /** GitHub-flavoured Markdown. */
    public String markdown() {
        StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", escape(header))).append(" |\n|");
        for (int c = 0; c < header.length; c++) {
            sb.append("---|");
        }
        sb.append('\n');
        for (String[] r : rows) {
            sb.append("| ").append(String.join(" | ", escape(r))).append(" |\n");
        }
        return sb.toString();
    }

    /** An HTML table (cells escaped). */
    public String html() {
        StringBuilder sb = new StringBuilder("<table>\n<tr>");
        for (String h : header) {
            sb.append("<th>").append(Html.escape(h)).append("</th>");
        }
        sb.append("</tr>\n");
        for (String[] r : rows) {
            sb.append("<tr>");
            for (String c : r) {
                String cls = c.startsWith("FAIL") ? " class=\"fail\"" : c.startsWith("PASS") ? " class=\"pass\"" : "";
                sb.append("<td").append(cls).append('>').append(Html.escape(c)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    private static String[] escape(String[] cells) {
        String[] out = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            out[i] = cells[i].replace("|", "\\|");
        }
        return out;
    }

    /** Three significant digits, or "-" for NaN. */
    public static String num(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (v == 0) {
            return "0";
        }
        return String.format(java.util.Locale.ROOT, "%.3g", v);
    }
}
