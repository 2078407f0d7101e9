package dev.ropecheck.bounds;

/**
 * The partial-sum magnitudes {@code W_x} of the intermediates that are sums over tokens or features,
 * from the exact values (a probe's own would differ in the eighth digit): {@code dQrot}, {@code dKrot},
 * {@code dV}, {@code Att} (row-major n x d), {@code r_i}, the loss, the projections and the weight
 * gradients. For a sum of terms {@code t_j}, {@code W = max(Σ t_j^+, Σ t_j^-)}: every partial sum of
 * any order, blocking or tree is a sum over a subset of the terms, so it lies in
 * {@code [-Σ t^-, Σ t^+]} and its absolute value is at most {@code W}; so is every single term
 * ({@code proofs-notes/first-order-rounding.md} §2). While the exact pass accumulates, each array
 * holds {@code Σ t^+} and its twin in {@link #neg} {@code Σ t^-}; {@link #close} leaves the maximum.
 * The pairwise ones (scores, {@code t_ij}) are recomputed by each probe, O(n^2) values.
 */
final class FirstOrderMags {
    final double[] dqr;
    final double[] dkr;
    final double[] dv;
    final double[] att;
    final double[] r;
    final double[][] proj = new double[3][];
    final double[][] grad = new double[3][];
    double loss;
    /** The negative parts while the exact pass accumulates; {@code null} afterwards. */
    private java.util.IdentityHashMap<double[], double[]> neg = new java.util.IdentityHashMap<>();

    FirstOrderMags(int n, int d) {
        dqr = new double[n * d];
        dkr = new double[n * d];
        dv = new double[n * d];
        att = new double[n * d];
        r = new double[n];
    }

    /** The array of negative parts of {@code pos}, created on first use. */
    double[] neg(double[] pos) {
        return neg.computeIfAbsent(pos, p -> new double[p.length]);
    }

    /** Adds term {@code x} to entry {@code t} of {@code pos} (or of its negative twin {@code negs}). */
    static void add(double[] pos, double[] negs, int t, double x) {
        if (x >= 0) {
            pos[t] += x;
        } else {
            negs[t] -= x;
        }
    }

    /** Leaves {@code max(Σ t^+, Σ t^-)} in every array. */
    void close() {
        for (java.util.Map.Entry<double[], double[]> e : neg.entrySet()) {
            double[] pos = e.getKey();
            double[] negs = e.getValue();
            for (int t = 0; t < pos.length; t++) {
                pos[t] = Math.max(pos[t], negs[t]);
            }
        }
        neg = null;
    }
}
