package dev.ropecheck.bounds;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * Componentwise forward-error bounds for any correct floating-point evaluation of RoPE attention
 * and its gradient (MATH §1–3; RoPE-grad Defs. 3.12–3.17, Lemma 4.1, Lemmas 5.1–5.3): for every
 * entry of every field, a rigorous bound on {@code |computed - exact|} built from the magnitudes of
 * the terms that make up that entry (for {@code attention}, {@code Σ_j f_ij |h_jl|}; for {@code dK},
 * the {@code |p| |Q|} sums; ...), never from the largest entry of a field.
 *
 * <p>The evaluation covered: any order of every sum (recursive, pairwise, blocked, with or without
 * FMA), the row-max or any other softmax shift, and FlashAttention-style online softmax with up to
 * {@code n - 1} rescalings of a running sum; every stored value rounded to the storage format of the
 * {@link RoundingClass}, sums and products in its accumulator format; {@code exp}, {@code cos},
 * {@code sin}, {@code pow} within one ulp; RoPE tables from angles {@code pos * theta_k} evaluated in
 * the accumulator format (so the angle error grows with the position, as in real fp32 kernels).
 * Derivation, stage by stage, with every symbol used here: {@code proofs-notes/componentwise-rounding.md}.
 *
 * <p>Preconditions (checked, {@link IllegalArgumentException} otherwise): the instance has
 * {@code W_Q, W_K} (weights, not a general {@code X}), and its family is RoPE (either layout) or the
 * identity. Inputs that are not exact in the storage format get the rounding of storing them.
 *
 * <p>The magnitudes are evaluated in binary64 from the instance; every quantity a magnitude is read
 * from is padded by {@link #PAD} times the sum of the absolute values of its terms, and every bound
 * is multiplied by {@link #SAFETY}, which covers the rounding of this evaluation itself.
 *
 * <p>Expected tightness: a worst-case bound in the sense of Higham's {@code γ_k}. Correct
 * implementations measure 1e-3 to 5e-2 of it on the forward fields at small {@code n}, and far less on
 * the gradients at large {@code n} (err/allowed medians 1e-8 to 1e-3 at n = 512..4096, d = 8..64:
 * the entry errors pass through two cancelling sums on the way to the weight gradients), so in fp32 the
 * gradient fields can be too coarse to resolve a relative change of 1e-3 ({@code check --resolution}).
 */
public final class ComponentwiseRoundingBound {
    /** Relative pad on magnitudes prone to cancellation (binary64 evaluation of a sum). */
    static final double PAD = 0x1p-40;
    /** Factor on every final bound covering the binary64 evaluation of the bound. */
    static final double SAFETY = 1 + 0x1p-20;
    /** Relative error of a computed {@code theta_k}: pow and reciprocal within one ulp, with margin. */
    static final double THETA_ULPS = 4;
    /**
     * Roundings a term may pass through on account of the score scale {@code sigma} (the instance's
     * double, {@code specs/score-scale.md}): {@code sigma} or {@code sqrt(sigma)} evaluated and stored
     * (2, twice for {@code sqrt(sigma)} applied to both {@code q} and {@code k}, as PyTorch's math
     * attention does) and the multiplications by it (2): 6 in all, for scores, {@code dQ}, {@code dK}
     * and {@code G}.
     */
    static final long SCALE_ROUNDINGS = 6;
    /** Rows per chunk of the parallel pass (fixed, so results do not depend on the thread count). */
    static final int CHUNKS = 8;

    private final RoundingClass cls;
    private final int threads;

    /** A bound for {@code cls}, evaluated on every available processor. */
    public ComponentwiseRoundingBound(RoundingClass cls) {
        this(cls, Runtime.getRuntime().availableProcessors());
    }

    public ComponentwiseRoundingBound(RoundingClass cls, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + " must be at least 1");
        }
        this.cls = cls;
        this.threads = threads;
    }

    public RoundingClass roundingClass() {
        return cls;
    }

    /** The fields this model bounds for {@code instance} (empty when its preconditions fail). */
    public static Set<Quantity> supported(RopeInstance instance) {
        if (!instance.hasWeights() || !(instance.family() instanceof RopeFamily || instance.family() instanceof IdentityFamily)) {
            return EnumSet.noneOf(Quantity.class);
        }
        return EnumSet.allOf(Quantity.class);
    }

    /** Why {@link #supported} is empty for {@code instance}, or "" when it is not. */
    public static String unsupportedReason(RopeInstance instance) {
        if (!instance.hasWeights()) {
            return "the componentwise rounding model needs X given as W_Q ⊗ W_K (a general X has no projection structure)";
        }
        if (!(instance.family() instanceof RopeFamily || instance.family() instanceof IdentityFamily)) {
            return "the componentwise rounding model covers the RoPE and identity families, not " + instance.family().name();
        }
        return "";
    }

    /**
     * Per-entry bounds on {@code |computed - exact|} for each field of {@code fields}, as matrices of
     * the fields' shapes.
     */
    public Map<Quantity, DMatrixRMaj> allowed(RopeInstance instance, Set<Quantity> fields) {
        String why = unsupportedReason(instance);
        if (!why.isEmpty()) {
            throw new IllegalArgumentException(why);
        }
        return new ComponentwiseEvaluation(cls, threads, instance, fields).run();
    }
}
