package dev.ropecheck.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link DecimalFastPaths#exact}, the integer-arithmetic fast path of exact input reading: wherever
 * it returns a value, the exact {@link BigDecimal} path returns the same double; it never accepts a
 * decimal that is not exactly a binary64 (such texts fall through to the exact path, which rejects
 * them as before); and it does take the texts instances are made of.
 */
class ExactDecimalFastPathTest {

    private static double fast(String s) {
        return DecimalFastPaths.exact(s.toCharArray(), 0, s.length());
    }

    /** The exact path's verdict: the double, or NaN when it rejects the text. */
    private static double exact(String s) {
        try {
            return ExactDecimal.exactDouble(ExactDecimal.parse(s, "x"), "x");
        } catch (FormatException e) {
            return Double.NaN;
        }
    }

    private static void agrees(String s) {
        double f = fast(s);
        if (!Double.isNaN(f)) {
            assertEquals(Double.doubleToLongBits(exact(s)), Double.doubleToLongBits(f), s);
        }
    }

    @Test
    @DisplayName("decimals that are not exactly a binary64 are never taken by the fast path, and the exact path still rejects them")
    void inexactDecimalsFallThroughAndAreRejected() {
        for (String s : new String[] {"0.1", "0.3", "-0.7", "1e-1", "2.5e-3", "9007199254740993", "0.00000000000000000000000000001",
                "123456789.123456789", "1e400", "1e-400", "3.141592653589793"}) {
            assertTrue(Double.isNaN(fast(s)), s + " must not be accepted by the fast path");
            assertThrows(FormatException.class, () -> ExactDecimal.exactDouble(ExactDecimal.parse(s, "x"), "x"), s);
        }
    }

    @Test
    @DisplayName("the texts of generated instances (k / 2^12, shortest round trip) take the fast path, with the exact value")
    void dyadicTextsTakeTheFastPath() {
        SplittableRandom rnd = new SplittableRandom(5);
        int taken = 0;
        for (int t = 0; t < 20000; t++) {
            double v = (rnd.nextInt(1 << 16) - (1 << 15)) / 4096.0;
            String s = Double.toString(v);
            double f = fast(s);
            assertEquals(Double.doubleToLongBits(v == 0 ? 0.0 : v), Double.doubleToLongBits(f), s);
            taken++;
        }
        assertEquals(20000, taken);
        for (String s : new String[] {"0", "-0", "0.0", "1", "-1", "1.", ".5", "+2.25", "1e3", "1E+3", "-6.103515625E-5",
                "9007199254740992", "4503599627370497", "0.123291015625", "1234567890123456789e-1"}) {
            agrees(s);
        }
        assertEquals(0.0, fast("-0.0"));
        assertEquals(-6.103515625E-5, fast("-6.103515625E-5"));
    }

    @Test
    @DisplayName("on random doubles and random decimal texts the fast path agrees with the exact path wherever it answers")
    void agreesWithTheExactPath() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int t = 0; t < 20000; t++) {
            double v = Double.longBitsToDouble(rnd.nextLong());
            if (!Double.isFinite(v)) {
                continue;
            }
            agrees(Double.toString(v));
            agrees(new BigDecimal(v).toString());
            double small = Math.scalb((double) rnd.nextLong(1L << 53), -rnd.nextInt(60));
            agrees(Double.toString(small));
            agrees(new BigDecimal(small).toPlainString());
            StringBuilder sb = new StringBuilder();
            int len = 1 + rnd.nextInt(20);
            for (int k = 0; k < len; k++) {
                sb.append((char) ('0' + rnd.nextInt(10)));
            }
            if (rnd.nextBoolean()) {
                sb.insert(rnd.nextInt(sb.length() + 1), '.');
            }
            if (rnd.nextBoolean()) {
                sb.append('e').append(rnd.nextInt(41) - 20);
            }
            agrees(sb.toString());
        }
    }

    @Test
    @DisplayName("malformed texts are left to the exact path")
    void malformedTextsFallThrough() {
        for (String s : new String[] {"", "-", ".", "e5", "1e", "1e+", " 1", "1 ", "1..2", "0x10", "NaN", "Infinity", "1e1234",
                "١٢", "1,5"}) {
            assertTrue(Double.isNaN(fast(s)), s);
        }
    }
}
