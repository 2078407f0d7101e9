package dev.ropecheck.engine.fast;

import dev.ropecheck.engine.Mutant;
import java.util.Arrays;

/**
 * The fast gradients' mutants: each replaces {@link GradientFactors#AS_BUILT} (the rule both fast
 * gradients apply to Lemma 6.4's factors) and wraps a correct engine, so the mutant is a whole engine
 * (forward pass and {@link PolynomialEngine#compute} included) that differs only there.
 */
enum FactorMutant implements Mutant<PolynomialEngine>, GradientFactors.Rule {
    /** Drops the {@code -r~} column of {@code x_i}, so {@code p~ = f~ ∘ q~} (Lemma 6.4's {@code -r~} skipped). */
    DROP_R {
        @Override
        public void apply(GradientFactors f) {
            Arrays.fill(f.x[f.d], 0.0);
        }

        @Override
        public String breaks() {
            return "Lemma 6.4: x_i = [c~_i, -r~_i]";
        }
    };

    @Override
    public PolynomialEngine of(PolynomialEngine correct) {
        return new Mutated(correct, this);
    }

    /** {@code correct} with {@code rule} in place of {@link GradientFactors#AS_BUILT}. */
    private static final class Mutated extends PolynomialEngine {
        private final PolynomialEngine correct;
        private final GradientFactors.Rule rule;

        Mutated(PolynomialEngine correct, GradientFactors.Rule rule) {
            super(correct.eps, correct.method, "cap", correct.cap);
            this.correct = correct;
            this.rule = rule;
        }

        @Override
        public String name() {
            return correct.name();
        }

        @Override
        FastGradient gradient(dev.ropecheck.model.RopeInstance in, boolean wantG, GradientFactors.Rule ignored) {
            return correct.gradient(in, wantG, rule);
        }

        @Override
        public FastForward forward(dev.ropecheck.model.RopeInstance in) {
            return correct.forward(in);
        }
    }
}
