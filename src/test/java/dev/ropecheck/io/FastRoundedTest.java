package dev.ropecheck.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link DecimalFastPaths#rounded}, the fast path of reading a result's numbers: wherever it returns a
 * value it is bit for bit the one {@link ExactDecimal#rounded} returns (signed zeros, subnormals,
 * ties to even, overflow and underflow included), it takes every text {@link ExactDecimal#shortestText}
 * writes, and it leaves every text outside its subset to {@link ExactDecimal#rounded}.
 */
class FastRoundedTest {

    private static double fast(String s) {
        return DecimalFastPaths.rounded(s.toCharArray(), 0, s.length());
    }

    private static void agrees(String s, String seed) {
        double f = fast(s);
        assertTrue(!Double.isNaN(f), s + " should take the fast path (" + seed + ")");
        assertEquals(Double.doubleToRawLongBits(ExactDecimal.rounded(s, "x")), Double.doubleToRawLongBits(f), s + " (" + seed + ")");
    }

    @Test
    @DisplayName("every shortest text of a random double (bit patterns, subnormals, generated magnitudes) reads back through the fast path (seed 3)")
    void shortestTextsTakeTheFastPath() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int t = 0; t < 30_000; t++) {
            double v = switch (t % 3) {
                case 0 -> Double.longBitsToDouble(rnd.nextLong());
                case 1 -> Double.longBitsToDouble(rnd.nextLong(0x0010_0000_0000_0000L)); // subnormal
                default -> (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(-30, 31));
            };
            if (!Double.isFinite(v)) {
                continue;
            }
            String s = ExactDecimal.shortestText(v);
            agrees(s, "seed 3, case " + t);
            assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(fast(s)), s);
        }
    }

    @Test
    @DisplayName("random digit strings up to 40 characters with exponents to 999 agree with the exact path (seed 4)")
    void randomDecimalsAgreeWithTheExactPath() {
        SplittableRandom rnd = new SplittableRandom(4);
        for (int t = 0; t < 30_000; t++) {
            StringBuilder b = new StringBuilder();
            if (rnd.nextBoolean()) {
                b.append(rnd.nextBoolean() ? '-' : '+');
            }
            int whole = 1 + rnd.nextInt(18);
            for (int k = 0; k < whole; k++) {
                b.append((char) ('0' + rnd.nextInt(10)));
            }
            if (rnd.nextBoolean()) {
                b.append('.');
                int frac = 1 + rnd.nextInt(12);
                for (int k = 0; k < frac; k++) {
                    b.append((char) ('0' + rnd.nextInt(10)));
                }
            }
            if (rnd.nextBoolean()) {
                b.append(rnd.nextBoolean() ? 'e' : 'E').append(rnd.nextBoolean() ? "-" : rnd.nextBoolean() ? "+" : "");
                b.append(rnd.nextInt(rnd.nextBoolean() ? 1000 : 400));
            }
            agrees(b.toString(), "seed 4, case " + t);
        }
    }

    @Test
    @DisplayName("edges: signed zeros, ties to even, half the least subnormal, the largest finite, overflow, underflow")
    void edges() {
        for (String s : new String[] {"0", "-0", "-0.0", "+0.000e5", "9007199254740993", "9007199254740995",
                "2.4703282292062327e-324", "2.4703282292062328e-324", "4.9e-324", "1.7976931348623157e308",
                "1.7976931348623158e308", "1.7976931348623159e308", "1e309", "-1e999", "1e-999", "-1e-400",
                "0.1", "123456789012345678901234567890", "1E+3"}) {
            agrees(s, "edge");
        }
    }

    @Test
    @DisplayName("texts outside the plain subset are left to the exact path (NaN), which accepts or rejects them as before")
    void othersFallThrough() {
        for (String s : new String[] {"", "-", "+", ".5", "1.", "1e", "1e+", "1e1234", " 1", "1 ", "NaN", "Infinity",
                "-Infinity", "0x1p3", "1d", "1f", "1_000", "١", "1.5.5", "1e5e5", "12345678901234567890123456789012345678901"}) {
            assertTrue(Double.isNaN(fast(s)), s);
        }
        assertEquals(0.5, ExactDecimal.rounded(".5", "x"));
        assertEquals(1.0, ExactDecimal.rounded(" 1", "x"));
        assertTrue(Double.isNaN(ExactDecimal.rounded("NaN", "x")));
    }
}
