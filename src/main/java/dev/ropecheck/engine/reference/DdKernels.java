package dev.ropecheck.engine.reference;

/**
 * The hot loops of the double-double reference on primitive {@code hi[], lo[]} arrays, written out
 * inline so that nothing is allocated and the accumulators stay in registers.
 *
 * <p><b>Compensated accumulation</b> (Dot2 of Ogita, Rump and Oishi, "Accurate sum and dot product",
 * SIAM J. Sci. Comput. 26 (2005), with double-double operands). A sum is carried as an
 * unnormalised pair {@code (s, c)}: each term {@code a_t b_t} is split exactly as
 * {@code a_hi b_hi = p + e} (TwoProd through {@link Math#fma}); {@code p} is added to {@code s} by
 * TwoSum, whose exact error joins, together with {@code e} and the cross terms
 * {@code a_hi b_lo + a_lo b_hi} (two FMAs; {@code |a_lo b_lo| <= u^2 |a_hi b_hi|} is left out), the
 * plain double {@code c}. One TwoSum at the end ({@link #dot}) or one accurate double-double
 * addition per {@link #BLOCK} terms ({@link #fold}) renormalises. Error of a {@code len}-term
 * compensated sequence ({@code u = 2^-53}): {@code <= (eps + 2 len (len + kappa)) u^2 Σ_t T_t (1 + O(len u))}
 * with {@code T_t = |a_t||b_t|}, {@code eps = 6, kappa = 3} for double-double times double-double,
 * {@code eps = 2, kappa = 2} for double times double-double, and, for the difference forms,
 * {@code T_t = |a_t| (|b_jt| + |b_kt|)}, {@code eps = 12, kappa = 5}; derivation in
 * proofs-notes/double-double-reference.md §1.
 *
 * <p>Determinism: every result is a fixed sequence of IEEE operations on its operands in index
 * order; {@link #dot4} and {@link #dot4Diff} evaluate four independent chains, each bitwise equal to
 * {@link #dot} / {@link #dotDiff} on the same operands (the operand order {@code a * b} is part of
 * the contract: the step is not bitwise symmetric). The {@code *Acc} kernels add one term per
 * component to a caller's accumulator {@code (s[], c[])}; the caller folds it into its
 * double-double result with {@link #fold} after every {@link #BLOCK} terms (counted from the first
 * term of the sum) and after the last one ({@link #endsBlock}).
 */
public final class DdKernels {
    /** Terms per compensated block of the long (length-{@code n}) sums before an accurate fold. */
    public static final int BLOCK = 32;
    /**
     * Longest compensated run of a dot product: longer ones are split into runs of this length, so that
     * a run's {@code (eps + 2L(L + kappa)) u^2} stays below {@code gamma_L(2^-96)}, the componentwise
     * model's charge (proofs-notes/double-double-reference.md §1).
     */
    public static final int MAX_RUN = 256;

    private DdKernels() {
    }

    /** True when step {@code t} (counted from 0) of a {@code len}-step sum ends a block of {@code block} steps. */
    public static boolean endsBlock(int t, int len, int block) {
        return (t + 1) % block == 0 || t + 1 == len;
    }

    /**
     * {@code r[k..k+1] = Σ_t a[ao+t] b[bo+t]}, {@code t = 0..len-1}, compensated in index order and
     * renormalised once; above {@link #MAX_RUN} terms, in runs of {@link #MAX_RUN} added by the accurate
     * DWPlusDW.
     */
    public static void dot(double[] ah, double[] al, int ao, double[] bh, double[] bl, int bo, int len,
            double[] r, int k) {
        if (len <= MAX_RUN) {
            dotRun(ah, al, ao, bh, bl, bo, len, r, k);
            return;
        }
        double zh = 0.0;
        double zl = 0.0;
        for (int t0 = 0; t0 < len; t0 += MAX_RUN) {
            dotRun(ah, al, ao + t0, bh, bl, bo + t0, Math.min(MAX_RUN, len - t0), r, k);
            DdArith.add(zh, zl, r[k], r[k + 1], r, k);
            zh = r[k];
            zl = r[k + 1];
        }
    }

