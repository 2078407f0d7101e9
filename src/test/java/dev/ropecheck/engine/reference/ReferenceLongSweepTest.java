package dev.ropecheck.engine.reference;

import static dev.ropecheck.engine.reference.FdSupport.REF;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.model.RopeInstance;
import java.util.SplittableRandom;
import org.apfloat.Apfloat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Longer sweeps of the reference's gradient checks (run with {@code -Plong}): more and larger
 * instances ({@code n <= 10}, {@code d <= 6}) under the same derived bounds as the default tests.
 */
@Tag("long")
class ReferenceLongSweepTest {

    @Test
    @DisplayName("Lemma 3.18 (long): G matches central differences, n <= 10, d <= 6, 60 instances")
    void lemma318GradXMatchesFiniteDifferencesLong() {
        qt().withExamples(60).forAll(Generators.instances(10, 6)).checkAssert(spec -> {
            ApInstance in = REF.prepare(spec.build());
            ApMatrix g = REF.evaluate(in).values().get(Quantity.GRAD_X);
            SplittableRandom rnd = new SplittableRandom(spec.seed() ^ 0x10L);
            int dd = in.d() * in.d();
            for (int t = 0; t < 3; t++) {
                GradientFiniteDifferenceTest.checkX(spec, in, g, FdSupport.randomDirection(rnd, dd, dd),
                        "G along random direction " + t);
            }
        });
    }

    @Test
    @DisplayName("Reference trust (long): claimed digits at 30, 50 and 80 digits hold against 150 digits")
    void trustedDigitsHoldLong() {
        ReferenceRopeAttention ref150 = new ReferenceRopeAttention(150);
        qt().withExamples(30).forAll(Generators.instances(10, 4)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            ReferenceResult b = ref150.compute(inst);
            for (long p : new long[] {30, 50, 80}) {
                ReferenceResult a = new ReferenceRopeAttention(p).compute(inst);
                for (Quantity q : a.quantities()) {
                    long t = a.agreeingDigits(q);
                    Apfloat err = a.get(q).maxAbsDiff(b.get(q));
                    Apfloat allowed = b.get(q).maxAbs().multiply(new Apfloat("1e" + (-(t - 1)), 160));
                    assertTrue(t == 0 || err.compareTo(allowed) <= 0, q.key() + " at " + p + " digits: claimed " + t
                            + " digits, error " + err.precision(5) + " against scale " + b.get(q).maxAbs().precision(5)
                            + " for " + spec);
                }
            }
        });
    }
}
