package dev.ropecheck.engine.exact;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.Workers;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * Exact RoPE attention, loss and gradient in double precision by the algorithms behind RoPE-grad
 * Theorem 5.7 (Lemmas 5.1–5.6): time {@code O(n^2 (d + |S|))} for the forward pass and loss with
 * weights ({@code O(n^2 d^2)} with a general {@code X}), {@code O(n^2 d^2 + n d^2 |S|)} for
 * {@code G = ∂L/∂X}, {@code O(n^2 |S|)} for {@code dQ, dK}; memory {@code O(n d^2 + 64 n)} (the
 * {@code M_m}, and 64 buffered rows of {@code p} per worker) unless an {@code n x n} quantity is
 * requested.
 *
 * <p>Algorithm, one row {@code i} at a time (MATH §2–3):
 * <ol>
 *   <li>scores {@code s_i} ({@link ScoreRows}); stable softmax with the row maximum
 *       {@code s_{i,k*}} subtracted: {@code f_ij = exp(s_ij - s_ik*) / Σ_j exp(s_ij - s_ik*)},
 *       {@code alpha_i = exp(s_ik*) Σ_j exp(s_ij - s_ik*)} (see proofs-notes/stable-softmax.md);
 *   <li>{@code Att_i = h_k* + D_i} with {@code D_i = Σ_j f_ij (h_j - h_k*)}, {@code c_i = Att_i - E_i};
 *   <li>{@code p_ij = f_ij <c_i, (h_j - h_k*) - D_i>}, which is {@code f_ij <c_i, h_j - Att_i>}
 *       (= {@code f_ij (q_ij - r_i)}, Lemma 4.1) evaluated without cancellation on near one-hot rows;
 *   <li>{@code M_{i-j} += p_ij A1_i^T A2_j} (offset grouping, flushed every 64 rows),
 *       {@code dQ_i += p_ij K_j W_{i-j}^T},
 *       {@code dK_j += p_ij Q_i W_{i-j}}, {@code dV_j += f_ij c_i};
 * </ol>
 * then {@code G[(a,c),(b,e)] = sigma Σ_m M_m[a,c] W_m[b,e]} on {@code S} (zero elsewhere) and the
 * weight gradients {@code A1^T dQ}, {@code A2^T dK}, {@code A3^T dV}, and {@code dQrot_i = dQ_i R_i},
 * {@code dKrot_j = dK_j R_j} (MATH §9) for the RoPE and identity families. Neither {@code q} nor the
 * {@code n^2 x d^4} matrix of Lemma 5.3 is formed. Rows are split into at most two parts (fixed by
 * {@code n}, so results do not depend on the machine or the thread count); partial sums are merged
 * in part order.
 *
 * <p>For the rotation families (RoPE, identity) with {@code X = W_Q ⊗ W_K} and {@code gradX} not
 * requested, the engine takes the {@link RotatedPath} instead: {@code W_{i-j} = R_i R_j^T}, so the
 * rows are rotated once and every {@code n x n x d} product is a blocked matrix product,
 * {@code O(n^2 d)}; the offset-grouped path above stays for explicit families, a general {@code X},
 * {@code gradX} and an engine built with replaced {@link OffsetPathRules} (the tests' seam). Its
 * products run on SIMD lanes when the JVM has {@code jdk.incubator.vector}
 * ({@code java --add-modules jdk.incubator.vector}; {@link #kernels}), with the same results bit for bit.
 *
 * <p>Threads: {@link #RopeExactEngine_F64(int)}, default {@link Runtime#availableProcessors()} (which
 * follows {@code -XX:ActiveProcessorCount}); every result is bitwise the same for every thread count.
 *
 * <p>Kernel conventions (MATH §9, {@code specs/score-scale.md}, {@code specs/causal-mask.md}): the
 * scale {@code sigma} replaces {@code 1/d} everywhere (a division by {@code d} at the default, a
 * multiplication by the instance's double {@code sigma} otherwise); with a causal mask every row sum
 * runs over {@code j <= i} only and {@code A_ij = f_ij = p_ij = 0} for {@code j > i}.
 *
 * <p>Error bound: {@link dev.ropecheck.bounds.ExactRoundingModel} (proofs-notes/rounding-model.md)
 * covers both evaluation orders (§10 for the rotated route), as does
 * {@link dev.ropecheck.bounds.ComponentwiseRoundingBound} (any order).
 */
public final class RopeExactEngine_F64 implements RopeAttentionEngine {

    /** Rows at or above which the offset-grouped path cuts the rows into two parts. */
    static final int PARALLEL_THRESHOLD = 256;
    /** The offset-grouped path's number of parts for large inputs (constant, so rounding does not depend on the host). */
    public static final int WORKERS = 2;

    private static final Set<Quantity> BACKWARD = EnumSet.of(Quantity.P, Quantity.GRAD_X, Quantity.DQ,
            Quantity.DK, Quantity.DV, Quantity.GRAD_WQ, Quantity.GRAD_WK, Quantity.GRAD_WV, Quantity.DQROT,
            Quantity.DKROT);

    private final OffsetPathRules rules;
    private final int threads;

    /** The correct engine on {@link Runtime#availableProcessors()} threads. */
    public RopeExactEngine_F64() {
        this(OffsetPathRules.STANDARD, Workers.available());
    }

    /**
     * The correct engine on at most {@code threads} threads (results do not depend on it).
     *
     * @param threads at least 1
     */
    public RopeExactEngine_F64(int threads) {
        this(OffsetPathRules.STANDARD, threads);
    }

    /** An engine whose offset-grouped path follows {@code rules} (the seam the suite's power tests use). */
    RopeExactEngine_F64(OffsetPathRules rules, int threads) {
        if (rules == null) {
            throw new IllegalArgumentException("rules are missing");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + " must be at least 1");
        }
        this.rules = rules;
        this.threads = threads;
    }

    /** The number of threads this engine may use. */
    public int threads() {
        return threads;
    }

    /**
     * True when {@code compute(inst, wanted)} takes the {@link RotatedPath}: a RoPE or identity family,
     * {@code X} given by {@code W_Q, W_K}, {@code gradX} not wanted, the paper's {@link OffsetPathRules}.
     */
    boolean rotatedRoute(RopeInstance inst, Set<Quantity> wanted) {
        return rules == OffsetPathRules.STANDARD && inst.hasWeights() && RotatedRows.applies(inst.family())
                && !wanted.contains(Quantity.GRAD_X);
    }

    /** The rules of the offset-grouped path ({@link OffsetPathRules#STANDARD} for the public constructors). */
    OffsetPathRules rules() {
        return rules;
    }

    @Override
    public String name() {
        return "exact";
    }

    @Override
    public Set<Quantity> supported(RopeInstance instance) {
        if (instance == null) {
            throw new IllegalArgumentException("instance is missing");
        }
        return RopeAttentionEngine.withoutWeightQuantities(EnumSet.allOf(Quantity.class), instance);
    }

    /**
     * The rotated route's kernels in this JVM: {@code "simd xL"} ({@code L} doubles per vector) when
     * {@code jdk.incubator.vector} is in the boot layer and {@code -Dropecheck.simd=false} is not set,
     * else {@code "scalar"}. Either gives the same results, bit for bit.
     */
    public static String kernels() {
        return Simd.describe(Simd.ENABLED);
    }

    /** The number of parts of the offset-grouped path for an instance with {@code n} tokens. */
    public static int workers(int n) {
        return n >= PARALLEL_THRESHOLD ? WORKERS : 1;
    }

    @Override
    public RopeResult compute(RopeInstance inst, Set<Quantity> wanted) {
        if (inst == null) {
            throw new IllegalArgumentException("instance is missing");
        }
        if (wanted == null) {
            throw new IllegalArgumentException("wanted is missing");
        }
        RopeAttentionEngine.requireDefined(wanted, inst);
        Set<Quantity> ok = supported(inst);
        for (Quantity q : wanted) {
            if (!ok.contains(q)) {
                throw new IllegalArgumentException("quantity " + q.key() + " is not supported for this instance"
                        + " (dQ, dK, gradWQ, gradWK need X = W_Q ⊗ W_K given by its factors)");
            }
        }
        long t0 = System.nanoTime();
        if (rotatedRoute(inst, wanted)) {
            RopeResult.Builder out = RopeResult.builder(name());
            int parts = RotatedPath.compute(inst, wanted, threads, out);
            out.meta("algorithm", "RoPE-grad Theorem 5.7 (exact, double), rotated rows, blocked products");
            out.meta("parts", parts);
            out.meta("threads", Math.min(threads, parts));
            out.meta("millis", (System.nanoTime() - t0) / 1e6);
            return out.build();
        }
        Plan plan = new Plan(inst, wanted, rules);
        int nw = workers(inst.n());
        RowWorker[] ws = new RowWorker[nw];
        int n = inst.n();
        for (int t = 0; t < nw; t++) {
            ws[t] = new RowWorker(plan, (int) ((long) n * t / nw), (int) ((long) n * (t + 1) / nw));
        }
        Workers.run(ws, threads, "exact-engine-worker");
        RopeResult.Builder out = RopeResult.builder(name());
        plan.finish(ws, out);
        out.meta("algorithm", "RoPE-grad Theorem 5.7 (exact, double)");
        out.meta("parts", nw);
        out.meta("threads", Math.min(threads, nw));
        out.meta("millis", (System.nanoTime() - t0) / 1e6);
        if (rules != OffsetPathRules.STANDARD) {
            out.meta("rules", String.valueOf(rules));
        }
        return out.build();
    }

    /** What to compute and the shared read-only inputs; also the shared row-indexed outputs. */
    static final class Plan {
        final OffsetPathRules rules;
        final int n;
        final int d;
        final ScoreScale scale;
        final boolean causal;
        final OffsetWeights w;
        final ScoreRows scores;
        final double[] a1;
        final double[] a2;
        final double[] a3;
        /** {@code E}, or {@code dO} ({@link RopeInstance#upstream()}); {@code c} by {@link #inst}'s {@code c}. */
        final double[] e;
        final RopeInstance inst;
        final double[] h;
        final boolean wantA;
        final boolean wantF;
        final boolean wantP;
        final boolean backward;
        final boolean needG;
        final boolean needDQ;
        final boolean needDK;
        final boolean needDV;
        final Set<Quantity> wanted;
        final PositionFamily family;
        // Row-indexed outputs (each row written by exactly one worker).
        final double[] alpha;
        final double[] att;
        final double[] c;
        final double[] r;
        final double[] dq;
        final double[] aOut;
        final double[] fOut;
        final double[] pOut;

        Plan(RopeInstance inst, Set<Quantity> wanted, OffsetPathRules rules) {
            this.rules = rules;
            this.wanted = EnumSet.noneOf(Quantity.class);
            this.wanted.addAll(wanted);
            this.n = inst.n();
            this.d = inst.d();
            this.scale = rules.scale(inst);
            this.causal = inst.causal();
            this.w = new OffsetWeights(inst.family(), n, rules);
            this.scores = new ScoreRows(inst, w, scale);
            this.a1 = inst.a1().data;
            this.a2 = inst.a2().data;
            this.a3 = inst.a3().data;
            this.e = inst.upstream().data;
            this.inst = inst;
            this.h = DenseOps.mult(a3, n, d, inst.y().data, d);
            this.wantA = wanted.contains(Quantity.A);
            this.wantF = wanted.contains(Quantity.F);
            this.wantP = wanted.contains(Quantity.P);
            boolean bw = false;
            for (Quantity q : wanted) {
                bw |= BACKWARD.contains(q);
            }
            this.backward = bw;
            this.needG = wanted.contains(Quantity.GRAD_X);
            this.needDQ = wanted.contains(Quantity.DQ) || wanted.contains(Quantity.GRAD_WQ)
                    || wanted.contains(Quantity.DQROT);
            this.needDK = wanted.contains(Quantity.DK) || wanted.contains(Quantity.GRAD_WK)
                    || wanted.contains(Quantity.DKROT);
            this.family = inst.family();
            this.needDV = wanted.contains(Quantity.DV) || wanted.contains(Quantity.GRAD_WV);
            this.alpha = new double[n];
            this.att = new double[n * d];
            this.c = new double[n * d];
            this.r = new double[n];
            this.dq = needDQ ? new double[n * d] : null;
            this.aOut = wantA ? new double[n * n] : null;
            this.fOut = wantF ? new double[n * n] : null;
            this.pOut = wantP ? new double[n * n] : null;
        }

        /** Merges the workers' partial sums (in worker order) and emits the wanted quantities. */
        void finish(RowWorker[] ws, RopeResult.Builder out) {
            double loss = 0.0;
            for (RowWorker wk : ws) {
                loss += wk.loss;
            }
            put(out, Quantity.A, aOut, n, n);
            putVector(out, Quantity.ALPHA, alpha);
            put(out, Quantity.F, fOut, n, n);
            put(out, Quantity.H, h, n, d);
            put(out, Quantity.ATTENTION, att, n, d);
            put(out, Quantity.C, c, n, d);
            if (wanted.contains(Quantity.LOSS)) {
                out.putScalar(Quantity.LOSS, 0.5 * loss);
            }
            putVector(out, Quantity.R, r);
            put(out, Quantity.P, pOut, n, n);
            if (needG) {
                put(out, Quantity.GRAD_X, gradient(ws), d * d, d * d);
            }
            if (needDQ) {
                put(out, Quantity.DQ, dq, n, d);
                put(out, Quantity.GRAD_WQ, DenseOps.transposeMult(a1, n, d, dq, d), d, d);
                putRotated(out, Quantity.DQROT, dq);
            }
            if (needDK) {
                double[] dk = merge(ws, wk -> wk.dk, n * d);
                for (int t = 0; t < dk.length; t++) {
                    dk[t] = scale.apply(dk[t]);
                }
                put(out, Quantity.DK, dk, n, d);
                put(out, Quantity.GRAD_WK, DenseOps.transposeMult(a2, n, d, dk, d), d, d);
                putRotated(out, Quantity.DKROT, dk);
            }
            if (needDV) {
                double[] dv = merge(ws, wk -> wk.dv, n * d);
                put(out, Quantity.DV, dv, n, d);
                put(out, Quantity.GRAD_WV, DenseOps.transposeMult(a3, n, d, dv, d), d, d);
            }
        }

        /** {@code G[(a,c), (b_k,e_k)] = (Σ_m M_m[a,c] W_m[k]) / d}; zero off the support (Lemma 5.3 grouped by offset). */
        private double[] gradient(RowWorker[] ws) {
            int dd = d * d;
            int offsets = 2 * n - 1;
            double[] mm = merge(ws, wk -> wk.m, offsets * dd);
            double[] g = new double[dd * dd];
            for (int ac = 0; ac < dd; ac++) {
                for (int kk = 0; kk < w.size; kk++) {
                    double acc = 0.0;
                    for (int idx = 0; idx < offsets; idx++) {
                        acc += mm[idx * dd + ac] * w.w[idx * w.size + kk];
                    }
                    g[ac * dd + w.pair[kk]] = scale.apply(acc);
                }
            }
            return g;
        }

        private interface Part {
            double[] of(RowWorker w);
        }

        private static double[] merge(RowWorker[] ws, Part part, int len) {
            double[] out = part.of(ws[0]).clone();
            for (int t = 1; t < ws.length; t++) {
                double[] x = part.of(ws[t]);
                for (int i = 0; i < len; i++) {
                    out[i] += x[i];
                }
            }
            return out;
        }

        private void put(RopeResult.Builder out, Quantity q, double[] v, int rows, int cols) {
            if (v != null && wanted.contains(q)) {
                out.put(q, DMatrixRMaj.wrap(rows, cols, v));
            }
        }

        /**
         * {@code g_i R_i} (MATH §9: {@code dQrot_i = dQ_i R_i}), the rotation at position {@code i} in
         * double ({@link RopeFamily#rotate}); the identity for the identity family.
         */
        private void putRotated(RopeResult.Builder out, Quantity q, double[] g) {
            if (!wanted.contains(q)) {
                return;
            }
            DMatrixRMaj m = DMatrixRMaj.wrap(n, d, g.clone());
            out.put(q, family instanceof RopeFamily ? ((RopeFamily) family).rotate(m) : m);
        }

        private void putVector(RopeResult.Builder out, Quantity q, double[] v) {
            if (wanted.contains(q)) {
                out.putVector(q, v);
            }
        }
    }
}