    /** One compensated run of {@link #dot}, renormalised by one TwoSum. */
    private static void dotRun(double[] ah, double[] al, int ao, double[] bh, double[] bl, int bo, int len,
            double[] r, int k) {
        double s0 = 0.0;
        double c0 = 0.0;
        for (int t = 0; t < len; t++) {
            double p0h = ah[ao + t] * bh[bo + t];
            double p0l = Math.fma(ah[ao + t], bl[bo + t], Math.fma(al[ao + t], bh[bo + t], Math.fma(ah[ao + t], bh[bo + t], -p0h)));
            double n0 = s0 + p0h;
            double v0 = n0 - s0;
            c0 += ((s0 - (n0 - v0)) + (p0h - v0)) + p0l;
            s0 = n0;
        }
        twoSum(s0, c0, r, k);
    }

    /**
     * Four {@link #dot}s at once, {@code r[2q..2q+1] = Σ_t a[aq+t] b[bq+t]} for {@code q = 0..3};
     * each bitwise equal to the corresponding {@link #dot}.
     */
    public static void dot4(double[] ah, double[] al, int a0, int a1, int a2, int a3, double[] bh, double[] bl,
            int b0, int b1, int b2, int b3, int len, double[] r) {
        if (len > MAX_RUN) {
            dot(ah, al, a0, bh, bl, b0, len, r, 0);
            dot(ah, al, a1, bh, bl, b1, len, r, 2);
            dot(ah, al, a2, bh, bl, b2, len, r, 4);
            dot(ah, al, a3, bh, bl, b3, len, r, 6);
            return;
        }
        double s0 = 0.0;
        double c0 = 0.0;
        double s1 = 0.0;
        double c1 = 0.0;
        double s2 = 0.0;
        double c2 = 0.0;
        double s3 = 0.0;
        double c3 = 0.0;
        for (int t = 0; t < len; t++) {
            double p0h = ah[a0 + t] * bh[b0 + t];
            double p0l = Math.fma(ah[a0 + t], bl[b0 + t], Math.fma(al[a0 + t], bh[b0 + t], Math.fma(ah[a0 + t], bh[b0 + t], -p0h)));
            double n0 = s0 + p0h;
            double v0 = n0 - s0;
            c0 += ((s0 - (n0 - v0)) + (p0h - v0)) + p0l;
            s0 = n0;
            double p1h = ah[a1 + t] * bh[b1 + t];
            double p1l = Math.fma(ah[a1 + t], bl[b1 + t], Math.fma(al[a1 + t], bh[b1 + t], Math.fma(ah[a1 + t], bh[b1 + t], -p1h)));
            double n1 = s1 + p1h;
            double v1 = n1 - s1;
            c1 += ((s1 - (n1 - v1)) + (p1h - v1)) + p1l;
            s1 = n1;
            double p2h = ah[a2 + t] * bh[b2 + t];
            double p2l = Math.fma(ah[a2 + t], bl[b2 + t], Math.fma(al[a2 + t], bh[b2 + t], Math.fma(ah[a2 + t], bh[b2 + t], -p2h)));
            double n2 = s2 + p2h;
            double v2 = n2 - s2;
            c2 += ((s2 - (n2 - v2)) + (p2h - v2)) + p2l;
            s2 = n2;
            double p3h = ah[a3 + t] * bh[b3 + t];
            double p3l = Math.fma(ah[a3 + t], bl[b3 + t], Math.fma(al[a3 + t], bh[b3 + t], Math.fma(ah[a3 + t], bh[b3 + t], -p3h)));
            double n3 = s3 + p3h;
            double v3 = n3 - s3;
            c3 += ((s3 - (n3 - v3)) + (p3h - v3)) + p3l;
            s3 = n3;
        }
        twoSum(s0, c0, r, 0);
        twoSum(s1, c1, r, 2);
        twoSum(s2, c2, r, 4);
        twoSum(s3, c3, r, 6);
    }

