package dev.ropecheck.engine.exact;

/**
 * Deliberate defects the exact engine can be built with, so that the test suite can show that its
 * properties detect them (a mutation / power test). Only tests in this package can select one, via
 * the package-private {@link ExactEngine#ExactEngine(Fault)} constructor.
 */
enum Fault {
    /** The correct algorithm. */
    NONE,
    /** Uses {@code W_{j-i}} where MATH §2 has {@code W_{i-j}} (everywhere: scores, G, dQ, dK). */
    OFFSET_SIGN_FLIPPED,
    /** {@code p = f ∘ q}: drops the {@code -diag(r) f} term of Lemma 4.1 / MATH §3. */
    P_WITHOUT_DIAG_R_F,
    /** Scales scores (and hence every derivative) by {@code 1/sqrt(d)} instead of {@code 1/d}. */
    SQRT_D_SCALING,
    /** {@code p_ij = f_ij (q_ij - r_i)} evaluated as written, which cancels on near one-hot rows. */
    NAIVE_P
}
