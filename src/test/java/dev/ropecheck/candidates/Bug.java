package dev.ropecheck.candidates;

/**
 * A deliberate defect of a candidate kernel, each of the kind a real implementation has (issue 9,
 * "Must show"). {@link CandidateAttention} changes its algorithm or its output as stated; the
 * {@code check} guard must fail every one except {@link #NONE}.
 */
public enum Bug {
    /** The correct kernel. */
    NONE,
    /** Scores scaled by {@code 1/sqrt(d)} instead of MATH §0's {@code 1/d}. */
    SCALE_SQRT_D,
    /** RoPE pairs of the other layout (half-split rotation on an interleaved instance, or the reverse; MATH §1). */
    WRONG_ROPE_LAYOUT,
    /** The sine's sign flipped in the rotation (forward and back-rotation alike: the rotation runs backwards). */
    FLIPPED_SIN,
    /** {@code gradWK} returned transposed. */
    TRANSPOSED_GRAD_WK,
    /**
     * Softmax normalised over columns ({@code f_ij = u_ij / Σ_i u_ij}) instead of rows (Def. 3.14);
     * {@code alpha} then holds the column normalisers. The hand-written backward keeps the row formula
     * {@code dS = P ∘ (dP - D)} on the wrongly normalised {@code P} (an autograd framework, as in
     * {@code examples/torch_rope_candidate.py}, differentiates the wrong forward instead: the forward
     * fields agree, {@code dQ, dK} and their weight gradients differ).
     */
    SOFTMAX_WRONG_AXIS,
    /**
     * {@code dQ, dK} reported with respect to the rotated rows: the back-rotation
     * {@code dQ_i = dQrot_i R_i^T} (MATH §9) is left out, and {@code gradWQ = A1^T dQrot},
     * {@code gradWK = A2^T dKrot} follow from them.
     */
    DQ_ROTATED,
    /** {@code gradWK} × 1.2. */
    GRAD_WK_TIMES_1_2,
    /** {@code gradWK} × (1 + 1e-3). */
    GRAD_WK_TIMES_1_PLUS_1E3,
    /** {@code alpha} × 1000. */
    ALPHA_TIMES_1000,
    /** {@code gradWK} = 0. */
    GRAD_WK_ZERO,
    /** One {@code attention} entry × (1 + 1e-3): the largest in absolute value, or a given index. */
    ONE_ATTENTION_ENTRY_1E3,
    /** One {@code gradWQ} entry × (1 + 1e-6): the largest in absolute value, or a given index. */
    ONE_GRAD_WQ_ENTRY_1E6
}
