package dev.ropecheck.model;

import java.util.List;

/**
 * The independent problems of one instance file with leading {@code batch} and {@code heads}
 * dimensions (MATH §9, {@code specs/format-instance.md} version 2): problem {@code (b, h)} is
 * {@code problems.get(b * heads + h)}. A version-1 file, or a version-2 file without the dimensions,
 * is one problem ({@code batch = heads = 1}).
 *
 * @param batch leading batch dimension, {@code >= 1}
 * @param heads head dimension, {@code >= 1}
 * @param problems {@code batch * heads} instances, batch-major
 */
public record ProblemSet(int batch, int heads, List<RopeInstance> problems) {
    public ProblemSet {
        if (batch < 1 || heads < 1) {
            throw new IllegalArgumentException("batch = " + batch + " and heads = " + heads + " must be >= 1");
        }
        problems = List.copyOf(problems);
        if (problems.size() != (long) batch * heads) {
            throw new IllegalArgumentException(problems.size() + " problems for batch x heads = " + batch + " x " + heads);
        }
    }

    /** One problem. */
    public static ProblemSet of(RopeInstance instance) {
        return new ProblemSet(1, 1, List.of(instance));
    }

    /** Problem {@code (b, h)}. */
    public RopeInstance get(int b, int h) {
        return problems.get(b * heads + h);
    }

    /** True when there is more than one problem, or the file declared the dimensions. */
    public boolean isSingle() {
        return batch == 1 && heads == 1;
    }

    /** The first problem (every problem has its {@code n, d}, family, scale and mask). */
    public RopeInstance first() {
        return problems.get(0);
    }
}
