package dev.ropecheck.engine.reference;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * {@code exp} of a double-double, relative error about {@code 1e-30} over the double range
 * (proofs-notes/double-double-reference.md, "exp"): range reduction {@code x = k ln2 + t} with
 * {@code ln 2} split in three parts (the first with 42 significant bits, so {@code k * LN2_A} is
 * exact for {@code |k| <= 2^11}), argument scaling {@code t' = t / 2^8}, the Taylor polynomial of
 * {@code expm1} to degree 9 (truncation below {@code 5e-33} relative for {@code |t'| <= 1.36e-3};
 * degrees 6..9 in double, which they reach only at relative {@code 1e-17}), then eight squarings in
 * the {@code expm1} form {@code m <- 2m + m^2} (relative errors of {@code m} add, they are not
 * doubled), and {@code 2^k (1 + m)}.
 *
 * <p>Range: results above {@code Double.MAX_VALUE} are {@code +Infinity} (lo {@code 0}) as IEEE
 * rounding gives; below {@code 2^-1074} they are {@code 0}. Results in the subnormal range keep only
 * the accuracy of a double (the low part underflows); results below {@code 2^-969} lose low-part
 * bits gradually. Allocation-free.
 */
public final class DdExp {
    private static final int SQUARINGS = 8;
    private static final double SCALE = 1.0 / (1 << SQUARINGS);
    /** {@code ln 2} in three parts: {@code LN2_A} has 42 significant bits. */
    private static final double LN2_A;
    private static final double LN2_B;
    private static final double LN2_C;
    private static final double INV_LN2 = 1.4426950408889634;
    /** {@code 1/k!} as double-doubles, {@code k = 0..5}, and doubles for {@code k = 6..9}. */
    private static final double[] INV_FACT_HI = new double[10];
    private static final double[] INV_FACT_LO = new double[10];
    /** Above this {@code exp} overflows for sure; below {@link #UNDERFLOW} it is 0. */
    private static final double OVERFLOW = 709.79;
    private static final double UNDERFLOW = -745.2;

    static {
        MathContext mc = new MathContext(80);
        BigDecimal ln2 = new BigDecimal("0.69314718055994530941723212145817656807550013436025525412068000949339362196969471560586332699641868754200148102057068573368552023575813055703267075163507596193072757082837143519030703862389167347112335");
        double a = Double.longBitsToDouble(Double.doubleToRawLongBits(0.6931471805599453) & ~0x7FFL);
        BigDecimal rest = ln2.subtract(new BigDecimal(a), mc);
        double b = rest.doubleValue();
        double c = rest.subtract(new BigDecimal(b), mc).doubleValue();
        LN2_A = a;
        LN2_B = b;
        LN2_C = c;
        BigDecimal fact = BigDecimal.ONE;
        for (int k = 0; k < INV_FACT_HI.length; k++) {
            if (k > 0) {
                fact = fact.multiply(BigDecimal.valueOf(k));
            }
            BigDecimal inv = BigDecimal.ONE.divide(fact, mc);
            double hi = inv.doubleValue();
            INV_FACT_HI[k] = hi;
            INV_FACT_LO[k] = inv.subtract(new BigDecimal(hi), mc).doubleValue();
        }
    }

    private DdExp() {
    }

    /**
     * {@code r[k..k+1] = exp(xh + xl)}. {@code tmp} is scratch of length at least 2 (distinct from
     * {@code r} at {@code k}).
     */
    public static void exp(double xh, double xl, double[] r, int k, double[] tmp) {
        if (Double.isNaN(xh)) {
            r[k] = Double.NaN;
            r[k + 1] = Double.NaN;
            return;
        }
        if (xh > OVERFLOW) {
            r[k] = Double.POSITIVE_INFINITY;
            r[k + 1] = 0.0;
            return;
        }
        if (xh < UNDERFLOW) {
            r[k] = 0.0;
            r[k + 1] = 0.0;
            return;
        }
        double kd = Math.rint(xh * INV_LN2);
        int kk = (int) kd;
        // t = x - k ln2: x_hi - k*LN2_A exactly by TwoSum (k * LN2_A is exact), then the rest in double-double.
        double pa = -kd * LN2_A;
        double sh = xh + pa;
        double bb = sh - xh;
        double sl = (xh - (sh - bb)) + (pa - bb);
        DdArith.add(sh, sl, xl, -kd * LN2_C, tmp, 0);
        double pbh = -kd * LN2_B;
        double pbl = Math.fma(-kd, LN2_B, -pbh);
        DdArith.add(tmp[0], tmp[1], pbh, pbl, tmp, 0);
        double th = tmp[0] * SCALE;
        double tl = tmp[1] * SCALE;
        // expm1(t') = t' (1 + t'/2 + ... ): inner tail in double, then Horner in double-double.
        double tail = INV_FACT_HI[6] + th * (INV_FACT_HI[7] + th * (INV_FACT_HI[8] + th * INV_FACT_HI[9]));
        // ph,pl = 1/5! + t' * tail
        DdArith.mulD(th, tl, tail, tmp, 0);
        DdArith.add(INV_FACT_HI[5], INV_FACT_LO[5], tmp[0], tmp[1], tmp, 0);
        for (int j = 4; j >= 1; j--) {
            DdArith.mul(tmp[0], tmp[1], th, tl, tmp, 0);
            DdArith.add(INV_FACT_HI[j], INV_FACT_LO[j], tmp[0], tmp[1], tmp, 0);
        }
        DdArith.mul(tmp[0], tmp[1], th, tl, tmp, 0);
        double mh = tmp[0];
        double ml = tmp[1];
        for (int s = 0; s < SQUARINGS; s++) {
            DdArith.mul(mh, ml, mh, ml, tmp, 0);
            DdArith.add(2 * mh, 2 * ml, tmp[0], tmp[1], tmp, 0);
            mh = tmp[0];
            ml = tmp[1];
        }
        DdArith.addD(mh, ml, 1.0, tmp, 0);
        double hi = Math.scalb(tmp[0], kk);
        if (Double.isInfinite(hi)) {
            r[k] = hi;
            r[k + 1] = 0.0;
            return;
        }
        double lo = Math.scalb(tmp[1], kk);
        if (hi != 0 && Math.abs(hi) < Double.MIN_NORMAL) {
            // Subnormal result: only the accuracy of a double is kept (absolute error <= 2^-1074).
            lo = 0.0;
        }
        r[k] = hi;
        r[k + 1] = lo;
    }
}
