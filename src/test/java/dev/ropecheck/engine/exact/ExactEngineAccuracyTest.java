package dev.ropecheck.engine.exact;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.InstanceSpec;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Theorem 5.7's exact algorithms (offset-grouped {@code G}, Lemmas 5.1–5.3; {@code f, h} Lemma 5.4;
 * {@code c} Lemma 5.5; {@code p} Lemma 5.6) against an independent naive evaluation of the MATH §2–3
 * formulas, every quantity within the rounding model of both (proofs-notes/rounding-model.md).
 */
class ExactEngineAccuracyTest {

    @Test
    @DisplayName("Theorem 5.7: every quantity matches the naive quadruple sums within ExactRoundingModel")
    @dev.ropecheck.specs.Spec({"lemma-5.1", "lemma-5.2", "lemma-5.3", "lemma-5.4", "lemma-5.5", "theorem-5.7"})
    void theorem57ExactMatchesNaiveQuadrupleSums() {
        RopeExactEngine_F64 engine = new RopeExactEngine_F64();
        qt().withExamples(60).forAll(Generators.instances(24, 8)).checkAssert(spec -> {
            List<String> bad = ExactChecks.violationsAgainstNaive(engine, spec.build());
            assertTrue(bad.isEmpty(), spec + "\n" + String.join("\n", bad));
        });
    }

    @Test
    @DisplayName("Theorem 5.7: n up to 64, d = 8, within ExactRoundingModel")
    @dev.ropecheck.specs.Spec("theorem-5.7")
    void theorem57ExactMatchesNaiveAtLargerN() {
        RopeExactEngine_F64 engine = new RopeExactEngine_F64();
        qt().withExamples(6).forAll(Generators.instances(64, 8)
                .map(s -> new InstanceSpec(40 + s.n() % 25, 8, s.family(), s.bound(), s.weights(), s.seed())))
                .checkAssert(spec -> {
                    List<String> bad = ExactChecks.violationsAgainstNaive(engine, spec.build());
                    assertTrue(bad.isEmpty(), spec + "\n" + String.join("\n", bad));
                });
    }

    @Test
    @DisplayName("two workers (n >= 256) give the same values within the model")
    @dev.ropecheck.specs.Spec("theorem-5.7")
    void twoWorkersAgreeWithNaive() {
        RopeExactEngine_F64 engine = new RopeExactEngine_F64();
        InstanceSpec spec = new InstanceSpec(RopeExactEngine_F64.PARALLEL_THRESHOLD, 2,
                dev.ropecheck.gen.FamilyKind.ROPE_INTERLEAVED, 1.0, true, 7L);
        List<String> bad = ExactChecks.violationsAgainstNaive(engine, spec.build());
        assertTrue(bad.isEmpty(), spec + "\n" + String.join("\n", bad));
    }

    @Test
    @Tag("long")
    @DisplayName("Theorem 5.7 (long): 400 instances, n <= 64, d <= 8")
    void theorem57ExactMatchesNaiveLong() {
        RopeExactEngine_F64 engine = new RopeExactEngine_F64();
        qt().withExamples(400).forAll(Generators.instances(64, 8)).checkAssert(spec -> {
            List<String> bad = ExactChecks.violationsAgainstNaive(engine, spec.build());
            assertTrue(bad.isEmpty(), spec + "\n" + String.join("\n", bad));
        });
    }

    @AfterAll
    static void report() {
        System.out.println("[exact vs naive] worst measured/allowed per quantity: " + ExactChecks.WORST);
    }
}
