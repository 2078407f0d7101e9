package dev.ropecheck.engine.reference;

/**
 * What the row pass leaves for the later passes, and the row- or column-indexed outputs, as
 * double-double {@code hi[], lo[]} pairs (row-major). Each entry is written by exactly one task.
 *
 * <p>Row statistics: {@code mx_i = max_j hi(s_ij)} (a double), {@code sigma_i = Σ_j exp(s_ij - mx_i)},
 * and its reciprocal {@code inv_i = 1 / sigma_i} (one {@link DdArith#div}), so that
 * {@code f_ij = exp(s_ij - mx_i) inv_i} (the row-max-stable softmax, one product instead of a division
 * per entry) is a pure function of {@code (i, j)} evaluated the same way by every pass ({@link #softmax}).
 */
final class DdState {
    final int n;
    final int d;
    final double[] mx;
    final double[] sigH;
    final double[] sigL;
    /** {@code inv_i = 1 / sigma_i}. */
    final double[] invH;
    final double[] invL;
    final double[] alphaH;
    final double[] alphaL;
    final double[] attH;
    final double[] attL;
    final double[] cH;
    final double[] cL;
    final double[] rH;
    final double[] rL;
    /** {@code k*_i}: the first {@code j} with {@code hi(s_ij) = mx_i}. */
    final int[] kstar;
    /** {@code D_i = Σ_j f_ij (h_j - h_k*)}, so {@code Att_i = h_k* + D_i}. */
    final double[] dH;
    final double[] dL;
    /** {@code kc_i = <c_i, h_k*>}, by {@link DdKernels#dot} with {@code c_i} on the left. */
    final double[] kcH;
    final double[] kcL;
    /** {@code rho_i = <c_i, D_i>}. */
    final double[] rhoH;
    final double[] rhoL;
    /** {@code Σ_l c_il^2} per row (the loss is half their sum in row order). */
    final double[] sqH;
    final double[] sqL;
    /** Optional outputs (null when not wanted). */
    double[] dqH;
    double[] dqL;
    double[] dkH;
    double[] dkL;
    double[] dvH;
    double[] dvL;
    double[] aH;
    double[] aL;
    double[] fH;
    double[] fL;
    double[] pH;
    double[] pL;

    DdState(int n, int d) {
        this.n = n;
        this.d = d;
        mx = new double[n];
        sigH = new double[n];
        sigL = new double[n];
        invH = new double[n];
        invL = new double[n];
        alphaH = new double[n];
        alphaL = new double[n];
        attH = new double[n * d];
        attL = new double[n * d];
        cH = new double[n * d];
        cL = new double[n * d];
        rH = new double[n];
        rL = new double[n];
        kstar = new int[n];
        dH = new double[n * d];
        dL = new double[n * d];
        kcH = new double[n];
        kcL = new double[n];
        rhoH = new double[n];
        rhoL = new double[n];
        sqH = new double[n];
        sqL = new double[n];
    }

    /** {@code r[k..k+1] = f_ij = exp(s_ij - mx_i) inv_i} for the score {@code s = (sh, sl)}; {@code tmp} length >= 4. */
    void softmax(int i, double sh, double sl, double[] r, int k, double[] tmp) {
        DdArith.addD(sh, sl, -mx[i], tmp, 0);
        DdExp.exp(tmp[0], tmp[1], tmp, 2, tmp);
        DdArith.mul(tmp[2], tmp[3], invH[i], invL[i], r, k);
    }

    /**
     * {@code r[k..k+1] = p_ij = f_ij ((q_ij - kc_i) - rho_i)} for {@code q_ij = <c_i, h_j>} computed
     * by {@link DdKernels#dot} (or a lane of {@link DdKernels#dot4}) with {@code c_i} on the left:
     * {@code q_ij - kc_i} is {@code <c_i, h_j - h_k*>} (exactly 0 for {@code j = k*}, the two dot
     * products being bitwise equal), so this is the cancellation-free form of
     * {@code f_ij (q_ij - r_i) = f_ij <c_i, h_j - Att_i>} (Lemma 5.1–5.3), exact in real arithmetic
     * because {@code Att_i = h_k* + D_i}. {@code tmp} length >= 2.
     */
    void p(int i, double fh, double fl, double qh, double ql, double[] r, int k, double[] tmp) {
        DdArith.add(qh, ql, -kcH[i], -kcL[i], tmp, 0);
        DdArith.add(tmp[0], tmp[1], -rhoH[i], -rhoL[i], tmp, 0);
        DdArith.mul(fh, fl, tmp[0], tmp[1], r, k);
    }
}
