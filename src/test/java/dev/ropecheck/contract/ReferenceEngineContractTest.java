package dev.ropecheck.contract;

import dev.ropecheck.bounds.QuantityBound;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.reference.RopeReferenceEngine_AP;
import org.ejml.data.DMatrixRMaj;

/**
 * The contract suite for the reference engine itself: at 30 digits against 50 digits. Both round
 * values that agree to well over 17 digits to the nearest double, so they may differ by one rounding
 * each: {@code 2 u max|value|} with {@code u = 2^-53} (the floor {@code 2^-1074} covers subnormal zeros).
 */
class ReferenceEngineContractTest extends EngineContract {
    @Override
    protected RopeAttentionEngine engine() {
        return RopeReferenceEngine_AP.withDigits(30);
    }

    @Override
    protected long referenceDigits() {
        return 50;
    }

    @Override
    protected QuantityBound bound() {
        return (q, inst, trusted) -> {
            DMatrixRMaj t = trusted.get(q);
            double max = 0;
            for (double v : t.data) {
                max = Math.max(max, Math.abs(v));
            }
            return 2 * 0x1p-53 * max + Double.MIN_VALUE;
        };
    }

    @Override
    protected int maxN() {
        return 6;
    }

    @Override
    protected int examples() {
        return 15;
    }
}
