package dev.ropecheck.io;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Exact conversions between decimal text and binary64 (specs/format-instance.md, "Numbers").
 *
 * <p>An input number is read as the exact decimal it spells ({@link BigDecimal}); it is accepted
 * only when that decimal <em>is</em> a double (a dyadic rational with a 53-bit significand inside
 * the binary64 range), so the double engines and the arbitrary-precision reference see the same
 * rational number. Output of inputs uses the shortest decimal that is still the exact value.
 *
 * <p>Cost: decimal text is scanned once, character by character, and refused before any
 * {@link BigDecimal} or {@link BigInteger} work when it is longer than {@link #MAX_CHARS} or its
 * exponent puts it outside the binary64 range, so no input can make the reading super-linear (issue 13).
 * Only ASCII digits count as digits ({@link BigDecimal#BigDecimal(String)} would also take
 * {@code "٠.٢٥"} or {@code "０.５"}).
 */
public final class ExactDecimal {
    /**
     * Longest decimal text accepted (characters, blanks included). Every binary64's exact decimal expansion is
     * shorter: a value whose last bit is {@code 2^-1074} has 1074 digits after the point, so its plain expansion
     * is at most {@code "-0." + 1074} digits = 1077 characters (the exact expansion of {@code 2^-1074} itself is
     * {@code "0." + 1074} digits, 1076 characters, 751 of them significant); values at or above 1 have at most 309
     * integer digits and at most 52 digits after the point; the scientific forms are shorter (at most 767
     * significant digits and a four-digit exponent). 1100 leaves room for a few redundant zeros or blanks.
     */
    public static final int MAX_CHARS = 1100;

    /**
     * Decimal exponents ({@code precision - scale}, i.e. {@code floor(log10 |x|) + 1}) outside this range cannot
     * be a finite non-zero double ({@code 2^-1074 ≈ 4.9e-324}, {@code DBL_MAX ≈ 1.8e308}).
     */
    private static final int MIN_EXPONENT = -330;
    private static final int MAX_EXPONENT = 310;

    /** Exponents are accumulated up to this magnitude and then saturate (anything beyond is out of range anyway). */
    private static final long EXPONENT_SATURATION = 1_000_000_000_000L;

    private ExactDecimal() {
    }

    /**
     * The double equal to {@code value}.
     *
     * @param where the field and index, e.g. {@code A1[3][1]}, used in the message
     * @throws FormatException when {@code value} is not exactly a finite double
     */
    public static double exactDouble(BigDecimal value, String where) {
        if (value.signum() == 0) {
            return 0.0;
        }
        int exponent = value.precision() - value.scale();
        if (exponent < MIN_EXPONENT || exponent > MAX_EXPONENT) {
            throw new FormatException(where + " = " + abbreviate(value.toString())
                    + " lies outside the binary64 range");
        }
        double v = value.doubleValue();
        if (!Double.isFinite(v)) {
            throw new FormatException(where + " = " + abbreviate(value.toString()) + " lies outside the binary64 range");
        }
        if (new BigDecimal(v).compareTo(value) != 0) {
            throw new FormatException(where + " = " + abbreviate(value.toString())
                    + " is not exactly representable in binary64; the reference and double engines would see"
                    + " different inputs — give a dyadic value or a double's exact decimal expansion");
        }
        return v;
    }

    /**
     * Parses decimal text (a JSON number token's text, or a JSON string holding a number): optional blanks, an
     * optional sign, ASCII digits with an optional point, an optional exponent {@code e}/{@code E}.
     *
     * @throws FormatException naming {@code where} when the text is not a decimal number of at most
     *     {@link #MAX_CHARS} characters, or lies outside the binary64 range (so it can be no exact double)
     */
    public static BigDecimal parse(String text, String where) {
        Scanned s = scan(text, where, false);
        if (s.digits.isEmpty()) {
            return BigDecimal.ZERO;
        }
        long adjusted = s.exponent + s.digits.length();
        if (adjusted < MIN_EXPONENT || adjusted > MAX_EXPONENT) {
            throw new FormatException(where + " = " + InputText.quote(text) + " lies outside the binary64 range");
        }
        BigDecimal v = new BigDecimal(new BigInteger(s.digits), (int) -s.exponent);
        return s.negative ? v.negate() : v;
    }

    /**
     * Decimal text rounded to the nearest double (results, specs/format-result.md): {@link #parse}'s syntax, plus
     * the texts {@code NaN}, {@code Infinity} and {@code -Infinity}; a magnitude beyond the binary64 range rounds
     * to an infinity, one below it to a signed zero, whatever its exponent (no {@link BigDecimal} is built then).
     *
     * @throws FormatException naming {@code where} when the text is not a decimal number of at most
     *     {@link #MAX_CHARS} characters
     */
    public static double rounded(String text, String where) {
        String t = text.strip();
        switch (t) {
            case "NaN":
                return Double.NaN;
            case "Infinity":
            case "+Infinity":
                return Double.POSITIVE_INFINITY;
            case "-Infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        Scanned s = scan(text, where, true);
        if (s.digits.isEmpty()) {
            return s.negative ? -0.0 : 0.0;
        }
        long adjusted = s.exponent + s.digits.length();
        if (adjusted > MAX_EXPONENT) {
            return s.negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (adjusted < MIN_EXPONENT) {
            return s.negative ? -0.0 : 0.0;
        }
        double v = new BigDecimal(new BigInteger(s.digits), (int) -s.exponent).doubleValue();
        return s.negative ? -v : v;
    }

    /** Sign, significant digits (no leading zeros; empty for zero) and exponent: value = ±digits × 10^exponent. */
    private record Scanned(boolean negative, String digits, long exponent) {
    }

    private static Scanned scan(String text, String where, boolean allowNonFinite) {
        int len = text.length();
        if (len > MAX_CHARS) {
            throw new FormatException(where + " = " + InputText.quote(text) + " has " + len
                    + " characters, more than the " + MAX_CHARS + " an exact binary64 decimal ever needs");
        }
        int i = 0;
        int end = len;
        while (i < end && text.charAt(i) <= ' ') {
            i++;
        }
        while (end > i && text.charAt(end - 1) <= ' ') {
            end--;
        }
        boolean negative = false;
        if (i < end && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        StringBuilder digits = new StringBuilder(end - i);
        int fraction = 0;
        int mantissaDigits = 0;
        while (i < end && isDigit(text.charAt(i))) {
            append(digits, text.charAt(i));
            i++;
            mantissaDigits++;
        }
        if (i < end && text.charAt(i) == '.') {
            i++;
            while (i < end && isDigit(text.charAt(i))) {
                append(digits, text.charAt(i));
                fraction++;
                i++;
                mantissaDigits++;
            }
        }
        long exponent = 0;
        boolean ok = mantissaDigits > 0;
        if (ok && i < end && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            boolean negExp = false;
            if (i < end && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                negExp = text.charAt(i) == '-';
                i++;
            }
            int expDigits = 0;
            while (i < end && isDigit(text.charAt(i))) {
                if (exponent < EXPONENT_SATURATION) {
                    exponent = exponent * 10 + (text.charAt(i) - '0');
                }
                expDigits++;
                i++;
            }
            ok = expDigits > 0;
            exponent = negExp ? -exponent : exponent;
        }
        if (!ok || i != end) {
            throw notDecimal(text, where, allowNonFinite);
        }
        return new Scanned(negative, digits.toString(), exponent - fraction);
    }

    /** The one-line refusal of a text that {@link #scan} does not take. */
    private static FormatException notDecimal(String text, String where, boolean allowNonFinite) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        if (!allowNonFinite && (lower.contains("nan") || lower.contains("inf"))) {
            return new FormatException(where + " = " + InputText.quote(text) + " is not a finite number");
        }
        return new FormatException(where + " = " + InputText.quote(text) + " is not a decimal number (ASCII digits"
                + " 0-9 with an optional sign, point and exponent" + (allowNonFinite ? ", or NaN, Infinity, -Infinity"
                : "") + ")");
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Appends a digit, dropping leading zeros. */
    private static void append(StringBuilder digits, char c) {
        if (c != '0' || digits.length() > 0) {
            digits.append(c);
        }
    }

    /**
     * The shortest decimal text that reads back as {@code v} (round to nearest), in the layout of
     * {@link Double#toString} ({@code 0.001}, {@code 1.0E7}, {@code -2.5E-5}). Computed by the Schubfach
     * algorithm (R. Giulietti, "The Schubfach way to render doubles", 2020; Jackson's
     * {@link NumberOutput}), which Java 19 adopted for {@link Double#toString}: Java 17's
     * {@link Double#toString} reads back as the same double but is not always shortest (1.2% of a sample of
     * three million doubles, a third of them random bit patterns, got a 17th or 18th digit:
     * {@code 8.8376616726300508E18} for {@code 8.837661672630051E18}), and it was three to six times slower
     * in a paired run, which dominated writing large results.
     *
     * @param v a finite double
     */
    public static String shortestText(double v) {
        return NumberOutput.toString(v, true);
    }

    /**
     * The shortest decimal text whose exact value is {@code v}: {@link #shortestText} when that is
     * exact (always for dyadic rationals with few bits), else the full expansion of
     * {@link BigDecimal#BigDecimal(double)}.
     *
     * @throws IllegalArgumentException when {@code v} is not finite
     */
    public static String exactText(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("value " + v + " is not finite");
        }
        String s = shortestText(v);
        BigDecimal exact = new BigDecimal(v);
        if (new BigDecimal(s).compareTo(exact) == 0) {
            return s;
        }
        return exact.toString();
    }

    static String abbreviate(String s) {
        return s.length() <= InputText.MAX_QUOTED ? s : s.substring(0, 60) + "…(" + s.length() + " chars)";
    }
}
