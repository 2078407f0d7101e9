package dev.ropecheck.engine.exact;

import dev.ropecheck.model.RopeInstance;

/**
 * The score scale of an {@link ExactEngine} evaluation (MATH §9): one rounding per use, either a
 * division by {@code d} (the papers' default {@code sigma = 1/d}, so results at the default are the
 * ones of the papers' formulas) or a multiplication by the instance's {@code sigma}, the double the
 * instance holds ({@code specs/score-scale.md}). Immutable.
 */
final class ScoreScale {
    private final boolean divide;
    private final double by;

    private ScoreScale(boolean divide, double by) {
        this.divide = divide;
        this.by = by;
    }

    /** The scale of {@code inst}; {@link Fault#SQRT_D_SCALING} divides by {@code sqrt(d)} instead. */
    static ScoreScale of(RopeInstance inst, Fault fault) {
        if (fault == Fault.SQRT_D_SCALING) {
            return new ScoreScale(true, Math.sqrt(inst.d()));
        }
        return inst.hasDefaultScale() ? new ScoreScale(true, inst.d()) : new ScoreScale(false, inst.scale());
    }

    /** {@code sigma x}, rounded once. */
    double apply(double x) {
        return divide ? x / by : x * by;
    }
}
