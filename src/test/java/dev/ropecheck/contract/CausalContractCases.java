package dev.ropecheck.contract;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.gen.ConventionCase;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * The contract cases of MATH §9 (causal mask, score scale) for the fast engines: each case must PASS
 * the one checking core against the trusted values of {@link #reference()} within the engine's
 * tolerance, and the zero-answer and sign-flip guards of {@link EngineContract#compare} must hold.
 */
public final class CausalContractCases {
    private CausalContractCases() {
    }

    /**
     * The trusted values for causal and scaled instances: the reference engine, which implements MATH §9
     * (and agrees with the independent {@link MaskedScaledReference}, {@code MaskedScaledReferenceTest}).
     */
    public static RopeAttentionEngine reference() {
        return dev.ropecheck.engine.reference.RopeReferenceEngine_AP.withDigits(40);
    }

    /** The cases for {@code families} (the first family also gets the edge cases). */
    static List<ConventionCase> cases(List<FamilyKind> families, boolean weightsOnly) {
        List<ConventionCase> out = new ArrayList<>();
        long seed = 901;
        for (FamilyKind f : families) {
            out.add(new ConventionCase(new InstanceSpec(1, 2, f, 0.5, true, seed++), true,
                    ConventionCase.Scale.INV_SQRT_D));
            out.add(new ConventionCase(new InstanceSpec(6, 4, f, 0.5, true, seed++), true,
                    ConventionCase.Scale.PAPERS));
            out.add(new ConventionCase(new InstanceSpec(7, 2, f, 0.5, true, seed++), false,
                    ConventionCase.Scale.TWO_OVER_D));
            out.add(new ConventionCase(new InstanceSpec(5, 4, f, 0.25, true, seed++), true,
                    ConventionCase.Scale.TWO_OVER_D));
            if (!weightsOnly) {
                out.add(new ConventionCase(new InstanceSpec(5, 2, f, 0.5, false, seed++), true,
                        ConventionCase.Scale.INV_SQRT_D));
            }
        }
        return out;
    }

    /** Runs every case of {@link #cases} on {@code c}'s engine; fails listing every failing case. */
    static void run(EngineContract c, List<FamilyKind> families, boolean weightsOnly) {
        StringBuilder bad = new StringBuilder();
        List<RopeInstance> instances = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (ConventionCase k : cases(families, weightsOnly)) {
            instances.add(k.build());
            names.add(k.toString());
        }
        RopeInstance base = cases(families, weightsOnly).get(1).build();
        DMatrixRMaj zero = new DMatrixRMaj(base.n(), base.d());
        instances.add(base.toBuilder().a1(zero).a2(zero).build());
        names.add("causal, zero A1, A2 (all scores 0): " + cases(families, weightsOnly).get(1));
        for (int k = 0; k < instances.size(); k++) {
            RopeInstance inst = instances.get(k);
            EngineContract.Comparison cmp = EngineContract.compare(c.engine(), reference(), c.tolerance(),
                    c.required(inst), inst);
            if (!cmp.failures().isEmpty()) {
                bad.append("\n").append(names.get(k)).append(cmp.failures());
            }
        }
        assertTrue(bad.length() == 0, () -> c.engine().name() + " under MATH §9:" + bad);
    }
}
