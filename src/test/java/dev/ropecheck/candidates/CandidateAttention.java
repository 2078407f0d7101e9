package dev.ropecheck.candidates;

import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import org.ejml.data.DMatrixRMaj;

/**
 * Independent low-precision RoPE attention kernels — forward, loss and gradients, written from MATH
 * §1–3 and §9 as a kernel author would, sharing no code with the project's engines — for the
 * {@code check} guard suite (issue 9, points 4 and 6): correct variants must pass their precision
 * class, the {@link Bug} variants must fail.
 *
 * <p>Computes, with {@code Q = A1 W_Q}, {@code K = A2 W_K}, {@code V = A3 W_V}, the rotated rows
 * {@code qrot_i = Q_i R_i}, {@code krot_j = K_j R_j} (RoPE, {@code R_pos} the rotation at position
 * {@code pos}, MATH §1; {@code R = I} for the identity family), {@code s_ij = sigma <qrot_i, krot_j>},
 * {@code sigma = 1/d} (MATH §0): {@code h = V}, {@code attention}, {@code alpha},
 * {@code c = Att - E}, {@code loss = (1/2) Σ c^2}, {@code r_i = <c_i, Att_i>}, {@code dQ, dK} with
 * respect to the pre-rotation {@code Q, K} ({@code dQ_i = dQrot_i R_i^T}, MATH §9), {@code dV},
 * {@code gradWQ = A1^T dQ}, {@code gradWK = A2^T dK}, {@code gradWV = A3^T dV} (MATH §3), in the
 * {@link Summation} order asked for (see there, and {@link RowSoftmaxPass}, {@link OnlineSoftmaxPass},
 * {@link AttentionPass}).
 *
 * <p><b>Precision semantics.</b>
 * <ul>
 *   <li>{@link FloatFormat#FP64}: every operation in Java double; RoPE {@code cos/sin} are
 *       {@code Math.cos/Math.sin} of the double angle {@code pos * theta_k},
 *       {@code theta_k = }{@link RopeFamily#theta(int)}.
 *   <li>{@link FloatFormat#FP32}: every operation and every stored value in IEEE binary32 (see
 *       {@link Arith} for how binary32 operations are carried out bit for bit), including the RoPE
 *       tables built as an fp32 kernel does: {@code inv_freq_k = (float)(1 / Math.pow(base, 2k/d))},
 *       {@code angle = (float) pos * inv_freq_k} in float, {@code cos/sin} of the float angle rounded
 *       to float.
 *   <li>{@link FloatFormat#BF16}, {@link FloatFormat#FP16}: correctly rounded
 *       ({@link FloatFormat#round}) to the storage format are the inputs ({@code A1, A2, A3, E, W_Q,
 *       W_K, W_V}), the projections {@code Q, K, V}, the rotated {@code qrot, krot}, the fp32 cos/sin
 *       tables, {@code P} before the {@code P·V} product, the outputs {@code Att}, {@code dO = c},
 *       {@code g = sigma·dS} before the {@code dQ/dK} products, {@code dQrot, dKrot} before the
 *       back-rotation, and every returned field; every sum and product accumulates in binary32;
 *       the softmax statistics ({@code m, l, lse}) stay binary32 until {@code alpha} is returned.
 *   <li>{@code alpha_i = Σ_j exp(s_ij)} summed in the order's accumulation for {@link Summation#NAIVE}
 *       and {@link Summation#PAIRWISE}; {@code exp(m_i) * l_i} in the accumulator format for
 *       {@link Summation#BLOCKED_ONLINE_SOFTMAX}.
 *   <li>Projections, {@code r}, the loss and the weight gradients are sums over {@code d} or {@code n}
 *       in the order's accumulation (blocked in tiles of {@code Bc} rows for the weight gradients and
 *       the loss under {@code BLOCKED_ONLINE_SOFTMAX}, whose sums over {@code d} are straight);
 *       {@code loss = st(0.5 * Σ c_il^2)}; weight gradients use the stored {@code dQ, dK, dV}.
 *   <li>A {@link Bug}'s change of an output ({@code ×1000}, {@code ×1.2}, {@code ×(1 + 1e-3)},
 *       {@code ×(1 + 1e-6)}) is applied in double and rounded to the storage format, so a change below
 *       the format's resolution can vanish in bf16/fp16.
 * </ul>
 * Results are bitwise reproducible: one thread, fixed orders, no fused multiply-add.
 *
 * <p>Preconditions: {@code inst.hasWeights()}; the family is {@link RopeFamily} (either layout) or
 * {@link IdentityFamily}; for NAIVE/PAIRWISE {@code |s_ij|} below the accumulator's {@code exp}
 * overflow (88 in binary32). Time {@code O(n^2 d)}, memory {@code O(n d log n)} (pairwise) or
 * {@code O(n d)} besides two length-{@code n} rows.
 */
