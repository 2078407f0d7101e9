package dev.ropecheck.engine.fast;

/**
 * The sums over monomials that {@link FftGradient} accumulates, before the score scale
 * {@code sigma} is applied: {@code dq[b][i]}, {@code dk[e][j]}, {@code dv[l][j]} and
 * {@code g[(a d + c) |S| + t]} ({@code G~[(a,c),(b_t,e_t)]}).
 */
final class GradientSums {
    final double[][] dq;
    final double[][] dk;
    final double[][] dv;
    final double[] g;

    GradientSums(int n, int d, int supportSize) {
        this.dq = new double[d][n];
        this.dk = new double[d][n];
        this.dv = new double[d][n];
        this.g = new double[d * d * supportSize];
    }

    /** {@code this += o}, entry by entry (the chunk merge of {@link FftGradient}, in chunk order). */
    void add(GradientSums o) {
        add(dq, o.dq);
        add(dk, o.dk);
        add(dv, o.dv);
        for (int i = 0; i < g.length; i++) {
            g[i] += o.g[i];
        }
    }

    private static void add(double[][] x, double[][] y) {
        for (int r = 0; r < x.length; r++) {
            double[] a = x[r];
            double[] b = y[r];
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
        }
    }
}
