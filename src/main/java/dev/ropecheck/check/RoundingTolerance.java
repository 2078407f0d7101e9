package dev.ropecheck.check;

import dev.ropecheck.bounds.ComponentwiseRoundingBound;
import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.bounds.FirstOrderRoundingBound;
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
 * other formats, and outside the papers' conventions (MATH §9: a scale other than {@code 1/d}, a causal
 * mask), they are unchecked.
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

    /**
     * The bound on {@code lse_i = log alpha_i} from the bound {@code T_i} on {@code alpha_i}
     * (MATH §9; {@code proofs-notes/componentwise-rounding.md} §4): a kernel forms
     * {@code m_i + log l_i} or {@code log alpha_i}; with {@code ρ = T_i / alpha_i},
     * {@code |log alpha~ - log alpha| <= -log(1 - ρ)}, the logarithm within one ulp
     * ({@code 2 u_a |log l| <= 2 u_a log n} or {@code 2 u_a |lse|}), the addition and the storage
     * ({@code (u_a + u_s) |lse|}); infinite when {@code ρ >= 1}.
     */
    DMatrixRMaj lseBound(DMatrixRMaj alphaBound, DMatrixRMaj alpha, int n) {
        DMatrixRMaj out = new DMatrixRMaj(alpha.numRows, 1);
        double ua = cls.uAcc();
        double us = cls.uStore();
        for (int i = 0; i < alpha.numRows; i++) {
            double a = alpha.get(i, 0);
            double rho = alphaBound.get(i, 0) / a;
            double lse = Math.abs(Math.log(a));
            double t = rho < 1 ? -Math.log1p(-rho) : Double.POSITIVE_INFINITY;
            out.set(i, 0, (t + 2 * ua * Math.max(Math.log(n), lse) + (ua + us) * lse + cls.floorStore()) * (1 + 0x1p-20));
        }
        return out;
    }

    /**
     * Entry by entry the smaller of the two bounds: each holds with its own failure probability
     * ({@link RoundingClass#componentFailureProbability}), so the smaller holds with their sum. The
     * result is kept above {@link TrustedReference#FIRST_ORDER_FLOOR} times the stage bound (a larger
     * bound is still a bound), which lets the double-double reference's error be stated as a multiple of
     * it ({@link TrustedReference#doubleDouble}); measured ratios are above 1e-5.
     */
    static void sharpen(Map<Quantity, DMatrixRMaj> into, Map<Quantity, DMatrixRMaj> firstOrder) {
        firstOrder.forEach((q, m) -> {
            DMatrixRMaj b = into.get(q);
            for (int t = 0; t < m.data.length; t++) {
                b.data[t] = Math.min(b.data[t], Math.max(m.data[t], TrustedReference.FIRST_ORDER_FLOOR * b.data[t]));
            }
        });
    }

    @Override
    public String describe() {
        return "componentwise rounding model, " + cls.label()
                + " (dev.ropecheck.bounds.ComponentwiseRoundingBound, proofs-notes/componentwise-rounding.md"
                + (cls.firstOrder() ? "; FirstOrderRoundingBound, proofs-notes/first-order-rounding.md" : "") + ")";
    }

    @Override
    public Tolerances allowed(RopeInstance instance, Set<Quantity> fields, RopeResult reference) {
        Map<Quantity, DMatrixRMaj> out = new EnumMap<>(Quantity.class);
        Map<Quantity, String> none = new EnumMap<>(Quantity.class);
        if (fields.isEmpty()) {
            return new Tolerances(out, none);
        }
        String reason = ComponentwiseRoundingBound.unsupportedReason(instance);
        if (reason.isEmpty()) {
            Set<Quantity> asked = EnumSet.copyOf(fields);
            if (asked.remove(Quantity.LSE)) {
                asked.add(Quantity.ALPHA);
            }
            Map<Quantity, DMatrixRMaj> b = new ComponentwiseRoundingBound(cls, threads).allowed(instance, asked);
            if (cls.firstOrder() && FirstOrderRoundingBound.unsupportedReason(instance, cls.format()).isEmpty()) {
                sharpen(b, new FirstOrderRoundingBound(cls, threads).allowed(instance, asked));
            }
            if (fields.contains(Quantity.LSE)) {
                if (reference != null && reference.has(Quantity.ALPHA)) {
                    out.put(Quantity.LSE, lseBound(b.get(Quantity.ALPHA), reference.get(Quantity.ALPHA), instance.n()));
                } else {
                    none.put(Quantity.LSE, "lse is judged through alpha, which the reference does not hold");
                }
            }
            for (Quantity q : fields) {
                if (q != Quantity.LSE) {
                    out.put(q, b.get(q));
                }
            }
            return new Tolerances(out, none);
        }
        final String why = instance.hasPapersConventions() ? reason : reason + "; the exact engine's per-field model (ExactRoundingModel) covers only the papers' conventions"
                    + " (scale 1/d, no causal mask)";
        if (cls.format() != FloatFormat.FP64 || cls.probabilistic() || !instance.hasPapersConventions()) {
            for (Quantity q : fields) {
                none.put(q, why);
            }
            return new Tolerances(out, none);
        }
        Set<Quantity> legacyFields = EnumSet.copyOf(fields);
        if (legacyFields.remove(Quantity.LSE)) {
            none.put(Quantity.LSE, "lse is judged by the componentwise model only (" + why + ")");
        }
        if (legacyFields.isEmpty()) {
            return new Tolerances(out, none);
        }
        Tolerances legacy = ToleranceModel.perField(new ExactRoundingModel(),
                "ExactRoundingModel").allowed(instance, legacyFields, reference);
        legacy.unchecked().forEach((q, r) -> none.put(q, r + " (" + why + ")"));
        return new Tolerances(legacy.allowed(), none);
    }
}
