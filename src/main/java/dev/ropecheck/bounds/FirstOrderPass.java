package dev.ropecheck.bounds;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * One evaluation of RoPE attention and its gradient in binary64 for {@link FirstOrderRoundingBound}:
 * exact ({@code probe < 0}), or with every intermediate {@code x} moved by {@code φ_x z_x}, {@code z}
 * standard normal from the probe's own seeded stream ({@code proofs-notes/first-order-rounding.md}
 * §2 lists every intermediate, its {@code φ} and its number of uses). Single-threaded and in a fixed
 * order, so a probe's result does not depend on the thread that runs it.
 */
final class FirstOrderPass {
    /** Rotations that may use one table entry: q, k, the back-rotations of dQ and dK, and dQ, dK forward. */
    private static final int TABLE_USES = 6;
    /** The output slot each rotation use forms (-1: the rotations of q and k, which are not outputs). */
    private static final int[] OUTPUT_OF_USE = {-1, -1, FirstOrderOutputs.DQ, FirstOrderOutputs.DK,
        FirstOrderOutputs.DQROT_VIA, FirstOrderOutputs.DKROT_VIA};

    final int n;
    final int d;
    final boolean causal;
    private final boolean direct;
    private final RopeFamily rope;
    final double ua;
    final double us;
    private final double cTheta;
    final int probe;
    final RopeInstance in;
    /** Roundings of applying the scale (0 when it is a power of two: multiplying by it is exact). */
    final int scaleRoundings;
    final double sigma;
    /** The probe's numbers: standard normal from its seeded stream (or, in tests, any source). */
    private final DoubleSupplier noise;
    /** The partial-sum magnitudes {@code W_x}: the exact pass's, which the probes read. */
    private final FirstOrderMags mags;
    /** Per output slot, the own final moves {@code φ z} (probe) or their variances {@code φ^2} (exact pass). */
    final double[][] own = new double[FirstOrderOutputs.SLOTS][];
    /** The kinds of moves a probe makes, for {@link Trace} (proofs-notes/first-order-rounding.md §2). */
    enum Move {
        /** The score scale, relative (once per probe, when not exact in the accumulator). */
        SCALE,
        /** {@code θ_k}, relative. */
        THETA,
        /** A projection entry {@code q, k, v}, absolute. */
        PROJ,
        /** A table angle {@code pos θ_k}, relative. */
        ANGLE,
        /** A table {@code cos} or {@code sin} entry, relative. */
        TRIG,
        /** A rotated entry (or, identity family, the scale's roundings on q and k), absolute or relative. */
        ROT,
        /** {@code a = exp(s - m)} with the score's roundings, relative. */
        EXP,
        /** The row sum {@code l_i}, absolute. */
        L,
        /** {@code lse_i}, absolute. */
        LSE,
        /** {@code f = a / l}'s division and storage, relative. */
        DIV,
        /** {@code f} recomputed as {@code exp(s - lse)} in the backward, relative. */
        FBACK,
        /** {@code p_ij = f_ij t_ij} with {@code t_ij}'s roundings, absolute. */
        P,
        /** An output entry's own final move, absolute ({@link Trace#move}'s {@code slot} says which). */
        OWN
    }

    /** Receives, in the pass's order, every move's coefficient {@code φ} (a probe only). */
    interface Trace {
        /**
         * A move by {@code phi z} of kind {@code kind}: {@code slot} the output slot ({@link Move#OWN}), the
         * projection or rotation use ({@link Move#PROJ}, {@link Move#ROT}, {@link Move#ANGLE},
         * {@link Move#TRIG}), else -1; {@code t} the entry (row-major: {@code i n + j} for the pairwise
         * ones, {@code i d/2 + k} for the table, {@code i} for {@code l}, {@code lse}; 0 for the scale).
         */
        void move(Move kind, int slot, int t, double phi);
    }

    /** Tests: receives every move's coefficient, or {@code null}. */
    private final Trace trace;


    /** The exact pass ({@code probe < 0}): it also records the magnitudes {@link #mags()}. */
    FirstOrderPass(RopeInstance in, RoundingClass cls, int probe) {
        this(in, cls, probe, null);
    }

