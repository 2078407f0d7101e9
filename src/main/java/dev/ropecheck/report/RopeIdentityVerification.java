package dev.ropecheck.report;

import dev.ropecheck.model.ExactValues;
import dev.ropecheck.model.RopeFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;

/**
 * MATH §1 (RoPE-grad Def. 3.1, RoPE-fwd Def. 1.1): {@code rope(Q)_i · rope(K)_j = Q_i W_{i-j} K_j^T}.
 * The left side is evaluated as a double program ({@link RopeFamily#rotate}, then a sequential dot
 * product); the right side in 40-digit decimal arithmetic from MATH §1's {@code W_m} with exact angles
 * ({@code theta_k} from apfloat, cos/sin by reduction mod 2 pi and Taylor series).
 *
 * <p><b>Bound</b> (u = 2^-53, gamma_k = k u / (1 - k u)). {@code rotate} uses
 * {@code theta~_k = Math.pow(base, fl(-2k/d))} (pow within 1 ulp, so relative 2u; the exponent's
 * relative rounding u shifts it by a factor {@code base^(u)}, relative {@code u ln base}) and the
 * angle {@code fl(pos * theta~_k)}; hence
 * {@code |angle~ - pos theta_k| <= Delta = pos theta_k (3 + ln base) u (1 + 1e-6)}, and Math.cos/sin
 * (within 1 ulp, values in [-1,1]) give {@code |cs~ - cs| <= delta = Delta + 2^-52}. A rotated entry
 * {@code fl(fl(x_a c~) -/+ fl(x_b s~))} is then off by at most
 * {@code E = (|x_a| + |x_b|)(delta + gamma_2 (1 + delta))}. The double dot product of rotated rows
 * {@code q^, k^} is off from {@code Σ q' k'} by at most
 * {@code gamma_d Σ|q^_a k^_a| + Σ_a (Eq_a (|k^_a| + Ek_a) + |q^_a| Ek_a)}. Adding the 40-digit
 * evaluation error ({@code 1e-28 (1 + Σ_k (|Q_a|+|Q_b|)(|K_a|+|K_b|))}, generous for 34+ correct digits) and a factor {@code 1 + 1e-12} for the bound's
 * own evaluation gives the bound per pair {@code (i,j)}.
 */
public final class RopeIdentityVerification implements Verification {
    static final double U = dev.ropecheck.bounds.FloatFormat.FP64.u();
    /** Every pair up to this many; beyond, the two extreme offsets plus random pairs (40-digit cos/sin are costly). */
    private static final int ALL_PAIRS = 64;
    private static final int SAMPLED_PAIRS = 32;

    @Override
    public String id() {
        return "def-3.1";
    }

    @Override
    public String title() {
        return "RoPE identity rope(Q)_i . rope(K)_j = Q_i W_{i-j} K_j^T (MATH §1), double vs 40 digits";
    }

    @Override
    public VerificationResult run(VerificationCases cases, Progress progress) {
        TreeSet<Integer> ns = new TreeSet<>(cases.sizes());
        ns.addAll(cases.extended() ? List.of(128, 1024, 8192, 65536) : List.of(128, 1024, 8192));
        List<Integer> dims = new ArrayList<>();
        for (int d : cases.dims()) {
            if (d % 2 == 0) {
                dims.add(d);
            }
        }
        if (dims.isEmpty()) {
            dims.add(2);
        }
        Worst worst = new Worst();
        int count = 0;
        List<Series> series = new ArrayList<>();
        List<TightnessPoint> points = new ArrayList<>();
        int total = ns.size() * dims.size() * 2;
        int done = 0;
        for (RopeFamily.Layout layout : RopeFamily.Layout.values()) {
            for (int d : dims) {
                double[] xs = new double[ns.size()];
                double[] errs = new double[ns.size()];
                double[] bounds = new double[ns.size()];
                int idx = 0;
                for (int n : ns) {
                    progress.step("RoPE identity " + layout.label() + " d=" + d + " n=" + n, done++, total);
                    Size at = size(layout, n, d);
                    worst.offer(at.worst);
                    count += at.pairs;
                    points.add(new TightnessPoint(id(), layout.label(), TightnessPoint.Axis.N, n, at.worst.err,
                            at.worst.bound, at.worst.where));
                    points.add(new TightnessPoint(id(), layout.label(), TightnessPoint.Axis.D, d, at.worst.err,
                            at.worst.bound, at.worst.where));
                    xs[idx] = n;
                    errs[idx] = at.maxErr;
                    bounds[idx] = at.maxBound;
                    idx++;
                }
                series.add(new Series(Plot.ERROR_VS_N, "RoPE identity " + layout.label() + " d=" + d, xs, errs));
                series.add(new Series(Plot.ERROR_VS_N, "bound " + layout.label() + " d=" + d, xs, bounds));
            }
        }
        progress.step("RoPE identity", total, total);
        Verdict v = worst.ratio <= 1 ? Verdict.PASS : Verdict.FAIL;
        return new VerificationResult(id(), title(), count, worst.err, worst.bound, v, "worst: " + worst.where, series,
                points);
    }

