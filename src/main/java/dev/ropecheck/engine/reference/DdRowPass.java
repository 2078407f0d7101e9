package dev.ropecheck.engine.reference;

/**
 * The row pass of the double-double reference, one row {@code i} per call (MATH §2–3; RoPE-grad
 * Defs. 3.12–3.17, Lemma 5.1–5.3): scores {@code s_i}, {@code mx_i}, {@code sigma_i},
 * {@code alpha_i = exp(mx_i) sigma_i} (overflowing to {@code +Infinity} as IEEE rounding of the exact
 * value does), {@code f_i}, {@code D_i = Σ_j f_ij (h_j - h_k*)} ({@code k*} the row's argmax),
 * evaluated as {@code Σ_{j != k*} f_ij h_j - (Σ_{j != k*} f_ij) h_k*} (the same magnitudes of terms,
 * no cancellation on near one-hot rows), {@code Att_i = h_k* + D_i}, {@code c_i = Att_i - E_i}, {@code r_i = <c_i, Att_i>},
 * {@code rho_i = <c_i, D_i>}, {@code Σ_l c_il^2}; then, for the backward quantities,
 * {@code p_ij = f_ij ((<c_i, h_j> - <c_i, h_k*>) - rho_i)} (= {@code f_ij <c_i, h_j - Att_i>}, without the
 * cancellation of {@code q_ij - r_i} on near one-hot rows, see {@link DdState#p}) and {@code dQ_i}. Optional
 * {@code A, f, p} rows. All sums run over {@code j = 0..n-1} in order ({@code j = 0..i} under a causal
 * mask, MATH §9; the masked entries of {@code A, f, p} stay zero).
 *
 * <p>The {@code n}-term sums {@code D_i} and {@code dQ_i} are compensated in blocks of
 * {@link DdKernels#BLOCK} terms ({@code j} counted from 0) and folded after each block
 * ({@link DdKernels#fold}). Scratch per worker: {@link Scratch}; nothing is allocated per row.
 */
final class DdRowPass {
    /** Per-worker buffers of length {@code n} (and the small {@code tmp}). */
    static final class Scratch {
        final double[] sh;
        final double[] sl;
        final double[] fh;
        final double[] fl;
        final double[] qh;
        final double[] ql;
        final double[] tmp;
        /** A compensated accumulator {@code (s, c)} of length {@code d} ({@link DdKernels}); all zero between uses. */
        final double[] accS;
        final double[] accC;

        Scratch(int n, int d, int tmpLength) {
            accS = new double[d];
            accC = new double[d];
            sh = new double[n];
            sl = new double[n];
            fh = new double[n];
            fl = new double[n];
            qh = new double[n];
            ql = new double[n];
            tmp = new double[Math.max(tmpLength, 32)];
        }
    }

    private final DdInputs in;
    private final DdState st;
    private final boolean wantA;
    private final boolean backward;
    private final boolean needDq;

    DdRowPass(DdInputs in, DdState st, boolean wantA, boolean backward, boolean needDq) {
        this.in = in;
        this.st = st;
        this.wantA = wantA;
        this.backward = backward;
        this.needDq = needDq;
    }

    void row(int i, Scratch w) {
        // Under a causal mask row i runs over j <= i only (MATH §9).
        final int jEnd = in.causal ? i + 1 : in.n;
        int ks = softmaxRow(i, w, jEnd);
        attentionRow(i, w, jEnd, ks);
        residualRow(i, w, ks);
        if (backward) {
            gradientRow(i, w, jEnd);
        }
    }