    /**
     * {@code r[k..k+1] = Σ_t a[ao+t] (b[jo+t] - b[ko+t])}: the difference of the high parts exact by
     * TwoSum, the low parts' difference added in double (a difference of equal vectors is exactly 0),
     * then compensated as in {@link #dot}.
     */
    public static void dotDiff(double[] ah, double[] al, int a0, double[] bh, double[] bl, int j0, int k0, int len,
            double[] r, int k) {
        double s0 = 0.0;
        double c0 = 0.0;
        for (int t = 0; t < len; t++) {
            double g0h = bh[j0 + t] - bh[k0 + t];
            double g0v = g0h - bh[j0 + t];
            double g0l = ((bh[j0 + t] - (g0h - g0v)) + (-bh[k0 + t] - g0v)) + (bl[j0 + t] - bl[k0 + t]);
            double p0h = ah[a0 + t] * g0h;
            double p0l = Math.fma(ah[a0 + t], g0l, Math.fma(al[a0 + t], g0h, Math.fma(ah[a0 + t], g0h, -p0h)));
            double n0 = s0 + p0h;
            double v0 = n0 - s0;
            c0 += ((s0 - (n0 - v0)) + (p0h - v0)) + p0l;
            s0 = n0;
        }
        twoSum(s0, c0, r, k);
    }

    /** Four {@link #dotDiff}s at once into {@code r[0..7]}, each bitwise equal to the single one. */
    public static void dot4Diff(double[] ah, double[] al, int a0, int a1, int a2, int a3, double[] bh, double[] bl,
            int j0, int j1, int j2, int j3, int k0, int k1, int k2, int k3, int len, double[] r) {
        double s0 = 0.0;
        double c0 = 0.0;
        double s1 = 0.0;
        double c1 = 0.0;
        double s2 = 0.0;
        double c2 = 0.0;
        double s3 = 0.0;
        double c3 = 0.0;
        for (int t = 0; t < len; t++) {
            double g0h = bh[j0 + t] - bh[k0 + t];
            double g0v = g0h - bh[j0 + t];
            double g0l = ((bh[j0 + t] - (g0h - g0v)) + (-bh[k0 + t] - g0v)) + (bl[j0 + t] - bl[k0 + t]);
            double p0h = ah[a0 + t] * g0h;
            double p0l = Math.fma(ah[a0 + t], g0l, Math.fma(al[a0 + t], g0h, Math.fma(ah[a0 + t], g0h, -p0h)));
            double n0 = s0 + p0h;
            double v0 = n0 - s0;
            c0 += ((s0 - (n0 - v0)) + (p0h - v0)) + p0l;
            s0 = n0;
            double g1h = bh[j1 + t] - bh[k1 + t];
            double g1v = g1h - bh[j1 + t];
            double g1l = ((bh[j1 + t] - (g1h - g1v)) + (-bh[k1 + t] - g1v)) + (bl[j1 + t] - bl[k1 + t]);
            double p1h = ah[a1 + t] * g1h;
            double p1l = Math.fma(ah[a1 + t], g1l, Math.fma(al[a1 + t], g1h, Math.fma(ah[a1 + t], g1h, -p1h)));
            double n1 = s1 + p1h;
            double v1 = n1 - s1;
            c1 += ((s1 - (n1 - v1)) + (p1h - v1)) + p1l;
            s1 = n1;
            double g2h = bh[j2 + t] - bh[k2 + t];
            double g2v = g2h - bh[j2 + t];
            double g2l = ((bh[j2 + t] - (g2h - g2v)) + (-bh[k2 + t] - g2v)) + (bl[j2 + t] - bl[k2 + t]);
            double p2h = ah[a2 + t] * g2h;
            double p2l = Math.fma(ah[a2 + t], g2l, Math.fma(al[a2 + t], g2h, Math.fma(ah[a2 + t], g2h, -p2h)));
            double n2 = s2 + p2h;
            double v2 = n2 - s2;
            c2 += ((s2 - (n2 - v2)) + (p2h - v2)) + p2l;
            s2 = n2;
            double g3h = bh[j3 + t] - bh[k3 + t];
            double g3v = g3h - bh[j3 + t];
            double g3l = ((bh[j3 + t] - (g3h - g3v)) + (-bh[k3 + t] - g3v)) + (bl[j3 + t] - bl[k3 + t]);
            double p3h = ah[a3 + t] * g3h;
            double p3l = Math.fma(ah[a3 + t], g3l, Math.fma(al[a3 + t], g3h, Math.fma(ah[a3 + t], g3h, -p3h)));
            double n3 = s3 + p3h;
            double v3 = n3 - s3;
            c3 += ((s3 - (n3 - v3)) + (p3h - v3)) + p3l;
            s3 = n3;
        }
        twoSum(s0, c0, r, 0);
        twoSum(s1, c1, r, 2);
        twoSum(s2, c2, r, 4);
        twoSum(s3, c3, r, 6);
    }