    /** A probe that reads the exact pass's magnitudes {@code base} ({@code null} for the exact pass). */
    FirstOrderPass(RopeInstance in, RoundingClass cls, int probe, FirstOrderMags base) {
        this(in, cls, probe, base, new SplittableRandom(FirstOrderRoundingBound.seed() + 0x9E3779B97F4A7C15L * (probe + 1))
                ::nextGaussian);
    }

    /**
     * A pass moving intermediate number {@code m} (in the pass's fixed order) by {@code φ_m} times
     * {@code noise}'s {@code m}-th number: the tests drive it with unit directions to sum
     * {@code G^2 φ^2} one intermediate at a time.
     */
    FirstOrderPass(RopeInstance in, RoundingClass cls, int probe, FirstOrderMags base, DoubleSupplier noise) {
        this(in, cls, probe, base, noise, null);
    }

    /** As above, reporting every move's coefficient {@code φ}, in order, to {@code trace} (tests). */
    FirstOrderPass(RopeInstance in, RoundingClass cls, int probe, FirstOrderMags base, DoubleSupplier noise, Trace trace) {
        this.in = in;
        this.trace = trace;
        this.n = in.n();
        this.d = in.d();
        this.causal = in.causal();
        this.direct = in.hasQkv();
        this.rope = in.family() instanceof RopeFamily ? (RopeFamily) in.family() : null;
        this.ua = cls.uAcc();
        this.us = cls.uStore();
        this.probe = probe;
        if ((probe < 0) != (base == null)) {
            throw new IllegalArgumentException("the exact pass records the magnitudes and every probe reads them");
        }
        this.mags = base == null ? new FirstOrderMags(in.n(), in.d()) : base;
        this.noise = noise;
        this.cTheta = rope == null ? 0
                : ComponentwiseRoundingBound.THETA_ULPS + (Integer.bitCount(d) == 1 ? 0 : Math.log(rope.base()));
        double s = in.scale();
        boolean pow2 = s == Math.scalb(1.0, Math.getExponent(s));
        this.scaleRoundings = pow2 ? 0 : 2;
        boolean exact = cls.format().accumulator().isExact(s);
        this.sigma = exact ? s : s * (1 + move(Move.SCALE, -1, 0, 2 * ua));
    }

    /**
     * The probe's next standard normal number (0 for the exact pass). A probe runs on one thread in a
     * fixed order, so its numbers, and the bound, do not depend on the thread count.
     */
    double z() {
        return probe < 0 ? 0 : noise.getAsDouble();
    }

    /** {@code phi z()}, reported to the trace if there is one. */
    double move(Move kind, int slot, int t, double phi) {
        if (trace != null && probe >= 0) {
            trace.move(kind, slot, t, phi);
        }
        return phi * z();
    }

    /** {@code x + φ z}, {@code φ = sqrt(k u_a^2 M^2 + u_s^2 x^2)}: a stored sum of {@code k} roundings. */
    private double sum(double x, double k, double mag, int which, int t) {
        return sum(x, k, mag, 1, which, t);
    }

    /** As above for an intermediate with {@code uses} independent copies: {@code φ} times {@code sqrt(uses)}. */
    private double sum(double x, double k, double mag, int uses, int which, int t) {
        if (probe < 0) {
            return x;
        }
        double phi = Math.sqrt(uses * (k * ua * ua * mag * mag + us * us * x * x));
        return x + move(Move.PROJ, which, t, phi);
    }

    /**
     * An output entry's own final move, {@code x + φ z}, recorded apart from the moves it inherits
     * ({@code proofs-notes/first-order-rounding.md} §3): a probe records {@code φ z}, the exact pass
     * {@code φ^2} (from the exact values), so the bound adds the own variance exactly and caps only the
     * inherited part with the chi-square quantile.
     */
    double own(int slot, int size, int t, double x, double phi) {
        double[] a = own[slot];
        if (a == null) {
            a = new double[size];
            own[slot] = a;
        }
        if (probe < 0) {
            a[t] = phi * phi;
            return x;
        }
        double m = move(Move.OWN, slot, t, phi);
        a[t] = m;
        return x + m;
    }

    /** {@link #own} for a stored sum of {@code k} roundings, {@code φ = sqrt(k u_a^2 W^2 + u_s^2 x^2)}. */
    double ownSum(int slot, int size, int t, double x, double k, double mag) {
        return own(slot, size, t, x, Math.sqrt(k * ua * ua * mag * mag + us * us * x * x));
    }

