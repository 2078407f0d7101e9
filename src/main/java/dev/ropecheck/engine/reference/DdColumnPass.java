package dev.ropecheck.engine.reference;

/**
 * The column pass of the double-double reference, one column {@code j} per call (MATH §3): the
 * column sums {@code dV_j = Σ_i f_ij c_i} and {@code dK_j = sigma Σ_i p_ij (∂s_ij/∂K_j)}, over
 * {@code i = 0..n-1} in order ({@code i = j..n-1} under a causal mask), from the row statistics of the {@link DdRowPass} and scores, softmax
 * and {@code <c_i, h_j>} recomputed bitwise as the row pass computed them. Recomputing (rather than
 * reducing per-row partial sums) keeps every output owned by one task, so the result is the same for
 * any thread count, with {@code O(n)} memory per worker. The column sums are compensated in blocks of
 * {@link DdKernels#BLOCK} terms counted from the column's first row ({@link DdKernels#fold}).
 */
final class DdColumnPass {
    private final DdInputs in;
    private final DdState st;
    private final boolean needDv;
    private final boolean needDk;

    DdColumnPass(DdInputs in, DdState st, boolean needDv, boolean needDk) {
        this.in = in;
        this.st = st;
        this.needDv = needDv;
        this.needDk = needDk;
    }

    void column(int j, DdRowPass.Scratch w) {
        int n = in.n;
        int d = in.d;
        int o = j * d;
        double[] t = w.tmp;
        in.scores.column(j, w.sh, w.sl, t);
        // Under a causal mask column j collects rows i >= j only (MATH §9).
        final int iStart = in.causal ? j : 0;
        for (int i = iStart; i < n; i++) {
            st.softmax(i, w.sh[i], w.sl[i], t, 0, t);
            w.fh[i] = t[0];
            w.fl[i] = t[1];
        }
        if (needDv) {
            for (int i = iStart; i < n; i++) {
                DdKernels.axpyAcc(w.fh[i], w.fl[i], st.cH, st.cL, i * d, w.accS, w.accC, 0, d);
                if (DdKernels.endsBlock(i - iStart, n - iStart, DdKernels.BLOCK)) {
                    DdKernels.fold(w.accS, w.accC, 0, st.dvH, st.dvL, o, d);
                }
            }
        }
        if (!needDk) {
            return;
        }
        int i = iStart;
        for (; i + 4 <= n; i += 4) {
            DdKernels.dot4(st.cH, st.cL, i * d, (i + 1) * d, (i + 2) * d, (i + 3) * d, in.hh, in.hl, o, o, o, o, d, t);
            for (int q = 0; q < 4; q++) {
                w.qh[i + q] = t[2 * q];
                w.ql[i + q] = t[2 * q + 1];
            }
        }
        for (; i < n; i++) {
            DdKernels.dot(st.cH, st.cL, i * d, in.hh, in.hl, o, d, t, 0);
            w.qh[i] = t[0];
            w.ql[i] = t[1];
        }
        for (i = iStart; i < n; i++) {
            st.p(i, w.fh[i], w.fl[i], w.qh[i], w.ql[i], t, 0, t);
            in.scores.accumulateDk(i, j, t[0], t[1], w.accS, w.accC, 0, t);
            if (DdKernels.endsBlock(i - iStart, n - iStart, in.scores.accumulationBlock())) {
                DdKernels.fold(w.accS, w.accC, 0, st.dkH, st.dkL, o, d);
            }
        }
        in.scores.finishDk(j, st.dkH, st.dkL, o, t);
    }
}
