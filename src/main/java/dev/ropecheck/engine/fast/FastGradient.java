package dev.ropecheck.engine.fast;

import dev.ropecheck.bounds.FastGradientBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The outcome of a fast gradient pass (RoPE-grad Section 6, MATH §6): the forward pass it builds on,
 * {@code r~}, {@code G~} ({@code d^2 x d^2}), {@code dQ~, dK~} (weights only), {@code dV~ = f~^T c~}
 * and the weight gradients {@code A1^T dQ~}, {@code A2^T dK~}, {@code A3^T dV~}, with the certified
 * {@link FastGradientBound}. Never holds an {@code n x n} matrix.
 */
public final class FastGradient {
    /** The gradient quantities the fast engines add to {@link FastForward#QUANTITIES}. */
    public static final Set<Quantity> QUANTITIES = EnumSet.of(Quantity.R, Quantity.GRAD_X, Quantity.DQ, Quantity.DK,
            Quantity.DV, Quantity.GRAD_WQ, Quantity.GRAD_WK, Quantity.GRAD_WV, Quantity.DQROT, Quantity.DKROT);

    private final FastForward forward;
    private final FastGradientBound bound;
    private final Map<Quantity, DMatrixRMaj> values = new EnumMap<>(Quantity.class);

    FastGradient(FastForward forward, FastGradientBound bound) {
        this.forward = forward;
        this.bound = bound;
    }

    void put(Quantity q, DMatrixRMaj v) {
        values.put(q, v);
    }

    /**
     * Adds the weight gradients {@code A1^T dQ}, {@code A2^T dK}, {@code A3^T dV} for what is present,
     * and for a rotation family {@code dQrot_i = dQ_i R_i}, {@code dKrot_j = dK_j R_j} (MATH §9).
     */
    void weightGradients(RopeInstance in) {
        if (values.containsKey(Quantity.DQ)) {
            values.put(Quantity.GRAD_WQ, transposeTimes(in.a1(), values.get(Quantity.DQ)));
            putRotated(in, Quantity.DQROT, values.get(Quantity.DQ));
        }
        if (values.containsKey(Quantity.DK)) {
            values.put(Quantity.GRAD_WK, transposeTimes(in.a2(), values.get(Quantity.DK)));
            putRotated(in, Quantity.DKROT, values.get(Quantity.DK));
        }
        if (values.containsKey(Quantity.DV)) {
            values.put(Quantity.GRAD_WV, transposeTimes(in.a3(), values.get(Quantity.DV)));
        }
    }

    private void putRotated(RopeInstance in, Quantity q, DMatrixRMaj pre) {
        if (in.family() instanceof dev.ropecheck.model.RopeFamily) {
            values.put(q, ((dev.ropecheck.model.RopeFamily) in.family()).rotate(pre));
        } else if (in.family() instanceof dev.ropecheck.model.IdentityFamily) {
            values.put(q, pre.copy());
        }
    }

    static DMatrixRMaj transposeTimes(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj out = new DMatrixRMaj(a.numCols, b.numCols);
        CommonOps_DDRM.multTransA(a, b, out);
        return out;
    }

    public FastForward forward() {
        return forward;
    }

    public FastGradientBound bound() {
        return bound;
    }

    public boolean has(Quantity q) {
        return values.containsKey(q);
    }

    /** A copy of {@code q}'s value. */
    public DMatrixRMaj get(Quantity q) {
        DMatrixRMaj m = values.get(q);
        if (m == null) {
            throw new IllegalArgumentException("the fast gradient pass did not compute " + q.key());
        }
        return m.copy();
    }

    RopeResult toResult(String engine, Set<Quantity> wanted) {
        Set<Quantity> fwd = EnumSet.noneOf(Quantity.class);
        for (Quantity q : wanted) {
            if (FastForward.QUANTITIES.contains(q)) {
                fwd.add(q);
            }
        }
        RopeResult base = forward.toResult(engine, fwd);
        RopeResult.Builder b = RopeResult.builder(engine);
        for (Quantity q : fwd) {
            b.put(q, base.get(q));
        }
        for (Quantity q : wanted) {
            if (!fwd.contains(q)) {
                b.put(q, get(q));
            }
        }
        base.metadata().forEach(b::meta);
        b.meta("gradientBound", bound);
        return b.build();
    }

    /** The quantities an engine supports: forward ones plus the gradient ones ({@code dQ, dK} need weights). */
    static Set<Quantity> supported(RopeInstance in) {
        Set<Quantity> s = EnumSet.copyOf(FastForward.QUANTITIES);
        for (Quantity q : QUANTITIES) {
            if ((in.hasWeights() || !q.needsWeights())
                    && (!q.needsRotation() || dev.ropecheck.engine.RopeAttentionEngine.hasRotation(in))) {
                s.add(q);
            }
        }
        return s;
    }

    /** True when any of {@code wanted} is a gradient quantity. */
    static boolean wantsGradient(Set<Quantity> wanted) {
        for (Quantity q : wanted) {
            if (QUANTITIES.contains(q)) {
                return true;
            }
        }
        return false;
    }

    /** Rejects what neither pass computes, naming the quantity. */
    static void requireSupported(String engine, RopeInstance in, Set<Quantity> wanted) {
        Set<Quantity> ok = supported(in);
        for (Quantity q : wanted) {
            if (!ok.contains(q)) {
                throw new IllegalArgumentException(engine + " does not compute " + q.key() + (q.needsWeights()
                        ? " for an instance given by X (it needs W_Q and W_K)" : " (fast engines never form n x n)"));
            }
        }
    }
}
