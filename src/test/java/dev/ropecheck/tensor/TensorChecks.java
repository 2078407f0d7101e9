package dev.ropecheck.tensor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.bounds.Deviation;
import dev.ropecheck.tensor.bounds.TensorExactRounding;
import dev.ropecheck.tensor.bounds.TensorQuantityBound;
import dev.ropecheck.tensor.engine.TensorQuantity;
import dev.ropecheck.tensor.engine.TensorResult;
import dev.ropecheck.tensor.model.TensorInstance;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/** Shared assertions: an engine's quantities against trusted values within a derived bound. */
final class TensorChecks {
    private TensorChecks() {
    }

    /**
     * Asserts {@code max |computed - trusted| <= bound + comparison slack} for each quantity and returns the
     * worst ratio {@code error / allowed}. Failure messages give the ratio and the replayable spec.
     */
    static double within(TensorResult computed, TensorResult trusted, TensorQuantityBound bound, TensorInstance in,
            Set<TensorQuantity> qs, Object spec) {
        return within(computed, trusted, bound, in, qs, spec, null);
    }

    /** As above, also folding each quantity's ratio into {@code worstByQuantity} (max) when it is not null. */
    static double within(TensorResult computed, TensorResult trusted, TensorQuantityBound bound, TensorInstance in,
            Set<TensorQuantity> qs, Object spec, java.util.Map<TensorQuantity, Double> worstByQuantity) {
        double worst = 0;
        for (TensorQuantity q : qs) {
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
    static void zerosWouldFail(TensorResult trusted, TensorQuantityBound bound, TensorInstance in, TensorQuantity q,
            Object spec) {
        DMatrixRMaj t = trusted.get(q);
        double allowed = bound.allowed(q, in, trusted) + TensorExactRounding.comparisonSlack(maxAbs(t));
        Deviation dev = Deviation.measure(new DMatrixRMaj(t.numRows, t.numCols), t, allowed);
        assertTrue(!dev.holds(), () -> "an all-zero " + q.key() + " would pass: " + dev.describe(q.key()) + "\n  spec: " + spec);
    }

    static double maxAbs(DMatrixRMaj m) {
        double best = 0;
        for (double v : m.data) {
            best = Math.max(best, Math.abs(v));
        }
        return best;
    }
}
