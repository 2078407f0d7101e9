package dev.ropecheck.gen;

import dev.ropecheck.model.RopeInstance;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * A generated instance under the kernel conventions of MATH §9: an {@link InstanceSpec} plus the causal
 * mask and the score scale. {@link #toString()} is a Java expression that rebuilds the same case.
 *
 * @param spec the entries, family and parameterisation
 * @param causal whether row {@code i} sees only {@code j <= i}
 * @param scale the score scale {@code sigma}
 */
public record ConventionCase(InstanceSpec spec, boolean causal, Scale scale) {

    /** The score scales drawn (MATH §9). */
    public enum Scale {
        /** The papers' {@code 1/d}, left unset on the instance. */
        PAPERS,
        /** PyTorch and FlashAttention's {@code 1/sqrt(d)} (rounded to double). */
        INV_SQRT_D,
        /** {@code 2/d}: scores, and {@code beta}, twice the papers'. */
        TWO_OVER_D,
        /** {@code 1/(4d)}. */
        QUARTER_OVER_D;

        /** {@code sigma} for {@code d} features. */
        public double sigma(int d) {
            switch (this) {
                case INV_SQRT_D:
                    return 1 / Math.sqrt(d);
                case TWO_OVER_D:
                    return 2.0 / d;
                case QUARTER_OVER_D:
                    return 0.25 / d;
                default:
                    return 1.0 / d;
            }
        }
    }

    /** Builds the instance: {@link InstanceSpec#build()} with the mask and the scale set. */
    public RopeInstance build() {
        RopeInstance base = spec.build();
        RopeInstance.Builder b = base.toBuilder().causal(causal);
        if (scale != Scale.PAPERS) {
            b.scale(scale.sigma(spec.d()));
        }
        return b.build();
    }

    /** The same case with the mask switched ({@code causal -> !causal}), scale and entries unchanged. */
    public ConventionCase flipped() {
        return new ConventionCase(spec, !causal, scale);
    }

    /**
     * Cases over {@code specs}: causal with probability 3/4 (every case is causal when {@code alwaysCausal}),
     * any scale.
     */
    public static Gen<ConventionCase> over(Gen<InstanceSpec> specs, boolean alwaysCausal) {
        Gen<Boolean> causal = alwaysCausal ? Generate.constant(true) : Generate.range(0, 3).map(k -> k > 0);
        return specs.zip(causal, Generate.enumValues(Scale.class), ConventionCase::new)
                .describedAs(ConventionCase::toString);
    }

    @Override
    public String toString() {
        return "new ConventionCase(" + spec + ", " + causal + ", ConventionCase.Scale." + scale + ")";
    }
}
