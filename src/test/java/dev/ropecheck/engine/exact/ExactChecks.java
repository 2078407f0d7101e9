package dev.ropecheck.engine.exact;

import dev.ropecheck.bounds.Deviation;
import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The engine-vs-naive property shared by the accuracy test and the fault (power) tests: every
 * quantity of {@code engine} must lie within the sum of the two rounding-model bounds
 * ({@link ExactRoundingModel} with the engine's counts, plus with the naive evaluator's counts) of
 * {@link NaiveRopeAttention}'s value. Both bounds are against the true value, so their sum bounds
 * the difference.
 */
final class ExactChecks {
    private ExactChecks() {
    }

    /** Worst measured/allowed ratio seen per quantity (for the report). */
    static final Map<Quantity, Double> WORST = new EnumMap<>(Quantity.class);

    /** Returns the violations (empty when every quantity is within its bound). */
    static List<String> violationsAgainstNaive(RopeExactEngine_F64 engine, RopeInstance inst) {
        RopeResult naive = NaiveRopeAttention.compute(inst);
        RopeResult got = engine.computeAll(inst);
        ExactRoundingModel.Counts naiveCounts = NaiveRopeAttention.counts(inst);
        List<String> bad = new ArrayList<>();
        for (Quantity q : naive.quantities()) {
            if (!got.has(q)) {
                bad.add(q.key() + ": computed by the naive evaluation but the engine returned none");
                continue;
            }
            double allowed = ExactRoundingModel.tolerance(q, inst, null).bound()
                    + ExactRoundingModel.tolerance(q, inst, null, naiveCounts).bound();
            if (!Double.isFinite(allowed)) {
                // Only A and alpha may lack a bound: theirs is a multiple of max A ~ e^beta, and the naive
                // evaluation's model multiplies it further, which overflows for large beta (f, p, ... are
                // normalised and stay comparable). Any other missing bound is a failure.
                if (q == Quantity.A || q == Quantity.ALPHA) {
                    continue;
                }
                bad.add(q.key() + ": no finite bound (" + allowed + ") | "
                        + ExactRoundingModel.tolerance(q, inst, null).explanation());
                continue;
            }
            Deviation dev = Deviation.measure(got.get(q), naive.get(q), allowed);
            if (engine.rules() == OffsetPathRules.STANDARD) {
                synchronized (WORST) {
                    WORST.merge(q, dev.ratio(), Math::max);
                }
            }
            if (!dev.holds()) {
                bad.add(dev.describe(q.key()) + " | " + ExactRoundingModel.tolerance(q, inst, null).explanation());
            }
        }
        return bad;
    }
}
