package dev.ropecheck.bounds;

/**
 * The precision class an implementation is judged in: its {@link FloatFormat} and whether the
 * error constants are the rigorous worst case {@code γ_k} or Higham and Mary's probabilistic
 * {@code γ~_k(λ)} (see {@link FloatFormat}), optionally sharpened by the first-order probabilistic
 * bound ({@link FirstOrderRoundingBound}).
 *
 * @param format storage format of inputs, intermediates and outputs; sums and products accumulate in
 *     {@link FloatFormat#accumulator()}
 * @param probabilistic false for the rigorous worst-case bound (the default of {@code check})
 * @param failureProbability with {@code probabilistic}: the probability allowed for the bound to
 *     fail on any one field of one instance; {@code λ} is chosen so that the union bound over every
 *     sum the model covers stays below it ({@link #lambda(double)})
 * @param firstOrder with {@code probabilistic}: every entry's bound is also the smaller of that and
 *     {@link FirstOrderRoundingBound}'s, the two sharing the failure probability half and half
 */
public record RoundingClass(FloatFormat format, boolean probabilistic, double failureProbability, boolean firstOrder) {

    /** The default failure probability of the probabilistic bound. */
    public static final double DEFAULT_FAILURE_PROBABILITY = 1e-6;

    public RoundingClass {
        if (format == null) {
            throw new IllegalArgumentException("format is missing");
        }
        if (probabilistic && !(failureProbability > 0 && failureProbability < 1)) {
            throw new IllegalArgumentException("failure probability = " + failureProbability + " must lie in (0, 1)");
        }
        if (firstOrder && !probabilistic) {
            throw new IllegalArgumentException("the first-order bound is probabilistic");
        }
    }

    /** A worst-case or Higham–Mary class (no first-order bound). */
    public RoundingClass(FloatFormat format, boolean probabilistic, double failureProbability) {
        this(format, probabilistic, failureProbability, false);
    }

    /** The first-order class of {@code format} at {@link #DEFAULT_FAILURE_PROBABILITY}. */
    public static RoundingClass firstOrder(FloatFormat format) {
        return new RoundingClass(format, true, DEFAULT_FAILURE_PROBABILITY, true);
    }

    /** The failure probability left to each of the two probabilistic bounds of a first-order class. */
    public double componentFailureProbability() {
        return firstOrder ? failureProbability / 2 : failureProbability;
    }

    /** The rigorous worst-case class of {@code format}. */
    public static RoundingClass worstCase(FloatFormat format) {
        return new RoundingClass(format, false, 0);
    }

    /** The probabilistic class of {@code format} at {@link #DEFAULT_FAILURE_PROBABILITY}. */
    public static RoundingClass probabilistic(FloatFormat format) {
        return new RoundingClass(format, true, DEFAULT_FAILURE_PROBABILITY);
    }

    /**
     * {@code λ} with {@code sums * 2 exp(-λ^2/2) <= failureProbability}: the union bound over
     * {@code sums} inner products, each failing with probability {@code 2 exp(-λ^2 (1-u)^2/2)}.
     */
    public double lambda(double sums) {
        double uu = 1 - format.accumulator().u();
        return Math.sqrt(2 * Math.log(2 * Math.max(sums, 1) / componentFailureProbability())) / uu;
    }

    /** Unit roundoff of the storage format. */
    public double uStore() {
        return format.u();
    }

    /** Unit roundoff of the accumulation format. */
    public double uAcc() {
        return format.accumulator().u();
    }

    /** Half the subnormal spacing of the storage format: the absolute error of gradual underflow. */
    public double floorStore() {
        return underflowFloor(format);
    }

    /** Half the subnormal spacing of the accumulation format. */
    public double floorAcc() {
        return underflowFloor(format.accumulator());
    }

    private static double underflowFloor(FloatFormat f) {
        return f == FloatFormat.DOUBLE_DOUBLE ? 0x1p-1074 : Math.scalb(f.minNormal(), -f.precision());
    }

    /** A name for reports: {@code fp32 (worst case)} or {@code fp32 (probabilistic, P_fail 1e-06)}. */
    public String label() {
        return format.label() + (firstOrder ? " (first-order probabilistic, P_fail " + failureProbability + ")"
                : probabilistic ? " (probabilistic, P_fail " + failureProbability + ")" : " (worst case)");
    }
}
