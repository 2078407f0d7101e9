package dev.ropecheck.engine.reference;

/**
 * Double-double (double-word) arithmetic on primitive pairs {@code (hi, lo)} with
 * {@code |lo| <= ulp(hi)/2}, built from the error-free transformations TwoSum, Fast2Sum and
 * TwoProd (through {@link Math#fma}). Results are written to {@code r[k]} (hi) and {@code r[k+1]}
 * (lo), so no object is created per operation.
 *
 * <p>Algorithms and bounds (Joldes, Muller, Popescu, "Tight and rigorous error bounds for basic
 * building blocks of double-word arithmetic", ACM TOMS 44 (2017); {@code u = 2^-53}):
 * <ul>
 *   <li>{@link #add}: accurate DWPlusDW (their Algorithm 6), relative error {@code <= 3u^2 + 13u^3};
 *   <li>{@link #mul}: DWTimesDW with FMA (Algorithm 12), relative error {@code <= 4u^2};
 *   <li>{@link #mulD}: DWTimesFP with FMA (Algorithm 9), relative error {@code <= 2u^2};
 *   <li>{@link #divD}: DWDivFP (Algorithm 15), relative error {@code <= 3u^2};
 *   <li>{@link #div}: long division with two correction steps (QD library style), relative error
 *       {@code <= 4u^2} up to {@code O(u^3)} (checked against commons-numbers {@code DD} in the tests).
 * </ul>
 * Every operation therefore has relative error at most {@code 4u^2 = 2^-104}, the model of
 * {@link dev.ropecheck.bounds.FloatFormat#DOUBLE_DOUBLE}. Preconditions: finite operands whose
 * results stay in the normal range (no overflow; {@code lo} not subnormal); callers handle
 * overflow of {@code exp} and {@code alpha} themselves.
 */
public final class DdArith {
    private DdArith() {
    }

    /** {@code r[k..k+1] = a + b} (Algorithm 6). */
    public static void add(double ah, double al, double bh, double bl, double[] r, int k) {
        double sh = ah + bh;
        double bb = sh - ah;
        double sl = (ah - (sh - bb)) + (bh - bb);
        double th = al + bl;
        double bb2 = th - al;
        double tl = (al - (th - bb2)) + (bl - bb2);
        double c = sl + th;
        double vh = sh + c;
        double vl = c - (vh - sh);
        double w = tl + vl;
        double zh = vh + w;
        r[k] = zh;
        r[k + 1] = w - (zh - vh);
    }

    /** {@code r[k..k+1] = a + b} for a double {@code b} (accurate DWPlusFP, Algorithm 4: error {@code <= 2u^2}). */
    public static void addD(double ah, double al, double b, double[] r, int k) {
        double sh = ah + b;
        double bb = sh - ah;
        double sl = (ah - (sh - bb)) + (b - bb);
        double v = al + sl;
        double zh = sh + v;
        r[k] = zh;
        r[k + 1] = v - (zh - sh);
    }

    /** {@code r[k..k+1] = a * b} (Algorithm 12). */
    public static void mul(double ah, double al, double bh, double bl, double[] r, int k) {
        double ch = ah * bh;
        double cl1 = Math.fma(ah, bh, -ch);
        double tl0 = al * bl;
        double tl1 = Math.fma(ah, bl, tl0);
        double cl2 = Math.fma(al, bh, tl1);
        double cl3 = cl1 + cl2;
        double zh = ch + cl3;
        r[k] = zh;
        r[k + 1] = cl3 - (zh - ch);
    }

    /** {@code r[k..k+1] = a * b} for a double {@code b} (Algorithm 9). */
    public static void mulD(double ah, double al, double b, double[] r, int k) {
        double ch = ah * b;
        double cl1 = Math.fma(ah, b, -ch);
        double cl3 = Math.fma(al, b, cl1);
        double zh = ch + cl3;
        r[k] = zh;
        r[k + 1] = cl3 - (zh - ch);
    }

    /** {@code r[k..k+1] = a * b} exactly for doubles {@code a, b} (TwoProd). */
    public static void twoProd(double a, double b, double[] r, int k) {
        double p = a * b;
        r[k] = p;
        r[k + 1] = Math.fma(a, b, -p);
    }

    /** {@code r[k..k+1] = a / b} for a double {@code b != 0} (Algorithm 15). */
    public static void divD(double ah, double al, double b, double[] r, int k) {
        double th = ah / b;
        double ph = th * b;
        double pl = Math.fma(th, b, -ph);
        double dh = ah - ph;
        double dt = al - pl;
        double dd = dh + dt;
        double tl = dd / b;
        double zh = th + tl;
        r[k] = zh;
        r[k + 1] = tl - (zh - th);
    }

    /** {@code r[k..k+1] = a / b} for a double-double {@code b != 0}. */
    public static void div(double ah, double al, double bh, double bl, double[] r, int k) {
        double q1 = ah / bh;
        // rem = a - q1 * b
        mulD(bh, bl, q1, r, k);
        add(ah, al, -r[k], -r[k + 1], r, k);
        double q2 = r[k] / bh;
        double remH = r[k];
        double remL = r[k + 1];
        mulD(bh, bl, q2, r, k);
        add(remH, remL, -r[k], -r[k + 1], r, k);
        double q3 = r[k] / bh;
        double sh = q1 + q2;
        double sl = q2 - (sh - q1);
        addD(sh, sl, q3, r, k);
    }
}
