package dev.ropecheck.model;

/**
 * What every kind of attention instance has (RoPE attention {@link RopeInstance}, tensor attention
 * {@link TensorInstance}, standard attention {@link StandardInstance}): {@code n} tokens of dimension
 * {@code d}. The shapes of the quantities an engine reports are stated in these two numbers.
 */
public interface AttentionInstance {
    /** The number of tokens {@code n >= 1}. */
    int n();

    /** The head dimension {@code d >= 1}. */
    int d();
}
