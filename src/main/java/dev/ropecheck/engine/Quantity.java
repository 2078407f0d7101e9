package dev.ropecheck.engine;

/**
 * The quantities every RoPE attention engine can report (MATH §2–3), with the papers' numbering.
 * Vectors are stored as {@code n x 1} matrices and scalars as {@code 1 x 1}.
 */
public enum Quantity implements NamedQuantity {
    /** {@code u = A = exp(s)}, {@code n x n} (Def. 3.12). */
    A("A", Shape.N_N),
    /** {@code alpha_i = Σ_j A_ij} (Def. 3.13). */
    ALPHA("alpha", Shape.N_1),
    /** {@code f = diag(alpha)^{-1} A} (Def. 3.14). */
    F("f", Shape.N_N),
    /** {@code h = A3 Y} (Def. 3.15). */
    H("h", Shape.N_D),
    /** {@code Att = f h} (Def. 3.1). */
    ATTENTION("attention", Shape.N_D),
    /** {@code c = f h - E} (Def. 3.16). */
    C("c", Shape.N_D),
    /** {@code L = (1/2) Σ c_il^2} (Def. 3.17). */
    LOSS("loss", Shape.ONE),
    /** {@code r_i = <c_i, Att_i>} (Lemma 4.1, Section 3). */
    R("r", Shape.N_1),
    /** {@code p = f ∘ q - diag(r) f}, {@code p_ij = ∂L/∂s_ij} (Lemma 5.1–5.3). */
    P("p", Shape.N_N),
    /** {@code G = ∂L/∂X}, {@code d^2 x d^2}, rows {@code (a,c)}, columns {@code (b,e)} (Lemma 3.18, 5.4–5.6). */
    GRAD_X("gradX", Shape.D2_D2),
    /** {@code dQ_i = (1/d) Σ_j p_ij K_j W_{i-j}^T} (only with weights). */
    DQ("dQ", Shape.N_D),
    /** {@code dK_j = (1/d) Σ_i p_ij Q_i W_{i-j}} (only with weights). */
    DK("dK", Shape.N_D),
    /** {@code dV = f^T c}. */
    DV("dV", Shape.N_D),
    /** {@code ∂L/∂W_Q = A1^T dQ} (only with weights). */
    GRAD_WQ("gradWQ", Shape.D_D),
    /** {@code ∂L/∂W_K = A2^T dK} (only with weights). */
    GRAD_WK("gradWK", Shape.D_D),
    /** {@code ∂L/∂W_V = ∂L/∂Y = A3^T f^T c}. */
    GRAD_WV("gradWV", Shape.D_D),
    /**
     * {@code lse_i = log alpha_i} (MATH §9), what attention kernels return in place of {@code alpha};
     * finite where {@code alpha_i} overflows. Derived: engines report {@code alpha}, and the checking
     * core takes the reference's {@code lse} from it.
     */
    LSE("lse", Shape.N_1),
    /**
     * {@code dQrot_i = dQ_i R_i}: the gradient with respect to the rotated query row
     * {@code rope(Q)_i = Q_i R_i} (MATH §9), what SDPA and FlashAttention backward return; only with
     * weights and a family with a rotation {@code R_i} (RoPE, identity).
     */
    DQROT("dQrot", Shape.N_D),
    /** {@code dKrot_j = dK_j R_j}: the gradient with respect to the rotated key row (MATH §9); as {@link #DQROT}. */
    DKROT("dKrot", Shape.N_D);

    /** The shapes a quantity can have, in terms of {@code n} and {@code d}. */
    public enum Shape implements NamedQuantity.Shape {
        N_N, N_1, N_D, ONE, D2_D2, D_D
    }

    private final String key;
    private final Shape shape;

    Quantity(String key, Shape shape) {
        this.key = key;
        this.shape = shape;
    }

    /** The name used in reports and the JSON result format. */
    @Override
    public String key() {
        return key;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    /** True for quantities that only exist when {@code X = W_Q ⊗ W_K} is given by its factors. */
    public boolean needsWeights() {
        return this == DQ || this == DK || this == GRAD_WQ || this == GRAD_WK || this == DQROT || this == DKROT;
    }

    /**
     * True for the gradients with respect to the rotated rows, which exist only for a family with a
     * rotation {@code R_i} ({@code W_{i-j} = R_i R_j^T}: RoPE and the identity, not an explicit family).
     */
    public boolean needsRotation() {
        return this == DQROT || this == DKROT;
    }

    /**
     * True for the gradients with respect to the papers' parameters ({@code X}, {@code W_Q, W_K, W_V}),
     * which an instance given by {@code q, k, v} does not have (MATH §9).
     */
    public boolean isParameterGradient() {
        return this == GRAD_X || this == GRAD_WQ || this == GRAD_WK || this == GRAD_WV;
    }

    /** True for the quantities derived from another one for checking ({@link #LSE} from {@link #ALPHA}). */
    public boolean isDerived() {
        return this == LSE;
    }

    /** True for the {@code n x n} quantities, which fast engines never form. */
    public boolean isQuadratic() {
        return shape == Shape.N_N;
    }

    public static Quantity byKey(String key) {
        return NamedQuantity.byKey(Quantity.class, key, "quantity");
    }
}
