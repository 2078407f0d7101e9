package dev.ropecheck.bounds;

import dev.ropecheck.bounds.FirstOrderPass.Move;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of {@code proofs-notes/first-order-rounding.md} §2 written out intermediate by
 * intermediate, for the formula-level tests of {@link FirstOrderPass}. For every intermediate {@code x}
 * it gives {@code φ_x} (times {@code sqrt(uses)}), with the exact values and the partial-sum magnitudes
 * {@code W = max(Σ t^+, Σ t^-)} they are made of; for every output entry the variance of its own final
 * rounding. It shares no code with the class under test: the exact values are recomputed here with
 * plain loops over 2-D arrays (small instances only), and every count of the table is restated.
 *
 * <p>Moves are keyed like {@link FirstOrderPass.Trace}: the kind, a slot (the output slot of an own
 * move; the projection or rotation use; else -1) and the entry. Relative moves ({@code θ_k}, the
 * scale, the table, {@code a}, {@code f}) are given as their relative {@code φ}.
 *
 * <p>Where the note's table leaves a coefficient open, or where the class counts more than the table
 * (conservatively), the choice here is the class's and is marked {@code NOTE}: the row sum {@code l}
 * is moved with {@code sqrt 2} (the table says one use), {@code Att}'s inherited move adds
 * {@code u_a^2 Att^2} to the {@code +1} of its count (the division counted twice), {@code t_ij}'s
 * storage is {@code 2 u_s^2 M^2} (the table's {@code u_s^2 t^2} at most, twice), the loss (not in the
 * table) is a sum of {@code nd} squares with {@code 2nd} roundings, the score's {@code W} is
 * {@code M = σ Σ |qr kr|}, and an inexact scale moves by {@code 2 u_a} relative.
 */
final class FirstOrderHandModel {
    /** Rotations that use one table entry (§2, table row 2): q, k, back-rotations of dQ, dK, forward of dQ, dK. */
    static final int TABLE_USES = 6;
    /** Uses of the score, {@code a} and {@code f} (forward, and a FlashAttention backward's recomputation). */
    static final int PAIR_USES = 2;
    /** NOTE: the class moves {@code l} with {@code sqrt 2}; §2's table says one use. */
    static final int L_USES = 2;
    /** {@code c_θ} (componentwise-rounding.md §0): 4 when every {@code 2k/d} is exact. */
    static final double THETA_ULPS = 4;

    final int n;
    final int d;
    final double ua;
    final double us;
    final double sigma;
    /** Roundings of applying the scale: 2 when it is not a power of two, else 0. */
    final int extra;
    /** Every move's {@code φ}, by {@link #key}; a table entry's key holds its cos and its sin. */
    final Map<String, List<Double>> phi = new LinkedHashMap<>();
    /** The exact value of every output, per {@link FirstOrderOutputs} slot, row-major. */
    final double[][] value = new double[FirstOrderOutputs.SLOTS][];
    /** The variance {@code φ_own^2} of every output entry's own final rounding (null: no own move). */
    final double[][] ownVariance = new double[FirstOrderOutputs.SLOTS][];
    /** {@code W} of the sums: projections (3), weight gradients (3), {@code Att}, {@code r}, dQrot, dKrot, dV. */
    final double[][] wProj = new double[3][];
    final double[][] wGrad = new double[3][];
    final double[] wAtt;
    final double[] wR;
    final double[] wDqr;
    final double[] wDkr;
    final double[] wDv;
    /** {@code Σ c^2} (all terms positive: {@code W = M}). */
    double wLoss;

    static String key(Move kind, int slot, int t) {
        return kind + "/" + slot + "/" + t;
    }

    private void put(Move kind, int slot, int t, double p) {
        phi.computeIfAbsent(key(kind, slot, t), k -> new ArrayList<>()).add(p);
    }

    private static double sq(double x) {
        return x * x;
    }

    /** {@code φ^2 = k u_a^2 W^2 + u_s^2 x^2}: a stored sum with {@code k} accumulator roundings (§2). */
    private double sumVar(double k, double w, double x) {
        return k * ua * ua * w * w + us * us * x * x;
    }

    private static double[][] rows(double[] data, int r, int c) {
        double[][] out = new double[r][c];
        for (int i = 0; i < r; i++) {
            System.arraycopy(data, i * c, out[i], 0, c);
        }
        return out;
    }

