package dev.ropecheck.contract;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.bounds.Deviation;
import dev.ropecheck.bounds.TensorExactRounding;
import dev.ropecheck.bounds.TensorQuantityBound;
import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.model.TensorInstance;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/** Shared assertions: an engine's quantities against trusted values within a derived bound. */
public final class TensorChecks {
    private TensorChecks() {
    }

    /**
     * Asserts {@code max |computed - trusted| <= bound + comparison slack} for each quantity and returns the
     * worst ratio {@code error / allowed}. Failure messages give the ratio and the replayable spec.
     */
    public static double within(TensorResult computed, TensorResult trusted, TensorQuantityBound bound, TensorInstance in,
            Set<TensorQuantity> qs, Object spec) {
        return within(computed, trusted, bound, in, qs, spec, null);
    }

    /** As above, also folding each quantity's ratio into {@code worstByQuantity} (max) when it is not null. */
    public static double within(TensorResult computed, TensorResult trusted, TensorQuantityBound bound, TensorInstance in,
            Set<TensorQuantity> qs, Object spec, java.util.Map<TensorQuantity, Double> worstByQuantity) {
        double worst = 0;
        assertTrue(!qs.isEmpty(), () -> "no quantity to check (" + computed.engine() + ")\n  spec: " + spec);
        for (TensorQuantity q : qs) {
            assertTrue(computed.has(q), () -> computed.engine() + " returned no " + q.key()
                    + ", which the specs require\n  spec: " + spec);
            assertTrue(trusted.has(q), () -> trusted.engine() + " (trusted) returned no " + q.key() + "\n  spec: " + spec);
            DMatrixRMaj t = trusted.get(q);
            double scale = maxAbs(t);
            double allowed = bound.allowed(q, in, trusted) + TensorExactRounding.comparisonSlack(scale);
            Deviation dev = Deviation.measure(computed.get(q), t, allowed);
            assertTrue(dev.holds(), () -> computed.engine() + " vs " + trusted.engine() + " " + dev.describe(q.key())
                    + "\n  spec: " + spec);
            worst = Math.max(worst, dev.ratio());
            if (worstByQuantity != null) {
                worstByQuantity.merge(q, dev.ratio(), Math::max);
            }
        }
        return worst;
    }

    /** Asserts the all-zeros answer would be rejected for {@code q} (the check is not vacuous). */
    public static void zerosWouldFail(TensorResult trusted, TensorQuantityBound bound, TensorInstance in, TensorQuantity q,
            Object spec) {
        DMatrixRMaj t = trusted.get(q);
        double allowed = bound.allowed(q, in, trusted) + TensorExactRounding.comparisonSlack(maxAbs(t));
        Deviation dev = Deviation.measure(new DMatrixRMaj(t.numRows, t.numCols), t, allowed);
        assertTrue(!dev.holds(), () -> "an all-zero " + q.key() + " would pass: " + dev.describe(q.key()) + "\n  spec: " + spec);
    }

    /**
     * The quantities the specs require of an engine that forms no {@code n x n^2} matrix (the fast engine,
     * Tensor-grad main theorem): {@code alpha, Att, c, L, r, ∇_X L, ∇_Y L} and the weight gradients the
     * instance has weights for. Fixed here, never taken from the engine under test.
     */
    public static Set<TensorQuantity> requiredFast(TensorInstance in) {
        Set<TensorQuantity> s = java.util.EnumSet.of(TensorQuantity.ALPHA, TensorQuantity.ATTENTION, TensorQuantity.C,
                TensorQuantity.LOSS, TensorQuantity.R, TensorQuantity.GRAD_X, TensorQuantity.GRAD_Y);
        if (in.hasKeyWeights()) {
            s.addAll(java.util.EnumSet.of(TensorQuantity.GRAD_WQ, TensorQuantity.GRAD_WK1, TensorQuantity.GRAD_WK2));
        }
        if (in.hasValueWeights()) {
            s.addAll(java.util.EnumSet.of(TensorQuantity.GRAD_WV1, TensorQuantity.GRAD_WV2));
        }
        return s;
    }

    /** What an exact or reference engine must return: {@link #requiredFast} plus {@code A, f, h, p} (MATH §8). */
    public static Set<TensorQuantity> requiredAll(TensorInstance in) {
        Set<TensorQuantity> s = requiredFast(in);
        s.addAll(java.util.EnumSet.of(TensorQuantity.A, TensorQuantity.F, TensorQuantity.H, TensorQuantity.P));
        return s;
    }

    /**
     * Asserts the sign-flipped answer {@code -trusted} would be rejected for {@code q}: its error is
     * {@code 2 max|trusted|}, so this holds whenever zeros are rejected; stated separately so that a
     * check comparing magnitudes only is caught.
     */
    public static void signFlipWouldFail(TensorResult trusted, TensorQuantityBound bound, TensorInstance in, TensorQuantity q,
            Object spec) {
        DMatrixRMaj t = trusted.get(q);
        double allowed = bound.allowed(q, in, trusted) + TensorExactRounding.comparisonSlack(maxAbs(t));
        DMatrixRMaj flipped = t.copy();
        for (int k = 0; k < flipped.data.length; k++) {
            flipped.data[k] = -flipped.data[k];
        }
        Deviation dev = Deviation.measure(flipped, t, allowed);
        assertTrue(!dev.holds(), () -> "a sign-flipped " + q.key() + " would pass: " + dev.describe(q.key())
                + "\n  spec: " + spec);
    }

    public static double maxAbs(DMatrixRMaj m) {
        return dev.ropecheck.model.Matrices.maxAbs(m);
    }
}
