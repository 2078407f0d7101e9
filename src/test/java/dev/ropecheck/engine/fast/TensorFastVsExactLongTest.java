package dev.ropecheck.engine.fast;

import dev.ropecheck.contract.TensorChecks;
import dev.ropecheck.gen.TensorInstanceSpec;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.approx.Method;
import dev.ropecheck.bounds.Deviation;
import dev.ropecheck.bounds.TensorExactRounding;
import dev.ropecheck.bounds.TensorFastErrorBound;
import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.engine.exact.TensorExactEngine_F64;
import dev.ropecheck.model.TensorInstance;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Long sweep (run with {@code -Plong}): fast vs exact at n = 64, 128, d = 2, 3, B = 0.25, 0.5, both exp methods,
 * eps = 1e-3 and 1e-6, within the transfer bound plus the exact engine's rounding bound (as in
 * {@link FastVsReferenceTest#fastMatchesExactAtModerateN}).
 */
@Tag("long")
class TensorFastVsExactLongTest {

    @Test
    @DisplayName("Tensor-grad main theorem: fast = exact within the transfer bound, n = 64, 128, d = 2, 3")
    void fastMatchesExactSweep() {
        TensorExactEngine_F64 exact = new TensorExactEngine_F64();
        TensorExactRounding exactBound = new TensorExactRounding();
        double worst = 0;
        String worstAt = "";
        for (int n : new int[] {64, 128}) {
            for (int d : new int[] {2, 3}) {
                for (double b : new double[] {0.25, 0.5}) {
                    TensorInstanceSpec spec = new TensorInstanceSpec(n, d, b, d == 2, d == 3, 1000L + n + d);
                    TensorInstance in = spec.build();
                    TensorResult er = exact.computeAll(in);
                    for (Method m : Method.values()) {
                        for (double eps : new double[] {1e-3, 1e-6}) {
                            TensorResult fr = new TensorFastEngine_F64(eps, true, m).computeAll(in);
                            TensorFastErrorBound fb = TensorFastErrorBound.certified(fr);
                            for (TensorQuantity q : TensorChecks.requiredFast(in)) {
                                double allowed = fb.allowed(q, in, er) + exactBound.allowed(q, in, er)
                                        + TensorExactRounding.comparisonSlack(TensorChecks.maxAbs(er.get(q)));
                                Deviation dev = Deviation.measure(fr.get(q), er.get(q), allowed);
                                assertTrue(dev.holds(), dev.describe(q.key()) + "\n  spec: " + spec + " " + m + " eps " + eps);
                                if (dev.ratio() > worst) {
                                    worstAt = q.key() + " " + spec + " " + m + " eps " + eps + " " + fr.metadata();
                                }
                                worst = Math.max(worst, dev.ratio());
                            }
                        }
                    }
                }
            }
        }
        System.out.printf("[tensor fast vs exact, long] worst error/bound = %.3g (%s)%n", worst, worstAt);
    }
}
