package dev.ropecheck.engine.reference;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.Workers;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * The trusted reference for large {@code n} (name {@code "reference-dd"}): RoPE attention, its loss
 * and gradient (MATH §2–3) in compensated double-double arithmetic ({@link DdArith}, relative error
 * {@code <= 2^-104} per operation, the model of {@link dev.ropecheck.bounds.FloatFormat#DOUBLE_DOUBLE}),
 * with {@code exp} ({@link DdExp}) and the RoPE angles ({@link DdAngles}) correct to double-double
 * accuracy. Derivation and measurements: {@code proofs-notes/double-double-reference.md}.
 *
 * <p>Each value is the double-double result rounded to double ({@code hi}); its low-order part is
 * the result's {@link RopeResult#residual residual}, so {@code value + residual} carries about 30
 * digits. Metadata: {@code precision = double-double}, {@code trustedDigits}, {@code workers},
 * {@code millis}.
 *
 * <p>Algorithm (every family; rotation absorbed for RoPE and the identity family with weights,
 * {@code s_ij = (1/d) <Q_i R_i, K_j R_j>}, otherwise through {@code T_m}, see {@link DdScores};
 * dot products and the long sums compensated as in {@link DdKernels}):
 * a row pass (scores, row-max-stable softmax {@code f_ij = exp(s_ij - mx_i) / Σ_j exp(s_ij - mx_i)},
 * {@code alpha_i = exp(mx_i) Σ_j exp(s_ij - mx_i)}, {@code Att, c, r, L}, then
 * {@code p_ij = f_ij (q_ij - r_i)} and {@code dQ}); a column pass for {@code dK, dV}
 * ({@link DdColumnPass}); an offset pass for {@code G} ({@link DdGradX}); {@code ∂L/∂W_Q = A1^T dQ},
 * {@code ∂L/∂W_K = A2^T dK}, {@code ∂L/∂W_V = A3^T dV}. Only what {@code wanted} needs is computed;
 * no {@code n x n} array is formed unless {@code A}, {@code f} or {@code p} is asked for.
 *
 * <p>Determinism: rows (and columns, offsets, output rows of the weight gradients) are independent
 * tasks with fixed summation order, so results are bitwise identical for any thread count.
 *
 * <p>Limits: {@code n <= }{@link #MAX_N}; {@code A, f, p} only for {@code n <= }{@link #MAX_QUADRATIC_N};
 * {@code G} only when {@code n^2 d^2 <= }{@link #MAX_GRAD_X_WORK} and {@code (2n-1) d^2 <= }
 * {@link #MAX_OFFSET_TABLE}; instances whose scores need {@code T_m} (an explicit family, or
 * {@code X} given directly) only when {@code n^2 d^2 <= }{@link #MAX_OFFSET_WORK} and
 * {@code (2n-1) d^2 <= }{@link #MAX_OFFSET_TABLE}.
 */
public final class RopeReferenceEngine_DD implements RopeAttentionEngine {
    /** Largest accepted {@code n} (time grows as {@code n^2 d}). */
    public static final int MAX_N = 1 << 16;
    /** Largest {@code n} for which the {@code n x n} fields are formed (three of them hold 800 MB). */
    public static final int MAX_QUADRATIC_N = 4096;
    /** Largest {@code n^2 d^2} for {@code G} (about 30 double-double flops each). */
    public static final double MAX_GRAD_X_WORK = Math.pow(2, 30);
    /** Largest {@code n^2 d^2} when the scores go through {@code T_m}. */
    public static final double MAX_OFFSET_WORK = Math.pow(2, 31);
    /** Largest {@code (2n-1) d^2}: the double-double {@code T_m} or {@code M_m} table (128 MB). */
    public static final double MAX_OFFSET_TABLE = Math.pow(2, 23);
    /** Rows per row-pass task (a fixed partition, independent of the thread count). */
    static final int ROW_BLOCK = 8;

    private static final Set<Quantity> ROWS = EnumSet.of(Quantity.A, Quantity.ALPHA, Quantity.F, Quantity.ATTENTION,
            Quantity.C, Quantity.LOSS, Quantity.R, Quantity.P, Quantity.GRAD_X, Quantity.DQ, Quantity.DK, Quantity.DV,
            Quantity.GRAD_WQ, Quantity.GRAD_WK, Quantity.GRAD_WV, Quantity.DQROT, Quantity.DKROT);

    private final int threads;

    /** An engine using {@code Runtime.getRuntime().availableProcessors()} threads. */
    public RopeReferenceEngine_DD() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** An engine using {@code threads >= 1} threads (results do not depend on it). */
    public RopeReferenceEngine_DD(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + " must be >= 1");
        }
        this.threads = threads;
    }

    public int threads() {
        return threads;
    }

    @Override
    public String name() {
        return "reference-dd";
    }

    @Override
    public Set<Quantity> supported(RopeInstance instance) {
        if (instance == null) {
            throw new IllegalArgumentException("instance is missing");
        }
        if (limit(instance) != null) {
            return EnumSet.noneOf(Quantity.class);
        }
        Set<Quantity> s = RopeAttentionEngine.withoutWeightQuantities(EnumSet.allOf(Quantity.class), instance);
        if (instance.n() > MAX_QUADRATIC_N) {
            s.remove(Quantity.A);
            s.remove(Quantity.F);
            s.remove(Quantity.P);
        }
        if (gradXLimit(instance) != null) {
            s.remove(Quantity.GRAD_X);
        }
        return s;
    }

    /** Why the instance cannot be computed at all, or null. */
    private static String limit(RopeInstance inst) {
        int n = inst.n();
        int d = inst.d();
        if (n > MAX_N) {
            return "n = " + n + " exceeds the reference-dd engine's limit n <= " + MAX_N + " (time grows as n^2)";
        }
        if (!DdInputs.usesDotScores(inst)) {
            double work = (double) n * n * d * d;
            double table = (2.0 * n - 1) * d * d;
            if (work > MAX_OFFSET_WORK || table > MAX_OFFSET_TABLE) {
                return String.format("n = %d, d = %d: %s scores cost n^2 d^2 = %.3g (limit %.3g) with a (2n-1) d^2 = %.3g"
                        + " table (limit %.3g) in the reference-dd engine", n, d,
                        inst.hasWeights() ? "explicit-family" : "X-given", work, MAX_OFFSET_WORK, table, MAX_OFFSET_TABLE);
            }
        }
        return null;
    }

    private static String gradXLimit(RopeInstance inst) {
        int n = inst.n();
        int d = inst.d();
        double work = (double) n * n * d * d;
        double table = (2.0 * n - 1) * d * d;
        if (work > MAX_GRAD_X_WORK || table > MAX_OFFSET_TABLE) {
            return String.format("gradX costs O(n^2 d^2): the reference-dd engine computes it only for n^2 d^2 <= %.3g"
                    + " and (2n-1) d^2 <= %.3g (n = %d, d = %d gives %.3g and %.3g)", MAX_GRAD_X_WORK,
                    MAX_OFFSET_TABLE, n, d, work, table);
        }
        return null;
    }

    @Override
    public RopeResult compute(RopeInstance inst, Set<Quantity> wanted) {
        if (inst == null) {
            throw new IllegalArgumentException("instance is missing");
        }
        if (wanted == null) {
            throw new IllegalArgumentException("wanted is missing");
        }
        String lim = limit(inst);
        if (lim != null) {
            throw new IllegalArgumentException(lim);
        }
        int n = inst.n();
        int d = inst.d();
        RopeAttentionEngine.requireDefined(wanted, inst);
        Set<Quantity> ok = supported(inst);
        for (Quantity q : wanted) {
            if (ok.contains(q)) {
                continue;
            }
            if (q.needsWeights() && !inst.hasWeights()) {
                throw new IllegalArgumentException("quantity " + q.key() + " is not supported for this instance"
                        + " (it needs X given as W_Q ⊗ W_K)");
            }
            if (q.isQuadratic()) {
                throw new IllegalArgumentException("quantity " + q.key() + " is n x n: the reference-dd engine forms"
                        + " n x n fields only for n <= " + MAX_QUADRATIC_N + " (n = " + n + ")");
            }
            throw new IllegalArgumentException(gradXLimit(inst));
        }
        long t0 = System.nanoTime();
        RopeResult.Builder out = RopeResult.builder(name());
        DdInputs in = DdInputs.of(inst, threads);
        if (wanted.contains(Quantity.H)) {
            put(out, Quantity.H, in.hh, in.hl, n, d);
        }
        boolean rows = false;
        for (Quantity q : wanted) {
            rows |= ROWS.contains(q);
        }
        if (rows) {
            computeRows(in, wanted, out);
        }
        out.meta("precision", "double-double");
        out.meta("trustedDigits", trustedDigits(n, d));
        out.meta("algorithm", "double-double (Joldes-Muller-Popescu 2017 accurate double-word algorithms)");
        out.meta("workers", threads);
        out.meta("millis", (System.nanoTime() - t0) / 1e6);
        return out.build();
    }

    /**
     * Decimal digits trusted relative to the magnitudes of each entry's terms:
     * {@code floor(-log10((2n + 2d(d + 4) + 2048) 2^-104))}, an envelope of the accumulated error of
     * the longest chain of operations ({@code n}-term sums for {@code sigma} and, compensated in
     * blocks, the column sums; compensated {@code d}-term dot products; about 40 operations' worth
     * for {@code exp}, division and rotations); see proofs-notes/double-double-reference.md §1.
     */
    public static int trustedDigits(int n, int d) {
        double gamma = (2.0 * n + 2.0 * d * (d + 4.0) + 2048) * Math.pow(2, -104);
        return (int) Math.floor(-Math.log10(gamma));
    }

    private void computeRows(DdInputs in, Set<Quantity> wanted, RopeResult.Builder out) {
        int n = in.n;
        int d = in.d;
        DdState st = new DdState(n, d);
        boolean wantA = wanted.contains(Quantity.A);
        boolean needDq = wanted.contains(Quantity.DQ) || wanted.contains(Quantity.GRAD_WQ)
                || wanted.contains(Quantity.DQROT);
        boolean needDk = wanted.contains(Quantity.DK) || wanted.contains(Quantity.GRAD_WK)
                || wanted.contains(Quantity.DKROT);
        boolean needDv = wanted.contains(Quantity.DV) || wanted.contains(Quantity.GRAD_WV);
        boolean backward = needDq || wanted.contains(Quantity.P);
        allocateOptional(st, wanted, n, d, needDq, needDk, needDv);
        DdRowPass.Scratch[] scratch = new DdRowPass.Scratch[threads];
        for (int w = 0; w < threads; w++) {
            scratch[w] = new DdRowPass.Scratch(n, d, in.scores.scratch());
        }
        DdRowPass rowPass = new DdRowPass(in, st, wantA, backward, needDq);
        int blocks = (n + ROW_BLOCK - 1) / ROW_BLOCK;
        Workers.run(threads, blocks, "reference-dd-worker", (w, b) -> {
            for (int i = b * ROW_BLOCK; i < Math.min(n, (b + 1) * ROW_BLOCK); i++) {
                rowPass.row(i, scratch[w]);
            }
        });
        if (needDk || needDv) {
            DdColumnPass colPass = new DdColumnPass(in, st, needDv, needDk);
            Workers.run(threads, blocks, "reference-dd-worker", (w, b) -> {
                for (int j = b * ROW_BLOCK; j < Math.min(n, (b + 1) * ROW_BLOCK); j++) {
                    colPass.column(j, scratch[w]);
                }
            });
        }
        putFields(out, wanted, in, st, scratch, needDq, needDk, needDv);
    }

    /** The optional {@code n x n} rows and backward vectors of {@code st}, for the fields {@code wanted} needs. */
    private static void allocateOptional(DdState st, Set<Quantity> wanted, int n, int d, boolean needDq, boolean needDk,
            boolean needDv) {
        if (wanted.contains(Quantity.A)) {
            st.aH = new double[n * n];
            st.aL = new double[n * n];
        }
        if (wanted.contains(Quantity.F)) {
            st.fH = new double[n * n];
            st.fL = new double[n * n];
        }
        if (wanted.contains(Quantity.P)) {
            st.pH = new double[n * n];
            st.pL = new double[n * n];
        }
        if (needDq) {
            st.dqH = new double[n * d];
            st.dqL = new double[n * d];
        }
        if (needDk) {
            st.dkH = new double[n * d];
            st.dkL = new double[n * d];
        }
        if (needDv) {
            st.dvH = new double[n * d];
            st.dvL = new double[n * d];
        }
    }

    /** Every wanted field from the passes' state: the forward rows, the loss, the backward fields, {@code G}. */
    private void putFields(RopeResult.Builder out, Set<Quantity> wanted, DdInputs in, DdState st,
            DdRowPass.Scratch[] scratch, boolean needDq, boolean needDk, boolean needDv) {
        int n = in.n;
        int d = in.d;
        put(out, wanted, Quantity.A, st.aH, st.aL, n, n);
        put(out, wanted, Quantity.ALPHA, st.alphaH, st.alphaL, n, 1);
        put(out, wanted, Quantity.F, st.fH, st.fL, n, n);
        put(out, wanted, Quantity.ATTENTION, st.attH, st.attL, n, d);
        put(out, wanted, Quantity.C, st.cH, st.cL, n, d);
        put(out, wanted, Quantity.R, st.rH, st.rL, n, 1);
        put(out, wanted, Quantity.P, st.pH, st.pL, n, n);
        if (wanted.contains(Quantity.LOSS)) {
            double[] t = new double[2];
            double lh = 0.0;
            double ll = 0.0;
            for (int i = 0; i < n; i++) {
                DdArith.add(lh, ll, st.sqH[i], st.sqL[i], t, 0);
                lh = t[0];
                ll = t[1];
            }
            put(out, Quantity.LOSS, new double[] {0.5 * lh}, new double[] {0.5 * ll}, 1, 1);
        }
        if (needDq) {
            put(out, wanted, Quantity.DQ, st.dqH, st.dqL, n, d);
            putTransposeProduct(out, wanted, Quantity.GRAD_WQ, in.a1, st.dqH, st.dqL, n, d);
            putRotated(out, wanted, Quantity.DQROT, in, st.dqH, st.dqL);
        }
        if (needDk) {
            put(out, wanted, Quantity.DK, st.dkH, st.dkL, n, d);
            putTransposeProduct(out, wanted, Quantity.GRAD_WK, in.a2, st.dkH, st.dkL, n, d);
            putRotated(out, wanted, Quantity.DKROT, in, st.dkH, st.dkL);
        }
        if (needDv) {
            put(out, wanted, Quantity.DV, st.dvH, st.dvL, n, d);
            putTransposeProduct(out, wanted, Quantity.GRAD_WV, in.a3, st.dvH, st.dvL, n, d);
        }
        if (wanted.contains(Quantity.GRAD_X)) {
            double[][] g = DdGradX.compute(in, st, threads, scratch);
            put(out, Quantity.GRAD_X, g[0], g[1], d * d, d * d);
        }
    }

    /**
     * {@code x^T y} ({@code d x d}) for {@code x} double and {@code y} double-double ({@code n x d}),
     * {@code i} in order: one task per output row {@code a}, the row {@code Σ_i x_ia y_i} compensated in
     * blocks of {@link DdKernels#BLOCK} rows and folded ({@link DdKernels}).
     */
    private void putTransposeProduct(RopeResult.Builder out, Set<Quantity> wanted, Quantity q, double[] x, double[] yh,
            double[] yl, int n, int d) {
        if (!wanted.contains(q)) {
            return;
        }
        double[] gh = new double[d * d];
        double[] gl = new double[d * d];
        double[][] accS = new double[threads][d];
        double[][] accC = new double[threads][d];
        Workers.run(threads, d, "reference-dd-worker", (w, a) -> {
            for (int i = 0; i < n; i++) {
                DdKernels.axpyDAcc(x[i * d + a], yh, yl, i * d, accS[w], accC[w], 0, d);
                if (DdKernels.endsBlock(i, n, DdKernels.BLOCK)) {
                    DdKernels.fold(accS[w], accC[w], 0, gh, gl, a * d, d);
                }
            }
        });
        put(out, q, gh, gl, d, d);
    }

    /** {@code g_i R_i} in double-double (MATH §9: {@code dQrot_i = dQ_i R_i}). */
    private static void putRotated(RopeResult.Builder out, Set<Quantity> wanted, Quantity q, DdInputs in, double[] gh,
            double[] gl) {
        if (wanted.contains(q)) {
            double[][] r = in.rotatedRows(gh, gl);
            put(out, q, r[0], r[1], in.n, in.d);
        }
    }

    private static void put(RopeResult.Builder out, Set<Quantity> wanted, Quantity q, double[] hi, double[] lo, int rows,
            int cols) {
        if (hi != null && wanted.contains(q)) {
            put(out, q, hi, lo, rows, cols);
        }
    }

    private static void put(RopeResult.Builder out, Quantity q, double[] hi, double[] lo, int rows, int cols) {
        out.put(q, DMatrixRMaj.wrap(rows, cols, hi));
        out.putResidual(q, DMatrixRMaj.wrap(rows, cols, lo));
    }
}
