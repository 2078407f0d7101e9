package dev.ropecheck.contract;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * What the contract suites of the two polynomial-method engines share (MATH §5–6; RoPE-grad Lemmas
 * 6.2–6.6, Theorem 6.7): the required fields, the generated instances over the families the engine
 * covers, the edge cases, the rejection of scores near 700 and the causal and scaled cases. Each
 * subclass names its engine, its bound, its families and whether it needs weights.
 */
abstract class FastEngineContract extends EngineContract {

    /**
     * eps of the engine under contract: at 1e-3 the certified gradient bound (Theorem 6.7) exceeds
     * every entry of dQ, dK and the weight gradients on small-B instances, so an all-zero gradient
     * would pass; at 1e-8 every field is constrained and the zero-answer guard holds.
     */
    static final double EPS = 1e-8;

    /** The families the engine covers. */
    protected abstract List<FamilyKind> families();

    /** True when the engine needs {@code W_Q, W_K} (no general {@code X}). */
    protected abstract boolean weightsOnly();

    /** The fast engines return every field of MATH §2–3 except the n x n ones (A, f, p). */
    @Override
    protected Set<Quantity> required(RopeInstance inst) {
        return FastSpecs.required(inst);
    }

    @Override
    protected int examples() {
        return 15;
    }

    @Override
    protected Gen<InstanceSpec> specs() {
        return FastSpecs.specs(maxN(), families(), weightsOnly());
    }

    /** Replaces the inherited edge cases with those of the engine's families. */
    @Override
    @Test
    @DisplayName("edge cases: n = 1, d = 2, d = 4, zero inputs (the engine's families)")
    void edgeCases() {
        FastSpecs.edgeCases(this, families());
    }

    /** Scores near 700 are far outside the bounded-entry regime: a clear rejection naming the cap. */
    @Override
    @Test
    @DisplayName("Lemma 3.4 / MATH §7: scores near +-700 are rejected (expansion over the cap), not approximated")
    void scoresNearSevenHundred() {
        RopeInstance inst = FastSpecs.scoresNear700();
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> engine().compute(inst, EnumSet.of(Quantity.GRAD_X)));
        assertTrue(ex.getMessage().contains("beta") || ex.getMessage().contains("cap"), ex.getMessage());
    }

    @dev.ropecheck.specs.Spec("causal-fast")
    @Test
    @DisplayName("MATH §9, causal-fast.md: causal and scaled instances (n = 1, zero scores, X) within the bound")
    void causalAndScaledCases() {
        CausalContractCases.run(this, families(), weightsOnly());
    }
}
