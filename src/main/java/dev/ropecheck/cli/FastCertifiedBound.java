package dev.ropecheck.cli;

import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.bounds.FastForwardBound;
import dev.ropecheck.bounds.FastGradientBound;
import dev.ropecheck.bounds.QuantityBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.fast.RopeFftEngine_F64;
import dev.ropecheck.engine.fast.RopeLowRankEngine_F64;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.Map;

/**
 * The allowed error of a polynomial-method (fast) implementation with parameter {@code eps}: the
 * certified bound of {@code dev.ropecheck.bounds.FastForwardBound} (MATH §5 "Error transfer",
 * {@code proofs-notes/fast-forward-error.md}) that this project's fast engine computes for the same
 * instance and {@code eps} and reports in its metadata: {@code boundAttention} ({@code attention}),
 * {@code boundC} ({@code c}), {@code boundAlphaRelative} (times {@code max alpha} for {@code alpha}),
 * {@code boundLoss} ({@code loss}). {@code h = A3 Y} is plain double arithmetic and is judged by
 * {@link ExactRoundingModel}. Gradient quantities ({@code r, gradX, dQ, dK, dV} and the weight
 * gradients) use {@link FastGradientBound} built on the same forward bound (RoPE-grad Theorem 6.7,
 * {@code proofs-notes/fast-gradient-error.md}); anything else has no fast bound: NaN.
 *
 * <p>The bound covers the approximation ({@code delta} of the minimal-degree polynomial with error
 * {@code <= eps}) plus this project's rounding analysis of the expansion; a foreign implementation
 * is held to the same number.
 */
final class FastCertifiedBound implements QuantityBound {
    private final RopeAttentionEngine engine;
    private RopeInstance lastInstance;
    private Map<String, String> lastMeta;

    FastCertifiedBound(RopeAttentionEngine engine) {
        this.engine = engine;
    }

    @Override
    public double allowed(Quantity q, RopeInstance instance, RopeResult trusted) {
        if (FastGradientBound.isGradient(q)) {
            return gradientBound(q, instance, trusted);
        }
        switch (q) {
            case H:
                return new ExactRoundingModel().allowed(q, instance, trusted);
            case ATTENTION:
                return number(instance, "boundAttention");
            case C:
                return number(instance, "boundC");
            case LOSS:
                return number(instance, "boundLoss");
            case ALPHA:
                if (trusted == null || !trusted.has(Quantity.ALPHA)) {
                    return Double.NaN;
                }
                double max = dev.ropecheck.model.Matrices.maxAbs(trusted.get(Quantity.ALPHA));
                // the trusted alpha is within u of the true one: inflate by (1 + 2^-52)
                return number(instance, "boundAlphaRelative") * max * (1 + 0x1.0p-52);
            default:
                return Double.NaN;
        }
    }

    private double gradientBound(Quantity q, RopeInstance instance, RopeResult trusted) {
        FastForwardBound fwd;
        try {
            if (engine instanceof RopeFftEngine_F64) {
                fwd = ((RopeFftEngine_F64) engine).forward(instance).bound();
            } else if (engine instanceof RopeLowRankEngine_F64) {
                fwd = ((RopeLowRankEngine_F64) engine).forward(instance).bound();
            } else {
                return Double.NaN;
            }
        } catch (IllegalArgumentException refused) {
            return Double.NaN;
        }
        double b = new FastGradientBound(fwd, instance).allowed(q, instance, trusted);
        // an infinite bound (delta too large for the transfer) certifies nothing: report "no bound"
        return Double.isFinite(b) ? b : Double.NaN;
    }

    private double number(RopeInstance instance, String key) {
        if (instance != lastInstance) {
            try {
                lastMeta = engine.compute(instance, EnumSet.of(Quantity.ATTENTION)).metadata();
            } catch (IllegalArgumentException refused) {
                // the engine refuses this instance (degree or monomial cap): it certifies nothing here
                lastMeta = java.util.Map.of();
            }
            lastInstance = instance;
        }
        String v = lastMeta.get(key);
        if (v == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