    /** {@code x (1 + r z)}: a value whose roundings are relative {@code r} in all. */
    double rel(double x, double r, Move kind, int slot, int t) {
        return probe < 0 ? x : x * (1 + move(kind, slot, t, r));
    }

    /** The magnitudes this pass recorded (exact pass) or read (probe). */
    FirstOrderMags mags() {
        return mags;
    }

    FirstOrderOutputs run() {
        FirstOrderOutputs out = new FirstOrderOutputs(n, d);
        double[] theta = thetas();
        double[] q;
        double[] k;
        double[] v;
        if (direct) {
            q = in.a1().data.clone();
            k = in.a2().data.clone();
            v = in.a3().data.clone();
        } else {
            q = project(in.a1().data, in.wq().data, 0);
            k = project(in.a2().data, in.wk().data, 1);
            v = project(in.a3().data, in.y().data, 2);
        }
        FirstOrderRows rows = new FirstOrderRows(this, rotate(q, theta, false, 0, scaleRoundings), rotate(k, theta, false, 1, scaleRoundings), v);
        for (int i = 0; i < n; i++) {
            rows.row(i);
        }
        double[] dkr = rows.dkr;
        double[] dv = rows.dv;
        double dk2 = 2.0 * n + 1 + scaleRoundings;
        if (probe < 0) {
            mags.close();
        }
        for (int t = 0; t < n * d; t++) {
            dkr[t] = ownSum(FirstOrderOutputs.DKROT, n * d, t, dkr[t], dk2, mags.dkr[t]);
            dv[t] = ownSum(FirstOrderOutputs.DV, n * d, t, dv[t], 2.0 * n + 1, mags.dv[t]);
        }
        double loss = own(FirstOrderOutputs.LOSS, 1, 0, rows.lossSum / 2, Math.sqrt(2.0 * n * d * ua * ua
                * mags.loss * mags.loss / 4 + us * us * rows.lossSum * rows.lossSum / 4));
        double[] dq = rotate(rows.dqr, theta, true, 2, 0);
        double[] dk = rotate(dkr, theta, true, 3, 0);
        out.v[FirstOrderOutputs.ATT] = rows.att;
        out.v[FirstOrderOutputs.C] = rows.c;
        out.v[FirstOrderOutputs.R] = rows.r;
        out.v[FirstOrderOutputs.LOSS] = new double[] {loss};
        out.v[FirstOrderOutputs.DQ] = dq;
        out.v[FirstOrderOutputs.DK] = dk;
        out.v[FirstOrderOutputs.DV] = dv;
        out.v[FirstOrderOutputs.DQROT] = rows.dqr;
        out.v[FirstOrderOutputs.DKROT] = dkr;
        out.v[FirstOrderOutputs.DQROT_VIA] = rotate(dq, theta, false, 4, 0);
        out.v[FirstOrderOutputs.DKROT_VIA] = rotate(dk, theta, false, 5, 0);
        if (!direct) {
            out.v[FirstOrderOutputs.GWQ] = weightGradient(in.a1().data, dq, 0);
            out.v[FirstOrderOutputs.GWK] = weightGradient(in.a2().data, dk, 1);
            out.v[FirstOrderOutputs.GWV] = weightGradient(in.a3().data, dv, 2);
        }
        if (probe < 0) {
            out.ownVariance = own;
        } else {
            out.ownMove = own;
        }
        return out;
    }



    /** {@code θ_k}, moved once per probe by its relative error {@code c_θ u_a} (shared by every use). */
    private double[] thetas() {
        if (rope == null) {
            return new double[0];
        }
        double[] th = new double[d / 2];
        for (int kk = 0; kk < d / 2; kk++) {
            th[kk] = rel(rope.theta(kk), cTheta * ua, Move.THETA, -1, kk);
        }
        return th;
    }

