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
        ChunkMerge.addRows(dq, o.dq);
        ChunkMerge.addRows(dk, o.dk);
        ChunkMerge.addRows(dv, o.dv);
        for (int i = 0; i < g.length; i++) {
            g[i] += o.g[i];
        }
    }
}
