package dev.ropecheck.model;

import java.math.BigDecimal;
import org.apfloat.Apfloat;

/**
 * Exact conversion of doubles to arbitrary precision. A double is a dyadic rational; going through
 * {@link BigDecimal#BigDecimal(double)} keeps every digit, whereas {@code new Apfloat(double, p)}
 * keeps only about 16. The precision given to the result is at least {@code digits}, because
 * apfloat arithmetic works to the smaller precision of its operands.
 */
public final class ExactValues {
    private ExactValues() {
    }

    /** {@code v} exactly, carried at precision {@code max(digits, digits of v)}. */
    public static Apfloat apfloat(double v, long digits) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("value " + v + " is not finite");
        }
        if (v == 0.0) {
            return new Apfloat(0, digits);
        }
        BigDecimal bd = new BigDecimal(v);
        return new Apfloat(bd, Math.max(digits, bd.precision()));
    }
}
