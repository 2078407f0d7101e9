package dev.ropecheck.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The overall verdict and exit code of a check (specs/check-verdicts.md), and the exact text a user
 * reads: the table, one diagnostic line per field that did not pass, and the final word.
 */
class CheckReportTest {

    private static FieldCheck numbers(String field, FieldVerdict v, double cand, double ref, double allowed) {
        double err = Math.abs(cand - ref);
        return new FieldCheck(field, "2x3", v, 6, v == FieldVerdict.PASS ? 0 : 2, 1, 2, cand, ref, err, allowed,
                err / allowed, 0.125, err, 5, 1.5e-4, 0.0, "");
    }

    private static CheckReport report(FieldCheck... f) {
        return new CheckReport(List.of(f), "ref", "tol", List.of());
    }

    private static final FieldCheck PASS = numbers("attention", FieldVerdict.PASS, 1.0, 1.0, 1e-9);
    private static final FieldCheck FAIL = numbers("dK", FieldVerdict.FAIL, 2.5, 2.0, 0.25);
    private static final FieldCheck VACUOUS = FieldCheck.without("dV", FieldVerdict.VACUOUS, "too coarse");
    private static final FieldCheck UNCHECKED = FieldCheck.without("gradX", FieldVerdict.UNCHECKED, "");
    private static final FieldCheck MISSING = FieldCheck.without("alpha", FieldVerdict.MISSING, "required");

    @Test
    @DisplayName("check-verdicts: PASS only if every field passes; any failure is FAIL (exit 1) whatever else; otherwise undecided (exit 3)")
    void overallAndExitCode() {
        assertEquals(FieldVerdict.PASS, report(PASS, PASS).overall());
        assertEquals(CheckReport.EXIT_PASS, report(PASS).exitCode());
        assertTrue(report(PASS).passed());
        for (CheckReport r : List.of(report(), report(PASS, VACUOUS), report(UNCHECKED, PASS), report(VACUOUS))) {
            assertEquals(FieldVerdict.UNCHECKED, r.overall(), r.fields().toString());
            assertEquals(CheckReport.EXIT_UNDECIDED, r.exitCode());
            assertFalse(r.passed());
        }
        for (CheckReport r : List.of(report(VACUOUS, FAIL), report(FAIL, PASS), report(UNCHECKED, MISSING),
                report(PASS, numbers("c", FieldVerdict.NONFINITE, Double.NaN, 1.0, 1.0)))) {
            assertEquals(FieldVerdict.FAIL, r.overall());
            assertEquals(CheckReport.EXIT_FAIL, r.exitCode());
            assertFalse(r.passed());
        }
        assertEquals(0, CheckReport.EXIT_PASS);
        assertEquals(1, CheckReport.EXIT_FAIL);
        assertEquals(3, CheckReport.EXIT_UNDECIDED);
    }

    @Test
    @DisplayName("check-verdicts: the report keeps its own copies of the fields and warnings, and finds a field by key")
    void copiesAndLookup() {
        List<FieldCheck> fields = new ArrayList<>(List.of(PASS, FAIL));
        List<String> warnings = new ArrayList<>(List.of("w"));
        CheckReport r = new CheckReport(fields, "ref", "tol", warnings);
        fields.clear();
        warnings.clear();
        assertEquals(2, r.fields().size());
        assertEquals(List.of("w"), r.warnings());
        assertSame(FAIL, r.field("dK"));
        assertSame(PASS, r.field("attention"));
        assertNull(r.field("dQ"));
    }

    @Test
    @DisplayName("check-verdicts: the table's cells: numbers for present fields, '-' for absent ones, min detectable only for a PASS")
    void rows() {
        List<List<String>> rows = report(PASS, FAIL, MISSING).rows();
        assertEquals(List.of("attention", "2x3", "0", "0", "0.125", "0/6", "5/6", "0.000150", "PASS"), rows.get(0));
        assertEquals(List.of("dK", "2x3", "0.500", "2.00", "0.125", "2/6", "5/6", "-", "FAIL"), rows.get(1));
        assertEquals(List.of("alpha", "-", "-", "-", "-", "-", "-", "-", "MISSING"), rows.get(2));
    }

