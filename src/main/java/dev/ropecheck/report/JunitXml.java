package dev.ropecheck.report;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The run as a JUnit XML report ({@code verify --junit-xml FILE}): one {@code testcase} per lemma row, so CI
 * dashboards list lemma rows as tests. A FAIL row carries a {@code failure} whose message is its worst case
 * (error, bound, tightness, instance) and its replay command; a SKIPPED row a {@code skipped} with the reason.
 */
public final class JunitXml {
    private JunitXml() {
    }

    public static byte[] write(ReportContent c) {
        long failures = c.rows().stream().filter(r -> r.result().verdict() == Verdict.FAIL).count();
        long skipped = c.rows().stream().filter(r -> r.result().verdict() == Verdict.SKIPPED).count();
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append(String.format(Locale.ROOT, "<testsuite name=\"ropecheck verify --%s\" tests=\"%d\" failures=\"%d\" "
                + "errors=\"0\" skipped=\"%d\" time=\"%.3f\">\n", c.mode(), c.rows().size(), failures, skipped, c.seconds()));
        for (ReportContent.Row r : c.rows()) {
            VerificationResult x = r.result();
            sb.append(String.format(Locale.ROOT, "  <testcase classname=\"ropecheck.verify\" name=\"%s\" time=\"%.3f\">",
                    Html.escape(x.id()), r.seconds()));
            String what = String.format(Locale.ROOT, "%s: max error %s, bound %s, tightness %s; %s; replay: %s", x.title(),
                    TextTable.num(x.maxError()), TextTable.num(x.bound()), TextTable.num(x.tightness()), x.detail(),
                    r.replay());
            if (x.verdict() == Verdict.FAIL) {
                sb.append("\n    <failure message=\"").append(Html.escape(what)).append("\" type=\"BoundExceeded\">")
                        .append(Html.escape(what)).append("</failure>\n  ");
            } else if (x.verdict() == Verdict.SKIPPED) {
                sb.append("\n    <skipped message=\"").append(Html.escape(x.detail())).append("\"/>\n  ");
            } else {
                sb.append("\n    <system-out>").append(Html.escape(what)).append("</system-out>\n  ");
            }
            sb.append("</testcase>\n");
        }
        sb.append("</testsuite>\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
