package dev.ropecheck.engine.exact;

import dev.ropecheck.model.RopeInstance;

/**
 * The score scale of an {@link RopeExactEngine_F64} evaluation (MATH §9): one rounding per use, either a
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

    /** The scale of {@code inst}. */
    static ScoreScale of(RopeInstance inst) {
        return inst.hasDefaultScale() ? new ScoreScale(true, inst.d()) : new ScoreScale(false, inst.scale());
    }

    /** The scale {@code 1/by}, applied as a division (one rounding). */
    static ScoreScale dividingBy(double by) {
        return new ScoreScale(true, by);
    }

    /** {@code sigma x}, rounded once. */
    double apply(double x) {
        return divide ? x / by : x * by;
    }
}
