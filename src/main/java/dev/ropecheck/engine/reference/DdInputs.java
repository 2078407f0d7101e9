package dev.ropecheck.engine.reference;

import dev.ropecheck.engine.Workers;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;

/**
 * The double-double forms of an instance's derived inputs (MATH §2–3): {@code h = A3 Y},
 * {@code Q = A1 W_Q}, {@code K = A2 W_K} (products of doubles are exact by TwoProd, sums by
 * {@link DdArith#add}) and the {@link DdScores} of the instance: rotation absorbed for RoPE and the
 * identity family with weights ({@link DdDotScores}), offset matrices otherwise
 * ({@link DdOffsetScores}).
 */
final class DdInputs {
    final int n;
    final int d;
    final double[] a1;
    final double[] a2;
    final double[] a3;
    /** {@code E}, or {@code dO} when {@link #upstreamGradient} (MATH §9). */
    final double[] e;
    /** True when {@link #e} is the upstream gradient {@code dO}: {@code c = dO} exactly ({@code RopeInstance#c}). */
    final boolean upstreamGradient;
    final double[] hh;
    final double[] hl;
    final DdScores scores;
    /** True for a causal mask (MATH §9): row {@code i} sees only {@code j <= i}. */
    final boolean causal;
    /** The RoPE tables ({@code m = 0..n-1}), null for other families. */
    DdAngles angles;
    int[] dimA;
    int[] dimB;
    private final PositionFamily family;

    private DdInputs(RopeInstance inst, int threads) {
        this.n = inst.n();
        this.d = inst.d();
        this.a1 = inst.a1().data;
        this.a2 = inst.a2().data;
        this.a3 = inst.a3().data;
        this.e = inst.upstream().data;
        this.upstreamGradient = inst.hasUpstreamGradient();
        double[] y = inst.y().data;
        this.hh = new double[n * d];
        this.hl = new double[n * d];
        product(a3, y, n, d, hh, hl, threads);
        this.family = inst.family();
        this.causal = inst.causal();
        this.scores = buildScores(inst, threads);
    }

    /** Prepares {@code inst}; precondition: {@link #usesDotScores} or the offset caps were checked. */
    static DdInputs of(RopeInstance inst, int threads) {
        return new DdInputs(inst, threads);
    }