    /** {@code A W}, {@code A} n x d, {@code W} d x d, each entry a stored sum of d products. */
    private double[] project(double[] a, double[] w, int which) {
        double[] out = new double[n * d];
        boolean record = probe < 0;
        if (record) {
            mags.proj[which] = new double[n * d];
        }
        double[] mag = mags.proj[which];
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < d; b++) {
                double val = 0;
                double pos = 0;
                double negs = 0;
                for (int t = 0; t < d; t++) {
                    double x = a[i * d + t] * w[t * d + b];
                    val += x;
                    if (x >= 0) {
                        pos += x;
                    } else {
                        negs -= x;
                    }
                }
                if (record) {
                    mag[i * d + b] = Math.max(pos, negs);
                }
                out[i * d + b] = sum(val, 2.0 * d - 1, mag[i * d + b], which, i * d + b);
            }
        }
        return out;
    }

    /**
     * Row {@code pos} rotated by angle {@code pos θ_k} ({@code back}: by {@code -pos θ_k}), with this
     * use's own table roundings (the angle product, cos and sin within one ulp, their storage; moved
     * with {@code sqrt(TABLE_USES)}) and the rotation's (two products, the addition, the storage, and
     * {@code extra} more: the scale applied as {@code sqrt(σ)} to q and k).
     */
    private double[] rotate(double[] x, double[] theta, boolean back, int use, int extra) {
        if (rope == null) {
            if (probe < 0 || extra == 0) {
                return x.clone();
            }
            double[] out = x.clone();
            for (int t = 0; t < out.length; t++) {
                out[t] = rel(out[t], Math.sqrt(extra) * ua, Move.ROT, use, t);
            }
            return out;
        }
        double[] out = new double[n * d];
        int slot = OUTPUT_OF_USE[use];
        double tabUse = Math.sqrt(TABLE_USES);
        double trig = tabUse * Math.sqrt(4 * ua * ua + us * us);
        for (int i = 0; i < n; i++) {
            for (int kk = 0; kk < d / 2; kk++) {
                double angle = i * theta[kk];
                int at = i * (d / 2) + kk;
                double angleMoved = rel(angle, tabUse * ua, Move.ANGLE, use, at);
                double c = rel(Math.cos(angleMoved), trig, Move.TRIG, use, at);
                double s = rel(Math.sin(angleMoved), trig, Move.TRIG, use, at);
                if (back) {
                    s = -s;
                }
                int a = i * d + rope.dimA(kk);
                int b = i * d + rope.dimB(kk);
                double xa = x[a];
                double xb = x[b];
                double ya = xa * c - xb * s;
                double yb = xa * s + xb * c;
                if (probe >= 0 || slot >= 0) {
                    double ka = (xa * c) * (xa * c) + (xb * s) * (xb * s);
                    double kb = (xa * s) * (xa * s) + (xb * c) * (xb * c);
                    double phiA = Math.sqrt(ua * ua * (ka + (1 + extra) * ya * ya) + us * us * ya * ya);
                    double phiB = Math.sqrt(ua * ua * (kb + (1 + extra) * yb * yb) + us * us * yb * yb);
                    if (slot < 0) {
                        ya += move(Move.ROT, use, a, phiA);
                        yb += move(Move.ROT, use, b, phiB);
                    } else {
                        ya = own(slot, n * d, a, ya, phiA);
                        yb = own(slot, n * d, b, yb, phiB);
                    }
                }
                out[a] = ya;
                out[b] = yb;
            }
        }
        return out;
    }

    /** {@code A^T D} (d x d), each entry a stored sum of n products. */
    private double[] weightGradient(double[] a, double[] g, int which) {
        double[] out = new double[d * d];
        boolean record = probe < 0;
        if (record) {
            mags.grad[which] = new double[d * d];
        }
        double[] mag = mags.grad[which];
        double[] negs = record ? new double[d * d] : null;
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < d; p++) {
                double ap = a[i * d + p];
                for (int b = 0; b < d; b++) {
                    out[p * d + b] += ap * g[i * d + b];
                }
                if (record) {
                    for (int b = 0; b < d; b++) {
                        FirstOrderMags.add(mag, negs, p * d + b, ap * g[i * d + b]);
                    }
                }
            }
        }
        if (record) {
            for (int t = 0; t < d * d; t++) {
                mag[t] = Math.max(mag[t], negs[t]);
            }
        }
        int slot = FirstOrderOutputs.GWQ + which;
        for (int t = 0; t < d * d; t++) {
            out[t] = ownSum(slot, d * d, t, out[t], 2.0 * n - 1, mag[t]);
        }
        return out;
    }
}
