package dev.ropecheck.check;

import java.util.List;
import java.util.Locale;

/**
 * The outcome of checking one candidate: a verdict per required field and an overall verdict.
 * The candidate passes (exit 0) only if every required field is {@link FieldVerdict#PASS}; any
 * {@link FieldVerdict#isFailure() failure} gives exit 1; otherwise any undecided field
 * ({@link FieldVerdict#UNCHECKED}, {@link FieldVerdict#VACUOUS}) gives exit 3.
 *
 * @param fields one check per required field, in field order
 * @param reference which reference was used and how many digits it trusts
 * @param tolerance which tolerance model judged the candidate
 * @param warnings lines printed before the verdict (e.g. an instance not exact in the declared format)
 */
public record CheckReport(List<FieldCheck> fields, String reference, String tolerance, List<String> warnings) {
    /** Exit code of a pass. */
    public static final int EXIT_PASS = 0;
    /** Exit code of a failed check. */
    public static final int EXIT_FAIL = 1;
    /** Exit code of an undecided check (no bound, or a vacuous one). */
    public static final int EXIT_UNDECIDED = 3;

    public CheckReport {
        fields = List.copyOf(fields);
        warnings = List.copyOf(warnings);
    }

    /** PASS, FAIL or (when nothing failed but something could not be judged) UNCHECKED. */
    public FieldVerdict overall() {
        if (fields.isEmpty()) {
            return FieldVerdict.UNCHECKED;
        }
        boolean undecided = false;
        for (FieldCheck f : fields) {
            if (f.verdict().isFailure()) {
                return FieldVerdict.FAIL;
            }
            undecided |= f.verdict() != FieldVerdict.PASS;
        }
        return undecided ? FieldVerdict.UNCHECKED : FieldVerdict.PASS;
    }

    public boolean passed() {
        return overall() == FieldVerdict.PASS;
    }

    public int exitCode() {
        switch (overall()) {
            case PASS:
                return EXIT_PASS;
            case FAIL:
                return EXIT_FAIL;
            default:
                return EXIT_UNDECIDED;
        }
    }

    /** The check of {@code field}, or null. */
    public FieldCheck field(String key) {
        for (FieldCheck f : fields) {
            if (f.field().equals(key)) {
                return f;
            }
        }
        return null;
    }

    /** The table's header. */
    public static final List<String> COLUMNS = List.of("field", "shape", "max abs err", "worst err/allowed",
            "median err/allowed", "failing", "constrained", "min detectable rel. change", "verdict");

    /**
     * The table's rows: per field the largest error, err/allowed (worst and median), the entries
     * that fail, the entries an all-zero answer would fail ("constrained": the allowed error is below
     * the magnitude), the smallest detectable relative change, and the verdict.
     */
    public List<List<String>> rows() {
        java.util.ArrayList<List<String>> out = new java.util.ArrayList<>();
        for (FieldCheck f : fields) {
            boolean numbers = !f.shape().equals("-");
            out.add(List.of(f.field(), f.shape(), numbers ? short3(f.maxAbsError()) : "-",
                    numbers ? short3(f.maxRatio()) : "-", numbers ? short3(f.medianRatio()) : "-",
                    numbers ? f.failing() + "/" + f.entries() : "-",
                    numbers ? f.constrained() + "/" + f.entries() : "-",
                    numbers && f.verdict() == FieldVerdict.PASS ? short3(f.minDetectable()) : "-", f.verdict().name()));
        }
        return out;
    }

    /** The rows aligned in columns, two spaces apart. */
    public String table() {
        List<List<String>> rows = rows();
        int[] w = new int[COLUMNS.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = COLUMNS.get(c).length();
            for (List<String> r : rows) {
                w[c] = Math.max(w[c], r.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, COLUMNS, w);
        for (List<String> r : rows) {
            line(sb, r, w);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] w) {
        for (int c = 0; c < cells.size(); c++) {
            sb.append(c == 0 ? "" : "  ").append(cells.get(c));
            if (c < cells.size() - 1) {
                sb.append(" ".repeat(w[c] - cells.get(c).length()));
            }
        }
        sb.append('\n');
    }

    private static String short3(double v) {
        return Double.isNaN(v) ? "-" : v == 0 ? "0" : String.format(Locale.ROOT, "%.3g", v);
    }

    /** One line per field that did not pass: what went wrong, where, and by how much. */
    public List<String> diagnostics() {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (FieldCheck f : fields) {
            switch (f.verdict()) {
                case PASS:
                    break;
                case NONFINITE:
                    out.add(f.field() + ": " + nonFinite(f.candidate()) + " at " + index(f) + " (reference "
                            + num(f.reference()) + "); " + f.failing() + " of " + f.entries() + " entries fail"
                            + note(f));
                    break;
                case FAIL:
                    out.add(String.format(Locale.ROOT,
                            "%s: worst at %s: candidate %s, reference %s, |err| %s = %s x allowed %s; %d of %d entries fail%s",
                            f.field(), index(f), num(f.candidate()), num(f.reference()), num(f.error()),
                            num(f.maxRatio()), num(f.allowed()), f.failing(), f.entries(), note(f)));
                    break;
                default:
                    out.add(f.field() + ": " + f.verdict() + (f.note().isEmpty() ? "" : " (" + f.note() + ")"));
                    break;
            }
        }
        return out;
    }

    /** The whole report as printed by {@code check}. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("reference: ").append(reference).append('\n');
        sb.append("tolerance: ").append(tolerance).append('\n');
        for (String w : warnings) {
            sb.append("warning: ").append(w).append('\n');
        }
        sb.append(table());
        for (String d : diagnostics()) {
            sb.append(d).append('\n');
        }
        sb.append(overall() == FieldVerdict.PASS ? "PASS" : overall() == FieldVerdict.FAIL ? "FAIL" : "UNDECIDED")
                .append('\n');
        return sb.toString();
    }

    private static String note(FieldCheck f) {
        return f.note().isEmpty() ? "" : "; " + f.note();
    }

    private static String index(FieldCheck f) {
        return "[" + f.worstRow() + "][" + f.worstCol() + "]";
    }

    private static String nonFinite(double v) {
        return Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
