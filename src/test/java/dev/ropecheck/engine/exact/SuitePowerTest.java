package dev.ropecheck.engine.exact;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.contract.EngineContract;
import dev.ropecheck.engine.reference.RopeReferenceEngine_AP;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The suite's power, measured: each deliberately wrong variant of the exact engine is run through the
 * same contract property the real engines pass ({@link EngineContract#compare}: every quantity within
 * {@link ExactRoundingModel} of the reference) on generated instances, and must be caught. The count
 * of caught cases out of those tried is printed; every case of the fixed seed set must catch the fault
 * (a property that lets a wrong engine through on any case is too weak).
 */
class SuitePowerTest {

    @ParameterizedTest(name = "{0} is caught by the reference comparison")
    @EnumSource(value = ExactMutant.class, names = {"OFFSET_SIGN_FLIPPED", "P_WITHOUT_DIAG_R_F", "SQRT_D_SCALING"})
    void faultIsCaughtByTheContractProperty(ExactMutant fault) {
        RopeExactEngine_F64 faulty = fault.engine();
        RopeReferenceEngine_AP reference = RopeReferenceEngine_AP.withDigits(30);
        SplittableRandom rnd = new SplittableRandom(20261124L + fault.ordinal());
        int tried = 0;
        List<String> caught = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        FamilyKind[] families = {FamilyKind.ROPE_INTERLEAVED, FamilyKind.ROPE_HALF_SPLIT, FamilyKind.EXPLICIT};
        for (int k = 0; k < 12; k++) {
            InstanceSpec spec = new InstanceSpec(2 + rnd.nextInt(6), 2 * (1 + rnd.nextInt(2)),
                    families[k % families.length], 1.0, true, rnd.nextLong());
            tried++;
            EngineContract.Comparison c = EngineContract.compare(faulty, reference, new ExactRoundingModel(),
                    spec.build());
            if (!c.failures().isEmpty()) {
                caught.add(spec + ": " + c.failures().lines().skip(1).findFirst().orElse(""));
            } else {
                missed.add(spec.toString());
            }
        }
        System.out.printf("suite power: %s caught on %d of %d generated instances%n", fault, caught.size(), tried);
        assertTrue(tried == 12 && caught.size() == tried, fault + " was caught on only " + caught.size() + " of "
                + tried + " instances of the fixed seed set; the property is too weak. Missed:\n"
                + String.join("\n", missed));
    }

}