public final class CandidateAttention {
    /** FlashAttention-2's key tile {@code Bc} by default. */
    public static final int DEFAULT_BLOCK = 64;

    private CandidateAttention() {
    }

    /** {@link #compute(RopeInstance, FloatFormat, Summation, Bug, int, int, int)} with {@code Bc = 64}, largest entry. */
    public static RopeResult compute(RopeInstance inst, FloatFormat fmt, Summation order, Bug bug) {
        return compute(inst, fmt, order, bug, DEFAULT_BLOCK);
    }

    /** {@link #compute(RopeInstance, FloatFormat, Summation, Bug, int, int, int)} for the largest entry. */
    public static RopeResult compute(RopeInstance inst, FloatFormat fmt, Summation order, Bug bug, int blockSize) {
        return compute(inst, fmt, order, bug, blockSize, -1, -1);
    }

    /**
     * The candidate's result.
     *
     * @param blockSize {@code Bc >= 1}, the tile of {@link Summation#BLOCKED_ONLINE_SOFTMAX} (ignored by the others)
     * @param entryRow row of the entry {@link Bug#ONE_ATTENTION_ENTRY_1E3} / {@link Bug#ONE_GRAD_WQ_ENTRY_1E6}
     *     perturbs, or -1 (with {@code entryCol = -1}) for the entry of largest absolute value
     *     ({@link #largestEntry}, computed on the correct field)
     * @param entryCol its column, or -1
     */
    public static RopeResult compute(RopeInstance inst, FloatFormat fmt, Summation order, Bug bug, int blockSize,
            int entryRow, int entryCol) {
        if (inst == null || fmt == null || order == null || bug == null) {
            throw new IllegalArgumentException("instance, format, order and bug must all be given");
        }
        if (!inst.hasWeights()) {
            throw new IllegalArgumentException("candidate kernels need W_Q and W_K (an instance given by X has no Q, K)");
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be >= 1, got " + blockSize);
        }
        PositionFamily family = inst.family();
        if (!(family instanceof RopeFamily) && !(family instanceof IdentityFamily)) {
            throw new IllegalArgumentException("candidate kernels support the RoPE and identity families, not "
                    + family.name());
        }
        long t0 = System.nanoTime();
        int n = inst.n();
        int d = inst.d();
        Arith ar = new Arith(fmt, d);
        boolean pw = order == Summation.PAIRWISE;
        double[] a1 = ar.storeAll(inst.a1().data);
        double[] a2 = ar.storeAll(inst.a2().data);
        double[] a3 = ar.storeAll(inst.a3().data);
        double[] e = ar.storeAll(inst.e().data);
        double[] wq = ar.storeAll(inst.wq().data);
        double[] wk = ar.storeAll(inst.wk().data);
        double[] wv = ar.storeAll(inst.wv().data);
        double[] q = project(a1, wq, n, d, ar, pw);
        double[] k = project(a2, wk, n, d, ar, pw);
        double[] v = project(a3, wv, n, d, ar, pw);

        RopeTables tables = null;
        if (family instanceof RopeFamily) {
            RopeFamily rope = (RopeFamily) family;
            RopeFamily.Layout layout = rope.layout();
            if (bug == Bug.WRONG_ROPE_LAYOUT) {
                layout = layout == RopeFamily.Layout.INTERLEAVED ? RopeFamily.Layout.HALF_SPLIT
                        : RopeFamily.Layout.INTERLEAVED;
            }
            tables = new RopeTables(rope, layout, n, ar, bug == Bug.FLIPPED_SIN);
        }
        double[] qrot = rotateAll(q, tables, n, d, ar);
        double[] krot = rotateAll(k, tables, n, d, ar);
        double sigma = ar.op(bug == Bug.SCALE_SQRT_D ? 1.0 / Math.sqrt(d) : 1.0 / d);
        boolean wrongAxis = bug == Bug.SOFTMAX_WRONG_AXIS;
        AttentionPass pass = order == Summation.BLOCKED_ONLINE_SOFTMAX
                ? new OnlineSoftmaxPass(n, d, sigma, ar, blockSize, qrot, krot, v, e, wrongAxis)
                : new RowSoftmaxPass(n, d, sigma, ar, order, qrot, krot, v, e, wrongAxis);
        pass.run();

        double[] dQ = pass.dQrot;
        double[] dK = pass.dKrot;
        if (tables != null && bug != Bug.DQ_ROTATED) {
            dQ = new double[n * d];
            dK = new double[n * d];
            for (int i = 0; i < n; i++) {
                tables.rotateBack(pass.dQrot, i * d, i, dQ, i * d, ar);
                tables.rotateBack(pass.dKrot, i * d, i, dK, i * d, ar);
            }
        }
        double[] c = pass.c;
        double[] att = pass.att;
        Accumulator lossSum = Accumulator.of(order, 1, ar, blockSize);
        for (int t = 0; t < n * d; t++) {
            lossSum.put(0, ar.op(c[t] * c[t]));
            lossSum.commit();
        }
        double[] sum = new double[1];
        lossSum.finish(sum, 0);
        double loss = ar.st(ar.op(0.5 * sum[0]));
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = ar.st(ar.dot(c, i * d, 1, att, i * d, 1, d, pw));
        }
        double[] gradWQ = weightGradient(a1, dQ, n, d, ar, order, blockSize);
        double[] gradWK = weightGradient(a2, dK, n, d, ar, order, blockSize);
        double[] gradWV = weightGradient(a3, pass.dV, n, d, ar, order, blockSize);
        double[] alpha = ar.storeAll(pass.alpha.clone());