    /** Accumulator step {@code (s, c)[so+t] += p x[xo+t]}, {@code t = 0..len-1} (see the class comment). */
    public static void axpyAcc(double ph, double pl, double[] xh, double[] xl, int xo, double[] s, double[] c, int so,
            int len) {
        for (int t = 0; t < len; t++) {
            double x0 = xh[xo + t];
            double q = ph * x0;
            double ql = Math.fma(ph, xl[xo + t], Math.fma(pl, x0, Math.fma(ph, x0, -q)));
            double s0 = s[so + t];
            double sn = s0 + q;
            double v = sn - s0;
            c[so + t] += ((s0 - (sn - v)) + (q - v)) + ql;
            s[so + t] = sn;
        }
    }

    /** Accumulator step {@code (s, c)[so+t] += x y[yo+t]} for a double {@code x} and a double-double vector {@code y}. */
    public static void axpyDAcc(double x, double[] yh, double[] yl, int yo, double[] s, double[] c, int so, int len) {
        for (int t = 0; t < len; t++) {
            double y0 = yh[yo + t];
            double q = x * y0;
            double ql = Math.fma(x, yl[yo + t], Math.fma(x, y0, -q));
            double s0 = s[so + t];
            double sn = s0 + q;
            double v = sn - s0;
            c[so + t] += ((s0 - (sn - v)) + (q - v)) + ql;
            s[so + t] = sn;
        }
    }

    /** One accumulator step {@code (s, c)[k] += a b} for double-doubles {@code a, b} (the step of {@link #dot}). */
    public static void mulAcc(double ah, double al, double bh, double bl, double[] s, double[] c, int k) {
        double q = ah * bh;
        double ql = Math.fma(ah, bl, Math.fma(al, bh, Math.fma(ah, bh, -q)));
        double s0 = s[k];
        double sn = s0 + q;
        double v = sn - s0;
        c[k] += ((s0 - (sn - v)) + (q - v)) + ql;
        s[k] = sn;
    }

