package dev.ropecheck.contract;

import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.bounds.QuantityBound;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.exact.ExactEngine;

/** The contract suite for the exact double engine (Theorem 5.7) against {@link ExactRoundingModel}. */
class ExactEngineContractTest extends EngineContract {
    @Override
    protected RopeAttentionEngine engine() {
        return new ExactEngine();
    }

    @Override
    protected QuantityBound bound() {
        return new ExactRoundingModel();
    }

    @Override
    protected int maxN() {
        return 12;
    }

    @Override
    protected int maxD() {
        return 6;
    }
}
