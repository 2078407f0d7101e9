package dev.ropecheck.engine.exact;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Power of the suite: each deliberate defect of {@link ExactMutant} is caught by at least one property
 * (the engine-vs-naive rounding-model check, the {@code Σ_j p_ij = 0} invariant, or the one-hot
 * cancellation check in {@link OneHotCancellationTest#faultNaivePIsCaught}), and the correct engine
 * passes the same checks on the same instances.
 */
class FaultDetectionTest {

    private static final InstanceSpec ROPE = new InstanceSpec(9, 4, FamilyKind.ROPE_INTERLEAVED, 1.0, true, 42L);
    private static final InstanceSpec EXPLICIT = new InstanceSpec(7, 4, FamilyKind.EXPLICIT, 0.5, false, 43L);

    private static List<String> check(ExactMutant fault, InstanceSpec spec) {
        return ExactChecks.violationsAgainstNaive(fault.engine(), spec.build());
    }

    private static void assertCaughtByTheNaiveComparison(ExactMutant mutant, InstanceSpec spec) {
        List<String> v = check(mutant, spec);
        assertFalse(v.isEmpty(), mutant + " (" + mutant.breaks() + ") passed the naive comparison");
        System.out.println("[fault " + mutant + "] " + v.get(0));
    }

    @Test
    @DisplayName("control: the correct engine passes the checks the faults fail")
    void correctEnginePassesTheSameChecks() {
        assertTrue(check(ExactMutant.NONE, ROPE).isEmpty(), String.join("\n", check(ExactMutant.NONE, ROPE)));
        assertTrue(check(ExactMutant.NONE, EXPLICIT).isEmpty(), String.join("\n", check(ExactMutant.NONE, EXPLICIT)));
        assertTrue(ExactInvariantsTest.pRowSumViolation(new RopeExactEngine_F64(), ROPE.build()) == null);
    }

    @Test
    @DisplayName("Def. 3.1: W_{j-i} in place of W_{i-j} is caught by the naive comparison (RoPE)")
    @dev.ropecheck.specs.Spec("theorem-5.7")
    void faultOffsetSignFlippedIsCaught() {
        assertCaughtByTheNaiveComparison(ExactMutant.OFFSET_SIGN_FLIPPED, ROPE);
    }

    @Test
    @DisplayName("Lemma 4.1: p = f∘q (no diag(r) f) is caught by the naive comparison and by Σ_j p_ij = 0")
    @dev.ropecheck.specs.Spec({"lemma-5.1", "lemma-5.6"})
    void faultPWithoutDiagRFIsCaught() {
        List<String> v = check(ExactMutant.P_WITHOUT_DIAG_R_F, ROPE);
        assertFalse(v.isEmpty(), "P_WITHOUT_DIAG_R_F passed the naive comparison");
        RopeInstance inst = ROPE.build();
        String rowSum = ExactInvariantsTest.pRowSumViolation(ExactMutant.P_WITHOUT_DIAG_R_F.engine(), inst);
        assertNotNull(rowSum, "P_WITHOUT_DIAG_R_F passed the row-sum invariant");
        System.out.println("[fault P_WITHOUT_DIAG_R_F] " + v.get(0) + " | " + rowSum);
    }

    @Test
    @DisplayName("MATH §0: 1/sqrt(d) scaling in place of 1/d is caught by the naive comparison")
    @dev.ropecheck.specs.Spec("theorem-5.7")
    void faultSqrtDScalingIsCaught() {
        assertCaughtByTheNaiveComparison(ExactMutant.SQRT_D_SCALING, EXPLICIT);
    }

    @Test
    @DisplayName("MATH §3: q_ij - r_i is caught by the one-hot cancellation check")
    @dev.ropecheck.specs.Spec("lemma-5.6")
    void faultNaivePIsCaught() {
        new OneHotCancellationTest().faultNaivePIsCaught();
    }
}
