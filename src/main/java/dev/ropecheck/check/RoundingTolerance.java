package dev.ropecheck.check;

import dev.ropecheck.bounds.ComponentwiseRoundingBound;
import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.bounds.RoundingClass;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * The tolerance of an implementation that evaluates the exact formulas in a floating-point format:
 * {@link ComponentwiseRoundingBound} for the {@link RoundingClass} (any evaluation order, per entry;
 * {@code proofs-notes/componentwise-rounding.md}). Instances outside that model's preconditions (a
 * general {@code X}, an explicit family) are judged in fp64 by {@link ExactRoundingModel}, the
 * rounding model of this project's exact engine's own evaluation order, one number per field; in
 * other formats they are unchecked.
 */
public final class RoundingTolerance implements ToleranceModel {
    private final RoundingClass cls;
    private final int threads;

    public RoundingTolerance(RoundingClass cls) {
        this(cls, Runtime.getRuntime().availableProcessors());
    }

    public RoundingTolerance(RoundingClass cls, int threads) {
        this.cls = cls;
        this.threads = threads;
    }

    public RoundingClass roundingClass() {
        return cls;
    }

    @Override
    public String describe() {
        return "componentwise rounding model, " + cls.label()
                + " (dev.ropecheck.bounds.ComponentwiseRoundingBound, proofs-notes/componentwise-rounding.md)";
    }

    @Override
    public Tolerances allowed(RopeInstance instance, Set<Quantity> fields, RopeResult reference) {
        Map<Quantity, DMatrixRMaj> out = new EnumMap<>(Quantity.class);
        Map<Quantity, String> none = new EnumMap<>(Quantity.class);
        if (fields.isEmpty()) {
            return new Tolerances(out, none);
        }
        String why = ComponentwiseRoundingBound.unsupportedReason(instance);
        if (why.isEmpty()) {
            out.putAll(new ComponentwiseRoundingBound(cls, threads).allowed(instance, EnumSet.copyOf(fields)));
            return new Tolerances(out, none);
        }
        if (cls.format() != FloatFormat.FP64 || cls.probabilistic()) {
            for (Quantity q : fields) {
                none.put(q, why);
            }
            return new Tolerances(out, none);
        }
        Tolerances legacy = ToleranceModel.perField(new ExactRoundingModel(),
                "ExactRoundingModel").allowed(instance, fields, reference);
        legacy.unchecked().forEach((q, r) -> none.put(q, r + " (" + why + ")"));
        return new Tolerances(legacy.allowed(), none);
    }
}
