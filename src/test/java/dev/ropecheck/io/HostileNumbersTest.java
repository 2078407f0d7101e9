package dev.ropecheck.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.Quantity;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Decimal text under hostile input (issue 13; specs/format-instance.md "Numbers", specs/format-result.md): the
 * length limit {@link ExactDecimal#MAX_CHARS} is derived from the longest exact binary64 expansion, only ASCII digits
 * count, exponents of any size cost nothing, and result files take Python's bare {@code NaN}/{@code Infinity}.
 */
class HostileNumbersTest {
    @Test
    @dev.ropecheck.specs.Spec("format-instance")
    void theLengthLimitCoversTheLongestExactExpansion() {
        double[] extremes = {Double.MIN_VALUE, -Double.MIN_VALUE, Math.nextDown(Double.MIN_NORMAL),
                -Math.nextDown(Double.MIN_NORMAL), Double.MIN_NORMAL, Math.nextUp(Double.MIN_NORMAL), Double.MAX_VALUE,
                -Double.MAX_VALUE, Math.nextDown(1.0), 0x1.fffffffffffffp52};
        int longest = 0;
        for (double v : extremes) {
            BigDecimal exact = new BigDecimal(v);
            for (String text : new String[] {exact.toPlainString(), exact.toString(), ExactDecimal.exactText(v)}) {
                longest = Math.max(longest, text.length());
                assertEquals(v, ExactDecimal.exactDouble(ExactDecimal.parse(text, "x"), "x"), 0.0, text);
            }
        }
        assertEquals(1077, longest, "the longest plain expansion: -(2^-1022 - 2^-1074)");
        assertTrue(longest < ExactDecimal.MAX_CHARS);
    }

    @Test
    void overLongTextIsRefusedBeforeAnyBigDecimalWork() {
        String million = "1".repeat(1_000_000);
        long t0 = System.nanoTime();
        FormatException e = assertThrows(FormatException.class, () -> ExactDecimal.parse(million, "f.json: A1[0][0]"));
        double ms = (System.nanoTime() - t0) / 1e6;
        assertTrue(e.getMessage().startsWith("f.json: A1[0][0] = \"1111"), e.getMessage());
        assertTrue(e.getMessage().contains("1000000 characters") && e.getMessage().contains("1100"), e.getMessage());
        assertTrue(e.getMessage().length() < 300, e.getMessage());
        assertTrue(ms < 1000, ms + " ms");
        assertThrows(FormatException.class, () -> ExactDecimal.rounded(million, "x"));
    }

    @Test
    @dev.ropecheck.specs.Spec("format-instance")
    void onlyAsciiDigitsAreDigits() {
        for (String s : new String[] {"\u0660.\u0662\u0665", "\uff10.\uff15", "1\u0661", "0x10", "1e", ".", "-", "1e+",
                "1.2.3", "--1", "1_000", "\u00bd"}) {
            FormatException e = assertThrows(FormatException.class, () -> ExactDecimal.parse(s, "v"), s);
            assertTrue(e.getMessage().contains("not a decimal number"), e.getMessage());
        }
        assertEquals(new BigDecimal("0.25"), ExactDecimal.parse(" 0.25 ", "v"));
        assertEquals(0, new BigDecimal("-1.5E+3").compareTo(ExactDecimal.parse("-15e2", "v")));
        assertEquals(0, new BigDecimal("0.5").compareTo(ExactDecimal.parse(".5", "v")));
        assertEquals(0, new BigDecimal("5").compareTo(ExactDecimal.parse("5.", "v")));
    }

    @Test
    @dev.ropecheck.specs.Spec("format-result")
    void exponentsOfAnySizeAreRangeErrorsOrRoundToInfinityAndZero() {
        for (String s : new String[] {"1e2147483648", "1e99999999999999999999999", "4e40478336916", "1e-2147483649"}) {
            FormatException e = assertThrows(FormatException.class, () -> ExactDecimal.parse(s, "n"));
            assertTrue(e.getMessage().contains("binary64 range"), e.getMessage());
        }
        assertEquals(Double.POSITIVE_INFINITY, ExactDecimal.rounded("4e40478336916", "alpha"), 0.0);
        assertEquals(Double.NEGATIVE_INFINITY, ExactDecimal.rounded("-4e40478336916", "alpha"), 0.0);
        assertEquals(0.0, ExactDecimal.rounded("3e-99999999999", "alpha"), 0.0);
        assertEquals(Double.doubleToLongBits(-0.0), Double.doubleToLongBits(ExactDecimal.rounded("-3e-999999", "a")));
        assertEquals(0.1, ExactDecimal.rounded("0.1", "a"), 0.0);
        assertEquals(0, ExactDecimal.parse("0e99999999999", "x").signum());
    }

    private static ResultDocument result(String body) {
        String json = "{\"format\":\"rope-attention-result/1\",\"engine\":\"py\",\"n\":2,\"d\":1," + body + "}";
        return ResultReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "r.json");
    }

    @Test
    @dev.ropecheck.specs.Spec("format-result")
    void resultFilesTakeBareNanAndInfinityTokens() {
        ResultDocument doc = result("\"alpha\":[NaN, Infinity], \"c\":[[-Infinity],[0.5]], \"loss\": NaN");
        assertTrue(Double.isNaN(doc.grid(Quantity.ALPHA).get(0, 0)));
        assertEquals(Double.POSITIVE_INFINITY, doc.grid(Quantity.ALPHA).get(1, 0), 0.0);
        assertEquals(Double.NEGATIVE_INFINITY, doc.grid(Quantity.C).get(0, 0), 0.0);
        assertEquals(0.5, doc.grid(Quantity.C).get(1, 0), 0.0);
        assertTrue(Double.isNaN(doc.grid(Quantity.LOSS).get(0, 0)));
        // the reference's own text for a value beyond binary64 reads back (as an infinity)
        ResultDocument big = result("\"alpha\":[\"4e40478336916\", \"1.5\"]");
        assertEquals(Double.POSITIVE_INFINITY, big.grid(Quantity.ALPHA).get(0, 0), 0.0);
        assertEquals(1.5, big.grid(Quantity.ALPHA).get(1, 0), 0.0);
        // header fields stay strict
        FormatException e = assertThrows(FormatException.class, () -> ResultReader.read(new ByteArrayInputStream(
                "{\"format\":\"rope-attention-result/1\",\"engine\":\"py\",\"n\":NaN,\"d\":1}".getBytes(StandardCharsets.UTF_8)),
                "r.json"));
        assertTrue(e.getMessage().startsWith("r.json: n = \"NaN\" is not a finite number"), e.getMessage());
    }

    @Test
    void instanceFilesRejectBareNonFiniteTokens() {
        for (String token : new String[] {"NaN", "Infinity", "-Infinity"}) {
            String json = "{\"format\":\"rope-attention-instance/1\",\"n\":1,\"d\":1,\"A1\":[[" + token
                    + "]],\"A2\":[[0]],\"A3\":[[0]],\"E\":[[0]],\"WQ\":[[0]],\"WK\":[[0]],\"WV\":[[0]],\"family\":{\"kind\":\"identity\"}}";
            FormatException e = assertThrows(FormatException.class, () -> InstanceReader.read(
                    new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "i.json"));
            assertEquals("i.json: A1[0][0] = \"" + token + "\" is not a finite number", e.getMessage());
        }
    }

    @Test
    void inputTextIsQuotedEscapedAndCut() {
        assertEquals("\"a\\nb\\u001b[31m\\\"\"", InputText.quote("a\nb\u001b[31m\""));
        String q = InputText.quote("y".repeat(5000));
        assertTrue(q.endsWith("…(5000 chars)") && q.length() < 110, q);
        assertEquals("one \\r\\n line", InputText.oneLine("one \r\n line"));
        assertEquals("clean", InputText.oneLine("clean"));
    }
}