    /**
     * Scores {@code s_i}, the row max {@code mx_i} at {@code k*}, {@code sigma_i}, {@code 1/sigma_i},
     * {@code alpha_i} and the optional {@code A} row; leaves {@code exp(s_ij - mx_i)} in {@code w.fh, w.fl}.
     *
     * @return {@code k*}
     */
    private int softmaxRow(int i, Scratch w, int jEnd) {
        int n = in.n;
        double[] t = w.tmp;
        in.scores.row(i, w.sh, w.sl, t);
        double mx = w.sh[0];
        int ks = 0;
        for (int j = 1; j < jEnd; j++) {
            if (w.sh[j] > mx) {
                mx = w.sh[j];
                ks = j;
            }
        }
        st.mx[i] = mx;
        st.kstar[i] = ks;
        double sgh = 0.0;
        double sgl = 0.0;
        for (int j = 0; j < jEnd; j++) {
            DdArith.addD(w.sh[j], w.sl[j], -mx, t, 0);
            DdExp.exp(t[0], t[1], t, 2, t);
            w.fh[j] = t[2];
            w.fl[j] = t[3];
            DdArith.add(sgh, sgl, t[2], t[3], t, 0);
            sgh = t[0];
            sgl = t[1];
        }
        st.sigH[i] = sgh;
        st.sigL[i] = sgl;
        DdArith.div(1.0, 0.0, sgh, sgl, t, 0);
        st.invH[i] = t[0];
        st.invL[i] = t[1];
        DdExp.exp(mx, 0.0, t, 2, t);
        if (Double.isInfinite(t[2]) || Double.isInfinite(t[2] * sgh)) {
            st.alphaH[i] = Double.POSITIVE_INFINITY;
            st.alphaL[i] = 0.0;
        } else {
            DdArith.mul(t[2], t[3], sgh, sgl, t, 0);
            st.alphaH[i] = t[0];
            st.alphaL[i] = Double.isFinite(t[0]) ? t[1] : 0.0;
        }
        if (wantA) {
            for (int j = 0; j < jEnd; j++) {
                DdExp.exp(w.sh[j], w.sl[j], t, 2, t);
                st.aH[i * n + j] = t[2];
                st.aL[i * n + j] = t[3];
            }
        }
        return ks;
    }

    /** {@code f_i} (into {@code w.fh, w.fl} and the optional {@code f} row), {@code D_i} and {@code Att_i = h_k* + D_i}. */
    private void attentionRow(int i, Scratch w, int jEnd, int ks) {
        int n = in.n;
        int d = in.d;
        double[] t = w.tmp;
        final double ivh = st.invH[i];
        final double ivl = st.invL[i];
        // f_ij = e_ij inv_i: the same operations as DdState#softmax, so bitwise its value.
        int o = i * d;
        // D_i = Σ_{j != k*} f_ij h_j - (Σ_{j != k*} f_ij) h_k*, both sums blocked and compensated; the
        // scalar sum in the compensated step with the exact product f_ij * 1 (DdKernels#mulAcc form).
        double ss = 0.0;
        double sc = 0.0;
        double rh = 0.0;
        double rl = 0.0;
        for (int j = 0; j < jEnd; j++) {
            DdArith.mul(w.fh[j], w.fl[j], ivh, ivl, t, 0);
            double fh = t[0];
            double fl = t[1];
            w.fh[j] = fh;
            w.fl[j] = fl;
            if (j != ks) {
                DdKernels.axpyAcc(fh, fl, in.hh, in.hl, j * d, w.accS, w.accC, 0, d);
                double sn = ss + fh;
                double v = sn - ss;
                sc += ((ss - (sn - v)) + (fh - v)) + fl;
                ss = sn;
            }
            if (DdKernels.endsBlock(j, jEnd, DdKernels.BLOCK)) {
                DdKernels.fold(w.accS, w.accC, 0, st.dH, st.dL, o, d);
                DdKernels.twoSum(ss, sc, t, 0);
                DdArith.add(rh, rl, t[0], t[1], t, 0);
                rh = t[0];
                rl = t[1];
                ss = 0.0;
                sc = 0.0;
            }
        }
        for (int l = 0; l < d; l++) {
            DdArith.mul(rh, rl, in.hh[ks * d + l], in.hl[ks * d + l], t, 0);
            DdArith.add(st.dH[o + l], st.dL[o + l], -t[0], -t[1], t, 0);
            st.dH[o + l] = t[0];
            st.dL[o + l] = t[1];
        }
        for (int l = 0; l < d; l++) {
            DdArith.add(in.hh[ks * d + l], in.hl[ks * d + l], st.dH[o + l], st.dL[o + l], t, 0);
            st.attH[o + l] = t[0];
            st.attL[o + l] = t[1];
        }
        if (st.fH != null) {
            System.arraycopy(w.fh, 0, st.fH, i * n, jEnd);
            System.arraycopy(w.fl, 0, st.fL, i * n, jEnd);
        }
    }