    /**
     * {@code y[yo+t] += (s + c)[so+t]}: the pair renormalised exactly by TwoSum, then added by the
     * accurate DWPlusDW (as {@link DdArith#add}, relative error {@code <= 3u^2 + 13u^3}); the
     * accumulator is reset to 0.
     */
    public static void fold(double[] s, double[] c, int so, double[] yh, double[] yl, int yo, int len) {
        for (int t = 0; t < len; t++) {
            double s0 = s[so + t];
            double c0 = c[so + t];
            double zh = s0 + c0;
            double v = zh - s0;
            double zl = (s0 - (zh - v)) + (c0 - v);
            double ah = yh[yo + t];
            double al = yl[yo + t];
            double sh = ah + zh;
            double bb = sh - ah;
            double sl = (ah - (sh - bb)) + (zh - bb);
            double th = al + zl;
            double bb2 = th - al;
            double tl = (al - (th - bb2)) + (zl - bb2);
            double cc = sl + th;
            double vh = sh + cc;
            double vl = cc - (vh - sh);
            double w = tl + vl;
            double rh = vh + w;
            yh[yo + t] = rh;
            yl[yo + t] = w - (rh - vh);
            s[so + t] = 0.0;
            c[so + t] = 0.0;
        }
    }

    /** {@code r[k..k+1] = s + c} exactly (TwoSum). */
    static void twoSum(double s, double c, double[] r, int k) {
        double h = s + c;
        double v = h - s;
        r[k] = h;
        r[k + 1] = (s - (h - v)) + (c - v);
    }

    // Plain double-double steps (one DdArith.mul and one DdArith.add per term), for the offset-matrix
    // scores and the G pass.

    /** {@code y[yo+t] += p * x[xo+t]} for a double vector {@code x}, {@code t = 0..len-1}. */
    public static void axpyD(double ph0, double pl0, double[] x, int xo, double[] yh, double[] yl, int yo, int len) {
        for (int t = 0; t < len; t++) {
            double yh0 = yh[yo + t];
            double yl0 = yl[yo + t];
                double x0ch = ph0 * x[xo + t];
                double x0c3 = Math.fma(pl0, x[xo + t], Math.fma(ph0, x[xo + t], -x0ch));
                double x0ph = x0ch + x0c3;
                double x0pl = x0c3 - (x0ph - x0ch);
                double x0sh = yh0 + x0ph;
                double x0bb = x0sh - yh0;
                double x0sl = (yh0 - (x0sh - x0bb)) + (x0ph - x0bb);
                double x0th = yl0 + x0pl;
                double x0b2 = x0th - yl0;
                double x0tl = (yl0 - (x0th - x0b2)) + (x0pl - x0b2);
                double x0c = x0sl + x0th;
                double x0vh = x0sh + x0c;
                double x0w = x0tl + (x0c - (x0vh - x0sh));
                yh0 = x0vh + x0w;
                yl0 = x0w - (yh0 - x0vh);
            yh[yo + t] = yh0;
            yl[yo + t] = yl0;
        }
    }

    /**
     * {@code r[k..k+1] = Σ_t x[xo + t*xs] * y[yo + t*ys]} for a double vector {@code x} and a
     * double-double vector {@code y} with strides, in index order from 0.
     */
    public static void dotD(double[] x, int xo, int xs, double[] yh, double[] yl, int yo, int ys, int len,
            double[] r, int k) {
        double s0h = 0.0;
        double s0l = 0.0;
        for (int t = 0; t < len; t++) {
            int ix = xo + t * xs;
            int iy = yo + t * ys;
                double x0ch = yh[iy] * x[ix];
                double x0c3 = Math.fma(yl[iy], x[ix], Math.fma(yh[iy], x[ix], -x0ch));
                double x0ph = x0ch + x0c3;
                double x0pl = x0c3 - (x0ph - x0ch);
                double x0sh = s0h + x0ph;
                double x0bb = x0sh - s0h;
                double x0sl = (s0h - (x0sh - x0bb)) + (x0ph - x0bb);
                double x0th = s0l + x0pl;
                double x0b2 = x0th - s0l;
                double x0tl = (s0l - (x0th - x0b2)) + (x0pl - x0b2);
                double x0c = x0sl + x0th;
                double x0vh = x0sh + x0c;
                double x0w = x0tl + (x0c - (x0vh - x0sh));
                s0h = x0vh + x0w;
                s0l = x0w - (s0h - x0vh);
        }
        r[k] = s0h;
        r[k + 1] = s0l;
    }
}
