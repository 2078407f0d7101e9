package dev.ropecheck.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.TensorAttentionEngine;
import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.engine.exact.TensorExactEngine_F64;
import dev.ropecheck.model.TensorInstance;
import java.util.EnumSet;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The tensor rows of {@code verify} (MATH §8): they pass on the project's engines and fail a wrong one. */
class TensorAgreementVerificationTest {

    @Test
    @DisplayName("MATH §8: tensor exact engine within TensorExactRounding (definition, loss, gradient rows)")
    void exactRowsPass() {
        for (TensorAgreementVerification c : new TensorAgreementVerification[] {TensorAgreementVerification.definition(),
                TensorAgreementVerification.loss(), TensorAgreementVerification.gradient()}) {
            VerificationResult r = c.run(VerificationCases.quick(), Progress.NONE);
            assertEquals(Verdict.PASS, r.verdict(), r::toString);
            assertEquals(24, r.cases(), r::toString);
            assertTrue(r.maxError() > 0 && r.tightness() > 1e-3, "a measurement, not zeros: " + r);
        }
    }

    @Test
    @DisplayName("tensor main theorem: fast engine within its certified TensorFastErrorBound, and the bound is tight (> 0.5)")
    void fastRowPassesAndIsTight() {
        VerificationResult r = TensorAgreementVerification.fastTheorem().run(VerificationCases.quick(), Progress.NONE);
        assertEquals(Verdict.PASS, r.verdict(), r::toString);
        assertTrue(r.tightness() > 0.5, "alpha's bound delta alpha is attained at n = 1: " + r);
    }

    @Test
    @DisplayName("a tensor engine whose loss is off by 2^-40 relative fails the exact rounding model")
    void perturbedEngineFails() {
        TensorAttentionEngine exact = new TensorExactEngine_F64();
        TensorAttentionEngine wrong = new TensorAttentionEngine() {
            @Override
            public String name() {
                return "perturbed";
            }

            @Override
            public Set<TensorQuantity> supported(TensorInstance instance) {
                return exact.supported(instance);
            }

            @Override
            public TensorResult compute(TensorInstance instance, Set<TensorQuantity> wanted) {
                TensorResult r = exact.compute(instance, wanted);
                TensorResult.Builder b = TensorResult.builder(name());
                for (TensorQuantity q : r.quantities()) {
                    DMatrixRMaj m = r.get(q);
                    if (q == TensorQuantity.LOSS) {
                        m.data[0] *= 1 + 0x1p-40;
                    }
                    b.put(q, m);
                }
                return b.build();
            }
        };
        VerificationResult r = new TensorAgreementVerification("tensor-loss", "perturbed", false, EnumSet.of(TensorQuantity.LOSS), wrong)
                .run(VerificationCases.quick(), Progress.NONE);
        assertEquals(Verdict.FAIL, r.verdict(), r::toString);
        assertTrue(r.tightness() > 1, r::toString);
    }
}
