package dev.ropecheck.engine.reference;

import dev.ropecheck.model.ExactValues;
import dev.ropecheck.model.RopeFamily;
import org.apfloat.Apfloat;

/**
 * {@code cos(m theta_k)} and {@code sin(m theta_k)} as double-doubles for {@code m = 0..count-1} and
 * every pair {@code k} of a {@link RopeFamily} (MATH §1). With {@code S = ceil(sqrt(count))}, the
 * family's full-precision values ({@link RopeFamily#weight(int, int, int, long)}, at
 * {@link #DIGITS} digits) are taken only at {@code m = a} and {@code m = bS} ({@code a, b < S}),
 * rounded to double-double (relative error {@code <= u^2 = 2^-106} each), and combined by one
 * double-double complex product {@code e^{i(a + bS) theta} = e^{i a theta} e^{i bS theta}}: two
 * {@link DdArith#mul} and one {@link DdArith#add} per part, so each value is within
 * {@code 2 * 2^-106 + 2 * 4u^2 + 4u^2 < 2^-101.5} of the exact one (absolute, since
 * {@code |cos|, |sin| <= 1}). Cost {@code 2 sqrt(count) d/2} apfloat angles plus
 * {@code count d/2} complex products.
 */
public final class DdAngles {
    /** Digits at which the family's angles are taken (well beyond the 32 of a double-double). */
    public static final long DIGITS = 40;

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
            for (int m = 0; m < s; m++) {
                toDd(family.weight(m, a, a, DIGITS), lowC, 2 * m);
                toDd(family.weight(m, a, b, DIGITS), lowS, 2 * m);
            }
            for (int m = 0; m < blocks; m++) {
                toDd(family.weight(m * s, a, a, DIGITS), highC, 2 * m);
                toDd(family.weight(m * s, a, b, DIGITS), highS, 2 * m);
            }
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

    /** {@code v} rounded to a double-double: {@code hi = RN(v)}, {@code lo = RN(v - hi)}. */
    static void toDd(Apfloat v, double[] out, int k) {
        double hi = ApMatrix.toDouble(v);
        out[k] = hi;
        out[k + 1] = Double.isFinite(hi) ? ApMatrix.toDouble(v.subtract(ExactValues.apfloat(hi, v.precision()))) : 0.0;
    }

    public int count() {
        return count;
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
