package dev.ropecheck.gen;

import dev.ropecheck.model.RopeInstance;
import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * A replayable instance in the kernel conventions of MATH §9: an {@link InstanceSpec} with a score
 * scale and a causal mask. {@link #toString()} is a Java expression that rebuilds the same instance.
 *
 * @param base the entries, family and parameterisation
 * @param scale which scale {@code sigma}
 * @param causal the causal mask ({@code j <= i} only)
 */
public record KernelSpec(InstanceSpec base, Scale scale, boolean causal) {

    /** The scales drawn: the papers' {@code 1/d}, the kernels' {@code 1/sqrt(d)}, and a scale that is neither. */
    public enum Scale {
        /** {@code 1/d}, left at the default. */
        PAPERS,
        /** {@code 1/sqrt(d)}, the double {@code 1.0 / Math.sqrt(d)}. */
        SQRT,
        /** {@code 0.3}: not a power of two, larger than both for {@code d >= 12}. */
        OTHER;

        /** The scale's value for {@code d}, or NaN for the default. */
        public double value(int d) {
            switch (this) {
                case SQRT:
                    return 1.0 / Math.sqrt(d);
                case OTHER:
                    return 0.3;
                default:
                    return Double.NaN;
            }
        }
    }

    /** Builds the instance. */
    public RopeInstance build() {
        RopeInstance.Builder b = base.build().toBuilder().causal(causal);
        double s = scale.value(base.d());
        if (!Double.isNaN(s)) {
            b.scale(s);
        }
        return b.build();
    }

    /**
     * The largest entry bound drawn: with {@code sigma} up to 0.3 and {@code d <= 8} it keeps
     * {@code |s_ij| <= 0.3 d^3 B^4 < 10}, so rows are not one-hot and the gradients are not of rounding
     * size (where every bound is vacuous).
     */
    public static final double MAX_BOUND = 0.5;

    /** Kernel specs over {@code bases} (bounds capped at {@link #MAX_BOUND}), every scale, causal or not. */
    public static Gen<KernelSpec> over(Gen<InstanceSpec> bases) {
        Gen<InstanceSpec> capped = bases.map(b -> b.bound() <= MAX_BOUND ? b
                : new InstanceSpec(b.n(), b.d(), b.family(), MAX_BOUND, b.weights(), b.seed()));
        return capped.zip(Generate.enumValues(Scale.class), Generate.booleans(), KernelSpec::new)
                .describedAs(KernelSpec::toString);
    }

    /** Kernel specs over weight-parameterised RoPE and identity instances (the componentwise model's domain). */
    public static Gen<KernelSpec> projected(int maxN, int maxD) {
        Gen<InstanceSpec> bases = Generators.instances(maxN, maxD, Generate.pick(List.of(FamilyKind.ROPE_INTERLEAVED,
                FamilyKind.ROPE_HALF_SPLIT, FamilyKind.IDENTITY)))
                .map(s -> new InstanceSpec(s.n(), s.d(), s.family(), s.bound(), true, s.seed()));
        return over(bases);
    }

    @Override
    public String toString() {
        return "new KernelSpec(" + base + ", KernelSpec.Scale." + scale + ", " + causal + ")";
    }
}
