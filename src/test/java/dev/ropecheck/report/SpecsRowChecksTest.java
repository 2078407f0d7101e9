package dev.ropecheck.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.approx.ExpApproximations;
import dev.ropecheck.approx.Method;
import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.engine.fast.RopeFftEngine_F64;
import dev.ropecheck.engine.reference.RopeReferenceEngine_AP;
import dev.ropecheck.model.RopeInstance;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The verify rows for Lemma 3.4, Lemma 4.1 part 7, Defs. 3.16/3.17 and Theorem 6.7: they pass on this build's
 * engines, measure something (no zero errors), and fail an engine that is wrong by more than its bound.
 */
class SpecsRowChecksTest {
    /** A small cases set: n <= 4, d = 2, one seed. */
    private static final VerificationCases SMALL = new VerificationCases(false, List.of(1, 2, 4), List.of(2), 1, List.of(256),
            List.of(0.25, 1.0));

    /** Engines of this build; {@code exact} judged by {@link ExactRoundingModel}; {@code exact-wrong} by the same. */
    private static Engines engines() {
        RopeAttentionEngine ref = RopeReferenceEngine_AP.withDigits(50);
        RopeAttentionEngine exact = new RopeExactEngine_F64();
        RopeAttentionEngine wrong = new RopeAttentionEngine() {
            @Override
            public String name() {
                return "exact-wrong";
            }

            @Override
            public Set<Quantity> supported(RopeInstance instance) {
                return exact.supported(instance);
            }

            @Override
            public RopeResult compute(RopeInstance instance, Set<Quantity> wanted) {
                RopeResult r = exact.compute(instance, wanted);
                RopeResult.Builder b = RopeResult.builder(name());
                for (Quantity q : r.quantities()) {
                    DMatrixRMaj m = r.get(q);
                    for (int k = 0; k < m.data.length; k++) {
                        m.data[k] *= 1 + 0x1p-40;
                    }
                    b.put(q, m);
                }
                return b.build();
            }
        };
        return new Engines() {
            @Override
            public Optional<RopeAttentionEngine> engine(String name) {
                switch (name) {
                    case "reference":
                        return Optional.of(ref);
                    case "exact":
                        return Optional.of(exact);
                    case "exact-wrong":
                        return Optional.of(wrong);
                    case "fast-fft":
                        return Optional.of(new RopeFftEngine_F64(1e-6, Method.CHEBYSHEV));
                    default:
                        return Optional.empty();
                }
            }

            @Override
            public Optional<RopeAttentionEngine> engine(String name, double eps) {
                return engine(name);
            }

            @Override
            public int maxN(String name) {
                return 64;
            }

            @Override
            public long referenceDigits() {
                return 50;
            }

            @Override
            public OptionalDouble allowed(String name, RopeInstance instance, RopeResult reference, boolean trusted,
                    Quantity q) {
                return OptionalDouble.of(new ExactRoundingModel().allowed(q, instance, reference));
            }

            @Override
            public String whyNoBound(String name) {
                return "";
            }
        };
    }

    @Test
    @DisplayName("Lemma 3.4: measured max |P(z) - e^z| within the certified eta, and attained (Taylor at z = beta)")
    void lemma34RowPassesAndIsTight() {
        VerificationResult r = new ExpApproximationVerification().run(SMALL, Progress.NONE);
        assertEquals(Verdict.PASS, r.verdict(), r::toString);
        assertEquals(2 * 3 * 2, r.cases(), r::toString);
        assertTrue(r.tightness() > 0.5, r::toString);
        var p = ExpApproximations.minimalDegree(Method.TAYLOR, 1.0, 1e-6, ExpApproximations.Scope.POLYNOMIAL);
        double measured = ExpApproximationVerification.measure(p, ExpApproximationVerification.grid(1.0, 21));
        assertTrue(measured > 0 && measured <= p.etaPolynomial(), measured + " vs eta " + p.etaPolynomial());
    }

    @Test
    @DisplayName("Lemma 4.1 part 7: <G, x'> agrees with the central difference of L within the derived bound (>= 40 digits)")
    void lemma41Part7RowPasses() {
        VerificationResult r = new GradientFiniteDifferenceVerification().run(SMALL, Progress.NONE);
        assertEquals(Verdict.PASS, r.verdict(), r::toString);
        assertTrue(r.cases() >= 4, r::toString);
        assertTrue(r.bound() < 1e-40, "the derived bound must certify many digits: " + r);
    }

    @Test
    @DisplayName("Defs. 3.16, 3.17: exact c and L within ExactRoundingModel; a 2^-40 relative error fails")
    void def316And317Rows() {
        Engines e = engines();
        for (FieldAgreementVerification c : new FieldAgreementVerification[] {
                new FieldAgreementVerification(e, "exact", "def-3.16", "c", Set.of(Quantity.C), false, 1.0),
                new FieldAgreementVerification(e, "exact", "def-3.17", "L", Set.of(Quantity.LOSS), false, 1.0)}) {
            VerificationResult r = c.run(SMALL, Progress.NONE);
            assertEquals(Verdict.PASS, r.verdict(), r::toString);
            assertTrue(r.cases() > 0 && r.maxError() > 0, r::toString);
        }
        VerificationResult bad = new FieldAgreementVerification(e, "exact-wrong", "def-3.17", "wrong", Set.of(Quantity.LOSS), false, 1.0)
                .run(SMALL, Progress.NONE);
        assertEquals(Verdict.FAIL, bad.verdict(), bad::toString);
    }

    @Test
    @DisplayName("Theorem 6.7: fast-fft gradient within its certified FastGradientBound")
    void theorem67Row() {
        VerificationResult r = FieldAgreementVerification.theorem67(engines(), "fast-fft").run(SMALL, Progress.NONE);
        assertEquals(Verdict.PASS, r.verdict(), r::toString);
        assertTrue(r.cases() > 0 && r.maxError() > 0, r::toString);
        VerificationResult skipped = FieldAgreementVerification.theorem67(engines(), "exact").run(SMALL, Progress.NONE);
        assertEquals(Verdict.SKIPPED, skipped.verdict(), "the exact engine has no fast gradient bound");
    }
}