    /** The pair with the largest error / bound so far (ratio {@code -1} before the first). */
    private static final class Worst {
        double ratio = -1;
        double err;
        double bound = 1;
        String where = "";

        void offer(double e, double b, String w) {
            if (e / b > ratio) {
                ratio = e / b;
                err = e;
                bound = b;
                where = w;
            }
        }

        void offer(Worst o) {
            if (o.ratio > ratio) {
                ratio = o.ratio;
                err = o.err;
                bound = o.bound;
                where = o.where;
            }
        }
    }

    /** One {@code (layout, n, d)}: the pairs checked, the largest error and bound, and the worst pair. */
    private record Size(int pairs, double maxErr, double maxBound, Worst worst) {
    }

    /** Every pair ({@code n^2 <= ALL_PAIRS}), else the two extreme offsets and random pairs, of one seeded instance. */
    private static Size size(RopeFamily.Layout layout, int n, int d) {
        RopeFamily fam = new RopeFamily(d, RopeFamily.DEFAULT_BASE, layout);
        long seed = 1000L * n + d + (layout == RopeFamily.Layout.HALF_SPLIT ? 7 : 0);
        SplittableRandom rnd = new SplittableRandom(seed);
        DMatrixRMaj q = random(rnd, n, d);
        DMatrixRMaj k = random(rnd, n, d);
        double[][] eq = rowErrors(fam, q);
        double[][] ek = rowErrors(fam, k);
        BigDecimal[] thetas = exactThetas(fam);
        DMatrixRMaj qr = fam.rotate(q);
        DMatrixRMaj kr = fam.rotate(k);
        double maxErr = 0;
        double maxBound = 0;
        Worst worst = new Worst();
        boolean all = (long) n * n <= ALL_PAIRS;
        int pairs = all ? n * n : SAMPLED_PAIRS;
        for (int p = 0; p < pairs; p++) {
            int i;
            int j;
            if (all) {
                i = p / n;
                j = p % n;
            } else if (p == 0) {
                i = n - 1;
                j = 0;
            } else if (p == 1) {
                i = 0;
                j = n - 1;
            } else {
                i = rnd.nextInt(n);
                j = rnd.nextInt(n);
            }
            double bound = pairBound(qr, kr, eq, ek, q, k, fam, i, j, d);
            double err = pairError(qr, kr, q, k, fam, thetas, i, j, d);
            maxErr = Math.max(maxErr, err);
            maxBound = Math.max(maxBound, bound);
            worst.offer(err, bound, layout.label() + " n=" + n + " d=" + d + " seed=" + seed + " (i,j)=(" + i + "," + j + ")");
        }
        return new Size(pairs, maxErr, maxBound, worst);
    }

    /**
     * {@code |<R_i q_i, R_j k_j> - Q_i W_(i-j) K_j^T|}: the double dot product of the rotated rows against the
     * 40-digit value with the exact {@code cos, sin} of {@code (i - j) θ_k}.
     */
    private static double pairError(DMatrixRMaj qr, DMatrixRMaj kr, DMatrixRMaj q, DMatrixRMaj k, RopeFamily fam,
            BigDecimal[] thetas, int i, int j, int d) {
        double lhs = 0;
        for (int a = 0; a < d; a++) {
            lhs += qr.unsafe_get(i, a) * kr.unsafe_get(j, a);
        }
        BigDecimal exact = BigDecimal.ZERO;
        for (int kk = 0; kk < d / 2; kk++) {
            BigDecimal[] cs = exactCosSin(thetas[kk], i - j);
            int a = fam.dimA(kk);
            int b = fam.dimB(kk);
            BigDecimal qa = new BigDecimal(q.unsafe_get(i, a));
            BigDecimal qb = new BigDecimal(q.unsafe_get(i, b));
            BigDecimal ka = new BigDecimal(k.unsafe_get(j, a));
            BigDecimal kb = new BigDecimal(k.unsafe_get(j, b));
            // Q_i W_m K_j^T on block kk: W[a][a] = W[b][b] = cos, W[a][b] = sin, W[b][a] = -sin.
            BigDecimal block = qa.multiply(ka).add(qb.multiply(kb)).multiply(cs[0], MC)
                    .add(qa.multiply(kb).subtract(qb.multiply(ka)).multiply(cs[1], MC), MC);
            exact = exact.add(block, MC);
        }
        return Math.abs(new BigDecimal(lhs).subtract(exact, MC).doubleValue());
    }

