package dev.ropecheck.engine.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.model.ExactValues;
import dev.ropecheck.model.RopeFamily;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.apache.commons.numbers.core.DD;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The double-double kernels against exact arithmetic (BigDecimal, apfloat) and against
 * commons-numbers {@link DD}: the per-operation bound {@code 4u^2 = 2^-104} of
 * {@link dev.ropecheck.bounds.FloatFormat#DOUBLE_DOUBLE}, {@code exp} to {@code 1e-30}, the RoPE
 * angles to {@code 2^-101.5}.
 */
class DdArithTest {
    private static final MathContext MC = new MathContext(80);
    private static final double U2 = Math.pow(2, -106);

    /** A random normalised double-double with |value| in [2^-20, 2^20], either sign. */
    private static DD random(SplittableRandom rnd) {
        double hi = Math.scalb(rnd.nextDouble(1, 2), rnd.nextInt(-20, 21)) * (rnd.nextBoolean() ? 1 : -1);
        double lo = hi * Math.ulp(1.0) * rnd.nextDouble(-0.5, 0.5);
        return DD.ofSum(hi, lo);
    }

    private static double relErr(double h, double l, BigDecimal exact) {
        BigDecimal got = new BigDecimal(h).add(new BigDecimal(l));
        if (exact.signum() == 0) {
            return got.signum() == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return got.subtract(exact).abs().divide(exact.abs(), MC).doubleValue();
    }

    @Test
    @DisplayName("addD (DWPlusFP): the result is normalised (hi = fl(hi + lo)) and within 2u^2 of a + b, 20000 cases")
    void addDIsNormalisedAndAccurate() {
        SplittableRandom rnd = new SplittableRandom(20261206L);
        double[] r = new double[2];
        for (int t = 0; t < 20_000; t++) {
            DD a = random(rnd);
            // half the cases cancel: b within a few ulps of -a.hi
            double b = t % 2 == 0 ? random(rnd).hi() : -a.hi() + Math.ulp(a.hi()) * rnd.nextInt(-3, 4);
            DdArith.addD(a.hi(), a.lo(), b, r, 0);
            assertEquals(r[0], r[0] + r[1], 0.0, "not normalised at case " + t + ": " + r[0] + " + " + r[1]);
            BigDecimal exact = new BigDecimal(a.hi()).add(new BigDecimal(a.lo())).add(new BigDecimal(b));
            assertTrue(relErr(r[0], r[1], exact) <= 2 * U2, "case " + t);
        }
    }

    @Test
    @DisplayName("double-double add, mul, mulD, div, divD: relative error <= 4u^2 exactly measured, and within 4u^2 of commons-numbers DD")
    void operationsMeetTheModelBound() {
        SplittableRandom rnd = new SplittableRandom(20261201L);
        double[] r = new double[2];
        double worstAdd = 0;
        double worstMul = 0;
        double worstDiv = 0;
        for (int t = 0; t < 5000; t++) {
            DD a = random(rnd);
            DD b = random(rnd);
            if (t % 4 == 0) {
                // cancellation: b close to -a
                b = DD.ofSum(-a.hi(), a.hi() * Math.ulp(1.0) * rnd.nextDouble(-4, 4));
            }
            BigDecimal ea = a.bigDecimalValue();
            BigDecimal eb = b.bigDecimalValue();
            DdArith.add(a.hi(), a.lo(), b.hi(), b.lo(), r, 0);
            worstAdd = Math.max(worstAdd, relErr(r[0], r[1], ea.add(eb)));
            DD cAdd = a.add(b);
            assertTrue(relErr(r[0], r[1], cAdd.bigDecimalValue()) <= 8 * U2 || ea.add(eb).signum() == 0,
                    "add vs DD at " + a + " + " + b);
            DdArith.mul(a.hi(), a.lo(), b.hi(), b.lo(), r, 0);
            worstMul = Math.max(worstMul, relErr(r[0], r[1], ea.multiply(eb)));
            assertTrue(relErr(r[0], r[1], a.multiply(b).bigDecimalValue()) <= 8 * U2, "mul vs DD");
            DdArith.mulD(a.hi(), a.lo(), b.hi(), r, 0);
            worstMul = Math.max(worstMul, relErr(r[0], r[1], ea.multiply(new BigDecimal(b.hi()))));
            DdArith.div(a.hi(), a.lo(), b.hi(), b.lo(), r, 0);
            worstDiv = Math.max(worstDiv, relErr(r[0], r[1], ea.divide(eb, MC)));
            assertTrue(relErr(r[0], r[1], a.divide(b).bigDecimalValue()) <= 12 * U2, "div vs DD");
            DdArith.divD(a.hi(), a.lo(), b.hi(), r, 0);
            worstDiv = Math.max(worstDiv, relErr(r[0], r[1], ea.divide(new BigDecimal(b.hi()), MC)));
            // normalisation: |lo| <= ulp(hi)/2
            assertTrue(Math.abs(r[1]) <= Math.ulp(r[0]) / 2, "normalised");
        }
        System.out.printf("double-double worst relative error / u^2: add %.2f, mul %.2f, div %.2f%n", worstAdd / U2,
                worstMul / U2, worstDiv / U2);
        assertTrue(worstAdd <= 4 * U2, "add " + worstAdd / U2 + " u^2");
        assertTrue(worstMul <= 4 * U2, "mul " + worstMul / U2 + " u^2");
        assertTrue(worstDiv <= 4 * U2, "div " + worstDiv / U2 + " u^2");
    }

    @Test
    @DisplayName("double-double kernels: dot4/dot4Diff lanes bitwise equal dot/dotDiff, dot and axpyAcc equal the compensated step mulAcc, a difference of equal rows is exactly 0")
    void kernelsEqualScalarOperations() {
        SplittableRandom rnd = new SplittableRandom(7);
        int len = 13;
        double[] ah = new double[4 * len];
        double[] al = new double[4 * len];
        double[] bh = new double[4 * len];
        double[] bl = new double[4 * len];
        for (int t = 0; t < ah.length; t++) {
            DD a = random(rnd);
            DD b = random(rnd);
            ah[t] = a.hi();
            al[t] = a.lo();
            bh[t] = b.hi();
            bl[t] = b.lo();
        }
        double[] r = new double[8];
        double[] s = new double[8];
        DdKernels.dot4(ah, al, 0, len, 2 * len, 3 * len, bh, bl, 3 * len, 2 * len, len, 0, len, r);
        DdKernels.dot4Diff(ah, al, 0, len, 2 * len, 3 * len, bh, bl, 3 * len, 2 * len, len, 0, 0, len, 0, 2 * len, len, s);
        for (int q = 0; q < 4; q++) {
            double[] one = new double[2];
            DdKernels.dot(ah, al, q * len, bh, bl, (3 - q) * len, len, one, 0);
            assertEquals(one[0], r[2 * q], 0.0);
            assertEquals(one[1], r[2 * q + 1], 0.0);
            // step by step: the compensated step, then one TwoSum
            double[] cs = new double[1];
            double[] cc = new double[1];
            for (int k = 0; k < len; k++) {
                DdKernels.mulAcc(ah[q * len + k], al[q * len + k], bh[(3 - q) * len + k], bl[(3 - q) * len + k], cs,
                        cc, 0);
            }
            double[] t = new double[2];
            DdKernels.twoSum(cs[0], cc[0], t, 0);
            assertEquals(t[0], one[0], 0.0);
            assertEquals(t[1], one[1], 0.0);
            assertTrue(Math.abs(one[1]) <= Math.ulp(one[0]) / 2, "normalised");
            int kq = new int[] {0, len, 0, 2 * len}[q];
            DdKernels.dotDiff(ah, al, q * len, bh, bl, (3 - q) * len, kq, len, one, 0);
            assertEquals(one[0], s[2 * q], 0.0);
            assertEquals(one[1], s[2 * q + 1], 0.0);
        }
        double[] zero = new double[2];
        DdKernels.dotDiff(ah, al, 0, bh, bl, len, len, len, zero, 0);
        assertEquals(0.0, zero[0], 0.0);
        assertEquals(0.0, zero[1], 0.0);
        double[] ys = new double[len];
        double[] yc = new double[len];
        DdKernels.axpyAcc(ah[0], al[0], ah, al, len, ys, yc, 0, len);
        for (int k = 0; k < len; k++) {
            double[] cs = new double[1];
            double[] cc = new double[1];
            DdKernels.mulAcc(ah[0], al[0], ah[len + k], al[len + k], cs, cc, 0);
            assertEquals(cs[0], ys[k], 0.0);
            assertEquals(cc[0], yc[k], 0.0);
        }
    }

    @Test
    @DisplayName("fold: each entry is TwoSum(s, c) added to y by DdArith.add, bit for bit, and the accumulator reset")
    void foldIsTwoSumThenAdd() {
        SplittableRandom rnd = new SplittableRandom(20261205L);
        int len = 4000;
        double[] s = new double[len + 3];
        double[] c = new double[len + 3];
        double[] yh = new double[len + 2];
        double[] yl = new double[len + 2];
        for (int t = 0; t < len; t++) {
            DD a = random(rnd);
            s[t + 3] = a.hi();
            c[t + 3] = a.hi() * Math.ulp(1.0) * rnd.nextDouble(-4, 4); // a compensation term, a few ulps of s
            // half the cases cancel: y within a few ulps of -(s + c), so the low parts decide the result
            DD y = t % 2 == 0 ? random(rnd) : DD.ofSum(-(s[t + 3] + c[t + 3]),
                    Math.ulp(s[t + 3]) * rnd.nextInt(-3, 4) * 0.25);
            yh[t + 2] = y.hi();
            yl[t + 2] = y.lo();
        }
        double[] s0 = s.clone();
        double[] c0 = c.clone();
        double[] eh = yh.clone();
        double[] el = yl.clone();
        DdKernels.fold(s, c, 3, yh, yl, 2, len);
        double[] r = new double[2];
        for (int t = 0; t < len; t++) {
            double a = s0[t + 3];
            double b = c0[t + 3];
            double zh = a + b;
            double v = zh - a;
            double zl = (a - (zh - v)) + (b - v);
            DdArith.add(eh[t + 2], el[t + 2], zh, zl, r, 0);
            assertEquals(r[0], yh[t + 2], 0.0, "fold hi at " + t);
            assertEquals(r[1], yl[t + 2], 0.0, "fold lo at " + t);
            assertEquals(0.0, s[t + 3], 0.0, "s reset at " + t);
            assertEquals(0.0, c[t + 3], 0.0, "c reset at " + t);
        }
        assertEquals(eh[0], yh[0], 0.0);
        assertEquals(s0[0], s[0], 0.0);
    }

    @Test
    @DisplayName("plain double-double kernels: axpyD and dotD (strided) are bitwise one DdArith.mulD and one DdArith.add per term in index order; endsBlock ends a block after every block-th step and at the last step")
    void plainKernelsAreOneMulAndOneAddPerTerm() {
        SplittableRandom rnd = new SplittableRandom(20261204L);
        int len = 11;
        double[] r = new double[4];
        // axpyD: y[yo + t] += p x[xo + t]
        DD p = random(rnd);
        double[] x = new double[len + 5];
        for (int t = 0; t < x.length; t++) {
            x[t] = random(rnd).hi();
        }
        double[] yh = new double[len + 4];
        double[] yl = new double[len + 4];
        for (int t = 0; t < yh.length; t++) {
            DD y = random(rnd);
            yh[t] = y.hi();
            yl[t] = y.lo();
        }
        double[] eh = yh.clone();
        double[] el = yl.clone();
        DdKernels.axpyD(p.hi(), p.lo(), x, 3, yh, yl, 2, len);
        for (int t = 0; t < yh.length; t++) {
            if (t >= 2 && t < 2 + len) {
                DdArith.mulD(p.hi(), p.lo(), x[3 + t - 2], r, 0);
                DdArith.add(eh[t], el[t], r[0], r[1], r, 2);
                assertEquals(r[2], yh[t], 0.0, "axpyD hi at " + t);
                assertEquals(r[3], yl[t], 0.0, "axpyD lo at " + t);
            } else {
                assertEquals(eh[t], yh[t], 0.0, "axpyD touched " + t);
                assertEquals(el[t], yl[t], 0.0, "axpyD touched " + t);
            }
        }
        // dotD: Σ_t x[xo + t xs] y[yo + t ys], strides 3 and 2 (300 random vectors)
        int lowParts = 0;
        for (int rep = 0; rep < 300; rep++) {
            int xs = 3;
            int ys = 2;
            double[] xd = new double[1 + len * xs];
            for (int t = 0; t < xd.length; t++) {
                xd[t] = random(rnd).hi();
            }
            double[] dh = new double[2 + len * ys];
            double[] dl = new double[dh.length];
            for (int t = 0; t < dh.length; t++) {
                DD y = random(rnd);
                dh[t] = y.hi();
                dl[t] = y.lo();
            }
            double[] got = new double[3];
            DdKernels.dotD(xd, 1, xs, dh, dl, 2, ys, len, got, 1);
            double sh = 0.0;
            double sl = 0.0;
            for (int t = 0; t < len; t++) {
                DdArith.mulD(dh[2 + t * ys], dl[2 + t * ys], xd[1 + t * xs], r, 0);
                DdArith.add(sh, sl, r[0], r[1], r, 2);
                sh = r[2];
                sl = r[3];
            }
            assertEquals(sh, got[1], 0.0, "dotD hi");
            assertEquals(sl, got[2], 0.0, "dotD lo");
            lowParts += sl != 0.0 ? 1 : 0;
        }
        assertTrue(lowParts > 250, "the low part is exercised: " + lowParts);

        // heavy cancellation, y within a few ulps of -p x (few-bit perturbations): here the final
        // renormalisation of the addition moves the high part, and the kernels must still agree bitwise
        int trials = 4000;
        double[] ch = new double[trials];
        double[] cl = new double[trials];
        double[] cph = new double[trials];
        double[] cpl = new double[trials];
        double[] cx = new double[trials];
        for (int q = 0; q < trials; q++) {
            double ph = rnd.nextDouble(1, 2);
            double pl = fewBits(rnd, -53 - rnd.nextInt(4));
            double xq = fewBits(rnd, -rnd.nextInt(4));
            double yh0 = -(ph * xq) + fewBits(rnd, -54 + rnd.nextInt(5));
            double yl0 = fewBits(rnd, -108 + rnd.nextInt(5));
            double sp = ph + pl;
            cpl[q] = pl - (sp - ph);
            cph[q] = sp;
            double sy = yh0 + yl0;
            cl[q] = yl0 - (sy - yh0);
            ch[q] = sy;
            cx[q] = xq;
        }
        int cancelled = 0;
        for (int q = 0; q < trials; q++) {
            DdArith.mulD(cph[q], cpl[q], cx[q], r, 0);
            DdArith.add(ch[q], cl[q], r[0], r[1], r, 2);
            double[] ah1 = {ch[q]};
            double[] al1 = {cl[q]};
            DdKernels.axpyD(cph[q], cpl[q], cx, q, ah1, al1, 0, 1);
            assertEquals(r[2], ah1[0], 0.0, "axpyD under cancellation, trial " + q);
            assertEquals(r[3], al1[0], 0.0, "axpyD under cancellation, trial " + q);
            // the same sum as a two-term dotD: y0 * 1 + p * x
            double[] two = new double[3];
            DdKernels.dotD(new double[] {1.0, 0.5, cx[q]}, 0, 2, new double[] {ch[q], 0.25, cph[q]},
                    new double[] {cl[q], 0, cpl[q]}, 0, 2, 2, two, 0);
            assertEquals(r[2], two[0], 0.0, "dotD under cancellation, trial " + q);
            assertEquals(r[3], two[1], 0.0, "dotD under cancellation, trial " + q);
            cancelled += Math.abs(r[2]) < 0x1p-40 * Math.abs(ch[q]) ? 1 : 0;
        }
        assertTrue(cancelled > trials / 2, "cancellation exercised: " + cancelled);
        // endsBlock(t, len, block): (t + 1) a multiple of block, or t the last step
        int[][] cases = {{70, 32, 31, 63, 69}, {64, 32, 31, 63}, {5, 8, 4}, {3, 1, 0, 1, 2}};
        for (int[] c : cases) {
            java.util.Set<Integer> ends = new java.util.HashSet<>();
            for (int q = 2; q < c.length; q++) {
                ends.add(c[q]);
            }
            for (int t = 0; t < c[0]; t++) {
                assertEquals(ends.contains(t), DdKernels.endsBlock(t, c[0], c[1]),
                        "endsBlock(" + t + ", " + c[0] + ", " + c[1] + ")");
            }
        }
    }

    /** {@code ±k 2^e}, {@code k} in {@code 1..15}: few significant bits, so that sums land on ties. */
    private static double fewBits(SplittableRandom rnd, int e) {
        return Math.scalb((double) (1 + rnd.nextInt(15)), e) * (rnd.nextBoolean() ? 1 : -1);
    }

    private static BigDecimal exact(double h, double l) {
        return new BigDecimal(h).add(new BigDecimal(l));
    }

    @Test
    @DisplayName("compensated kernels meet their stated bounds against exact BigDecimal sums: dot (6 + 2L(L+3)) u^2, dotDiff (12 + 2L(L+5)) u^2, blocked n-term sums (eps + 2B(B+kappa) + 3.01 ceil(n/B)) u^2, relative to the sum of |terms|, with heavy cancellation")
    void compensatedKernelsMeetTheirBounds() {
        SplittableRandom rnd = new SplittableRandom(20261202L);
        double worstDot = 0;
        double worstDiff = 0;
        double worstSum = 0;
        for (int rep = 0; rep < 60; rep++) {
            int len = 1 + rnd.nextInt(130);
            double[] ah = new double[len];
            double[] al = new double[len];
            double[] bh = new double[3 * len];
            double[] bl = new double[3 * len];
            for (int t = 0; t < len; t++) {
                DD a = random(rnd);
                ah[t] = a.hi();
                al[t] = a.lo();
            }
            for (int t = 0; t < 3 * len; t++) {
                DD b = random(rnd);
                bh[t] = b.hi();
                bl[t] = b.lo();
            }
            if (rep % 3 == 0) {
                // cancellation: the second half of the terms undoes the first half up to low-order bits
                for (int t = 0; t + len / 2 < len && t < len / 2; t++) {
                    ah[t + len / 2] = -ah[t];
                    al[t + len / 2] = al[t] * 0.5;
                    bh[t + len / 2] = bh[t];
                    bl[t + len / 2] = -bl[t];
                }
            }
            if (rep % 3 == 1) {
                // near-equal rows for the difference form
                for (int t = 0; t < len; t++) {
                    bh[2 * len + t] = bh[len + t];
                    bl[2 * len + t] = t % 2 == 0 ? bl[len + t] : -bl[len + t];
                }
            }
            BigDecimal ex = BigDecimal.ZERO;
            BigDecimal mag = BigDecimal.ZERO;
            BigDecimal exD = BigDecimal.ZERO;
            BigDecimal magD = BigDecimal.ZERO;
            for (int t = 0; t < len; t++) {
                BigDecimal a = exact(ah[t], al[t]);
                BigDecimal b = exact(bh[t], bl[t]);
                ex = ex.add(a.multiply(b));
                mag = mag.add(a.multiply(b).abs());
                BigDecimal bj = exact(bh[len + t], bl[len + t]);
                BigDecimal bk = exact(bh[2 * len + t], bl[2 * len + t]);
                exD = exD.add(a.multiply(bj.subtract(bk)));
                magD = magD.add(a.abs().multiply(bj.abs().add(bk.abs())));
            }
            double[] r = new double[2];
            DdKernels.dot(ah, al, 0, bh, bl, 0, len, r, 0);
            double e = exact(r[0], r[1]).subtract(ex).abs().divide(mag, MC).doubleValue() / U2;
            assertTrue(e <= 6 + 2.0 * len * (len + 3), "dot error " + e + " u^2 at len " + len);
            worstDot = Math.max(worstDot, e / (6 + 2.0 * len * (len + 3)));
            DdKernels.dotDiff(ah, al, 0, bh, bl, len, 2 * len, len, r, 0);
            e = exact(r[0], r[1]).subtract(exD).abs().divide(magD, MC).doubleValue() / U2;
            assertTrue(e <= 12 + 2.0 * len * (len + 5), "dotDiff error " + e + " u^2 at len " + len);
            worstDiff = Math.max(worstDiff, e / (12 + 2.0 * len * (len + 5)));
            // the same terms as an n-term sum of one component, in blocks, folded
            double[] cs = new double[1];
            double[] cc = new double[1];
            double[] yh = new double[1];
            double[] yl = new double[1];
            for (int t = 0; t < len; t++) {
                DdKernels.axpyAcc(ah[t], al[t], bh, bl, t, cs, cc, 0, 1);
                if (DdKernels.endsBlock(t, len, DdKernels.BLOCK)) {
                    DdKernels.fold(cs, cc, 0, yh, yl, 0, 1);
                }
            }
            assertEquals(0.0, cs[0], 0.0);
            assertEquals(0.0, cc[0], 0.0);
            int b = Math.min(len, DdKernels.BLOCK);
            double bound = 6 + 2.0 * b * (b + 3) + 3.01 * Math.ceil(len / (double) DdKernels.BLOCK);
            e = exact(yh[0], yl[0]).subtract(ex).abs().divide(mag, MC).doubleValue() / U2;
            assertTrue(e <= bound, "blocked sum error " + e + " u^2 at len " + len);
            assertTrue(Math.abs(yl[0]) <= Math.ulp(yh[0]) / 2, "normalised");
            worstSum = Math.max(worstSum, e / bound);
        }
        // a dot product longer than MAX_RUN: runs of MAX_RUN added by the accurate DWPlusDW; dot4 lanes still equal dot
        int len = 2 * DdKernels.MAX_RUN + 88;
        double[] ah = new double[4 * len];
        double[] al = new double[4 * len];
        double[] bh = new double[len];
        double[] bl = new double[len];
        for (int t = 0; t < 4 * len; t++) {
            DD a = random(rnd);
            ah[t] = a.hi();
            al[t] = a.lo();
        }
        for (int t = 0; t < len; t++) {
            DD b = random(rnd);
            bh[t] = b.hi();
            bl[t] = b.lo();
        }
        double[] r4 = new double[8];
        DdKernels.dot4(ah, al, 0, len, 2 * len, 3 * len, bh, bl, 0, 0, 0, 0, len, r4);
        for (int q = 0; q < 4; q++) {
            double[] r = new double[2];
            DdKernels.dot(ah, al, q * len, bh, bl, 0, len, r, 0);
            assertEquals(r[0], r4[2 * q], 0.0);
            assertEquals(r[1], r4[2 * q + 1], 0.0);
            BigDecimal ex = BigDecimal.ZERO;
            BigDecimal mag = BigDecimal.ZERO;
            for (int t = 0; t < len; t++) {
                BigDecimal p = exact(ah[q * len + t], al[q * len + t]).multiply(exact(bh[t], bl[t]));
                ex = ex.add(p);
                mag = mag.add(p.abs());
            }
            int m = DdKernels.MAX_RUN;
            double e = exact(r[0], r[1]).subtract(ex).abs().divide(mag, MC).doubleValue() / U2;
            assertTrue(e <= 6 + 2.0 * m * (m + 3) + 3.01 * Math.ceil(len / (double) m), "long dot error " + e);
        }
        System.out.printf("compensated kernels, worst error / stated bound: dot %.3g, dotDiff %.3g, blocked sum %.3g%n",
                worstDot, worstDiff, worstSum);
    }

    @Test
    @DisplayName("double-double exp: relative error <= 1e-30 against apfloat over [-670, 709] (where the low part is a normal double), with low parts; overflow to +Infinity, underflow to 0")
    void expAgainstApfloat() {
        SplittableRandom rnd = new SplittableRandom(11);
        double[] r = new double[2];
        double[] tmp = new double[4];
        double worst = 0;
        for (int t = 0; t < 200; t++) {
            double xh = t < 100 ? rnd.nextDouble(-670, 709) : rnd.nextDouble(-2, 2);
            double xl = xh * Math.ulp(1.0) * rnd.nextDouble(-0.5, 0.5);
            DD x = DD.ofSum(xh, xl);
            DdExp.exp(x.hi(), x.lo(), r, 0, tmp);
            Apfloat ex = ApfloatMath.exp(new Apfloat(x.bigDecimalValue(), 60));
            Apfloat got = ExactValues.apfloat(r[0], 60).add(ExactValues.apfloat(r[1], 60));
            double rel = ApMatrix.toDouble(ApfloatMath.abs(got.subtract(ex)).divide(ex));
            worst = Math.max(worst, rel);
        }
        System.out.printf("double-double exp worst relative error %.3g%n", worst);
        assertTrue(worst <= 1e-30, "exp relative error " + worst);
        DdExp.exp(710, 0, r, 0, tmp);
        assertEquals(Double.POSITIVE_INFINITY, r[0]);
        DdExp.exp(709.78, 0, r, 0, tmp);
        assertEquals(Math.exp(709.78), r[0], Math.ulp(r[0]));
        DdExp.exp(-746, 0, r, 0, tmp);
        assertEquals(0.0, r[0]);
        DdExp.exp(0, 0, r, 0, tmp);
        assertEquals(1.0, r[0], 0.0);
        assertEquals(0.0, r[1], 0.0);
    }

    @Test
    @DisplayName("RoPE angles: cos/sin(m theta_k) within 2^-101.5 of the 50-digit values, both layouts")
    void anglesAgainstApfloat() {
        for (RopeFamily.Layout layout : RopeFamily.Layout.values()) {
            RopeFamily fam = new RopeFamily(4, RopeFamily.DEFAULT_BASE, layout);
            int count = 300;
            DdAngles an = new DdAngles(fam, count);
            double worst = 0;
            for (int k = 0; k < 2; k++) {
                for (int m : new int[] {0, 1, 2, 17, 18, 35, 170, 289, 299}) {
                    Apfloat c = fam.weight(m, fam.dimA(k), fam.dimA(k), 50);
                    Apfloat s = fam.weight(m, fam.dimA(k), fam.dimB(k), 50);
                    worst = Math.max(worst, absErr(an.cosHi(k, m), an.cosLo(k, m), c));
                    worst = Math.max(worst, absErr(an.sinHi(k, m), an.sinLo(k, m), s));
                }
            }
            assertTrue(worst <= Math.pow(2, -101.5), layout + ": angle error " + worst);
        }
    }

    private static double absErr(double h, double l, Apfloat exact) {
        Apfloat got = ExactValues.apfloat(h, 60).add(ExactValues.apfloat(l, 60));
        return ApMatrix.toDouble(ApfloatMath.abs(got.subtract(exact)));
    }
}
