package dev.ropecheck.engine.reference;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * {@code exp} of a double-double, relative error about {@code 2^-104} over the double range
 * (proofs-notes/double-double-reference.md, "exp"): table-driven range reduction
 * {@code x = (256 k + j) L + t} with {@code L = ln 2 / 256} split in three parts (the first with 34
 * significant bits, so {@code K * L_A} is exact for {@code |K| < 2^19}), {@code |t| <= 1.36e-3};
 * the Taylor polynomial of {@code expm1(t)} to degree 9 (truncation below {@code 5e-33} relative;
 * degrees 6..9 in double, which they reach only at relative {@code 1e-17}); then
 * {@code 2^k (T_j + T_j expm1(t))} with {@code T_j = 2^(j/256)} rounded to double-double (a
 * 256-entry table computed once in 100-digit decimal arithmetic).
 *
 * <p>Range: results above {@code Double.MAX_VALUE} are {@code +Infinity} (lo {@code 0}) as IEEE
 * rounding gives; below {@code 2^-1074} they are {@code 0}. Results in the subnormal range keep only
 * the accuracy of a double (the low part underflows); results below {@code 2^-969} lose low-part
 * bits gradually. Allocation-free.
 */
public final class DdExp {
    private static final int TABLE_BITS = 8;
    private static final int TABLE = 1 << TABLE_BITS;
    /** {@code L = ln 2 / 256} in three parts: {@code L_A} has 34 significant bits. */
    private static final double L_A;
    private static final double L_B;
    private static final double L_C;
    /** {@code 256 / ln 2} (only used to choose {@code K}; its rounding does not enter the result). */
    private static final double INV_L = TABLE / 0.6931471805599453;
    /** {@code 2^(j/256)}, {@code j = 0..255}, as double-doubles rounded to nearest. */
    private static final double[] T_HI = new double[TABLE];
    private static final double[] T_LO = new double[TABLE];
    /** {@code 1/k!} as double-doubles, {@code k = 0..5}, and doubles for {@code k = 6..9}. */
    private static final double[] INV_FACT_HI = new double[10];
    private static final double[] INV_FACT_LO = new double[10];
    /** Above this {@code exp} overflows for sure; below {@link #UNDERFLOW} it is 0. */
    private static final double OVERFLOW = 709.79;
    private static final double UNDERFLOW = -745.2;

    static {
        MathContext mc = new MathContext(100);
        BigDecimal ln2 = new BigDecimal("0.69314718055994530941723212145817656807550013436025525412068000949339362196969471560586332699641868754200148102057068573368552023575813055703267075163507596193072757082837143519030703862389167347112335");
        BigDecimal l = ln2.divide(BigDecimal.valueOf(TABLE));
        double a = Double.longBitsToDouble(Double.doubleToRawLongBits(l.doubleValue()) & ~((1L << 19) - 1));
        BigDecimal rest = l.subtract(new BigDecimal(a), mc);
        double b = rest.doubleValue();
        double c = rest.subtract(new BigDecimal(b), mc).doubleValue();
        L_A = a;
        L_B = b;
        L_C = c;
        BigDecimal root = BigDecimal.valueOf(2);
        for (int s = 0; s < TABLE_BITS; s++) {
            root = root.sqrt(mc);
        }
        BigDecimal pow = BigDecimal.ONE;
        for (int j = 0; j < TABLE; j++) {
            if (j > 0) {
                pow = pow.multiply(root, mc);
            }
            double hi = pow.doubleValue();
            T_HI[j] = hi;
            T_LO[j] = pow.subtract(new BigDecimal(hi), mc).doubleValue();
        }
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
        double kd = Math.rint(xh * INV_L);
        int big = (int) kd;
        int kk = big >> TABLE_BITS;
        int j = big & (TABLE - 1);
        // t = x - K L: x_hi - K*L_A exactly by TwoSum (K * L_A is exact), then the rest in double-double.
        double pa = -kd * L_A;
        double sh = xh + pa;
        double bb = sh - xh;
        double sl = (xh - (sh - bb)) + (pa - bb);
        DdArith.add(sh, sl, xl, -kd * L_C, tmp, 0);
        double pbh = -kd * L_B;
        double pbl = Math.fma(-kd, L_B, -pbh);
        DdArith.add(tmp[0], tmp[1], pbh, pbl, tmp, 0);
        double th = tmp[0];
        double tl = tmp[1];
        // expm1(t) = t (1 + t/2 + ... ): inner tail in double, then Horner in double-double.
        double tail = INV_FACT_HI[6] + th * (INV_FACT_HI[7] + th * (INV_FACT_HI[8] + th * INV_FACT_HI[9]));
        // ph,pl = 1/5! + t * tail
        DdArith.mulD(th, tl, tail, tmp, 0);
        DdArith.add(INV_FACT_HI[5], INV_FACT_LO[5], tmp[0], tmp[1], tmp, 0);
        for (int q = 4; q >= 1; q--) {
            DdArith.mul(tmp[0], tmp[1], th, tl, tmp, 0);
            DdArith.add(INV_FACT_HI[q], INV_FACT_LO[q], tmp[0], tmp[1], tmp, 0);
        }
        DdArith.mul(tmp[0], tmp[1], th, tl, tmp, 0);
        // T_j (1 + m) = T_j + T_j m
        DdArith.mul(T_HI[j], T_LO[j], tmp[0], tmp[1], tmp, 0);
        DdArith.add(T_HI[j], T_LO[j], tmp[0], tmp[1], tmp, 0);
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
