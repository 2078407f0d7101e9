package dev.ropecheck.io;

import com.fasterxml.jackson.core.io.NumberInput;

/**
 * The allocation-free fast paths of {@link ExactDecimal}'s two readings of decimal text, on the parser's
 * own characters: {@link #exact} (inputs: the double a text is exactly, proved with integer arithmetic)
 * and {@link #rounded} (results: the nearest double). Each returns NaN for a text it does not take, and
 * the caller then takes {@link ExactDecimal}'s path, which decides and words the message; no text is
 * accepted here that that path would reject, and every value returned is the one it would return.
 */
public final class DecimalFastPaths {
    private DecimalFastPaths() {
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
     * The fast path of {@link ExactDecimal#parse} + {@link ExactDecimal#exactDouble}: the double equal to the decimal text
     * {@code buf[off, off + len)} when this method can <em>prove</em> it exact with integer arithmetic,
     * else NaN (then the caller takes the exact {@code BigDecimal} path, which accepts or rejects as
     * always; no text is accepted here that the exact path would reject, and every value returned is
     * the one it would return). Handles plain texts of at most 40 characters: an optional sign,
     * ASCII digits with an optional point, an optional exponent of at most three digits; at most 18
     * significant digits {@code D}; the value {@code D 10^e}. For {@code e >= 0} it is exact when
     * {@code D 10^e} fits a long with at most 53 significant bits; for {@code e = -k < 0},
     * {@code D 10^-k = (D / 5^k) 2^-k} is dyadic only when {@code 5^k} divides {@code D} ({@code k <= 27}),
     * and then exact when {@code D / 5^k} has at most 53 significant bits ({@code 2^-27} scaling cannot
     * underflow). Zero (of either sign) is {@code +0.0}, as {@link ExactDecimal#exactDouble} gives it. No allocation.
     */
    public static double exact(char[] buf, int off, int len) {
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

    /** The exponent {@code buf[i, end)} of {@link #exact}'s texts ({@code [eE] [+-]? 1-3 digits}), else {@link #NO_EXPONENT}. */
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
     * {@code digits 10^e10} ({@code digits > 0}, at most 18 decimal digits) as a double when {@link #exact}'s
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
     * The fast path of {@link ExactDecimal#rounded}: the double nearest to the decimal text {@code buf[off, off + len)}
     * when the text lies in the plain subset {@code [+-]? digits (. digits)? ([eE] [+-]? 1-3 digits)?} of at
     * most 40 characters, else NaN (then {@link ExactDecimal#rounded} decides, with its messages). Parsed by
     * FastDoubleParser (W. Randelshofer, after D. Lemire, "Number parsing at a gigabyte per second", 2021;
     * shaded in Jackson as {@link NumberInput}), which rounds to nearest, ties to even, as
     * {@link Double#parseDouble} and {@link java.math.BigDecimal#doubleValue} do: every value returned is the one
     * {@link ExactDecimal#rounded} returns, overflow to an infinity and underflow to a signed zero included. Every text of
     * {@link ExactDecimal#shortestText} is in the subset. No allocation.
     */
    public static double rounded(char[] buf, int off, int len) {
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

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
