package dev.ropecheck.candidates;

/**
 * The {@link Summation#NAIVE} and {@link Summation#PAIRWISE} kernels: softmax exactly as Defs.
 * 3.12–3.14 write it, {@code u_ij = exp(s_ij)} (no shift; precondition {@code s_ij < 88} in the
 * binary32 accumulator, {@code < 709} in binary64), {@code alpha_i = Σ_j u_ij},
 * {@code P_ij = st(u_ij / alpha_i)}, {@code Att_i = Σ_j P_ij v_j}; backward as an autograd softmax,
 * {@code D_i = Σ_j P_ij dP_ij}. With {@link Bug#SOFTMAX_WRONG_AXIS}, {@code P_ij = st(u_ij / Σ_i u_ij)}
 * and {@code alpha} holds the column sums.
 */
final class RowSoftmaxPass extends AttentionPass {
    private final Accumulator scalar;
    private final double[] one = new double[1];
    private double[] colSums;

    RowSoftmaxPass(int n, int d, double sigma, Arith ar, Summation order, double[] qrot, double[] krot,
            double[] v, double[] e, boolean wrongAxis) {
        super(n, d, sigma, ar, order, 1, qrot, krot, v, e, wrongAxis);
        this.scalar = Accumulator.of(order, 1, ar, 1);
    }

    @Override
    protected void prepare() {
        if (!wrongAxis) {
            return;
        }
        Accumulator cols = Accumulator.of(order, n, ar, 1);
        for (int i = 0; i < n; i++) {
            scores(i, 0, n);
            for (int j = 0; j < n; j++) {
                cols.put(j, ar.exp(s[j]));
            }
            cols.commit();
        }
        colSums = new double[n];
        cols.finish(colSums, 0);
        System.arraycopy(colSums, 0, alpha, 0, n);
    }

    @Override
    protected double forwardRow(int i) {
        scores(i, 0, n);
        scalar.reset();
        for (int j = 0; j < n; j++) {
            double u = ar.exp(s[j]);
            p[j] = u;
            scalar.put(0, u);
            scalar.commit();
        }
        scalar.finish(one, 0);
        scalar.reset();
        if (!wrongAxis) {
            alpha[i] = one[0];
        }
        for (int j = 0; j < n; j++) {
            p[j] = ar.st(ar.op(p[j] / (wrongAxis ? colSums[j] : one[0])));
        }
        rowTimesValues(i);
        residual(i);
        for (int j = 0; j < n; j++) {
            dp[j] = ar.dot(c, i * d, 1, v, j * d, 1, d, order == Summation.PAIRWISE);
            scalar.put(0, ar.op(p[j] * dp[j]));
            scalar.commit();
        }
        scalar.finish(one, 0);
        scalar.reset();
        dpReady = true;
        return one[0];
    }
}
