package dev.ropecheck.candidates;

/**
 * One streaming pass over the query rows that computes the attention forward and backward of a
 * candidate kernel (MATH §2–3, §9) from the rotated rows {@code qrot, krot}, the values {@code v}
 * and the target {@code E} (all {@code n x d}, row-major, already in the storage format).
 *
 * <p>Per row {@code i}: {@link #forwardRow} (subclasses: the softmax and {@code Att_i}), then
 * {@code c_i = Att_i - E_i}, {@code dO_i = c_i}, and the backward shared by every variant:
 * {@code dP_ij = <dO_i, v_j>}, {@code dS_ij = P_ij (dP_ij - D_i)},
 * {@code g_ij = st(sigma dS_ij)}, {@code dQrot_i = Σ_j g_ij krot_j},
 * {@code dKrot_j = Σ_i g_ij qrot_i}, {@code dV_j = Σ_i P_ij dO_i}. The sums over {@code j} run in
 * one {@link Accumulator} per row, the sums over {@code i} in one {@code n x d}-wide accumulator
 * committed once per row. Only length-{@code n} rows of scores and probabilities are held.
 */
abstract class AttentionPass {
    protected final int n;
    protected final int d;
    protected final double sigma;
    protected final Arith ar;
    protected final Summation order;
    protected final int block;
    protected final double[] qrot;
    protected final double[] krot;
    protected final double[] v;
    protected final double[] e;
    protected final boolean wrongAxis;

    /** Outputs: attention, alpha (the normalisers used), c, dQrot, dKrot, dV; stored values. */
    final double[] att;
    final double[] alpha;
    final double[] c;
    final double[] dQrot;
    final double[] dKrot;
    final double[] dV;

    /** Scores and (stored) probabilities of the current row. */
    protected final double[] s;
    protected final double[] p;
    /** {@code dP_ij = <dO_i, v_j>} of the current row, when {@link #dpReady}. */
    protected final double[] dp;
    protected boolean dpReady;
    private final Accumulator rowVec;
    private final Accumulator colK;
    private final Accumulator colV;

    AttentionPass(int n, int d, double sigma, Arith ar, Summation order, int block, double[] qrot, double[] krot,
            double[] v, double[] e, boolean wrongAxis) {
        this.n = n;
        this.d = d;
        this.sigma = sigma;
        this.ar = ar;
        this.order = order;
        this.block = block;
        this.qrot = qrot;
        this.krot = krot;
        this.v = v;
        this.e = e;
        this.wrongAxis = wrongAxis;
        this.att = new double[n * d];
        this.alpha = new double[n];
        this.c = new double[n * d];
        this.dQrot = new double[n * d];
        this.dKrot = new double[n * d];
        this.dV = new double[n * d];
        this.s = new double[n];
        this.p = new double[n];
        this.dp = new double[n];
        this.rowVec = Accumulator.of(order, d, ar, block);
        this.colK = Accumulator.of(order, n * d, ar, block);
        this.colV = Accumulator.of(order, n * d, ar, block);
    }

    /** Runs the pass; the outputs are then filled. */
    final void run() {
        prepare();
        for (int i = 0; i < n; i++) {
            double dI = forwardRow(i);
            backwardRow(i, dI);
        }
        colK.finish(dKrot, 0);
        colV.finish(dV, 0);
        ar.storeAll(dKrot);
        ar.storeAll(dV);
    }

    /** Work before the rows (the column statistics of {@link Bug#SOFTMAX_WRONG_AXIS}). */
    protected abstract void prepare();

    /**
     * Fills {@link #p} with the stored probabilities of row {@code i}, {@code att_i}, {@code c_i} and the
     * row's {@code alpha} (unless the softmax runs over columns); returns {@code D_i}.
     */
    protected abstract double forwardRow(int i);

    /** {@code s[j] = op(sigma * <qrot_i, krot_j>)} for {@code j0 <= j < j1}. */
    protected final void scores(int i, int j0, int j1) {
        boolean pw = order == Summation.PAIRWISE;
        for (int j = j0; j < j1; j++) {
            s[j] = ar.op(sigma * ar.dot(qrot, i * d, 1, krot, j * d, 1, d, pw));
        }
    }

    /** {@code c_i = st(Att_i - E_i)} from the stored {@code att_i}. */
    protected final void residual(int i) {
        for (int l = 0; l < d; l++) {
            c[i * d + l] = ar.st(ar.op(att[i * d + l] - e[i * d + l]));
        }
    }

    /** The backward of row {@code i} given {@code D_i} and the probabilities in {@link #p}. */
    private void backwardRow(int i, double dI) {
        boolean pw = order == Summation.PAIRWISE;
        int io = i * d;
        rowVec.reset();
        for (int j = 0; j < n; j++) {
            int jo = j * d;
            double pj = p[j];
            double dP = dpReady ? dp[j] : ar.dot(c, io, 1, v, jo, 1, d, pw);
            double g = ar.st(ar.op(sigma * ar.op(pj * ar.op(dP - dI))));
            rowVec.putProducts(0, g, krot, jo, d);
            rowVec.commit();
            colK.putProducts(jo, g, qrot, io, d);
            colV.putProducts(jo, pj, c, io, d);
        }
        colK.commit();
        colV.commit();
        dpReady = false;
        rowVec.finish(dQrot, io);
        rowVec.reset();
        for (int l = 0; l < d; l++) {
            dQrot[io + l] = ar.st(dQrot[io + l]);
        }
    }

    /** {@code Σ_j p_j v_j} of the current row into {@code att_i} (stored), in the pass's order. */
    protected final void rowTimesValues(int i) {
        rowVec.reset();
        for (int j = 0; j < n; j++) {
            rowVec.putProducts(0, p[j], v, j * d, d);
            rowVec.commit();
        }
        rowVec.finish(att, i * d);
        rowVec.reset();
        for (int l = 0; l < d; l++) {
            att[i * d + l] = ar.st(att[i * d + l]);
        }
    }
}