    private static double[] flat(double[][] x) {
        int c = x[0].length;
        double[] out = new double[x.length * c];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(x[i], 0, out, i * c, c);
        }
        return out;
    }

    /** {@code max(Σ t^+, Σ t^-)} of the terms. */
    private static double w(double[] terms) {
        double pos = 0;
        double neg = 0;
        for (double t : terms) {
            if (t >= 0) {
                pos += t;
            } else {
                neg -= t;
            }
        }
        return Math.max(pos, neg);
    }

    FirstOrderHandModel(RopeInstance in, RoundingClass cls) {
        n = in.n();
        d = in.d();
        ua = cls.format().accumulator().u();
        us = cls.format().u();
        double s0 = in.scale();
        // a power of two (a normal double with a zero significand) multiplies exactly
        extra = (Double.doubleToRawLongBits(s0) & 0x000FFFFFFFFFFFFFL) == 0 ? 0 : 2;
        sigma = s0;
        wAtt = new double[n * d];
        wR = new double[n];
        wDqr = new double[n * d];
        wDkr = new double[n * d];
        wDv = new double[n * d];
        RopeFamily rope = in.family() instanceof RopeFamily ? (RopeFamily) in.family() : null;
        // shared by everything (§2): the scale when not exact in the accumulator (NOTE: 2 u_a), θ_k
        if (!cls.format().accumulator().isExact(s0)) {
            put(Move.SCALE, -1, 0, 2 * ua);
        }
        double[] theta = new double[rope == null ? 0 : d / 2];
        // every 2k/d is exact in binary64 iff d (even) is a power of two
        boolean ratiosExact = Integer.bitCount(d) == 1;
        double cTheta = THETA_ULPS + (ratiosExact || rope == null ? 0 : Math.log(rope.base()));
        for (int k = 0; k < theta.length; k++) {
            theta[k] = rope.theta(k);
            put(Move.THETA, -1, k, cTheta * ua);
        }
        // q, k, v: A W (d terms, 2d - 1 roundings), or given
        double[][] q;
        double[][] kk;
        double[][] v;
        double[][] a1 = rows(in.a1().data, n, d);
        double[][] a2 = rows(in.a2().data, n, d);
        double[][] a3 = rows(in.a3().data, n, d);
        boolean direct = in.hasQkv();
        if (direct) {
            q = a1;
            kk = a2;
            v = a3;
        } else {
            q = project(a1, rows(in.wq().data, d, d), 0);
            kk = project(a2, rows(in.wk().data, d, d), 1);
            v = project(a3, rows(in.y().data, d, d), 2);
        }
        // rotated q, k (+ 2 roundings each for sqrt(σ) when σ is not a power of two)
        double[][] qr = rotate(q, rope, theta, false, 0, extra, -1);
        double[][] kr = rotate(kk, rope, theta, false, 1, extra, -1);
        double[][] att = new double[n][d];
        double[][] c = new double[n][d];
        double[] r = new double[n];
        double[][] dqr = new double[n][d];
        double[][] dkr = new double[n][d];
        double[][] dv = new double[n][d];
        double[][] attOwn = new double[n][d];
        double[][] cOwn = new double[n][d];
        double[] rOwn = new double[n];
        boolean givenC = in.hasUpstreamGradient();
        double[][] e = rows(in.upstream().data, n, d);
        double lossSum = 0;
        // the terms of the dQrot, dKrot, dV sums, for W
        List<List<Double>> dqrTerms = terms(n * d);
        List<List<Double>> dkrTerms = terms(n * d);
        List<List<Double>> dvTerms = terms(n * d);
        double scoreK = 2.0 * d - 1 + extra;
        for (int i = 0; i < n; i++) {
            int m = in.causal() ? i + 1 : n;
            double[] s = new double[m];
            double[] sM = new double[m];
            double smax = Double.NEGATIVE_INFINITY;
            double sabs = 0;
            for (int j = 0; j < m; j++) {
                double val = 0;
                double mag = 0;
                for (int a = 0; a < d; a++) {
                    val += qr[i][a] * kr[j][a];
                    mag += Math.abs(qr[i][a] * kr[j][a]);
                }
                s[j] = sigma * val;
                sM[j] = sigma * mag;
                smax = Math.max(smax, s[j]);
                sabs = Math.max(sabs, Math.abs(s[j]));
            }
            // Σ_t |Δm_t| <= 2 max|s|: the running max only rises
            double drift2 = sq(2 * sabs);
            double[] a = new double[m];
            double l = 0;
            for (int j = 0; j < m; j++) {
                double sv = s[j] - smax;
                a[j] = Math.exp(sv);
                l += a[j];
                // score (2d - 1 (+2), W = M), subtraction u_a |s - m|, exp 2 u_a, storage u_s; two uses
                double phiS2 = sumVar(scoreK, sM[j], s[j]);
                put(Move.EXP, -1, i * n + j, Math.sqrt(PAIR_USES * (phiS2 + ua * ua * sv * sv + 4 * ua * ua + us * us)));
            }
            // l: n additions, n multiplications, the rescales 2 (4n + (2 max|s|)^2), coefficient <= l; storage
            double lk = 2.0 * n + 2 * (4.0 * n + drift2);
            put(Move.L, -1, i, Math.sqrt(L_USES * sumVar(lk, l, l)));
            double lse = smax + Math.log(l);
            // lse = m + log l: log 2 u_a |log l|, the addition and the storage of |lse|
            put(Move.LSE, -1, i, Math.sqrt(4 * ua * ua * sq(Math.log(l)) + (ua * ua + us * us) * lse * lse));
            double[] f = new double[m];
            for (int j = 0; j < m; j++) {
                f[j] = a[j] / l;
                // f = a / l: division and storage, two uses
                put(Move.DIV, -1, i * n + j, Math.sqrt(PAIR_USES * (ua * ua + us * us)));
            }
            // Att_il = Σ_j f_ij v_jl
            for (int col = 0; col < d; col++) {
                double[] t = new double[m];
                double x = 0;
                for (int j = 0; j < m; j++) {
                    t[j] = f[j] * v[j][col];
                    x += t[j];
                }
                att[i][col] = x;
                double w = w(t);
                wAtt[i * d + col] = w;
                // inherited: 3n + 2 (4n + drift^2) + 1 roundings of coefficient <= W; storage (NOTE: + u_a^2 x^2)
                double k = 3.0 * n + 2 * (4.0 * n + drift2) + 1;
                put(Move.OWN, FirstOrderOutputs.ATT, i * d + col,
                        Math.sqrt(k * ua * ua * w * w + (ua * ua + us * us) * x * x));
                // own (§2, "the attention output's own count")
                double prod2 = 0;
                double pPrime = 0;
                for (int j = 0; j < m; j++) {
                    prod2 += sq(f[j] * v[j][col]);
                    pPrime += Math.max(0, f[j] * (v[j][col] - x));
                }
                attOwn[i][col] = ua * ua * ((2.0 * n + 1) * w * w + prod2 + (4.0 * n + drift2) * pPrime * pPrime)
                        + (ua * ua + us * us) * x * x;
                // c = Att - E: the subtraction and the storage, coefficient |c|; it takes Att's own count too
                c[i][col] = givenC ? e[i][col] : x - e[i][col];
                if (!givenC) {
                    double pc = Math.abs(c[i][col]) * Math.sqrt(ua * ua + us * us);
                    put(Move.OWN, FirstOrderOutputs.C, i * d + col, pc);
                    cOwn[i][col] = pc * pc + attOwn[i][col];
                }
                lossSum += c[i][col] * c[i][col];
            }
            // r_i = <c_i, Att_i>: 2d - 1
            double[] rt = new double[d];
            for (int col = 0; col < d; col++) {
                rt[col] = c[i][col] * att[i][col];
                r[i] += rt[col];
            }
            wR[i] = w(rt);
            rOwn[i] = sumVar(2.0 * d - 1, wR[i], r[i]);
            put(Move.OWN, FirstOrderOutputs.R, i, Math.sqrt(rOwn[i]));
            // backward: f = exp(s - lse), t_ij = <c_i, v_j> - r_i, p_ij = f_ij t_ij, then the gradient sums
            double cAtt = 0;
            for (int col = 0; col < d; col++) {
                cAtt += Math.abs(c[i][col]) * Math.abs(att[i][col]);
            }
            for (int j = 0; j < m; j++) {
                double arg = s[j] - lse;
                double fb = Math.exp(arg);
                double phiS2 = sumVar(scoreK, sM[j], s[j]);
                // the score's second use, subtraction, exp, a's storage, the division and f's storage; two uses
                put(Move.FBACK, -1, i * n + j,
                        Math.sqrt(PAIR_USES * (phiS2 + ua * ua * arg * arg + 5 * ua * ua + 2 * us * us)));
                double t = -r[i];
                double mt = cAtt;
                for (int col = 0; col < d; col++) {
                    t += c[i][col] * v[j][col];
                    mt += Math.abs(c[i][col]) * Math.abs(v[j][col]);
                }
                // t: 3d + 1 roundings, M = Σ |c| (|v| + |Att|); storage (NOTE: 2 u_s^2 M^2); p: product, storage
                double phiT2 = (3.0 * d + 1) * ua * ua * mt * mt + 2 * us * us * mt * mt;
                double p = fb * t;
                put(Move.P, -1, i * n + j, Math.sqrt(fb * fb * phiT2 + (ua * ua + us * us) * p * p));
                double pe = f[j] * t;
                for (int col = 0; col < d; col++) {
                    double tq = sigma * pe * kr[j][col];
                    double tk = sigma * pe * qr[i][col];
                    double tv = f[j] * c[i][col];
                    dqr[i][col] += tq;
                    dkr[j][col] += tk;
                    dv[j][col] += tv;
                    dqrTerms.get(i * d + col).add(tq);
                    dkrTerms.get(j * d + col).add(tk);
                    dvTerms.get(j * d + col).add(tv);
                }
            }
        }
        double[] dqrOwn = new double[n * d];
        double[] dkrOwn = new double[n * d];
        double[] dvOwn = new double[n * d];
        for (int t = 0; t < n * d; t++) {
            wDqr[t] = w(toArray(dqrTerms.get(t)));
            wDkr[t] = w(toArray(dkrTerms.get(t)));
            wDv[t] = w(toArray(dvTerms.get(t)));
            // dQrot, dKrot: 2n + 1 (+ 2), dV: 2n + 1 (no scale in f c)
            dqrOwn[t] = sumVar(2.0 * n + 1 + extra, wDqr[t], dqr[t / d][t % d]);
            dkrOwn[t] = sumVar(2.0 * n + 1 + extra, wDkr[t], dkr[t / d][t % d]);
            dvOwn[t] = sumVar(2.0 * n + 1, wDv[t], dv[t / d][t % d]);
            put(Move.OWN, FirstOrderOutputs.DQROT, t, Math.sqrt(dqrOwn[t]));
            put(Move.OWN, FirstOrderOutputs.DKROT, t, Math.sqrt(dkrOwn[t]));
            put(Move.OWN, FirstOrderOutputs.DV, t, Math.sqrt(dvOwn[t]));
        }
        // the loss Σ c^2 / 2 (NOTE, not in the table: nd squares and nd additions, W = Σ c^2; storage).
        // With dO given it is not a field, but the pass forms it all the same (of c = dO)
        wLoss = lossSum;
        double loss = lossSum / 2;
        double lossOwn = 2.0 * n * d * ua * ua * loss * loss + us * us * loss * loss;
        put(Move.OWN, FirstOrderOutputs.LOSS, 0, Math.sqrt(lossOwn));
        // dQ, dK: the back-rotations; dQrot, dKrot "via": the forward rotations of dQ, dK (as the rotation)
        double[][] dq = rotate(dqr, rope, theta, true, 2, 0, FirstOrderOutputs.DQ);
        double[][] dk = rotate(dkr, rope, theta, true, 3, 0, FirstOrderOutputs.DK);
        double[][] dqVia = rotate(dq, rope, theta, false, 4, 0, FirstOrderOutputs.DQROT_VIA);
        double[][] dkVia = rotate(dk, rope, theta, false, 5, 0, FirstOrderOutputs.DKROT_VIA);
        value[FirstOrderOutputs.ATT] = flat(att);
        value[FirstOrderOutputs.C] = flat(c);
        value[FirstOrderOutputs.R] = r.clone();
        value[FirstOrderOutputs.LOSS] = new double[] {loss};
        value[FirstOrderOutputs.DQ] = flat(dq);
        value[FirstOrderOutputs.DK] = flat(dk);
        value[FirstOrderOutputs.DV] = flat(dv);
        value[FirstOrderOutputs.DQROT] = flat(dqr);
        value[FirstOrderOutputs.DKROT] = flat(dkr);
        value[FirstOrderOutputs.DQROT_VIA] = flat(dqVia);
        value[FirstOrderOutputs.DKROT_VIA] = flat(dkVia);
        ownVariance[FirstOrderOutputs.ATT] = flat(attOwn);
        ownVariance[FirstOrderOutputs.C] = givenC ? null : flat(cOwn);
        ownVariance[FirstOrderOutputs.R] = rOwn;
        ownVariance[FirstOrderOutputs.LOSS] = new double[] {lossOwn};
        ownVariance[FirstOrderOutputs.DQROT] = dqrOwn;
        ownVariance[FirstOrderOutputs.DKROT] = dkrOwn;
        ownVariance[FirstOrderOutputs.DV] = dvOwn;
        if (!direct) {
            // weight gradients A^T D: n terms, 2n - 1 roundings
            weightGradient(a1, dq, 0);
            weightGradient(a2, dk, 1);
            weightGradient(a3, dv, 2);
        }
    }

    private static List<List<Double>> terms(int size) {
        List<List<Double>> out = new ArrayList<>();
        for (int t = 0; t < size; t++) {
            out.add(new ArrayList<>());
        }
        return out;
    }

    private static double[] toArray(List<Double> x) {
        double[] out = new double[x.size()];
        for (int t = 0; t < out.length; t++) {
            out[t] = x.get(t);
        }
        return out;
    }

    /** {@code A W}: d terms, {@code 2d - 1} roundings of coefficient {@code <= W}, storage. */
    private double[][] project(double[][] a, double[][] wm, int which) {
        double[][] out = new double[n][d];
        wProj[which] = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < d; b++) {
                double[] t = new double[d];
                for (int k = 0; k < d; k++) {
                    t[k] = a[i][k] * wm[k][b];
                    out[i][b] += t[k];
                }
                wProj[which][i * d + b] = w(t);
                put(Move.PROJ, which, i * d + b, Math.sqrt(sumVar(2.0 * d - 1, wProj[which][i * d + b], out[i][b])));
            }
        }
        return out;
    }

    /**
     * Row {@code i} rotated by {@code ±i θ_k}: the table (angle product {@code u_a |angle|},
     * {@code cos}, {@code sin} within one ulp and stored, six uses) and the rotated entry (two products,
     * the addition, {@code extra} more, the storage). The identity family rotates nothing: only the
     * scale's {@code extra} roundings, relative. An output's rotation ({@code slot >= 0}) is its own move.
     */
    private double[][] rotate(double[][] x, RopeFamily rope, double[] theta, boolean back, int use, int extraR, int slot) {
        double[][] out = new double[n][d];
        if (rope == null) {
            for (int i = 0; i < n; i++) {
                out[i] = x[i].clone();
                for (int b = 0; b < d && extraR > 0; b++) {
                    put(Move.ROT, use, i * d + b, Math.sqrt(extraR) * ua);
                }
            }
            return out;
        }
        double[] own = slot < 0 ? null : new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d / 2; k++) {
                double angle = i * theta[k];
                put(Move.ANGLE, use, i * (d / 2) + k, Math.sqrt(TABLE_USES) * ua);
                double tr = Math.sqrt(TABLE_USES * (4 * ua * ua + us * us));
                put(Move.TRIG, use, i * (d / 2) + k, tr);
                put(Move.TRIG, use, i * (d / 2) + k, tr);
                double co = Math.cos(angle);
                double si = back ? -Math.sin(angle) : Math.sin(angle);
                int a = rope.dimA(k);
                int b = rope.dimB(k);
                double ya = x[i][a] * co - x[i][b] * si;
                double yb = x[i][a] * si + x[i][b] * co;
                out[i][a] = ya;
                out[i][b] = yb;
                double va = ua * ua * (sq(x[i][a] * co) + sq(x[i][b] * si) + (1 + extraR) * ya * ya) + us * us * ya * ya;
                double vb = ua * ua * (sq(x[i][a] * si) + sq(x[i][b] * co) + (1 + extraR) * yb * yb) + us * us * yb * yb;
                Move kind = slot < 0 ? Move.ROT : Move.OWN;
                int sl = slot < 0 ? use : slot;
                put(kind, sl, i * d + a, Math.sqrt(va));
                put(kind, sl, i * d + b, Math.sqrt(vb));
                if (own != null) {
                    own[i * d + a] = va;
                    own[i * d + b] = vb;
                }
            }
        }
        if (slot >= 0) {
            ownVariance[slot] = own;
        }
        return out;
    }

    private void weightGradient(double[][] a, double[][] g, int which) {
        int slot = FirstOrderOutputs.GWQ + which;
        double[] out = new double[d * d];
        double[] own = new double[d * d];
        wGrad[which] = new double[d * d];
        for (int p = 0; p < d; p++) {
            for (int b = 0; b < d; b++) {
                double[] t = new double[n];
                for (int i = 0; i < n; i++) {
                    t[i] = a[i][p] * g[i][b];
                    out[p * d + b] += t[i];
                }
                wGrad[which][p * d + b] = w(t);
                own[p * d + b] = sumVar(2.0 * n - 1, wGrad[which][p * d + b], out[p * d + b]);
                put(Move.OWN, slot, p * d + b, Math.sqrt(own[p * d + b]));
            }
        }
        value[slot] = out;
        ownVariance[slot] = own;
    }
}
