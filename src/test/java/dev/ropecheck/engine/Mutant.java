package dev.ropecheck.engine;

/**
 * A deliberately wrong variant of an engine, for measuring the suite's power (mutation testing): the
 * one strategy the power tests use. Each implementation replaces one rule of the paper through a
 * package-private seam of the engine it mutates ({@code engine.exact.OffsetPathRules},
 * {@code engine.fast.GradientFactors.Rule}), so main code carries no fault switches and the engines
 * themselves only ever run the paper's rules.
 *
 * @param <E> the engine type the mutant is built from
 */
public interface Mutant<E extends RopeAttentionEngine> {

    /** The mutant's name, for test output. */
    String name();

    /** The statement the mutant breaks, with its source (MATH section, lemma). */
    String breaks();

    /** An engine that computes like {@code correct} but with this mutant's defect; {@code correct} is unchanged. */
    E of(E correct);
}
