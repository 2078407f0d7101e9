package dev.ropecheck.engine.reference;

import dev.ropecheck.model.Support;

/**
 * Scores through the offset matrices {@code T_m[a,c] = Σ_{(b,e)∈S} X[(a,c),(b,e)] W_m[b,e]}
 * (RoPE-grad Def. 3.1 regrouped; MATH §2): {@code s_ij = sigma Σ_a A1[i,a] Σ_c T_{i-j}[a,c] A2[j,c]},
 * {@code d^2 + d} double-double multiply-adds per entry; for any family and for {@code X} given
 * directly. With weights ({@code X = W_Q ⊗ W_K}) the chain rule of MATH §3 is
 * {@code dQ_i[b] = sigma Σ_j p_ij Σ_{(b,e)∈S} W_{i-j}[b,e] K_j[e]} and
 * {@code dK_j[e] = sigma Σ_i p_ij Σ_{(b,e)∈S} W_{i-j}[b,e] Q_i[b]} ({@code |S|} steps per entry).
 *
 * <p>Memory: {@code (2n-1) d^2} double-double entries of {@code T} (the engine caps this).
 */
final class DdOffsetScores extends DdScores {
    private final double[] a1;
    private final double[] a2;
    /** {@code T_m} at {@code [(m + n - 1) d^2 + a d + c]}. */
    private final double[] th;
    private final double[] tl;
    private final Support support;
    /** {@code W_m[k]} at {@code [(m + n - 1) |S| + k]}. */
    private final double[] wh;
    private final double[] wl;
    /** {@code Q, K} (double-double), null without weights. */
    private final double[] qh;
    private final double[] ql;
    private final double[] kh;
    private final double[] kl;

    DdOffsetScores(int n, int d, double sigma, double[] a1, double[] a2, double[] th, double[] tl, Support support, double[] wh,
            double[] wl, double[] qh, double[] ql, double[] kh, double[] kl) {
        super(n, d, sigma);
        this.a1 = a1;
        this.a2 = a2;
        this.th = th;
        this.tl = tl;
        this.support = support;
        this.wh = wh;
        this.wl = wl;
        this.qh = qh;
        this.ql = ql;
        this.kh = kh;
        this.kl = kl;
    }

    @Override
    void entry(int i, int j, double[] r, int k, double[] tmp) {
        int dd = d * d;
        int tBase = (i - j + n - 1) * dd;
        int uh = 16;
        int ul = 16 + d;
        // u_a = Σ_c T[a,c] A2[j,c]
        for (int a = 0; a < d; a++) {
            DdKernels.dotD(a2, j * d, 1, th, tl, tBase + a * d, 1, d, tmp, 0);
            tmp[uh + a] = tmp[0];
            tmp[ul + a] = tmp[1];
        }
        double sh = 0.0;
        double sl = 0.0;
        for (int a = 0; a < d; a++) {
            DdArith.mulD(tmp[uh + a], tmp[ul + a], a1[i * d + a], tmp, 0);
            DdArith.add(sh, sl, tmp[0], tmp[1], tmp, 2);
            sh = tmp[2];
            sl = tmp[3];
        }
        scale(sh, sl, r, k);
    }

    /**
     * A pair adds up to {@code d} terms to a component: they are summed as a plain double-double chain
     * ({@link DdArith#mul}, {@link DdArith#add}; the accumulator then holds a normalised pair), and every
     * pair is folded on its own.
     */
    @Override
    int accumulationBlock() {
        return 1;
    }

    @Override
    void accumulateDq(int i, int j, double ph, double pl, double[] accS, double[] accC, int off, double[] tmp) {
        int wBase = (i - j + n - 1) * support.size();
        for (int s = 0; s < support.size(); s++) {
            int b = support.row(s);
            int e = support.col(s);
            DdArith.mul(ph, pl, wh[wBase + s], wl[wBase + s], tmp, 0);
            DdArith.mul(tmp[0], tmp[1], kh[j * d + e], kl[j * d + e], tmp, 0);
            DdArith.add(accS[off + b], accC[off + b], tmp[0], tmp[1], tmp, 2);
            accS[off + b] = tmp[2];
            accC[off + b] = tmp[3];
        }
    }

    @Override
    void accumulateDk(int i, int j, double ph, double pl, double[] accS, double[] accC, int off, double[] tmp) {
        int wBase = (i - j + n - 1) * support.size();
        for (int s = 0; s < support.size(); s++) {
            int b = support.row(s);
            int e = support.col(s);
            DdArith.mul(ph, pl, wh[wBase + s], wl[wBase + s], tmp, 0);
            DdArith.mul(tmp[0], tmp[1], qh[i * d + b], ql[i * d + b], tmp, 0);
            DdArith.add(accS[off + e], accC[off + e], tmp[0], tmp[1], tmp, 2);
            accS[off + e] = tmp[2];
            accC[off + e] = tmp[3];
        }
    }

    @Override
    void finishDq(int i, double[] accH, double[] accL, int off, double[] tmp) {
        scaleAll(accH, accL, off, tmp);
    }

    @Override
    void finishDk(int j, double[] accH, double[] accL, int off, double[] tmp) {
        scaleAll(accH, accL, off, tmp);
    }
}
