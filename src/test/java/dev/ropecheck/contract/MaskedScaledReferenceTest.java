package dev.ropecheck.contract;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.reference.RopeReferenceEngine_AP;
import dev.ropecheck.gen.ConventionCase;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two independent arbitrary-precision evaluations of MATH §9 (the reference engine and the
 * definitions written out in {@link MaskedScaledReference}) agree on causal and scaled instances to
 * far below any tolerance: every field, every entry, within {@code 1e-25 (1 + |value|)}.
 */
class MaskedScaledReferenceTest {

    @Test
    @dev.ropecheck.specs.Spec({"causal-mask", "score-scale"})
    @DisplayName("MATH §9: the reference engine agrees with an independent apfloat evaluation of the masked, scaled definitions")
    void twoIndependentReferencesAgree() {
        RopeReferenceEngine_AP ref = RopeReferenceEngine_AP.withDigits(40);
        MaskedScaledReference other = new MaskedScaledReference();
        int checked = 0;
        for (ConventionCase c : CausalContractCases.cases(List.of(FamilyKind.ROPE_INTERLEAVED, FamilyKind.IDENTITY,
                FamilyKind.EXPLICIT), false)) {
            RopeInstance inst = c.build();
            Set<Quantity> both = EnumSet.copyOf(other.supported(inst));
            both.retainAll(ref.supported(inst));
            RopeResult a = ref.compute(inst, both);
            RopeResult b = other.compute(inst, both);
            for (Quantity q : both) {
                if (!b.has(q)) {
                    continue; // it does not form dQrot, dKrot
                }
                DMatrixRMaj x = a.get(q);
                DMatrixRMaj y = b.get(q);
                for (int k = 0; k < x.data.length; k++) {
                    double diff = Math.abs(x.data[k] - y.data[k]);
                    assertTrue(diff <= 1e-25 * (1 + Math.abs(x.data[k])) || diff <= Math.ulp(x.data[k]),
                            c + " " + q.key() + "[" + k + "]: " + x.data[k] + " vs " + y.data[k]);
                }
                checked++;
            }
        }
        assertTrue(checked > 20, "checked only " + checked + " fields");
    }
}