    @Test
    @DisplayName("check-verdicts: the whole rendered report, aligned, with one diagnostic per field that did not pass")
    void render() {
        CheckReport r = new CheckReport(List.of(PASS, FAIL, MISSING, VACUOUS,
                numbers("c", FieldVerdict.NONFINITE, Double.NaN, 0.5, 1.0),
                numbers("r", FieldVerdict.NONFINITE, Double.NEGATIVE_INFINITY, 0.5, 1.0)), "reference-dd (28 digits)",
                "componentwise", List.of("instance not exact in fp32"));
        String expected = String.join("\n",
                "reference: reference-dd (28 digits)",
                "tolerance: componentwise",
                "warning: instance not exact in fp32",
                "field      shape  max abs err  worst err/allowed  median err/allowed  failing  constrained"
                        + "  min detectable rel. change  verdict",
                "attention  2x3    0            0                  0.125               0/6      5/6"
                        + "          0.000150                    PASS",
                "dK         2x3    0.500        2.00               0.125               2/6      5/6"
                        + "          -                           FAIL",
                "alpha      -      -            -                  -                   -        -"
                        + "            -                           MISSING",
                "dV         -      -            -                  -                   -        -"
                        + "            -                           VACUOUS",
                "c          2x3    -            -                  0.125               2/6      5/6"
                        + "          -                           NONFINITE",
                "r          2x3    Infinity     Infinity           0.125               2/6      5/6"
                        + "          -                           NONFINITE",
                "dK: worst at [1][2]: candidate 2.50000, reference 2.00000, |err| 0.500000 = 2.00000 x allowed 0.250000;"
                        + " 2 of 6 entries fail",
                "alpha: MISSING (required)",
                "dV: VACUOUS (too coarse)",
                "c: NaN at [1][2] (reference 0.500000); 2 of 6 entries fail",
                "r: -Infinity at [1][2] (reference 0.500000); 2 of 6 entries fail",
                "FAIL", "");
        assertEquals(expected, r.render());
        assertEquals(List.of("gradX: UNCHECKED"), report(PASS, UNCHECKED).diagnostics());
        assertTrue(report(PASS, UNCHECKED).render().endsWith("\nUNDECIDED\n"));
        assertTrue(report(PASS).render().endsWith("\nPASS\n"));
        assertEquals(List.of(), report(PASS).diagnostics());
        FieldCheck hinted = numbers("dQ", FieldVerdict.FAIL, 2.5, 2.0, 0.25).withNote("looks like dQrot");
        assertTrue(report(hinted).diagnostics().get(0).endsWith("2 of 6 entries fail; looks like dQrot"));
        FieldCheck inf = numbers("h", FieldVerdict.NONFINITE, Double.POSITIVE_INFINITY, 0.5, 1.0).withNote("n");
        assertEquals("h: Infinity at [1][2] (reference 0.500000); 2 of 6 entries fail; n",
                report(inf).diagnostics().get(0));
    }

    @Test
    @DisplayName("check-verdicts: an absent or unjudged field carries its verdict and note and no numbers")
    void without() {
        FieldCheck f = FieldCheck.without("gradWK", FieldVerdict.MISSING, "required by --fields");
        assertEquals("gradWK", f.field());
        assertEquals("-", f.shape());
        assertEquals(FieldVerdict.MISSING, f.verdict());
        assertEquals("required by --fields", f.note());
        assertEquals(0, f.entries());
        assertEquals(0, f.constrained());
        assertTrue(Double.isNaN(f.maxRatio()) && Double.isNaN(f.minDetectable()) && Double.isNaN(f.error()));
    }

    @Test
    @DisplayName("check-verdicts: withVerdict keeps the numbers and appends the reason; withNote keeps the verdict")
    void fieldCheckCopies() {
        FieldCheck v = PASS.withVerdict(FieldVerdict.VACUOUS, "coarse");
        assertEquals(FieldVerdict.VACUOUS, v.verdict());
        assertEquals("coarse", v.note());
        assertEquals(PASS.minDetectable(), v.minDetectable());
        assertEquals(PASS.maxRatio(), v.maxRatio());
        assertEquals("coarse; again", v.withVerdict(FieldVerdict.FAIL, "again").note());
        FieldCheck n = FAIL.withNote("hint");
        assertEquals(FieldVerdict.FAIL, n.verdict());
        assertEquals("hint; more", n.withNote("more").note());
        assertEquals(FAIL.error(), n.error());
        assertEquals(FAIL.worstCol(), n.worstCol());
    }
}