    /** {@code c_i = Att_i - E_i} (or {@code dO_i}), {@code r_i}, {@code Σ_l c_il^2}, {@code rho_i = <c_i, D_i>}, {@code <c_i, h_k*>}. */
    private void residualRow(int i, Scratch w, int ks) {
        int d = in.d;
        double[] t = w.tmp;
        int o = i * d;
        for (int l = 0; l < d; l++) {
            if (in.upstreamGradient) {
                // c = dO exactly (MATH §9)
                st.cH[o + l] = in.e[o + l];
                st.cL[o + l] = 0;
                continue;
            }
            DdArith.addD(st.attH[o + l], st.attL[o + l], -in.e[o + l], t, 0);
            st.cH[o + l] = t[0];
            st.cL[o + l] = t[1];
        }
        DdKernels.dot(st.cH, st.cL, o, st.attH, st.attL, o, d, t, 0);
        st.rH[i] = t[0];
        st.rL[i] = t[1];
        DdKernels.dot(st.cH, st.cL, o, st.cH, st.cL, o, d, t, 0);
        st.sqH[i] = t[0];
        st.sqL[i] = t[1];
        DdKernels.dot(st.cH, st.cL, o, st.dH, st.dL, o, d, t, 0);
        st.rhoH[i] = t[0];
        st.rhoL[i] = t[1];
        DdKernels.dot(st.cH, st.cL, o, in.hh, in.hl, ks * d, d, t, 0);
        st.kcH[i] = t[0];
        st.kcL[i] = t[1];
    }

    /** {@code p_i} (the optional {@code p} row) and {@code dQ_i}, blocked and compensated. */
    private void gradientRow(int i, Scratch w, int jEnd) {
        int n = in.n;
        int d = in.d;
        double[] t = w.tmp;
        int o = i * d;
        qRow(i, w);
        for (int j = 0; j < jEnd; j++) {
            st.p(i, w.fh[j], w.fl[j], w.qh[j], w.ql[j], t, 0, t);
            if (st.pH != null) {
                st.pH[i * n + j] = t[0];
                st.pL[i * n + j] = t[1];
            }
            if (needDq) {
                in.scores.accumulateDq(i, j, t[0], t[1], w.accS, w.accC, 0, t);
                if (DdKernels.endsBlock(j, jEnd, in.scores.accumulationBlock())) {
                    DdKernels.fold(w.accS, w.accC, 0, st.dqH, st.dqL, o, d);
                }
            }
        }
        if (needDq) {
            in.scores.finishDq(i, st.dqH, st.dqL, o, t);
        }
    }

    /** {@code q_ij = <c_i, h_j>} for every {@code j} ({@link DdKernels#dot4} lanes equal {@link DdKernels#dot}). */
    private void qRow(int i, Scratch w) {
        int n = in.n;
        int d = in.d;
        int o = i * d;
        double[] t = w.tmp;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            DdKernels.dot4(st.cH, st.cL, o, o, o, o, in.hh, in.hl, j * d, (j + 1) * d, (j + 2) * d, (j + 3) * d, d, t);
            for (int q = 0; q < 4; q++) {
                w.qh[j + q] = t[2 * q];
                w.ql[j + q] = t[2 * q + 1];
            }
        }
        for (; j < n; j++) {
            DdKernels.dot(st.cH, st.cL, o, in.hh, in.hl, j * d, d, t, 0);
            w.qh[j] = t[0];
            w.ql[j] = t[1];
        }
    }
}
