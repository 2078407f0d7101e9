package dev.ropecheck.contract;

import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.bounds.RoundingClass;
import dev.ropecheck.check.RoundingTolerance;
import dev.ropecheck.check.ToleranceModel;
import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.bounds.QuantityBound;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.gen.KernelSpec;
import org.quicktheories.core.Gen;

/**
 * The contract suite for the exact double engine (Theorem 5.7) against the componentwise fp64 rounding
 * model ({@code ComponentwiseRoundingBound}; {@link ExactRoundingModel} for a general X or an explicit family).
 */
class ExactEngineContractTest extends EngineContract {
    @Override
    protected RopeAttentionEngine engine() {
        return new RopeExactEngine_F64();
    }

    @Override
    protected QuantityBound bound() {
        return new ExactRoundingModel();
    }

    /** The componentwise fp64 rounding model (any evaluation order); ExactRoundingModel where it does not apply. */
    @Override
    protected ToleranceModel tolerance() {
        return new RoundingTolerance(RoundingClass.worstCase(FloatFormat.FP64));
    }

    /** The componentwise model's domain: weights, RoPE or identity (ExactRoundingModel covers 1/d, no mask only). */
    @Override
    protected Gen<KernelSpec> kernelSpecs() {
        return KernelSpec.projected(maxN(), maxD());
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
