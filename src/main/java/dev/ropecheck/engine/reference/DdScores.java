package dev.ropecheck.engine.reference;

/**
 * The score matrix {@code s_ij = sigma A1_i (Σ_{(b,e)∈S} X[·,(b,e)] W_{i-j}[b,e]) A2_j^T} (MATH §2,
 * RoPE-grad Def. 3.1) in double-double, entry by entry or by rows and columns, and the matching
 * chain-rule accumulations of {@code dQ, dK} (MATH §3). Every way of obtaining {@code s_ij}
 * ({@link #entry}, {@link #row}, {@link #column}) gives bitwise the same pair, so that the row pass,
 * the column pass and the {@code G} pass see identical scores.
 *
 * <p>Scratch: callers pass a per-worker {@code tmp} of length at least {@link #scratch()}.
 * Implementations are immutable and shared by all workers.
 */
abstract class DdScores {
    final int n;
    final int d;
    /** The score scale {@code sigma} (MATH §9), or NaN for the papers' {@code 1/d}. */
    final double sigma;

    /** @param sigma the instance's score scale, or NaN for the default {@code 1/d} (a division by {@code d}) */
    DdScores(int n, int d, double sigma) {
        this.n = n;
        this.d = d;
        this.sigma = sigma;
    }

    /**
     * {@code r[k..k+1] = sigma x} for {@code x = (h, l)}: {@link DdArith#divD} by {@code d} at the default,
     * {@link DdArith#mulD} by the instance's double {@code sigma} otherwise ({@code specs/score-scale.md}).
     */
    final void scale(double h, double l, double[] r, int k) {
        if (Double.isNaN(sigma)) {
            DdArith.divD(h, l, d, r, k);
        } else {
            DdArith.mulD(h, l, sigma, r, k);
        }
    }

    /** The length of the {@code tmp} array the methods need. */
    int scratch() {
        return 4 * d + 16;
    }

    /** {@code r[k..k+1] = s_ij}. */
    abstract void entry(int i, int j, double[] r, int k, double[] tmp);

    /** {@code sh[j], sl[j] = s_ij} for {@code j = 0..n-1}. */
    void row(int i, double[] sh, double[] sl, double[] tmp) {
        for (int j = 0; j < n; j++) {
            entry(i, j, tmp, 0, tmp);
            sh[j] = tmp[0];
            sl[j] = tmp[1];
        }
    }

    /** {@code sh[i], sl[i] = s_ij} for {@code i = 0..n-1}. */
    void column(int j, double[] sh, double[] sl, double[] tmp) {
        for (int i = 0; i < n; i++) {
            entry(i, j, tmp, 0, tmp);
            sh[i] = tmp[0];
            sl[i] = tmp[1];
        }
    }

    /**
     * Pairs {@code (i, j)} per compensated block of the {@code dQ, dK} sums before a
     * {@link DdKernels#fold}: {@link DdKernels#BLOCK} when a pair adds one term per component.
     */
    int accumulationBlock() {
        return DdKernels.BLOCK;
    }

    /**
     * {@code acc += p * ∂s_ij/∂Q_i / sigma} for row {@code i}, into the compensated accumulator
     * {@code (accS, accC)} of length {@code d} at {@code off} ({@link DdKernels}); the caller folds it.
     */
    abstract void accumulateDq(int i, int j, double ph, double pl, double[] accS, double[] accC, int off,
            double[] tmp);

    /** {@code acc += p * ∂s_ij/∂K_j / sigma} for column {@code j}, as {@link #accumulateDq}. */
    abstract void accumulateDk(int i, int j, double ph, double pl, double[] accS, double[] accC, int off,
            double[] tmp);

    /** Turns the accumulation of row {@code i} into {@code dQ_i} in place (back-rotation, scaling by {@code sigma}). */
    abstract void finishDq(int i, double[] accH, double[] accL, int off, double[] tmp);

    /** Turns the accumulation of column {@code j} into {@code dK_j} in place. */
    abstract void finishDk(int j, double[] accH, double[] accL, int off, double[] tmp);

    /** Scales {@code acc[off..off+d)} by {@code sigma} ({@link #scale}). */
    final void scaleAll(double[] accH, double[] accL, int off, double[] tmp) {
        for (int t = 0; t < d; t++) {
            scale(accH[off + t], accL[off + t], tmp, 0);
            accH[off + t] = tmp[0];
            accL[off + t] = tmp[1];
        }
    }
}