    /**
     * The bound {@code γ_d Σ|q~_a k~_a| + Σ (e_qa (|k~_a| + e_ka) + |q~_a| e_ka) + 1e-28 (1 + Σ|q||k|)}, times
     * {@code 1 + 1e-12}: the dot product's rounding, the propagated rotation errors and the 40-digit floor.
     */
    private static double pairBound(DMatrixRMaj qr, DMatrixRMaj kr, double[][] eq, double[][] ek, DMatrixRMaj q,
            DMatrixRMaj k, RopeFamily fam, int i, int j, int d) {
        double absDot = 0;
        double prop = 0;
        for (int a = 0; a < d; a++) {
            double qa = qr.unsafe_get(i, a);
            double ka = kr.unsafe_get(j, a);
            absDot += Math.abs(qa * ka);
            prop += eq[i][a] * (Math.abs(ka) + ek[j][a]) + Math.abs(qa) * ek[j][a];
        }
        double absS = 0;
        for (int kk = 0; kk < d / 2; kk++) {
            int a = fam.dimA(kk);
            int b = fam.dimB(kk);
            absS += (Math.abs(q.unsafe_get(i, a)) + Math.abs(q.unsafe_get(i, b)))
                    * (Math.abs(k.unsafe_get(j, a)) + Math.abs(k.unsafe_get(j, b)));
        }
        return (gamma(d) * absDot + prop + 1e-28 * (1 + absS)) * (1 + 1e-12);
    }

    private static final MathContext MC = new MathContext(40);
    /** 2 pi to 60 digits. */
    private static final BigDecimal TWO_PI = new BigDecimal(
            "6.28318530717958647692528676655900576839433879875021164194989");

    /** {@code theta_k = base^(-2k/d)} to 40 digits (apfloat exp/log, once per family). */
    static BigDecimal[] exactThetas(RopeFamily fam) {
        int d = fam.d();
        BigDecimal[] t = new BigDecimal[d / 2];
        Apfloat lnBase = ApfloatMath.log(ExactValues.apfloat(fam.base(), 60));
        for (int k = 0; k < d / 2; k++) {
            Apfloat e = new Apfloat(-2L * k, 60).divide(new Apfloat(d, 60));
            t[k] = k == 0 ? BigDecimal.ONE : new BigDecimal(ApfloatMath.exp(e.multiply(lnBase)).toString(true));
        }
        return t;
    }

    /**
     * {@code cos(m theta), sin(m theta)} to about 34 digits: reduction by 2 pi (60 digits), then Taylor
     * series in 40-digit decimal arithmetic until the terms fall below 1e-38.
     */
    static BigDecimal[] exactCosSin(BigDecimal theta, int m) {
        BigDecimal x = theta.multiply(BigDecimal.valueOf(m), MC);
        BigDecimal turns = x.divide(TWO_PI, MC).setScale(0, RoundingMode.HALF_EVEN);
        BigDecimal r = x.subtract(turns.multiply(TWO_PI), MC);
        BigDecimal cos = BigDecimal.ZERO;
        BigDecimal sin = BigDecimal.ZERO;
        BigDecimal term = BigDecimal.ONE;
        BigDecimal tiny = new BigDecimal("1e-38");
        for (int n = 0; n < 200; n++) {
            // term = r^n / n!
            if (n % 4 == 0) {
                cos = cos.add(term, MC);
            } else if (n % 4 == 1) {
                sin = sin.add(term, MC);
            } else if (n % 4 == 2) {
                cos = cos.subtract(term, MC);
            } else {
                sin = sin.subtract(term, MC);
            }
            term = term.multiply(r, MC).divide(BigDecimal.valueOf(n + 1), MC);
            if (n > 4 && term.abs().compareTo(tiny) < 0) {
                break;
            }
        }
        return new BigDecimal[] {cos, sin};
    }

    /** Per-entry bound {@code E} on the rotated rows of {@code x} (see the class comment). */
    static double[][] rowErrors(RopeFamily fam, DMatrixRMaj x) {
        int d = fam.d();
        double lnBase = Math.log(fam.base());
        double[][] err = new double[x.numRows][d];
        for (int i = 0; i < x.numRows; i++) {
            for (int k = 0; k < d / 2; k++) {
                double theta = fam.theta(k) * (1 + 4 * U);
                double delta = Math.abs((double) i) * theta * (3 + lnBase) * U * (1 + 1e-6) + 0x1.0p-52;
                int a = fam.dimA(k);
                int b = fam.dimB(k);
                double e = (Math.abs(x.unsafe_get(i, a)) + Math.abs(x.unsafe_get(i, b))) * (delta + gamma(2) * (1 + delta));
                err[i][a] = e;
                err[i][b] = e;
            }
        }
        return err;
    }

    static double gamma(int k) {
        return dev.ropecheck.bounds.FloatFormat.FP64.gamma(k);
    }

    private static DMatrixRMaj random(SplittableRandom rnd, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = dev.ropecheck.io.InstanceGenerator.dyadic(rnd, 1.0);
        }
        return m;
    }
}
