package dev.ropecheck.bounds;

import dev.ropecheck.bounds.FirstOrderPass.Move;
import dev.ropecheck.model.RopeInstance;

/**
 * The pass over query rows of one {@link FirstOrderPass}: for row {@code i}, the scores and softmax
 * ({@link #softmax}), the output row, {@code c} and {@code r_i} ({@link #attention}), then {@code t},
 * {@code p} and their sums into {@code dQrot_i}, {@code dKrot}, {@code dV} ({@link #backward}). Each
 * intermediate moves as it is formed through the pass's {@link FirstOrderPass#move},
 * {@link FirstOrderPass#rel} and {@link FirstOrderPass#own} (proofs-notes/first-order-rounding.md §2
 * gives every {@code φ} used here; MATH §2-3 the forward and backward formulas). Precondition: the
 * rotated {@code qr}, {@code kr} and {@code v} are n x d row-major, from the same pass; the rows run
 * in order {@code i = 0 .. n-1}, on one thread.
 */
final class FirstOrderRows {
    private final FirstOrderPass pass;
    private final RopeInstance in;
    private final FirstOrderMags mags;
    /** The pass's own-move slots (the same array: {@link FirstOrderPass#own} fills it lazily). */
    private final double[][] own;
    private final int n;
    private final int d;
    private final boolean causal;
    private final double ua;
    private final double us;
    private final double sigma;
    private final int scaleRoundings;
    final double[] qr;
    final double[] kr;
    final double[] v;
    final double[] qAbs;
    final double[] kAbs;
    final double[] vAbs;
    final double[] e;
    final boolean givenC;
    final boolean moved;
    final double sqrt2 = Math.sqrt(2);
    /** Roundings of a score: a stored sum of d products, and the scale's. */
    final double sk;
    final double[] att;
    final double[] c;
    final double[] r;
    final double[] dqr;
    final double[] dkr;
    final double[] dv;
    /** Row scratch: the scores, {@code σ Σ_a |qr_ia kr_ja|}, and the probabilities. */
    final double[] s;
    final double[] sMag;
    final double[] f;
    final double[] cAbs;
    final double[] dqRow;
    /** The exact pass's negative parts of the magnitudes it accumulates (FirstOrderMags#neg). */
    final double[] attNeg;
    final double[] rNeg;
    final double[] dqrNeg;
    final double[] dkrNeg;
    final double[] dvNeg;
    /** Exact pass, row scratch for {@link #outputVariances}: {@code Σ_j (f v)^2}, {@code P'}, the variances. */
    final double[] attSq;
    final double[] attDev;
    final double[] attOwn;
    double lossSum;
    /** Row results of {@link #softmax}: the drift of the running max and the moved {@code lse_i}. */
    double drift;
    double lse;

