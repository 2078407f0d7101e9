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

    private final int n;
    private final int d;
    private final boolean causal;
    private final boolean direct;
    private final RopeFamily rope;
    private final double ua;
    private final double us;
    private final double cTheta;
    private final int probe;
    private final RopeInstance in;
    /** Roundings of applying the scale (0 when it is a power of two: multiplying by it is exact). */
    private final int scaleRoundings;
    private final double sigma;
    /** The probe's numbers: standard normal from its seeded stream (or, in tests, any source). */
    private final DoubleSupplier noise;
    /** The partial-sum magnitudes {@code W_x}: the exact pass's, which the probes read. */
    private final Mags mags;
    /** Per output slot, the own final moves {@code φ z} (probe) or their variances {@code φ^2} (exact pass). */
    private final double[][] own = new double[FirstOrderOutputs.SLOTS][];
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

    /**
     * The partial-sum magnitudes {@code W_x} of the intermediates that are sums over tokens or features,
     * from the exact values (a probe's own would differ in the eighth digit): {@code dQrot}, {@code dKrot},
     * {@code dV}, {@code Att} (row-major n x d), {@code r_i}, the loss, the projections and the weight
     * gradients. For a sum of terms {@code t_j}, {@code W = max(Σ t_j^+, Σ t_j^-)}: every partial sum of
     * any order, blocking or tree is a sum over a subset of the terms, so it lies in
     * {@code [-Σ t^-, Σ t^+]} and its absolute value is at most {@code W}; so is every single term
     * ({@code proofs-notes/first-order-rounding.md} §2). While the exact pass accumulates, each array
     * holds {@code Σ t^+} and its twin in {@link #neg} {@code Σ t^-}; {@link #close} leaves the maximum.
     * The pairwise ones (scores, {@code t_ij}) are recomputed by each probe, O(n^2) values.
     */
    static final class Mags {
        final double[] dqr;
        final double[] dkr;
        final double[] dv;
        final double[] att;
        final double[] r;
        final double[][] proj = new double[3][];
        final double[][] grad = new double[3][];
        double loss;
        /** The negative parts while the exact pass accumulates; {@code null} afterwards. */
        private java.util.IdentityHashMap<double[], double[]> neg = new java.util.IdentityHashMap<>();

        Mags(int n, int d) {
            dqr = new double[n * d];
            dkr = new double[n * d];
            dv = new double[n * d];
            att = new double[n * d];
            r = new double[n];
        }

        /** The array of negative parts of {@code pos}, created on first use. */
        double[] neg(double[] pos) {
            return neg.computeIfAbsent(pos, p -> new double[p.length]);
        }

        /** Adds term {@code x} to entry {@code t} of {@code pos} (or of its negative twin {@code negs}). */
        static void add(double[] pos, double[] negs, int t, double x) {
            if (x >= 0) {
                pos[t] += x;
            } else {
                negs[t] -= x;
            }
        }

        /** Leaves {@code max(Σ t^+, Σ t^-)} in every array. */
        void close() {
            for (java.util.Map.Entry<double[], double[]> e : neg.entrySet()) {
                double[] pos = e.getKey();
                double[] negs = e.getValue();
                for (int t = 0; t < pos.length; t++) {
                    pos[t] = Math.max(pos[t], negs[t]);
                }
            }
            neg = null;
        }
    }

    /** The exact pass ({@code probe < 0}): it also records the magnitudes {@link #mags()}. */
    FirstOrderPass(RopeInstance in, RoundingClass cls, int probe) {
        this(in, cls, probe, null);
    }

    /** A probe that reads the exact pass's magnitudes {@code base} ({@code null} for the exact pass). */
    FirstOrderPass(RopeInstance in, RoundingClass cls, int probe, Mags base) {
        this(in, cls, probe, base, new SplittableRandom(FirstOrderRoundingBound.seed() + 0x9E3779B97F4A7C15L * (probe + 1))
                ::nextGaussian);
    }

    /**
     * A pass moving intermediate number {@code m} (in the pass's fixed order) by {@code φ_m} times
     * {@code noise}'s {@code m}-th number: the tests drive it with unit directions to sum
     * {@code G^2 φ^2} one intermediate at a time.
     */
    FirstOrderPass(RopeInstance in, RoundingClass cls, int probe, Mags base, DoubleSupplier noise) {
        this(in, cls, probe, base, noise, null);
    }

    /** As above, reporting every move's coefficient {@code φ}, in order, to {@code trace} (tests). */
    FirstOrderPass(RopeInstance in, RoundingClass cls, int probe, Mags base, DoubleSupplier noise, Trace trace) {
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
        this.mags = base == null ? new Mags(in.n(), in.d()) : base;
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
    private double move(Move kind, int slot, int t, double phi) {
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
    private double own(int slot, int size, int t, double x, double phi) {
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
    private double ownSum(int slot, int size, int t, double x, double k, double mag) {
        return own(slot, size, t, x, Math.sqrt(k * ua * ua * mag * mag + us * us * x * x));
    }

    /** {@code x (1 + r z)}: a value whose roundings are relative {@code r} in all. */
    private double rel(double x, double r, Move kind, int slot, int t) {
        return probe < 0 ? x : x * (1 + move(kind, slot, t, r));
    }

    /** The magnitudes this pass recorded (exact pass) or read (probe). */
    Mags mags() {
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
        Rows rows = new Rows(rotate(q, theta, false, 0, scaleRoundings), rotate(k, theta, false, 1, scaleRoundings), v);
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

    /**
     * The pass over query rows: for row {@code i}, the scores and softmax ({@link #softmax}), the
     * output row, {@code c} and {@code r_i} ({@link #attention}), then {@code t}, {@code p} and their
     * sums into {@code dQrot_i}, {@code dKrot}, {@code dV} ({@link #backward}). Each intermediate moves
     * as it is formed (proofs-notes/first-order-rounding.md §2 gives every {@code φ} used here).
     */
    private final class Rows {
        final double[] qr;
        final double[] kr;
        final double[] v;
        final double[] qAbs;
        final double[] kAbs;
        final double[] vAbs;
        final double[] e = in.upstream().data;
        final boolean givenC = in.hasUpstreamGradient();
        final boolean moved = probe >= 0;
        final double sqrt2 = Math.sqrt(2);
        /** Roundings of a score: a stored sum of d products, and the scale's. */
        final double sk = 2.0 * d - 1 + scaleRoundings;
        final double[] att = new double[n * d];
        final double[] c = new double[n * d];
        final double[] r = new double[n];
        final double[] dqr = new double[n * d];
        final double[] dkr = new double[n * d];
        final double[] dv = new double[n * d];
        /** Row scratch: the scores, {@code σ Σ_a |qr_ia kr_ja|}, and the probabilities. */
        final double[] s = new double[n];
        final double[] sMag = new double[n];
        final double[] f = new double[n];
        final double[] cAbs = new double[d];
        final double[] dqRow = new double[d];
        /** The exact pass's negative parts of the magnitudes it accumulates (Mags#neg). */
        final double[] attNeg = moved ? null : mags.neg(mags.att);
        final double[] rNeg = moved ? null : mags.neg(mags.r);
        final double[] dqrNeg = moved ? null : mags.neg(mags.dqr);
        final double[] dkrNeg = moved ? null : mags.neg(mags.dkr);
        final double[] dvNeg = moved ? null : mags.neg(mags.dv);
        /** Exact pass, row scratch for {@link #outputVariances}: {@code Σ_j (f v)^2}, {@code P'}, the variances. */
        final double[] attSq = moved ? null : new double[d];
        final double[] attDev = moved ? null : new double[d];
        final double[] attOwn = moved ? null : new double[d];
        double lossSum;
        /** Row results of {@link #softmax}: the drift of the running max and the moved {@code lse_i}. */
        double drift;
        double lse;

        Rows(double[] qr, double[] kr, double[] v) {
            this.qr = qr;
            this.kr = kr;
            this.v = v;
            this.qAbs = abs(qr);
            this.kAbs = abs(kr);
            this.vAbs = abs(v);
        }

        void row(int i) {
            int jEnd = causal ? i + 1 : n;
            softmax(i, jEnd);
            attention(i, jEnd);
            backward(i, jEnd);
        }

        /**
         * Scores, {@code a = exp(s - m)} with the score's roundings, the subtraction, exp within one ulp
         * and its storage all in the exponent to first order (scores and exponentials are used twice:
         * forward, and recomputed by a FlashAttention-style backward, so each copy moves with sqrt 2);
         * the row sum {@code l}; {@code lse = m + log l}; {@code f = a / l}.
         */
        void softmax(int i, int jEnd) {
            int qi = i * d;
            double smax = Double.NEGATIVE_INFINITY;
            double sabs = 0;
            for (int j = 0; j < jEnd; j++) {
                int kj = j * d;
                double val = sigma * dot(qr, qi, kr, kj, d);
                s[j] = val;
                sMag[j] = moved ? sigma * dot(qAbs, qi, kAbs, kj, d) : 0;
                smax = Math.max(smax, val);
                sabs = Math.max(sabs, Math.abs(val));
            }
            // the running max of online softmax rises by at most this much in all: Σ_t |Δm_t| <= 2 max|s|
            drift = 2 * sabs;
            double expRel = 4 * ua * ua + us * us;
            double l = 0;
            for (int j = 0; j < jEnd; j++) {
                double arg = s[j] - smax;
                double a = Math.exp(arg);
                if (moved) {
                    double sPhi2 = sk * ua * ua * sMag[j] * sMag[j] + us * us * s[j] * s[j];
                    a *= 1 + move(Move.EXP, -1, i * n + j, sqrt2 * Math.sqrt(sPhi2 + ua * ua * arg * arg + expRel));
                }
                f[j] = a;
                l += a;
            }
            // l = l α_t + a_j (online softmax, tiles of any size): n additions and n multiplications of
            // coefficient <= l; the rescale factors α_t = exp(m_old - m_new), shared with Att's accumulator
            // (hence twice): exp within one ulp (4 u^2 each, n of them) and the subtraction's rounding
            // (u |Δm_t| each, Σ_t |Δm_t| <= drift)
            double lk = 2.0 * n + 2 * (4.0 * n + drift * drift);
            double lMoved = moved ? l + move(Move.L, -1, i, sqrt2 * Math.sqrt(lk * ua * ua * l * l + us * us * l * l)) : l;
            // lse = m + log l (FlashAttention's backward): the logarithm within one ulp, the addition, the storage
            lse = smax + Math.log(lMoved);
            if (moved) {
                lse += move(Move.LSE, -1, i, Math.sqrt(4 * ua * ua * Math.log(l) * Math.log(l) + (ua * ua + us * us) * lse * lse));
            }
            double divRel = sqrt2 * Math.sqrt(ua * ua + us * us);
            for (int j = 0; j < jEnd; j++) {
                f[j] = rel(f[j] / lMoved, divRel, Move.DIV, -1, i * n + j);
            }
        }

        /**
         * {@code Att_i = Σ_j f_ij v_j} (online: {@code acc = acc α_t + a_j v_j}, n products, n additions,
         * n rescales, the shared α_t as for {@code l}, the division by {@code l}), storage; {@code c}
         * ({@code Att - E}, or {@code dO} itself: MATH §9); {@code r_i = <c_i, Att_i>}.
         */
        void attention(int i, int jEnd) {
            int qi = i * d;
            for (int j = 0; j < jEnd; j++) {
                int vj = j * d;
                double fj = f[j];
                for (int l2 = 0; l2 < d; l2++) {
                    att[qi + l2] += fj * v[vj + l2];
                }
                if (!moved) {
                    for (int l2 = 0; l2 < d; l2++) {
                        Mags.add(mags.att, attNeg, qi + l2, fj * v[vj + l2]);
                    }
                }
            }
            double ak = 3.0 * n + 2 * (4.0 * n + drift * drift) + 1;
            if (!moved) {
                outputVariances(i, jEnd);
            }
            double cRel = Math.sqrt(ua * ua + us * us);
            for (int l2 = 0; l2 < d; l2++) {
                int t = qi + l2;
                double x = att[t];
                // the move downstream intermediates inherit: every rounding counted as in §2
                double phi = moved ? Math.sqrt(ak * ua * ua * mags.att[t] * mags.att[t] + (ua * ua + us * us) * x * x) : 0;
                att[t] = own(FirstOrderOutputs.ATT, n * d, t, x, phi);
                if (!moved) {
                    own[FirstOrderOutputs.ATT][t] = attOwn[l2];
                }
                double cv = in.c(att[t], e[t]);
                if (givenC) {
                    c[t] = cv;
                } else {
                    c[t] = own(FirstOrderOutputs.C, n * d, t, cv, Math.abs(cv) * cRel);
                    // c = Att - E inherits Att's own move with derivative 1: it is c's own too
                    own[FirstOrderOutputs.C][t] += moved ? own[FirstOrderOutputs.ATT][t] : attOwn[l2];
                }
                lossSum += c[t] * c[t];
                if (!moved) {
                    mags.loss += c[t] * c[t];
                }
            }
            double rv = 0;
            for (int l2 = 0; l2 < d; l2++) {
                rv += c[qi + l2] * att[qi + l2];
                if (!moved) {
                    Mags.add(mags.r, rNeg, i, c[qi + l2] * att[qi + l2]);
                }
            }
            double rm = moved ? mags.r[i] : Math.max(mags.r[i], rNeg[i]);
            r[i] = ownSum(FirstOrderOutputs.R, n, i, rv, 2.0 * d - 1, rm);
        }

        /**
         * The exact pass's variance of each output entry {@code Att_il}'s own roundings, in
         * {@link #attOwn} (§2 and §3 of the note): {@code n} additions and {@code n} rescale products of
         * coefficient at most {@code W = max(Σ (f v)^+, Σ (f v)^-)}; {@code n} products of coefficient
         * {@code |f_ij v_jl|} ({@code Σ_j (f_ij v_jl)^2}); the division and the storage
         * ({@code |Att_il|}); and the rescale factors {@code α_t} (exp within one ulp, {@code n} of them,
         * and the subtraction, {@code Σ_t |Δm_t| <= drift}). An {@code α_t} multiplies the partial sums of
         * the accumulator and of {@code l} at once, so its coefficient in {@code Att_il} is
         * {@code Σ_{j <= t} f_ij (v_jl - Att_il)}, a partial sum of terms that add up to zero: at most
         * {@code P' = Σ_j f_ij (v_jl - Att_il)^+}. (The move downstream intermediates inherit keeps the
         * coarser count of §2, where the two uses of {@code α_t} are moved apart; {@code l}'s own move,
         * which the output inherits, counts {@code α_t} once more.)
         */
        private void outputVariances(int i, int jEnd) {
            int qi = i * d;
            java.util.Arrays.fill(attSq, 0);
            java.util.Arrays.fill(attDev, 0);
            for (int j = 0; j < jEnd; j++) {
                int vj = j * d;
                double fj = f[j];
                for (int l2 = 0; l2 < d; l2++) {
                    double tv = fj * v[vj + l2];
                    attSq[l2] += tv * tv;
                    double dev = fj * (v[vj + l2] - att[qi + l2]);
                    if (dev > 0) {
                        attDev[l2] += dev;
                    }
                }
            }
            for (int l2 = 0; l2 < d; l2++) {
                int t = qi + l2;
                double x = att[t];
                double w = Math.max(mags.att[t], attNeg[t]);
                double pd = attDev[l2];
                attOwn[l2] = ua * ua * ((2.0 * n + 1) * w * w + attSq[l2] + (4.0 * n + drift * drift) * pd * pd)
                        + (ua * ua + us * us) * x * x;
                mags.att[t] = w;
            }
        }

        /**
         * {@code f} recomputed as {@code exp(s - lse)} (its own roundings, the division of the
         * {@code a / l} form too; sqrt 2), {@code t = <c_i, v_j> - r_i} (or {@code <c_i, v_j - Att_i>})
         * and {@code p = f t} in one move, then {@code dQrot_i}, {@code dKrot_j}, {@code dV_j}.
         */
        void backward(int i, int jEnd) {
            int qi = i * d;
            double cAtt = 0;
            for (int l2 = 0; l2 < d; l2++) {
                cAbs[l2] = Math.abs(c[qi + l2]);
                cAtt += cAbs[l2] * Math.abs(att[qi + l2]);
            }
            double tRel = Math.sqrt((3.0 * d + 1) * ua * ua + 2 * us * us);
            java.util.Arrays.fill(dqRow, 0);
            for (int j = 0; j < jEnd; j++) {
                double fj = f[j];
                int vj = j * d;
                double t = dot(c, qi, v, vj, d) - r[i];
                if (moved) {
                    double arg = s[j] - lse;
                    double sPhi2 = sk * ua * ua * sMag[j] * sMag[j] + us * us * s[j] * s[j];
                    fj = Math.exp(arg) * (1 + move(Move.FBACK, -1, i * n + j,
                            sqrt2 * Math.sqrt(sPhi2 + ua * ua * arg * arg + 5 * ua * ua + 2 * us * us)));
                }
                double p = fj * t;
                if (moved) {
                    double tPhi = tRel * (cAtt + dot(cAbs, 0, vAbs, vj, d));
                    p += move(Move.P, -1, i * n + j, Math.sqrt(fj * fj * tPhi * tPhi + (ua * ua + us * us) * p * p));
                }
                accumulate(qi, j * d, sigma * p, fj);
            }
            double dk2 = 2.0 * n + 1 + scaleRoundings;
            for (int a = 0; a < d; a++) {
                double w = moved ? mags.dqr[qi + a] : Math.max(mags.dqr[qi + a], dqrNeg[qi + a]);
                dqr[qi + a] = ownSum(FirstOrderOutputs.DQROT, n * d, qi + a, dqRow[a], dk2, w);
            }
        }

        /** {@code dQrot_i += sp kr_j}, {@code dKrot_j += sp qr_i}, {@code dV_j += f_ij c_i}. */
        private void accumulate(int qi, int kj, double sp, double fj) {
            for (int a = 0; a < d; a++) {
                dqRow[a] += sp * kr[kj + a];
                dkr[kj + a] += sp * qr[qi + a];
                dv[kj + a] += fj * c[qi + a];
            }
            if (!moved) {
                for (int a = 0; a < d; a++) {
                    Mags.add(mags.dqr, dqrNeg, qi + a, sp * kr[kj + a]);
                    Mags.add(mags.dkr, dkrNeg, kj + a, sp * qr[qi + a]);
                    Mags.add(mags.dv, dvNeg, kj + a, fj * c[qi + a]);
                }
            }
        }
    }

    /** {@code Σ_t x[xo + t] y[yo + t]}, four partial sums (a fixed order). */
    private static double dot(double[] x, int xo, double[] y, int yo, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int t = 0;
        for (; t + 3 < len; t += 4) {
            s0 += x[xo + t] * y[yo + t];
            s1 += x[xo + t + 1] * y[yo + t + 1];
            s2 += x[xo + t + 2] * y[yo + t + 2];
            s3 += x[xo + t + 3] * y[yo + t + 3];
        }
        for (; t < len; t++) {
            s0 += x[xo + t] * y[yo + t];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double[] abs(double[] x) {
        double[] out = new double[x.length];
        for (int t = 0; t < x.length; t++) {
            out[t] = Math.abs(x[t]);
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
                        Mags.add(mag, negs, p * d + b, ap * g[i * d + b]);
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
