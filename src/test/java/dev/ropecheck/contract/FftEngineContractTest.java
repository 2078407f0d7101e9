package dev.ropecheck.contract;

import dev.ropecheck.approx.Method;
import dev.ropecheck.bounds.FastGradientBound;
import dev.ropecheck.bounds.QuantityBound;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.fast.RopeFftEngine_F64;
import dev.ropecheck.gen.FamilyKind;
import java.util.List;

/**
 * The contract suite for the FFT fast engine (MATH §5–6; RoPE-grad Lemmas 6.2–6.6, Theorem 6.7) against
 * the reference, within {@link FastGradientBound}: all families, weights or a general {@code X},
 * bounded entries {@code B <= 0.5}.
 */
class FftEngineContractTest extends FastEngineContract {

    @Override
    protected RopeAttentionEngine engine() {
        return new RopeFftEngine_F64(EPS, Method.CHEBYSHEV);
    }

    @Override
    protected QuantityBound bound() {
        RopeFftEngine_F64 e = new RopeFftEngine_F64(EPS, Method.CHEBYSHEV);
        return FastGradientBound.forEngine(in -> e.forward(in).bound());
    }

    @Override
    protected List<FamilyKind> families() {
        return List.of(FamilyKind.values());
    }

    @Override
    protected boolean weightsOnly() {
        return false;
    }
}
