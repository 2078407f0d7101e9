package dev.ropecheck.approx;

/** How the polynomial {@code P ≈ exp} on {@code [-beta, beta]} is built (MATH §4, RoPE-grad Lemma 3.4). */
public enum Method {
    /** Truncated Taylor series {@code a_k = 1/k!}. */
    TAYLOR,
    /** Interpolation at the {@code g+1} Chebyshev nodes of {@code [-beta, beta]}. */
    CHEBYSHEV
}
