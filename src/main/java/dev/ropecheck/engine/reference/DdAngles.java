package dev.ropecheck.engine.reference;

import dev.ropecheck.model.RopeFamily;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.apfloat.Apfloat;
import org.apfloat.Apint;

/**
 * {@code cos(m theta_k)} and {@code sin(m theta_k)} as double-doubles for {@code m = 0..count-1} and
 * every pair {@code k} of a {@link RopeFamily} (MATH §1). With {@code S = ceil(sqrt(count))}, the
 * family's full-precision {@code e^{i theta_k}} and {@code e^{i S theta_k}}
 * ({@link RopeFamily#weight(int, int, int, long)}, at {@link #DIGITS} digits) are raised to the powers
 * {@code a < S} and {@code b < count/S} in 160-bit binary fixed point, rounded to double-double (relative error
 * {@code <= u^2 = 2^-106} each), and combined by one
 * double-double complex product {@code e^{i(a + bS) theta} = e^{i a theta} e^{i bS theta}}: two
 * {@link DdArith#mul} and one {@link DdArith#add} per part, so each value is within
 * {@code 2 * 2^-106 + 2 * 4u^2 + 4u^2 < 2^-101.5} of the exact one (absolute, since
 * {@code |cos|, |sin| <= 1}). Cost {@code d} apfloat angles, {@code 2 sqrt(count) d/2} fixed-point
 * complex products and {@code count d/2} double-double complex products.
 */
public final class DdAngles {
    /** Digits at which the family's angles are taken and multiplied (well beyond the 32 of a double-double). */
    public static final long DIGITS = 45;
    /** Fraction bits of the fixed-point powers. */
    static final int FRACTION_BITS = 160;

    private final int count;
    private final int pairs;
    /** {@code [k * count + m]}. */
    private final double[] cosH;
    private final double[] cosL;
    private final double[] sinH;
    private final double[] sinL;

    /** Tables for {@code m = 0..count-1}; precondition {@code count >= 1}. */
    public DdAngles(RopeFamily family, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("angle count = " + count + " must be >= 1");
        }
        this.count = count;
        this.pairs = family.d() / 2;
        int s = (int) Math.ceil(Math.sqrt(count));
        int blocks = (count + s - 1) / s;
        cosH = new double[pairs * count];
        cosL = new double[pairs * count];
        sinH = new double[pairs * count];
        sinL = new double[pairs * count];
        double[] lowC = new double[2 * s];
        double[] lowS = new double[2 * s];
        double[] highC = new double[2 * blocks];
        double[] highS = new double[2 * blocks];
        double[] t = new double[4];
        for (int k = 0; k < pairs; k++) {
            int a = family.dimA(k);
            int b = family.dimB(k);
            powers(family, a, b, 1, s, lowC, lowS);
            powers(family, a, b, s, blocks, highC, highS);
            for (int m = 0; m < count; m++) {
                int lo = 2 * (m % s);
                int hi = 2 * (m / s);
                int at = k * count + m;
                // cos = cL cH - sL sH, sin = sL cH + cL sH
                DdArith.mul(lowC[lo], lowC[lo + 1], highC[hi], highC[hi + 1], t, 0);
                DdArith.mul(lowS[lo], lowS[lo + 1], highS[hi], highS[hi + 1], t, 2);
                DdArith.add(t[0], t[1], -t[2], -t[3], t, 0);
                cosH[at] = t[0];
                cosL[at] = t[1];
                DdArith.mul(lowS[lo], lowS[lo + 1], highC[hi], highC[hi + 1], t, 0);
                DdArith.mul(lowC[lo], lowC[lo + 1], highS[hi], highS[hi + 1], t, 2);
                DdArith.add(t[0], t[1], t[2], t[3], t, 0);
                sinH[at] = t[0];
                sinL[at] = t[1];
            }
        }
    }

    /**
     * {@code e^{i j step theta_k}} for {@code j = 0..len-1} as double-doubles: {@code e^{i step theta_k}}
     * from the family at {@link #DIGITS} digits, converted once to binary fixed point with
     * {@link #FRACTION_BITS} fraction bits, then {@code len} complex products in that fixed point
     * (each truncates by at most {@code 2^-159}, so after {@code len <= 2^12} steps the absolute error
     * is below {@code 2^-146 + len 10^-DIGITS}, far below {@code 2^-106}), rounded to double-double.
     */
    private static void powers(RopeFamily family, int a, int b, int step, int len, double[] c, double[] sn) {
        BigInteger uc = toFixed(family.weight(step, a, a, DIGITS));
        BigInteger us = toFixed(family.weight(step, a, b, DIGITS));
        BigInteger re = BigInteger.ONE.shiftLeft(FRACTION_BITS);
        BigInteger im = BigInteger.ZERO;
        for (int j = 0; j < len; j++) {
            fixedToDd(re, c, 2 * j);
            fixedToDd(im, sn, 2 * j);
            BigInteger r2 = re.multiply(uc).subtract(im.multiply(us)).shiftRight(FRACTION_BITS);
            im = re.multiply(us).add(im.multiply(uc)).shiftRight(FRACTION_BITS);
            re = r2;
        }
    }

    /** {@code floor(v 2^FRACTION_BITS)} for {@code |v| <= 1}. */
    private static BigInteger toFixed(Apfloat v) {
        return v.multiply(new Apint(BigInteger.ONE.shiftLeft(FRACTION_BITS))).floor().toBigInteger();
    }

    /** {@code x 2^-FRACTION_BITS} rounded to a double-double ({@code hi} correctly rounded, {@code lo = RN(rest)}). */
    private static void fixedToDd(BigInteger x, double[] out, int k) {
        double hi = Math.scalb(x.doubleValue(), -FRACTION_BITS);
        BigInteger hiFixed = new BigDecimal(hi).multiply(new BigDecimal(BigInteger.ONE.shiftLeft(FRACTION_BITS)))
                .toBigInteger();
        out[k] = hi;
        out[k + 1] = Math.scalb(x.subtract(hiFixed).doubleValue(), -FRACTION_BITS);
    }

    public double cosHi(int k, int m) {
        return cosH[k * count + m];
    }

    public double cosLo(int k, int m) {
        return cosL[k * count + m];
    }

    public double sinHi(int k, int m) {
        return sinH[k * count + m];
    }

    public double sinLo(int k, int m) {
        return sinL[k * count + m];
    }
}
