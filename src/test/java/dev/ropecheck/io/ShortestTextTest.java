package dev.ropecheck.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link ExactDecimal#shortestText}, the text of every double a result file holds: it reads back as
 * the same double, no text with fewer significant digits does, and it keeps {@link Double#toString}'s
 * layout (Java 17's text differs only where it is longer or, as long, has a last digit farther from the value).
 */
class ShortestTextTest {

    /** Significant digits of a decimal text (its unscaled value with trailing zeros stripped). */
    private static int digits(String s) {
        BigDecimal b = new BigDecimal(s);
        return b.signum() == 0 ? 1 : b.stripTrailingZeros().precision();
    }

    /** Whether some decimal with {@code k} significant digits rounds to {@code v}: the correctly rounded k-digit one does, if any. */
    private static boolean roundTripsWith(double v, int k) {
        BigDecimal rounded = new BigDecimal(v).round(new java.math.MathContext(k));
        BigDecimal up = rounded.add(rounded.ulp());
        BigDecimal down = rounded.subtract(rounded.ulp());
        return rounded.doubleValue() == v || up.doubleValue() == v || down.doubleValue() == v;
    }

    @Test
    @DisplayName("round trip, shortest, and Double.toString's layout, over random bit patterns and generated magnitudes (seed 11)")
    void shortestRoundTripInDoubleToStringLayout() {
        SplittableRandom rnd = new SplittableRandom(11);
        int sameAsJdk = 0;
        int shorterThanJdk = 0;
        for (int t = 0; t < 10_000; t++) {
            double v = t % 2 == 0 ? Double.longBitsToDouble(rnd.nextLong())
                    : (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(-30, 31));
            if (!Double.isFinite(v)) {
                continue;
            }
            String s = ExactDecimal.shortestText(v);
            String jdk = Double.toString(v);
            assertEquals(Double.doubleToLongBits(v), Double.doubleToLongBits(Double.parseDouble(s)), s + " (seed 11, case " + t + ")");
            int k = digits(s);
            assertTrue(k == 1 || !roundTripsWith(v, k - 1), s + " is not shortest: " + (k - 1) + " digits suffice (seed 11, case " + t + ")");
            if (s.equals(jdk)) {
                sameAsJdk++;
            } else {
                // only where the platform's text is longer, or as long with a last digit farther from v
                assertTrue(digits(s) <= digits(jdk), s + " vs " + jdk);
                assertEquals(jdk.contains("E"), s.contains("E"), s + " vs " + jdk);
                shorterThanJdk++;
            }
        }
        assertTrue(sameAsJdk > 9_500, "layout differs from Double.toString too often: " + sameAsJdk);
        assertTrue(shorterThanJdk >= 0);
    }

    @Test
    @DisplayName("Double.toString's layout at the plain / scientific boundaries (1e-3 and 1e7) and for signed zero")
    void layoutAtBoundaries() {
        String[][] cases = {{"0.001", "0.001"}, {"9.999E-4", "9.999E-4"}, {"1.0E7", "1.0E7"}, {"9999999.0", "9999999.0"},
                {"1.0", "1.0"}, {"-2.5E-5", "-2.5E-5"}, {"0.0", "0.0"}, {"-0.0", "-0.0"}, {"4.9E-324", "4.9E-324"},
                {"1.7976931348623157E308", "1.7976931348623157E308"}, {"8.837661672630051E18", "8.837661672630051E18"}};
        for (String[] c : cases) {
            assertEquals(c[1], ExactDecimal.shortestText(Double.parseDouble(c[0])), c[0]);
        }
    }
}
