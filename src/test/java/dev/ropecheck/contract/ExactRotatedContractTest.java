package dev.ropecheck.contract;

import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.bounds.QuantityBound;
import dev.ropecheck.bounds.RoundingClass;
import dev.ropecheck.check.RoundingTolerance;
import dev.ropecheck.check.ToleranceModel;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.model.RopeInstance;
import java.util.Set;

/**
 * The contract suite for the exact engine's rotated route (RoPE and identity families with
 * {@code W_Q, W_K}; taken whenever {@code gradX} is not requested), against the componentwise fp64
 * rounding model, which holds for any evaluation order (proofs-notes/componentwise-rounding.md §12).
 * Without {@code gradX} among the required fields, explicit families and a general {@code X} run the
 * offset-grouped route as before.
 */
class ExactRotatedContractTest extends EngineContract {
    @Override
    protected RopeAttentionEngine engine() {
        return new RopeExactEngine_F64();
    }

    @Override
    protected QuantityBound bound() {
        return new ExactRoundingModel();
    }

    @Override
    protected ToleranceModel tolerance() {
        return new RoundingTolerance(RoundingClass.worstCase(FloatFormat.FP64));
    }

    /** The componentwise model's domain: weights, RoPE or identity (the rotated route's domain too). */
    @Override
    protected org.quicktheories.core.Gen<dev.ropecheck.gen.KernelSpec> kernelSpecs() {
        return dev.ropecheck.gen.KernelSpec.projected(maxN(), maxD());
    }

    @Override
    protected Set<Quantity> required(RopeInstance inst) {
        Set<Quantity> s = super.required(inst);
        s.remove(Quantity.GRAD_X);
        return s;
    }

    @Override
    protected int maxN() {
        return 12;
    }

    @Override
    protected int maxD() {
        return 6;
    }

    @Override
    protected int examples() {
        return 15;
    }
}
