package dev.ropecheck.engine.reference;

/**
 * Scores with the rotation absorbed (MATH §1, §3): {@code qrot_i = Q_i R_i}, {@code krot_j = K_j R_j}
 * with {@code W_{i-j} = R_i R_j^T}, so {@code s_ij = sigma <qrot_i, krot_j>} costs {@code d}
 * double-double multiply-adds; {@code dQ_i = sigma (Σ_j p_ij krot_j) R_i^T} and
 * {@code dK_j = sigma (Σ_i p_ij qrot_i) R_j^T}. For RoPE {@code R_i} turns pair {@code k} by
 * {@code i theta_k} ({@link DdAngles}); for the identity family {@code R_i = I}.
 *
 * <p>The dot products always take {@code qrot} as the left operand ({@link DdKernels#dot4} lanes are
 * bitwise equal to {@link DdKernels#dot}), so rows, columns and single entries agree bitwise.
 */
final class DdDotScores extends DdScores {
    private final double[] qh;
    private final double[] ql;
    private final double[] kh;
    private final double[] kl;
    /** Null for the identity family. */
    private final DdAngles angles;
    private final int[] dimA;
    private final int[] dimB;

    /**
     * @param qh,ql {@code qrot} ({@code n x d}, row-major)
     * @param kh,kl {@code krot}
     * @param angles the rotation tables ({@code count >= n}), or null when {@code R_i = I}
     * @param dimA,dimB the two dimensions of each pair (unused when {@code angles} is null)
     */
    DdDotScores(int n, int d, double sigma, double[] qh, double[] ql, double[] kh, double[] kl, DdAngles angles,
            int[] dimA, int[] dimB) {
        super(n, d, sigma);
        this.qh = qh;
        this.ql = ql;
        this.kh = kh;
        this.kl = kl;
        this.angles = angles;
        this.dimA = dimA;
        this.dimB = dimB;
    }

    @Override
    void entry(int i, int j, double[] r, int k, double[] tmp) {
        DdKernels.dot(qh, ql, i * d, kh, kl, j * d, d, tmp, 8);
        scale(tmp[8], tmp[9], r, k);
    }

    @Override
    void row(int i, double[] sh, double[] sl, double[] tmp) {
        int a = i * d;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            DdKernels.dot4(qh, ql, a, a, a, a, kh, kl, j * d, (j + 1) * d, (j + 2) * d, (j + 3) * d, d, tmp);
            for (int q = 3; q >= 0; q--) {
                scale(tmp[2 * q], tmp[2 * q + 1], tmp, 2 * q);
                sh[j + q] = tmp[2 * q];
                sl[j + q] = tmp[2 * q + 1];
            }
        }
        for (; j < n; j++) {
            entry(i, j, tmp, 0, tmp);
            sh[j] = tmp[0];
            sl[j] = tmp[1];
        }
    }

    @Override
    void column(int j, double[] sh, double[] sl, double[] tmp) {
        int b = j * d;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            DdKernels.dot4(qh, ql, i * d, (i + 1) * d, (i + 2) * d, (i + 3) * d, kh, kl, b, b, b, b, d, tmp);
            for (int q = 3; q >= 0; q--) {
                scale(tmp[2 * q], tmp[2 * q + 1], tmp, 2 * q);
                sh[i + q] = tmp[2 * q];
                sl[i + q] = tmp[2 * q + 1];
            }
        }
        for (; i < n; i++) {
            entry(i, j, tmp, 0, tmp);
            sh[i] = tmp[0];
            sl[i] = tmp[1];
        }
    }

    @Override
    void accumulateDq(int i, int j, double ph, double pl, double[] accS, double[] accC, int off, double[] tmp) {
        DdKernels.axpyAcc(ph, pl, kh, kl, j * d, accS, accC, off, d);
    }

    @Override
    void accumulateDk(int i, int j, double ph, double pl, double[] accS, double[] accC, int off, double[] tmp) {
        DdKernels.axpyAcc(ph, pl, qh, ql, i * d, accS, accC, off, d);
    }

    @Override
    void finishDq(int i, double[] accH, double[] accL, int off, double[] tmp) {
        unrotate(i, accH, accL, off, tmp);
        scaleAll(accH, accL, off, tmp);
    }

    @Override
    void finishDk(int j, double[] accH, double[] accL, int off, double[] tmp) {
        unrotate(j, accH, accL, off, tmp);
        scaleAll(accH, accL, off, tmp);
    }

    /** {@code g <- g R_m^T}: per pair {@code y_a = g_a c + g_b s}, {@code y_b = -g_a s + g_b c}. */
    private void unrotate(int m, double[] gh, double[] gl, int off, double[] t) {
        if (angles == null) {
            return;
        }
        for (int k = 0; k < dimA.length; k++) {
            rotatePair(angles, k, m, -1, gh, gl, off + dimA[k], off + dimB[k], t);
        }
    }

    /**
     * Rotates the pair {@code (x_a, x_b)} by {@code sign * m theta_k} in place:
     * {@code x_a' = x_a c - x_b s'}, {@code x_b' = x_a s' + x_b c} with {@code s' = sign * sin}.
     */
    static void rotatePair(DdAngles angles, int k, int m, int sign, double[] xh, double[] xl, int ia, int ib,
            double[] t) {
        double ch = angles.cosHi(k, m);
        double cl = angles.cosLo(k, m);
        double sh = sign * angles.sinHi(k, m);
        double sl = sign * angles.sinLo(k, m);
        double ah = xh[ia];
        double al = xl[ia];
        double bh = xh[ib];
        double bl = xl[ib];
        DdArith.mul(ah, al, ch, cl, t, 0);
        DdArith.mul(bh, bl, sh, sl, t, 2);
        DdArith.add(t[0], t[1], -t[2], -t[3], t, 4);
        DdArith.mul(ah, al, sh, sl, t, 0);
        DdArith.mul(bh, bl, ch, cl, t, 2);
        DdArith.add(t[0], t[1], t[2], t[3], t, 6);
        xh[ia] = t[4];
        xl[ia] = t[5];
        xh[ib] = t[6];
        xl[ib] = t[7];
    }
}
