package dev.ropecheck.io;

import java.math.BigDecimal;

/**
 * Exact conversions between decimal text and binary64 (specs/format-instance.md, "Numbers").
 *
 * <p>An input number is read as the exact decimal it spells ({@link BigDecimal}); it is accepted
 * only when that decimal <em>is</em> a double (a dyadic rational with a 53-bit significand inside
 * the binary64 range), so the double engines and the arbitrary-precision reference see the same
 * rational number. Output of inputs uses the shortest decimal that is still the exact value.
 */
public final class ExactDecimal {
    /** Decimal exponents ({@code precision - scale}) outside this range cannot be a finite non-zero double. */
    private static final int MIN_EXPONENT = -330;
    private static final int MAX_EXPONENT = 310;

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
     * Parses decimal text (a JSON string holding a number). Accepts what {@link BigDecimal#BigDecimal(String)}
     * accepts, after trimming blanks.
     *
     * @throws FormatException naming {@code where} when the text is not a finite decimal number
     */
    public static BigDecimal parse(String text, String where) {
        String t = text.trim();
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("nan") || lower.contains("inf")) {
            throw new FormatException(where + " = \"" + abbreviate(text) + "\" is not a finite number");
        }
        try {
            return new BigDecimal(t);
        } catch (NumberFormatException e) {
            throw new FormatException(where + " = \"" + abbreviate(text) + "\" is not a decimal number");
        }
    }

    /**
     * The shortest decimal text whose exact value is {@code v}: {@link Double#toString} when that is
     * exact (always for dyadic rationals with few bits), else the full expansion of
     * {@link BigDecimal#BigDecimal(double)}.
     *
     * @throws IllegalArgumentException when {@code v} is not finite
     */
    public static String exactText(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("value " + v + " is not finite");
        }
        String s = Double.toString(v);
        BigDecimal exact = new BigDecimal(v);
        if (new BigDecimal(s).compareTo(exact) == 0) {
            return s;
        }
        return exact.toString();
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 40) + "…(" + s.length() + " chars)";
    }
}
