package dev.ropecheck.engine.exact;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.Workers;
import dev.ropecheck.model.RopeInstance;
import org.ejml.data.DMatrixRMaj;

/**
 * The exact engine's route for the rotation families (RoPE, identity) with {@code X = W_Q ⊗ W_K}
 * and without {@code gradX}: rotate {@code Q = A1 W_Q} and {@code K = A2 W_K} once
 * ({@link RotatedRows}, {@code O(n d)}), so that every {@code n x n x d} product is a plain matrix
 * product — scores {@code sigma Qr Kr^T} ({@link ScoreKernel}), {@code f h}, {@code p Kr},
 * {@code p^T Qr}, {@code f^T c} — then turn {@code dQrot}, {@code dKrot} back
 * ({@code dQ_i = dQrot_i R_i^T}, MATH §9). Time {@code O(n^2 d)} for forward and backward.
 *
 * <p>Rows are cut into a fixed list of parts (a function of {@code n} only), run on any number of
 * threads; the parts' partial sums are merged in part order, so every result is bitwise the same
 * for every thread count. Error bounds: {@code ComponentwiseRoundingBound} (any order;
 * proofs-notes/componentwise-rounding.md) and {@code ExactRoundingModel}'s rotated counts
 * (proofs-notes/rounding-model.md §13).
 *
 * <p>Honours the score scale {@code sigma} and the causal mask of MATH §9.
 */
final class RotatedPath {
    /** Rows per part, at least; the parts are at most {@link #MAX_PARTS}. */
    static final int PART_ROWS = 256;
    /** At most this many parts (bounds the memory of the partial {@code dK}, {@code dV}). */
    static final int MAX_PARTS = 8;

    private RotatedPath() {
    }

    /** The part boundaries for {@code n} rows: {@code bounds[t] .. bounds[t+1]}; depends on {@code n} only. */
    static int[] partition(int n) {
        int parts = Math.max(1, Math.min(MAX_PARTS, (n + PART_ROWS - 1) / PART_ROWS));
        int[] b = new int[parts + 1];
        for (int t = 0; t <= parts; t++) {
            b[t] = (int) ((long) n * t / parts);
        }
        return b;
    }

    /** Computes {@code wanted} for {@code inst} into {@code out}; returns the number of parts. */
    static int compute(RopeInstance inst, java.util.Set<Quantity> wanted, int threads, RopeResult.Builder out) {
        return compute(inst, wanted, threads, Simd.ENABLED, out);
    }

    /** As {@link #compute(RopeInstance, java.util.Set, int, RopeResult.Builder)}, on the SIMD kernels or not. */
    static int compute(RopeInstance inst, java.util.Set<Quantity> wanted, int threads, boolean simd,
            RopeResult.Builder out) {
        RotatedPlan pl = new RotatedPlan(inst, wanted, simd);
        int[] b = partition(pl.n);
        RotatedPart[] parts = new RotatedPart[b.length - 1];
        for (int t = 0; t < parts.length; t++) {
            parts[t] = new RotatedPart(pl, b[t], b[t + 1]);
        }
        Workers.run(parts, threads, "exact-engine-worker");
        emit(pl, parts, out);
        return parts.length;
    }

    private static void emit(RotatedPlan pl, RotatedPart[] parts, RopeResult.Builder out) {
        int n = pl.n;
        int d = pl.d;
        double loss = 0.0;
        for (RotatedPart p : parts) {
            loss += p.loss;
        }
        put(pl, out, Quantity.A, pl.aOut, n, n);
        if (pl.wanted.contains(Quantity.ALPHA)) {
            out.putVector(Quantity.ALPHA, pl.alpha);
        }
        put(pl, out, Quantity.F, pl.fOut, n, n);
        put(pl, out, Quantity.H, pl.h, n, d);
        put(pl, out, Quantity.ATTENTION, pl.att, n, d);
        put(pl, out, Quantity.C, pl.c, n, d);
        if (pl.wanted.contains(Quantity.LOSS)) {
            out.putScalar(Quantity.LOSS, 0.5 * loss);
        }
        if (pl.wanted.contains(Quantity.R)) {
            out.putVector(Quantity.R, pl.r);
        }
        put(pl, out, Quantity.P, pl.pOut, n, n);
        if (pl.needDQ) {
            if (pl.wanted.contains(Quantity.DQROT)) {
                put(pl, out, Quantity.DQROT, pl.dq.clone(), n, d); // dQrot, before the back-rotation (MATH §9)
            }
            RotatedRows.rotateBack(pl.dq, n, d, pl.inst.family());
            put(pl, out, Quantity.DQ, pl.dq, n, d);
            put(pl, out, Quantity.GRAD_WQ, DenseOps.transposeMult(pl.inst.a1().data, n, d, pl.dq, d), d, d);
        }
        if (pl.needDK) {
            double[] dk = merge(parts, true, n * d);
            for (int t = 0; t < dk.length; t++) {
                dk[t] = pl.scaled(dk[t]);
            }
            if (pl.wanted.contains(Quantity.DKROT)) {
                put(pl, out, Quantity.DKROT, dk.clone(), n, d);
            }
            RotatedRows.rotateBack(dk, n, d, pl.inst.family());
            put(pl, out, Quantity.DK, dk, n, d);
            put(pl, out, Quantity.GRAD_WK, DenseOps.transposeMult(pl.inst.a2().data, n, d, dk, d), d, d);
        }
        if (pl.needDV) {
            double[] dv = merge(parts, false, n * d);
            put(pl, out, Quantity.DV, dv, n, d);
            put(pl, out, Quantity.GRAD_WV, DenseOps.transposeMult(pl.inst.a3().data, n, d, dv, d), d, d);
        }
    }

    /** The parts' partial sums added in part order. */
    private static double[] merge(RotatedPart[] parts, boolean dk, int len) {
        double[] out = (dk ? parts[0].dk : parts[0].dv).clone();
        for (int t = 1; t < parts.length; t++) {
            double[] x = dk ? parts[t].dk : parts[t].dv;
            for (int i = 0; i < len; i++) {
                out[i] += x[i];
            }
        }
        return out;
    }

    private static void put(RotatedPlan pl, RopeResult.Builder out, Quantity q, double[] v, int rows, int cols) {
        if (v != null && pl.wanted.contains(q)) {
            out.put(q, DMatrixRMaj.wrap(rows, cols, v));
        }
    }
}
