package dev.ropecheck.engine.exact;

import dev.ropecheck.contract.TensorChecks;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.TensorInstanceSpec;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.bounds.TensorExactRounding;
import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.model.TensorInstance;
import dev.ropecheck.engine.reference.TensorReferenceEngine_AP;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Exact double engine against the apfloat reference (Tensor-grad, MATH §8), every quantity within the rounding
 * model of {@code proofs-notes/tensor-rounding.md} ({@link TensorExactRounding}).
 */
class TensorExactVsReferenceTest {
    private static final TensorReferenceEngine_AP REF = new TensorReferenceEngine_AP();
    private static final TensorExactEngine_F64 EXACT = new TensorExactEngine_F64();

    private static double check(TensorInstanceSpec spec) {
        TensorInstance in = spec.build();
        TensorResult ref = REF.computeAll(in);
        TensorResult ex = EXACT.computeAll(in);
        TensorExactRounding bound = new TensorExactRounding();
        TensorChecks.zerosWouldFail(ref, bound, in, TensorQuantity.LOSS, spec);
        if (in.n() >= 2) { // for n = 1, f = 1 and p = 0: the gradient vanishes identically
            TensorChecks.zerosWouldFail(ref, bound, in, TensorQuantity.GRAD_X, spec);
        }
        TensorChecks.signFlipWouldFail(ref, bound, in, TensorQuantity.ATTENTION, spec);
        return TensorChecks.within(ex, ref, bound, in, TensorChecks.requiredAll(in), spec);
    }

    @Test
    @DisplayName("Tensor-grad §8: exact engine = reference within the rounding model, all quantities, n <= 5")
    @dev.ropecheck.specs.Spec({"tensor-attention-def", "tensor-gradient-closed-form", "tensor-loss"})
    void exactMatchesReferenceSmallN() {
        AtomicReference<Double> worst = new AtomicReference<>(0.0);
        qt().withExamples(60).forAll(Generators.tensorInstances(5, 3))
                .checkAssert(spec -> worst.accumulateAndGet(check(spec), Math::max));
        System.out.printf("[tensor exact vs reference] n<=5, d<=3: worst error/bound = %.3g%n", worst.get());
    }

    @Test
    @DisplayName("Tensor-grad §8: exact engine = reference within the rounding model, n up to 24")
    @dev.ropecheck.specs.Spec("tensor-loss")
    void exactMatchesReferenceUpTo24() {
        double worst = 0;
        for (TensorInstanceSpec spec : List.of(new TensorInstanceSpec(12, 2, 1.0, false, true, 11L),
                new TensorInstanceSpec(17, 2, 0.5, true, false, 12L), new TensorInstanceSpec(24, 2, 0.5, true, true, 13L))) {
            worst = Math.max(worst, check(spec));
        }
        System.out.printf("[tensor exact vs reference] n<=24: worst error/bound = %.3g%n", worst);
    }
}