        DMatrixRMaj attention = new DMatrixRMaj(n, d, true, att);
        DMatrixRMaj gWQ = new DMatrixRMaj(d, d, true, gradWQ);
        DMatrixRMaj gWK = new DMatrixRMaj(d, d, true, gradWK);
        switch (bug) {
            case TRANSPOSED_GRAD_WK:
                gWK = transpose(gWK);
                break;
            case GRAD_WK_TIMES_1_2:
                scale(gWK, 1.2, ar);
                break;
            case GRAD_WK_TIMES_1_PLUS_1E3:
                scale(gWK, 1 + 1e-3, ar);
                break;
            case GRAD_WK_ZERO:
                scale(gWK, 0, ar);
                break;
            case ALPHA_TIMES_1000:
                for (int i = 0; i < n; i++) {
                    alpha[i] = ar.st(alpha[i] * 1000);
                }
                break;
            case ONE_ATTENTION_ENTRY_1E3:
                perturbOne(attention, 1 + 1e-3, entryRow, entryCol, ar);
                break;
            case ONE_GRAD_WQ_ENTRY_1E6:
                perturbOne(gWQ, 1 + 1e-6, entryRow, entryCol, ar);
                break;
            default:
                break;
        }
        long t1 = System.nanoTime();
        return RopeResult.builder("candidate")
                .put(Quantity.H, new DMatrixRMaj(n, d, true, v))
                .put(Quantity.ATTENTION, attention)
                .putVector(Quantity.ALPHA, alpha)
                .put(Quantity.C, new DMatrixRMaj(n, d, true, c))
                .putScalar(Quantity.LOSS, loss)
                .putVector(Quantity.R, r)
                .put(Quantity.DQ, new DMatrixRMaj(n, d, true, dQ))
                .put(Quantity.DK, new DMatrixRMaj(n, d, true, dK))
                .put(Quantity.DV, new DMatrixRMaj(n, d, true, pass.dV))
                .put(Quantity.GRAD_WQ, gWQ)
                .put(Quantity.GRAD_WK, gWK)
                .put(Quantity.GRAD_WV, new DMatrixRMaj(d, d, true, gradWV))
                .meta("dtype", fmt.label())
                .meta("summation", order)
                .meta("block", blockSize)
                .meta("bug", bug)
                .meta("time_ms", String.format(java.util.Locale.ROOT, "%.1f", (t1 - t0) / 1e6))
                .build();
    }

    /**
     * The index {@code {row, col}} of the entry of largest absolute value (the first in row-major order
     * on ties), the entry the one-entry bugs perturb by default.
     */
    public static int[] largestEntry(DMatrixRMaj m) {
        int best = 0;
        for (int t = 1; t < m.data.length && t < m.numRows * m.numCols; t++) {
            if (Math.abs(m.data[t]) > Math.abs(m.data[best])) {
                best = t;
            }
        }
        return new int[] {best / m.numCols, best % m.numCols};
    }

    /** {@code st(A W)} ({@code n x d} times {@code d x d}), each entry a dot product over {@code d}. */
    private static double[] project(double[] a, double[] w, int n, int d, Arith ar, boolean pw) {
        double[] out = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < d; b++) {
                out[i * d + b] = ar.st(ar.dot(a, i * d, 1, w, b, d, d, pw));
            }
        }
        return out;
    }

    private static double[] rotateAll(double[] x, RopeTables tables, int n, int d, Arith ar) {
        if (tables == null) {
            return x.clone();
        }
        double[] out = new double[n * d];
        for (int i = 0; i < n; i++) {
            tables.rotate(x, i * d, i, out, i * d, ar);
        }
        return out;
    }

    /** {@code st(A^T G)}: {@code Σ_i A_i^T G_i} in the order's accumulation over the rows. */
    private static double[] weightGradient(double[] a, double[] g, int n, int d, Arith ar, Summation order,
            int block) {
        Accumulator acc = Accumulator.of(order, d * d, ar, block);
        for (int i = 0; i < n; i++) {
            for (int x = 0; x < d; x++) {
                acc.putProducts(x * d, a[i * d + x], g, i * d, d);
            }
            acc.commit();
        }
        double[] out = new double[d * d];
        acc.finish(out, 0);
        return ar.storeAll(out);
    }

    private static DMatrixRMaj transpose(DMatrixRMaj m) {
        DMatrixRMaj t = new DMatrixRMaj(m.numCols, m.numRows);
        for (int x = 0; x < m.numRows; x++) {
            for (int y = 0; y < m.numCols; y++) {
                t.unsafe_set(y, x, m.unsafe_get(x, y));
            }
        }
        return t;
    }

    private static void scale(DMatrixRMaj m, double factor, Arith ar) {
        for (int t = 0; t < m.data.length; t++) {
            m.data[t] = ar.st(m.data[t] * factor);
        }
    }

    private static void perturbOne(DMatrixRMaj m, double factor, int row, int col, Arith ar) {
        int[] at = row < 0 && col < 0 ? largestEntry(m) : new int[] {row, col};
        if (at[0] < 0 || at[0] >= m.numRows || at[1] < 0 || at[1] >= m.numCols) {
            throw new IllegalArgumentException("entry [" + row + "][" + col + "] is outside " + m.numRows + " x "
                    + m.numCols);
        }
        m.unsafe_set(at[0], at[1], ar.st(m.unsafe_get(at[0], at[1]) * factor));
    }
}
