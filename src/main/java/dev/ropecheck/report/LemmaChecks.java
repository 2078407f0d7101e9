package dev.ropecheck.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The registry of checks and measurements {@code verify} runs, in order. {@link #standard} lists
 * those of this build; registering another is one line there (or {@link #register} at run time).
 */
public final class LemmaChecks {
    private final List<LemmaCheck> checks = new ArrayList<>();
    private final List<Measurement> measurements = new ArrayList<>();

    /** The checks of this build; those whose engines or bounds are missing report SKIPPED. */
    public static LemmaChecks standard(Engines engines) {
        return new LemmaChecks()
                .register(new RopeIdentityCheck())
                .register(new RowsSumToOneCheck(engines))
                .register(new SumPZeroCheck(engines))
                .register(new EngineAgreementCheck(engines, "exact", "theorem-5.7"))
                .register(new ExpApproximationCheck())
                .register(new GradientFiniteDifferenceCheck())
                .register(FieldAgreementCheck.def316(engines))
                .register(FieldAgreementCheck.def317(engines))
                .register(FieldAgreementCheck.theorem67(engines, "fast-fft"))
                .register(TensorAgreementCheck.definition())
                .register(TensorAgreementCheck.loss())
                .register(TensorAgreementCheck.gradient())
                .register(TensorAgreementCheck.fastTheorem())
                .register(new Section7ReductionCheck())
                .register(new FastForwardCheck(engines, "fast-fft", "lemma-6.1", false))
                .register(new FastForwardCheck(engines, "fast-lowrank", "fast-forward-lowrank", true))
                .register(new TimingMeasurement(engines, List.of("exact", "fast-fft", "fast-lowrank")))
                .register(new DegreeMeasurement(engines, List.of("fast-fft", "fast-lowrank")))
                .register(new ErrorVsDegreeMeasurement(engines, "fast-fft"));
    }

    public LemmaChecks register(LemmaCheck check) {
        for (LemmaCheck c : checks) {
            if (c.id().equals(check.id())) {
                throw new IllegalArgumentException("a check with id " + check.id() + " is already registered");
            }
        }
        checks.add(check);
        return this;
    }

    public LemmaChecks register(Measurement m) {
        measurements.add(m);
        return this;
    }

    public List<LemmaCheck> checks() {
        return Collections.unmodifiableList(checks);
    }

    public List<Measurement> measurements() {
        return Collections.unmodifiableList(measurements);
    }
}
