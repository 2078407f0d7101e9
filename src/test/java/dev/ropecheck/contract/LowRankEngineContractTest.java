package dev.ropecheck.contract;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.approx.Method;
import dev.ropecheck.bounds.FastGradientBound;
import dev.ropecheck.bounds.QuantityBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.fast.LowRankEngine;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The contract suite for the RoPE low-rank engine (MATH §5–6; RoPE-grad Lemmas 6.2–6.6, Theorem 6.7)
 * against the reference, within {@link FastGradientBound}: RoPE (both layouts) and identity families
 * with weights, bounded entries {@code B <= 0.5}.
 */
class LowRankEngineContractTest extends EngineContract {

    /**
     * eps of the engine under contract: at 1e-3 the certified gradient bound (Theorem 6.7) exceeds
     * every entry of dQ, dK and the weight gradients on small-B instances, so an all-zero gradient
     * would pass; at 1e-8 every field is constrained and the zero-answer guard holds.
     */
    static final double EPS = 1e-8;

    @Override
    protected RopeAttentionEngine engine() {
        return new LowRankEngine(EPS, Method.CHEBYSHEV);
    }

    @Override
    protected QuantityBound bound() {
        LowRankEngine e = new LowRankEngine(EPS, Method.CHEBYSHEV);
        return FastGradientBound.forEngine(in -> e.forward(in).bound());
    }

    /** The fast engines return every field of MATH §2–3 except the n x n ones (A, f, p). */
    @Override
    protected java.util.Set<Quantity> required(RopeInstance inst) {
        return FastSpecs.required(inst);
    }

    @Override
    protected int examples() {
        return 15;
    }

    @Override
    protected Gen<InstanceSpec> specs() {
        return FastSpecs.specs(maxN(), List.of(FamilyKind.ROPE_INTERLEAVED, FamilyKind.ROPE_HALF_SPLIT,
                FamilyKind.IDENTITY), true);
    }

    /** Replaces the inherited edge cases (the explicit family and the general {@code X} do not apply). */
    @Override
    @Test
    @DisplayName("edge cases: n = 1, d = 2, zero inputs (RoPE, identity)")
    void edgeCases() {
        FastSpecs.edgeCases(this, List.of(FamilyKind.ROPE_INTERLEAVED, FamilyKind.ROPE_HALF_SPLIT,
                FamilyKind.IDENTITY));
    }

    /** Scores near 700 are far outside the bounded-entry regime: a clear rejection naming the cap. */
    @Override
    @Test
    @DisplayName("Lemma 3.4 / MATH §7: scores near +-700 are rejected (rank C(d+g,g) over the cap), not approximated")
    void scoresNearSevenHundred() {
        RopeInstance inst = FastSpecs.scoresNear700();
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> engine().compute(inst, EnumSet.of(Quantity.GRAD_X)));
        assertTrue(ex.getMessage().contains("beta") || ex.getMessage().contains("cap"), ex.getMessage());
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

    @dev.ropecheck.specs.Spec("causal-fast")
    @Test
    @DisplayName("MATH §9, causal-fast.md: causal and scaled instances (n = 1, zero scores, X) within the bound")
    void causalAndScaledCases() {
        CausalContractCases.run(this, List.of(FamilyKind.ROPE_INTERLEAVED, FamilyKind.ROPE_HALF_SPLIT, FamilyKind.IDENTITY), true);
    }
}
