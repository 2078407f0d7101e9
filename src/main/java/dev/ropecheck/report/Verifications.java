package dev.ropecheck.report;

import dev.ropecheck.engine.Quantity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The registry of checks and measurements {@code verify} runs, in order. {@link #standard} lists
 * those of this build; registering another is one line there (or {@link #register} at run time).
 */
public final class Verifications {
    private final List<Verification> checks = new ArrayList<>();
    private final List<Measurement> measurements = new ArrayList<>();

    /** The checks of this build; those whose engines or bounds are missing report SKIPPED. */
    public static Verifications standard(Engines engines) {
        return new Verifications()
                .register(new RopeIdentityVerification())
                .register(new RowsSumToOneVerification(engines))
                .register(new SumPZeroVerification(engines))
                .register(new ExactAtScaleVerification(new EngineAgreementVerification(engines, "exact", "theorem-5.7"), engines))
                .register(exactVsReference(engines, "def-3.12", "u = A = exp(s)", Quantity.A))
                .register(exactVsReference(engines, "def-3.13", "alpha = A 1", Quantity.ALPHA))
                .register(exactVsReference(engines, "def-3.15", "h = A3 Y", Quantity.H))
                .register(exactVsReference(engines, "def-3.16", "c = f h - E", Quantity.C, Quantity.ATTENTION))
                .register(exactVsReference(engines, "def-3.17", "L = |c|^2 / 2", Quantity.LOSS))
                .register(exactVsReference(engines, "lemma-5.3", "G = (1/d) sum_m vec(M_m) vec(W_m)^T", Quantity.GRAD_X))
                .register(exactVsReference(engines, "lemma-5.6", "p = f o q - diag(r) f, r", Quantity.P, Quantity.R))
                .register(exactVsReference(engines, "lemma-3.18", "weight gradients dQ, dK, dV, dL/dW",
                        Quantity.DQ, Quantity.DK, Quantity.DV, Quantity.GRAD_WQ, Quantity.GRAD_WK, Quantity.GRAD_WV))
                .register(new EngineAgreementVerification(engines, "exact", "causal-mask", java.util.EnumSet.allOf(Quantity.class),
                        "exact vs reference on causal instances (scale 1/sqrt(d)), every quantity, componentwise bound",
                        i -> i.toBuilder().causal(true).scale(1.0 / Math.sqrt(i.d())).build(), "causal, 1/sqrt(d)"))
                .register(new EngineAgreementVerification(engines, "exact", "score-scale", java.util.EnumSet.allOf(Quantity.class),
                        "exact vs reference at scale 0.3, every quantity, componentwise bound",
                        i -> i.toBuilder().scale(0.3).build(), "scale 0.3"))
                .register(new EngineAgreementVerification(engines, "exact", "upstream-gradient", java.util.EnumSet.allOf(Quantity.class),
                        "exact vs reference with dO in place of E (c = dO; no loss), every quantity, componentwise bound",
                        i -> i.toBuilder().dO(i.e()).build(), "dO in place of E"))
                .register(new ExpApproximationVerification())
                .register(new GradientFiniteDifferenceVerification())
                .register(FieldAgreementVerification.theorem67(engines, "fast-fft"))
                .register(TensorAgreementVerification.definition())
                .register(TensorAgreementVerification.loss())
                .register(TensorAgreementVerification.gradient())
                .register(TensorAgreementVerification.fastTheorem())
                .register(new Section7ReductionVerification())
                .register(new FastForwardVerification(engines, "fast-fft", "lemma-6.1", false))
                .register(new FastForwardVerification(engines, "fast-lowrank", "fast-forward-lowrank", true))
                .register(new TimingMeasurement(engines, List.of("exact", "fast-fft", "fast-lowrank")))
                .register(new ErrorVsDegreeMeasurement(engines, "fast-fft"))
                .register(new DegreeTableMeasurement())
                .register(new BoundAttainmentMeasurement())
                .register(new PhaseTransitionMeasurement(engines));
    }

    private static Verification exactVsReference(Engines engines, String id, String what, Quantity first,
            Quantity... rest) {
        return new EngineAgreementVerification(engines, "exact", id, java.util.EnumSet.of(first, rest),
                "exact vs reference: " + what + " within ExactRoundingModel");
    }

    public Verifications register(Verification check) {
        for (Verification c : checks) {
            if (c.id().equals(check.id())) {
                throw new IllegalArgumentException("a check with id " + check.id() + " is already registered");
            }
        }
        checks.add(check);
        return this;
    }

    public Verifications register(Measurement m) {
        measurements.add(m);
        return this;
    }

    public List<Verification> checks() {
        return Collections.unmodifiableList(checks);
    }

    public List<Measurement> measurements() {
        return Collections.unmodifiableList(measurements);
    }
}
