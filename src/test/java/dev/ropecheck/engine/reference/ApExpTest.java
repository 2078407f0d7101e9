package dev.ropecheck.engine.reference;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The reference's exp (Def. 3.12 {@code u = exp(s)}) against {@code ApfloatMath.exp} at 20 more digits. */
class ApExpTest {

    @Test
    @DisplayName("Def. 3.12: ApExp.exp agrees with ApfloatMath.exp to prec-1 relative digits")
    @dev.ropecheck.specs.Spec("def-3.12")
    void def312ExpMatchesApfloatExp() {
        SplittableRandom rnd = new SplittableRandom(312);
        double[] fixed = {1e-40, -1e-12, 0.5, -0.5, 1, -1, 2.75, -7.125, 33.5, -100.25, 700, -4096, 4096.5, 20000};
        for (long prec : new long[] {30, 60, 110}) {
            for (int t = 0; t < fixed.length + 10; t++) {
                double xv = t < fixed.length ? fixed[t] : (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(-3, 4));
                Apfloat x = new Apfloat(new java.math.BigDecimal(xv), prec + 40);
                Apfloat mine = ApExp.exp(x.precision(prec), prec);
                Apfloat ref = ApfloatMath.exp(x.precision(prec + 40));
                Apfloat rel = ApfloatMath.abs(mine.subtract(ref)).divide(ref);
                // rounding the result to prec digits costs at most one unit in the prec-th digit.
                Apfloat allowed = new Apfloat("1e-" + (prec - 1), prec);
                assertTrue(rel.compareTo(allowed) <= 0, "x = " + xv + ", prec = " + prec + ": relative error "
                        + rel.precision(5) + " = " + rel.divide(allowed).precision(4) + " x allowed 1e-" + (prec - 1));
            }
        }
        assertTrue(ApExp.exp(Apfloat.ZERO, 50).compareTo(new Apfloat(1)) == 0, "exp(0) must be 1");
    }

    @Test
    @DisplayName("Def. 3.12: ApExp.exp accepts |x| up to 1e15 and refuses larger arguments naming the limit")
    void def312ExpRangeIsStated() {
        Apfloat big = new Apfloat(new java.math.BigDecimal(2e15), 30);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApExp.exp(big, 30));
        assertTrue(e.getMessage().contains("1e15"), e.getMessage());
        Apfloat edge = new Apfloat(new java.math.BigDecimal(0x1p31 + 0.5), 40);
        Apfloat mine = ApExp.exp(edge.negate(), 20);
        assertTrue(mine.signum() > 0 && mine.scale() < -900_000_000L, "exp(-(2^31 + 1/2)) is tiny but positive: " + mine.precision(5));
    }
}
