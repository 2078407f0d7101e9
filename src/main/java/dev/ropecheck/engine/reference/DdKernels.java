package dev.ropecheck.engine.reference;

/**
 * The hot loops of the double-double reference on primitive {@code hi[], lo[]} arrays: dot
 * products and multiply-accumulates, each step one {@link DdArith#mul} (or {@link DdArith#mulD})
 * followed by one {@link DdArith#add}, written out inline so that nothing is allocated and the
 * accumulators stay in registers. Relative error per step {@code <= 4u^2} for the product and
 * {@code <= 3u^2 + 13u^3} for the sum ({@code u = 2^-53}, Joldes–Muller–Popescu 2017).
 *
 * <p>Determinism: every result is a fixed sequence of IEEE operations on its operands in index
 * order; {@link #dot4} evaluates four independent chains, each bitwise equal to {@link #dot} on
 * the same operands (the operand order {@code a * b} is part of the contract: the product is not
 * bitwise symmetric).
 */
public final class DdKernels {
    private DdKernels() {
    }

    /** {@code r[k..k+1] = Σ_t a[ao+t] b[bo+t]}, {@code t = 0..len-1}, summed in index order from 0. */
    public static void dot(double[] ah, double[] al, int ao, double[] bh, double[] bl, int bo, int len,
            double[] r, int k) {
        double s0h = 0.0;
        double s0l = 0.0;
        int a0 = ao;
        int b0 = bo;
        for (int t = 0; t < len; t++) {
                double x0ch = ah[a0 + t] * bh[b0 + t];
                double x0c1 = Math.fma(ah[a0 + t], bh[b0 + t], -x0ch);
                double x0t1 = Math.fma(ah[a0 + t], bl[b0 + t], al[a0 + t] * bl[b0 + t]);
                double x0c3 = x0c1 + Math.fma(al[a0 + t], bh[b0 + t], x0t1);
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

    /**
     * Four {@link #dot}s at once, {@code r[2q..2q+1] = Σ_t a[aq+t] b[bq+t]} for {@code q = 0..3};
     * each bitwise equal to the corresponding {@link #dot}.
     */
    public static void dot4(double[] ah, double[] al, int a0, int a1, int a2, int a3, double[] bh, double[] bl,
            int b0, int b1, int b2, int b3, int len, double[] r) {
        double s0h = 0.0;
        double s0l = 0.0;
        double s1h = 0.0;
        double s1l = 0.0;
        double s2h = 0.0;
        double s2l = 0.0;
        double s3h = 0.0;
        double s3l = 0.0;
        for (int t = 0; t < len; t++) {
                double x0ch = ah[a0 + t] * bh[b0 + t];
                double x0c1 = Math.fma(ah[a0 + t], bh[b0 + t], -x0ch);
                double x0t1 = Math.fma(ah[a0 + t], bl[b0 + t], al[a0 + t] * bl[b0 + t]);
                double x0c3 = x0c1 + Math.fma(al[a0 + t], bh[b0 + t], x0t1);
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
                double x1ch = ah[a1 + t] * bh[b1 + t];
                double x1c1 = Math.fma(ah[a1 + t], bh[b1 + t], -x1ch);
                double x1t1 = Math.fma(ah[a1 + t], bl[b1 + t], al[a1 + t] * bl[b1 + t]);
                double x1c3 = x1c1 + Math.fma(al[a1 + t], bh[b1 + t], x1t1);
                double x1ph = x1ch + x1c3;
                double x1pl = x1c3 - (x1ph - x1ch);
                double x1sh = s1h + x1ph;
                double x1bb = x1sh - s1h;
                double x1sl = (s1h - (x1sh - x1bb)) + (x1ph - x1bb);
                double x1th = s1l + x1pl;
                double x1b2 = x1th - s1l;
                double x1tl = (s1l - (x1th - x1b2)) + (x1pl - x1b2);
                double x1c = x1sl + x1th;
                double x1vh = x1sh + x1c;
                double x1w = x1tl + (x1c - (x1vh - x1sh));
                s1h = x1vh + x1w;
                s1l = x1w - (s1h - x1vh);
                double x2ch = ah[a2 + t] * bh[b2 + t];
                double x2c1 = Math.fma(ah[a2 + t], bh[b2 + t], -x2ch);
                double x2t1 = Math.fma(ah[a2 + t], bl[b2 + t], al[a2 + t] * bl[b2 + t]);
                double x2c3 = x2c1 + Math.fma(al[a2 + t], bh[b2 + t], x2t1);
                double x2ph = x2ch + x2c3;
                double x2pl = x2c3 - (x2ph - x2ch);
                double x2sh = s2h + x2ph;
                double x2bb = x2sh - s2h;
                double x2sl = (s2h - (x2sh - x2bb)) + (x2ph - x2bb);
                double x2th = s2l + x2pl;
                double x2b2 = x2th - s2l;
                double x2tl = (s2l - (x2th - x2b2)) + (x2pl - x2b2);
                double x2c = x2sl + x2th;
                double x2vh = x2sh + x2c;
                double x2w = x2tl + (x2c - (x2vh - x2sh));
                s2h = x2vh + x2w;
                s2l = x2w - (s2h - x2vh);
                double x3ch = ah[a3 + t] * bh[b3 + t];
                double x3c1 = Math.fma(ah[a3 + t], bh[b3 + t], -x3ch);
                double x3t1 = Math.fma(ah[a3 + t], bl[b3 + t], al[a3 + t] * bl[b3 + t]);
                double x3c3 = x3c1 + Math.fma(al[a3 + t], bh[b3 + t], x3t1);
                double x3ph = x3ch + x3c3;
                double x3pl = x3c3 - (x3ph - x3ch);
                double x3sh = s3h + x3ph;
                double x3bb = x3sh - s3h;
                double x3sl = (s3h - (x3sh - x3bb)) + (x3ph - x3bb);
                double x3th = s3l + x3pl;
                double x3b2 = x3th - s3l;
                double x3tl = (s3l - (x3th - x3b2)) + (x3pl - x3b2);
                double x3c = x3sl + x3th;
                double x3vh = x3sh + x3c;
                double x3w = x3tl + (x3c - (x3vh - x3sh));
                s3h = x3vh + x3w;
                s3l = x3w - (s3h - x3vh);
        }
        r[0] = s0h;
        r[1] = s0l;
        r[2] = s1h;
        r[3] = s1l;
        r[4] = s2h;
        r[5] = s2l;
        r[6] = s3h;
        r[7] = s3l;
    }

    /** {@code y[yo+t] += p * x[xo+t]}, {@code t = 0..len-1}. */
    public static void axpy(double ph0, double pl0, double[] xh, double[] xl, int xo, double[] yh, double[] yl,
            int yo, int len) {
        for (int t = 0; t < len; t++) {
            double yh0 = yh[yo + t];
            double yl0 = yl[yo + t];
                double x0ch = ph0 * xh[xo + t];
                double x0c1 = Math.fma(ph0, xh[xo + t], -x0ch);
                double x0t1 = Math.fma(ph0, xl[xo + t], pl0 * xl[xo + t]);
                double x0c3 = x0c1 + Math.fma(pl0, xh[xo + t], x0t1);
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

    /**
     * {@code r[k..k+1] = Σ_t a[ao+t] (b[jo+t] - b[ko+t])}, the difference formed in double-double
     * first (accurate even when {@code b_j} and {@code b_k} nearly agree), in index order from 0.
     */
    public static void dotDiff(double[] ah, double[] al, int a0, double[] bh, double[] bl, int j0, int k0, int len,
            double[] r, int k) {
        double s0h = 0.0;
        double s0l = 0.0;
        for (int t = 0; t < len; t++) {
                double g0sh = bh[j0 + t] - bh[k0 + t];
                double g0bb = g0sh - bh[j0 + t];
                double g0sl = (bh[j0 + t] - (g0sh - g0bb)) + (-bh[k0 + t] - g0bb);
                double g0th = bl[j0 + t] - bl[k0 + t];
                double g0b2 = g0th - bl[j0 + t];
                double g0tl = (bl[j0 + t] - (g0th - g0b2)) + (-bl[k0 + t] - g0b2);
                double g0c = g0sl + g0th;
                double g0vh = g0sh + g0c;
                double g0w = g0tl + (g0c - (g0vh - g0sh));
                double g0h = g0vh + g0w;
                double g0l = g0w - (g0h - g0vh);
                double x0ch = ah[a0 + t] * g0h;
                double x0c1 = Math.fma(ah[a0 + t], g0h, -x0ch);
                double x0t1 = Math.fma(ah[a0 + t], g0l, al[a0 + t] * g0l);
                double x0c3 = x0c1 + Math.fma(al[a0 + t], g0h, x0t1);
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

    /** Four {@link #dotDiff}s at once into {@code r[0..7]}, each bitwise equal to the single one. */
    public static void dot4Diff(double[] ah, double[] al, int a0, int a1, int a2, int a3, double[] bh, double[] bl,
            int j0, int j1, int j2, int j3, int k0, int k1, int k2, int k3, int len, double[] r) {
        double s0h = 0.0;
        double s0l = 0.0;
        double s1h = 0.0;
        double s1l = 0.0;
        double s2h = 0.0;
        double s2l = 0.0;
        double s3h = 0.0;
        double s3l = 0.0;
        for (int t = 0; t < len; t++) {
                double g0sh = bh[j0 + t] - bh[k0 + t];
                double g0bb = g0sh - bh[j0 + t];
                double g0sl = (bh[j0 + t] - (g0sh - g0bb)) + (-bh[k0 + t] - g0bb);
                double g0th = bl[j0 + t] - bl[k0 + t];
                double g0b2 = g0th - bl[j0 + t];
                double g0tl = (bl[j0 + t] - (g0th - g0b2)) + (-bl[k0 + t] - g0b2);
                double g0c = g0sl + g0th;
                double g0vh = g0sh + g0c;
                double g0w = g0tl + (g0c - (g0vh - g0sh));
                double g0h = g0vh + g0w;
                double g0l = g0w - (g0h - g0vh);
                double x0ch = ah[a0 + t] * g0h;
                double x0c1 = Math.fma(ah[a0 + t], g0h, -x0ch);
                double x0t1 = Math.fma(ah[a0 + t], g0l, al[a0 + t] * g0l);
                double x0c3 = x0c1 + Math.fma(al[a0 + t], g0h, x0t1);
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
                double g1sh = bh[j1 + t] - bh[k1 + t];
                double g1bb = g1sh - bh[j1 + t];
                double g1sl = (bh[j1 + t] - (g1sh - g1bb)) + (-bh[k1 + t] - g1bb);
                double g1th = bl[j1 + t] - bl[k1 + t];
                double g1b2 = g1th - bl[j1 + t];
                double g1tl = (bl[j1 + t] - (g1th - g1b2)) + (-bl[k1 + t] - g1b2);
                double g1c = g1sl + g1th;
                double g1vh = g1sh + g1c;
                double g1w = g1tl + (g1c - (g1vh - g1sh));
                double g1h = g1vh + g1w;
                double g1l = g1w - (g1h - g1vh);
                double x1ch = ah[a1 + t] * g1h;
                double x1c1 = Math.fma(ah[a1 + t], g1h, -x1ch);
                double x1t1 = Math.fma(ah[a1 + t], g1l, al[a1 + t] * g1l);
                double x1c3 = x1c1 + Math.fma(al[a1 + t], g1h, x1t1);
                double x1ph = x1ch + x1c3;
                double x1pl = x1c3 - (x1ph - x1ch);
                double x1sh = s1h + x1ph;
                double x1bb = x1sh - s1h;
                double x1sl = (s1h - (x1sh - x1bb)) + (x1ph - x1bb);
                double x1th = s1l + x1pl;
                double x1b2 = x1th - s1l;
                double x1tl = (s1l - (x1th - x1b2)) + (x1pl - x1b2);
                double x1c = x1sl + x1th;
                double x1vh = x1sh + x1c;
                double x1w = x1tl + (x1c - (x1vh - x1sh));
                s1h = x1vh + x1w;
                s1l = x1w - (s1h - x1vh);
                double g2sh = bh[j2 + t] - bh[k2 + t];
                double g2bb = g2sh - bh[j2 + t];
                double g2sl = (bh[j2 + t] - (g2sh - g2bb)) + (-bh[k2 + t] - g2bb);
                double g2th = bl[j2 + t] - bl[k2 + t];
                double g2b2 = g2th - bl[j2 + t];
                double g2tl = (bl[j2 + t] - (g2th - g2b2)) + (-bl[k2 + t] - g2b2);
                double g2c = g2sl + g2th;
                double g2vh = g2sh + g2c;
                double g2w = g2tl + (g2c - (g2vh - g2sh));
                double g2h = g2vh + g2w;
                double g2l = g2w - (g2h - g2vh);
                double x2ch = ah[a2 + t] * g2h;
                double x2c1 = Math.fma(ah[a2 + t], g2h, -x2ch);
                double x2t1 = Math.fma(ah[a2 + t], g2l, al[a2 + t] * g2l);
                double x2c3 = x2c1 + Math.fma(al[a2 + t], g2h, x2t1);
                double x2ph = x2ch + x2c3;
                double x2pl = x2c3 - (x2ph - x2ch);
                double x2sh = s2h + x2ph;
                double x2bb = x2sh - s2h;
                double x2sl = (s2h - (x2sh - x2bb)) + (x2ph - x2bb);
                double x2th = s2l + x2pl;
                double x2b2 = x2th - s2l;
                double x2tl = (s2l - (x2th - x2b2)) + (x2pl - x2b2);
                double x2c = x2sl + x2th;
                double x2vh = x2sh + x2c;
                double x2w = x2tl + (x2c - (x2vh - x2sh));
                s2h = x2vh + x2w;
                s2l = x2w - (s2h - x2vh);
                double g3sh = bh[j3 + t] - bh[k3 + t];
                double g3bb = g3sh - bh[j3 + t];
                double g3sl = (bh[j3 + t] - (g3sh - g3bb)) + (-bh[k3 + t] - g3bb);
                double g3th = bl[j3 + t] - bl[k3 + t];
                double g3b2 = g3th - bl[j3 + t];
                double g3tl = (bl[j3 + t] - (g3th - g3b2)) + (-bl[k3 + t] - g3b2);
                double g3c = g3sl + g3th;
                double g3vh = g3sh + g3c;
                double g3w = g3tl + (g3c - (g3vh - g3sh));
                double g3h = g3vh + g3w;
                double g3l = g3w - (g3h - g3vh);
                double x3ch = ah[a3 + t] * g3h;
                double x3c1 = Math.fma(ah[a3 + t], g3h, -x3ch);
                double x3t1 = Math.fma(ah[a3 + t], g3l, al[a3 + t] * g3l);
                double x3c3 = x3c1 + Math.fma(al[a3 + t], g3h, x3t1);
                double x3ph = x3ch + x3c3;
                double x3pl = x3c3 - (x3ph - x3ch);
                double x3sh = s3h + x3ph;
                double x3bb = x3sh - s3h;
                double x3sl = (s3h - (x3sh - x3bb)) + (x3ph - x3bb);
                double x3th = s3l + x3pl;
                double x3b2 = x3th - s3l;
                double x3tl = (s3l - (x3th - x3b2)) + (x3pl - x3b2);
                double x3c = x3sl + x3th;
                double x3vh = x3sh + x3c;
                double x3w = x3tl + (x3c - (x3vh - x3sh));
                s3h = x3vh + x3w;
                s3l = x3w - (s3h - x3vh);
        }
        r[0] = s0h;
        r[1] = s0l;
        r[2] = s1h;
        r[3] = s1l;
        r[4] = s2h;
        r[5] = s2l;
        r[6] = s3h;
        r[7] = s3l;
    }

    /** {@code y[yo+t] += p (b[jo+t] - b[ko+t])}, the difference formed in double-double first. */
    public static void axpyDiff(double ph0, double pl0, double[] bh, double[] bl, int j0, int k0, double[] yh,
            double[] yl, int yo, int len) {
        for (int t = 0; t < len; t++) {
            double yh0 = yh[yo + t];
            double yl0 = yl[yo + t];
                double g0sh = bh[j0 + t] - bh[k0 + t];
                double g0bb = g0sh - bh[j0 + t];
                double g0sl = (bh[j0 + t] - (g0sh - g0bb)) + (-bh[k0 + t] - g0bb);
                double g0th = bl[j0 + t] - bl[k0 + t];
                double g0b2 = g0th - bl[j0 + t];
                double g0tl = (bl[j0 + t] - (g0th - g0b2)) + (-bl[k0 + t] - g0b2);
                double g0c = g0sl + g0th;
                double g0vh = g0sh + g0c;
                double g0w = g0tl + (g0c - (g0vh - g0sh));
                double g0h = g0vh + g0w;
                double g0l = g0w - (g0h - g0vh);
                double x0ch = ph0 * g0h;
                double x0c1 = Math.fma(ph0, g0h, -x0ch);
                double x0t1 = Math.fma(ph0, g0l, pl0 * g0l);
                double x0c3 = x0c1 + Math.fma(pl0, g0h, x0t1);
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
}