    FirstOrderRows(FirstOrderPass pass, double[] qr, double[] kr, double[] v) {
        this.pass = pass;
        this.in = pass.in;
        this.mags = pass.mags();
        this.own = pass.own;
        this.n = pass.n;
        this.d = pass.d;
        this.causal = pass.causal;
        this.ua = pass.ua;
        this.us = pass.us;
        this.sigma = pass.sigma;
        this.scaleRoundings = pass.scaleRoundings;
        this.e = in.upstream().data;
        this.givenC = in.hasUpstreamGradient();
        this.moved = pass.probe >= 0;
        this.sk = 2.0 * d - 1 + scaleRoundings;
        this.att = new double[n * d];
        this.c = new double[n * d];
        this.r = new double[n];
        this.dqr = new double[n * d];
        this.dkr = new double[n * d];
        this.dv = new double[n * d];
        this.s = new double[n];
        this.sMag = new double[n];
        this.f = new double[n];
        this.cAbs = new double[d];
        this.dqRow = new double[d];
        this.attNeg = moved ? null : mags.neg(mags.att);
        this.rNeg = moved ? null : mags.neg(mags.r);
        this.dqrNeg = moved ? null : mags.neg(mags.dqr);
        this.dkrNeg = moved ? null : mags.neg(mags.dkr);
        this.dvNeg = moved ? null : mags.neg(mags.dv);
        this.attSq = moved ? null : new double[d];
        this.attDev = moved ? null : new double[d];
        this.attOwn = moved ? null : new double[d];
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
                a *= 1 + pass.move(Move.EXP, -1, i * n + j, sqrt2 * Math.sqrt(sPhi2 + ua * ua * arg * arg + expRel));
            }
            f[j] = a;
            l += a;
        }
        // l = l α_t + a_j (online softmax, tiles of any size): n additions and n multiplications of
        // coefficient <= l; the rescale factors α_t = exp(m_old - m_new), shared with Att's accumulator
        // (hence twice): exp within one ulp (4 u^2 each, n of them) and the subtraction's rounding
        // (u |Δm_t| each, Σ_t |Δm_t| <= drift)
        double lk = 2.0 * n + 2 * (4.0 * n + drift * drift);
        double lMoved = moved ? l + pass.move(Move.L, -1, i, sqrt2 * Math.sqrt(lk * ua * ua * l * l + us * us * l * l)) : l;
        // lse = m + log l (FlashAttention's backward): the logarithm within one ulp, the addition, the storage
        lse = smax + Math.log(lMoved);
        if (moved) {
            lse += pass.move(Move.LSE, -1, i, Math.sqrt(4 * ua * ua * Math.log(l) * Math.log(l) + (ua * ua + us * us) * lse * lse));
        }
        double divRel = sqrt2 * Math.sqrt(ua * ua + us * us);
        for (int j = 0; j < jEnd; j++) {
            f[j] = pass.rel(f[j] / lMoved, divRel, Move.DIV, -1, i * n + j);
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
                    FirstOrderMags.add(mags.att, attNeg, qi + l2, fj * v[vj + l2]);
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
            att[t] = pass.own(FirstOrderOutputs.ATT, n * d, t, x, phi);
            if (!moved) {
                own[FirstOrderOutputs.ATT][t] = attOwn[l2];
            }
            double cv = in.c(att[t], e[t]);
            if (givenC) {
                c[t] = cv;
            } else {
                c[t] = pass.own(FirstOrderOutputs.C, n * d, t, cv, Math.abs(cv) * cRel);
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
                FirstOrderMags.add(mags.r, rNeg, i, c[qi + l2] * att[qi + l2]);
            }
        }
        double rm = moved ? mags.r[i] : Math.max(mags.r[i], rNeg[i]);
        r[i] = pass.ownSum(FirstOrderOutputs.R, n, i, rv, 2.0 * d - 1, rm);
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
                fj = Math.exp(arg) * (1 + pass.move(Move.FBACK, -1, i * n + j,
                        sqrt2 * Math.sqrt(sPhi2 + ua * ua * arg * arg + 5 * ua * ua + 2 * us * us)));
            }
            double p = fj * t;
            if (moved) {
                double tPhi = tRel * (cAtt + dot(cAbs, 0, vAbs, vj, d));
                p += pass.move(Move.P, -1, i * n + j, Math.sqrt(fj * fj * tPhi * tPhi + (ua * ua + us * us) * p * p));
            }
            accumulate(qi, j * d, sigma * p, fj);
        }
        double dk2 = 2.0 * n + 1 + scaleRoundings;
        for (int a = 0; a < d; a++) {
            double w = moved ? mags.dqr[qi + a] : Math.max(mags.dqr[qi + a], dqrNeg[qi + a]);
            dqr[qi + a] = pass.ownSum(FirstOrderOutputs.DQROT, n * d, qi + a, dqRow[a], dk2, w);
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
                FirstOrderMags.add(mags.dqr, dqrNeg, qi + a, sp * kr[kj + a]);
                FirstOrderMags.add(mags.dkr, dkrNeg, kj + a, sp * qr[qi + a]);
                FirstOrderMags.add(mags.dv, dvNeg, kj + a, fj * c[qi + a]);
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
}