    /**
     * Copies of the rows {@code g_i} ({@code n x d}, double-double) turned forward by {@code R_i}:
     * {@code g_i R_i} (MATH §9, {@code dQrot_i = dQ_i R_i}); plain copies for the identity family.
     * Precondition: {@link #usesDotScores} (RoPE or identity with weights).
     */
    double[][] rotatedRows(double[] gh, double[] gl) {
        double[] h = gh.clone();
        double[] l = gl.clone();
        if (angles != null) {
            double[] t = new double[8];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < dimA.length; k++) {
                    DdDotScores.rotatePair(angles, k, i, 1, h, l, i * d + dimA[k], i * d + dimB[k], t);
                }
            }
        }
        return new double[][] {h, l};
    }

    /** The family's support {@code S}. */
    Support support() {
        return family.support();
    }

    /** {@link #weightTable} of this instance's family. */
    double[][] weightTable() {
        return weightTable(family, n, angles, dimA, dimB);
    }

    /** True when the rotation can be absorbed: weights given and a RoPE or identity family. */
    static boolean usesDotScores(RopeInstance inst) {
        PositionFamily f = inst.family();
        return inst.hasWeights() && (f instanceof RopeFamily || f instanceof IdentityFamily);
    }

    /**
     * {@code out = x w} for {@code x} ({@code rows x d}) and {@code w} ({@code d x d}), exactly rounded terms;
     * one task per block of 64 rows (each row's sums in index order, so any thread count gives the same bits).
     */
    private static void product(double[] x, double[] w, int rows, int d, double[] oh, double[] ol, int threads) {
        double[][] ts = new double[Math.max(1, threads)][4];
        int block = 64;
        Workers.run(threads, (rows + block - 1) / block, "reference-dd-worker", (worker, b) -> {
            double[] t = ts[worker];
            for (int i = b * block; i < Math.min(rows, (b + 1) * block); i++) {
                for (int l = 0; l < d; l++) {
                    double sh = 0.0;
                    double sl = 0.0;
                    for (int c = 0; c < d; c++) {
                        DdArith.twoProd(x[i * d + c], w[c * d + l], t, 0);
                        DdArith.add(sh, sl, t[0], t[1], t, 2);
                        sh = t[2];
                        sl = t[3];
                    }
                    oh[i * d + l] = sh;
                    ol[i * d + l] = sl;
                }
            }
        });
    }

    /**
     * {@code W_m[b,e]} on the support as double-doubles, at {@code [(m + n - 1) |S| + s]} for
     * {@code m = -(n-1)..n-1}: RoPE from the {@link DdAngles} tables ({@code cos} even and
     * {@code sin} odd in {@code m}), other families exactly from their doubles.
     */
    static double[][] weightTable(PositionFamily fam, int n, DdAngles angles, int[] dimA, int[] dimB) {
        Support sup = fam.support();
        int d = fam.d();
        int ns = sup.size();
        int offsets = 2 * n - 1;
        double[] wh = new double[offsets * ns];
        double[] wl = new double[offsets * ns];
        int[] pairOf = new int[d];
        boolean[] firstOf = new boolean[d];
        if (angles != null) {
            for (int k = 0; k < dimA.length; k++) {
                pairOf[dimA[k]] = k;
                pairOf[dimB[k]] = k;
                firstOf[dimA[k]] = true;
            }
        }
        for (int idx = 0; idx < offsets; idx++) {
            int m = idx - (n - 1);
            for (int s = 0; s < ns; s++) {
                int b = sup.row(s);
                int c = sup.col(s);
                if (angles == null) {
                    wh[idx * ns + s] = fam.weight(m, b, c);
                } else if (pairOf[b] == pairOf[c]) {
                    int k = pairOf[b];
                    int am = Math.abs(m);
                    if (b == c) {
                        wh[idx * ns + s] = angles.cosHi(k, am);
                        wl[idx * ns + s] = angles.cosLo(k, am);
                    } else {
                        // W_m[a,b] = sin(m theta), W_m[b,a] = -sin(m theta); sin is odd in m.
                        double sign = (firstOf[b] ? 1 : -1) * (m < 0 ? -1 : 1);
                        wh[idx * ns + s] = sign * angles.sinHi(k, am);
                        wl[idx * ns + s] = sign * angles.sinLo(k, am);
                    }
                }
            }
        }
        return new double[][] {wh, wl};
    }

    private DdScores buildScores(RopeInstance inst, int threads) {
        double sigma = inst.hasDefaultScale() ? Double.NaN : inst.scale();
        PositionFamily fam = inst.family();
        double[] qh = null;
        double[] ql = null;
        double[] kh = null;
        double[] kl = null;
        if (inst.hasWeights()) {
            qh = new double[n * d];
            ql = new double[n * d];
            kh = new double[n * d];
            kl = new double[n * d];
            product(a1, inst.wq().data, n, d, qh, ql, threads);
            product(a2, inst.wk().data, n, d, kh, kl, threads);
        }
        angles = fam instanceof RopeFamily ? new DdAngles((RopeFamily) fam, n) : null;
        int pairs = d / 2;
        dimA = new int[pairs];
        dimB = new int[pairs];
        if (angles != null) {
            RopeFamily rf = (RopeFamily) fam;
            for (int k = 0; k < pairs; k++) {
                dimA[k] = rf.dimA(k);
                dimB[k] = rf.dimB(k);
            }
        }
        if (usesDotScores(inst)) {
            if (angles != null) {
                double[] t = new double[8];
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < pairs; k++) {
                        DdDotScores.rotatePair(angles, k, i, 1, qh, ql, i * d + dimA[k], i * d + dimB[k], t);
                        DdDotScores.rotatePair(angles, k, i, 1, kh, kl, i * d + dimA[k], i * d + dimB[k], t);
                    }
                }
            }
            return new DdDotScores(n, d, sigma, qh, ql, kh, kl, angles, dimA, dimB);
        }
        Support sup = fam.support();
        double[][] wt = weightTable(fam, n, angles, dimA, dimB);
        double[] wh = wt[0];
        double[] wl = wt[1];
        double[][] table = offsetTable(inst, sup, wh, wl, threads);
        return new DdOffsetScores(n, d, sigma, a1, a2, table[0], table[1], sup, wh, wl, qh, ql, kh, kl);
    }

    /**
     * {@code T_m[a,c] = Σ_{(b,e) in S} X[(a,c),(b,e)] W_m[b,e]} for every offset {@code m} (index {@code m + n - 1}),
     * in double-double, the support terms summed in order ({@code X = W_Q ⊗ W_K} formed exactly by
     * {@code twoProd} when the instance has weights); one task per offset.
     *
     * @return {@code {high, low}} words, {@code (2n-1) d^2} each
     */
    private double[][] offsetTable(RopeInstance inst, Support sup, double[] wh, double[] wl, int threads) {
        int ns = sup.size();
        int offsets = 2 * n - 1;
        int dd = d * d;
        double[] th = new double[offsets * dd];
        double[] tl = new double[offsets * dd];
        double[] x = inst.hasWeights() ? null : inst.x().data;
        double[] wq = inst.hasWeights() ? inst.wq().data : null;
        double[] wk = inst.hasWeights() ? inst.wk().data : null;
        double[][] scratch = new double[Math.max(1, threads)][8];
        Workers.run(threads, offsets, "reference-dd-worker", (worker, idx) -> {
            double[] t = scratch[worker];
            for (int a = 0; a < d; a++) {
                for (int c = 0; c < d; c++) {
                    double sh = 0.0;
                    double sl = 0.0;
                    for (int s = 0; s < ns; s++) {
                        int b = sup.row(s);
                        int ee = sup.col(s);
                        if (x != null) {
                            t[0] = x[(a * d + c) * dd + b * d + ee];
                            t[1] = 0.0;
                        } else {
                            DdArith.twoProd(wq[a * d + b], wk[c * d + ee], t, 0);
                        }
                        DdArith.mul(t[0], t[1], wh[idx * ns + s], wl[idx * ns + s], t, 2);
                        DdArith.add(sh, sl, t[2], t[3], t, 4);
                        sh = t[4];
                        sl = t[5];
                    }
                    th[idx * dd + a * d + c] = sh;
                    tl[idx * dd + a * d + c] = sl;
                }
            }
        });
        return new double[][] {th, tl};

    }
}
