package dev.ropecheck.io;

import com.fasterxml.jackson.core.io.NumberInput;
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

    /** {@code 5^k}, {@code k <= 27} (the largest power of five below {@code 2^63}). */
    private static final long[] POW5 = new long[28];
    /** {@code 10^k}, {@code k <= 18}. */
    private static final long[] POW10 = new long[19];

    static {
        POW5[0] = 1;
        for (int k = 1; k < POW5.length; k++) {
            POW5[k] = POW5[k - 1] * 5;
        }
        POW10[0] = 1;
        for (int k = 1; k < POW10.length; k++) {
            POW10[k] = POW10[k - 1] * 10;
        }
    }

    /**
     * The fast path of {@link #parse} + {@link #exactDouble}: the double equal to the decimal text
     * {@code buf[off, off + len)} when this method can <em>prove</em> it exact with integer arithmetic,
     * else NaN (then the caller takes the exact {@link BigDecimal} path, which accepts or rejects as
     * always; no text is accepted here that the exact path would reject, and every value returned is
     * the one it would return). Handles plain texts of at most 40 characters: an optional sign,
     * ASCII digits with an optional point, an optional exponent of at most three digits; at most 18
     * significant digits {@code D}; the value {@code D 10^e}. For {@code e >= 0} it is exact when
     * {@code D 10^e} fits a long with at most 53 significant bits; for {@code e = -k < 0},
     * {@code D 10^-k = (D / 5^k) 2^-k} is dyadic only when {@code 5^k} divides {@code D} ({@code k <= 27}),
     * and then exact when {@code D / 5^k} has at most 53 significant bits ({@code 2^-27} scaling cannot
     * underflow). Zero (of either sign) is {@code +0.0}, as {@link #exactDouble} gives it. No allocation.
     */
    public static double fastExact(char[] buf, int off, int len) {
        if (len <= 0 || len > 40) {
            return Double.NaN;
        }
        int i = off;
        int end = off + len;
        boolean negative = false;
        char c = buf[i];
        if (c == '-' || c == '+') {
            negative = c == '-';
            i++;
        }
        long digits = 0;
        int significant = 0;
        int fraction = 0;
        int mantissa = 0;
        boolean point = false;
        for (; i < end; i++) {
            c = buf[i];
            if (c >= '0' && c <= '9') {
                mantissa++;
                if (point) {
                    fraction++;
                }
                if (significant > 0 || c != '0') {
                    if (++significant > 18) {
                        return Double.NaN;
                    }
                    digits = digits * 10 + (c - '0');
                }
            } else if (c == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (mantissa == 0) {
            return Double.NaN;
        }
        int exponent = i < end ? exponentOf(buf, i, end) : 0;
        if (exponent == NO_EXPONENT) {
            return Double.NaN;
        }
        if (digits == 0) {
            return 0.0;
        }
        double v = exactValue(digits, exponent - fraction);
        return negative ? -v : v;
    }

    /** {@link #exponentOf}'s answer for a text that is not {@code [eE] [+-]? 1-3 digits}. */
    private static final int NO_EXPONENT = Integer.MIN_VALUE;

    /** The exponent {@code buf[i, end)} of {@link #fastExact}'s texts ({@code [eE] [+-]? 1-3 digits}), else {@link #NO_EXPONENT}. */
    private static int exponentOf(char[] buf, int i, int end) {
        char c = buf[i];
        if (c != 'e' && c != 'E') {
            return NO_EXPONENT;
        }
        i++;
        boolean negExp = false;
        if (i < end && (buf[i] == '+' || buf[i] == '-')) {
            negExp = buf[i] == '-';
            i++;
        }
        int exponent = 0;
        int expDigits = 0;
        for (; i < end; i++) {
            c = buf[i];
            if (c < '0' || c > '9' || ++expDigits > 3) {
                return NO_EXPONENT;
            }
            exponent = exponent * 10 + (c - '0');
        }
        if (expDigits == 0) {
            return NO_EXPONENT;
        }
        return negExp ? -exponent : exponent;
    }

    /**
     * {@code digits 10^e10} ({@code digits > 0}, at most 18 decimal digits) as a double when {@link #fastExact}'s
     * integer argument proves it exactly binary64, else NaN.
     */
    private static double exactValue(long digits, int e10) {
        while (digits % 10 == 0) {
            digits /= 10;
            e10++;
        }
        if (e10 >= 0) {
            if (e10 >= POW10.length || digits > Long.MAX_VALUE / POW10[e10]) {
                return Double.NaN;
            }
            long m = digits * POW10[e10];
            return significantBits(m) > 53 ? Double.NaN : (double) m;
        }
        int k = -e10;
        if (k >= POW5.length || digits % POW5[k] != 0) {
            return Double.NaN;
        }
        long m = digits / POW5[k];
        return significantBits(m) > 53 ? Double.NaN : Math.scalb((double) m, -k);
    }

    /** Bits from the highest to the lowest set bit of {@code m > 0}. */
    private static int significantBits(long m) {
        return 64 - Long.numberOfLeadingZeros(m) - Long.numberOfTrailingZeros(m);
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

    /**
     * The fast path of {@link #rounded}: the double nearest to the decimal text {@code buf[off, off + len)}
     * when the text lies in the plain subset {@code [+-]? digits (. digits)? ([eE] [+-]? 1-3 digits)?} of at
     * most 40 characters, else NaN (then {@link #rounded} decides, with its messages). Parsed by
     * FastDoubleParser (W. Randelshofer, after D. Lemire, "Number parsing at a gigabyte per second", 2021;
     * shaded in Jackson as {@link NumberInput}), which rounds to nearest, ties to even, as
     * {@link Double#parseDouble} and {@link BigDecimal#doubleValue} do: every value returned is the one
     * {@link #rounded} returns, overflow to an infinity and underflow to a signed zero included. Every text of
     * {@link #shortestText} is in the subset. No allocation.
     */
    public static double fastRounded(char[] buf, int off, int len) {
        if (len <= 0 || len > 40) {
            return Double.NaN;
        }
        int i = off;
        int end = off + len;
        if (buf[i] == '-' || buf[i] == '+') {
            i++;
        }
        int start = i;
        while (i < end && isDigit(buf[i])) {
            i++;
        }
        if (i == start) {
            return Double.NaN;
        }
        if (i < end && buf[i] == '.') {
            start = ++i;
            while (i < end && isDigit(buf[i])) {
                i++;
            }
            if (i == start) {
                return Double.NaN;
            }
        }
        if (i < end && (buf[i] == 'e' || buf[i] == 'E')) {
            i++;
            if (i < end && (buf[i] == '+' || buf[i] == '-')) {
                i++;
            }
            start = i;
            while (i < end && isDigit(buf[i])) {
                i++;
            }
            if (i == start || i - start > 3) {
                return Double.NaN;
            }
        }
        if (i != end) {
            return Double.NaN;
        }
        return NumberInput.parseDouble(buf, off, len, true);
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
            String lower = text.toLowerCase(java.util.Locale.ROOT);
            if (!allowNonFinite && (lower.contains("nan") || lower.contains("inf"))) {
                throw new FormatException(where + " = " + InputText.quote(text) + " is not a finite number");
            }
            throw new FormatException(where + " = " + InputText.quote(text) + " is not a decimal number (ASCII digits"
                    + " 0-9 with an optional sign, point and exponent" + (allowNonFinite ? ", or NaN, Infinity, -Infinity"
                    : "") + ")");
        }
        return new Scanned(negative, digits.toString(), exponent - fraction);
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
