package dev.ropecheck.contract;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.approx.Method;
import dev.ropecheck.bounds.FastGradientBound;
import dev.ropecheck.bounds.QuantityBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.fast.RopeLowRankEngine_F64;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract suite for the RoPE low-rank engine (MATH §5–6; RoPE-grad Lemmas 6.2–6.6, Theorem 6.7)
 * against the reference, within {@link FastGradientBound}: RoPE (both layouts) and identity families
 * with weights, bounded entries {@code B <= 0.5}.
 */
class LowRankEngineContractTest extends FastEngineContract {

    @Override
    protected RopeAttentionEngine engine() {
        return new RopeLowRankEngine_F64(EPS, Method.CHEBYSHEV);
    }

    @Override
    protected QuantityBound bound() {
        RopeLowRankEngine_F64 e = new RopeLowRankEngine_F64(EPS, Method.CHEBYSHEV);
        return FastGradientBound.forEngine(in -> e.forward(in).bound());
    }

    @Override
    protected List<FamilyKind> families() {
        return List.of(FamilyKind.ROPE_INTERLEAVED, FamilyKind.ROPE_HALF_SPLIT, FamilyKind.IDENTITY);
    }

    @Override
    protected boolean weightsOnly() {
        return true;
    }

    /** The low-rank engine needs weights: an instance given by {@code X} is rejected whatever is asked. */
    @Override
    @Test
    @DisplayName("the engine rejects an instance given by X, naming W_Q and W_K")
    void rejectsUnsupportedQuantities() {
        RopeInstance viaX = new InstanceSpec(3, 2, FamilyKind.IDENTITY, 0.5, false, 5L).build();
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> engine().compute(viaX, EnumSet.of(Quantity.LOSS)));
        assertTrue(ex.getMessage().contains("W_Q"), ex.getMessage());
        RopeInstance explicit = new InstanceSpec(3, 2, FamilyKind.EXPLICIT, 0.5, true, 5L).build();
        ex = assertThrows(IllegalArgumentException.class, () -> engine().compute(explicit, EnumSet.of(Quantity.DQ)));
        assertTrue(ex.getMessage().contains("family"), ex.getMessage());
        RopeInstance ok = new InstanceSpec(3, 2, FamilyKind.IDENTITY, 0.5, true, 5L).build();
        ex = assertThrows(IllegalArgumentException.class, () -> engine().compute(ok, EnumSet.of(Quantity.P)));
        assertTrue(ex.getMessage().contains("p"), ex.getMessage());
    }
}
