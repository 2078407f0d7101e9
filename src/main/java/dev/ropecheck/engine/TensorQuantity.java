package dev.ropecheck.engine;

/**
 * The quantities a tensor attention engine can report (Tensor-grad; MATH §8). Vectors are {@code n x 1}
 * matrices, scalars {@code 1 x 1}; token pairs {@code (j1,j2)} index columns (or rows of {@code h}) as
 * {@code j1*n + j2}, feature pairs {@code (c1,c2)} as {@code c1*d + c2}.
 */
public enum TensorQuantity implements NamedQuantity {
    /** {@code A = exp(S)}, {@code S = A1 X (A2 ⊗ A3)^T / d}; {@code n x n^2}. */
    A("A", Shape.N_N2),
    /** {@code alpha = A 1_{n^2}}. */
    ALPHA("alpha", Shape.N_1),
    /** {@code f = diag(alpha)^{-1} A}; {@code n x n^2}. */
    F("f", Shape.N_N2),
    /** {@code h = (A4 ⊗ A5) Y}; {@code n^2 x d}. */
    H("h", Shape.N2_D),
    /** {@code Att = f h}. */
    ATTENTION("attention", Shape.N_D),
    /** {@code c = f h - E}. */
    C("c", Shape.N_D),
    /** {@code L = (1/2) ||c||_F^2}. */
    LOSS("loss", Shape.ONE),
    /** {@code r_i = <f_i, q_i> = <c_i, Att_i>}. */
    R("r", Shape.N_1),
    /** {@code p = f ∘ q - diag(r) f = ∂L/∂S}; {@code n x n^2}. */
    P("p", Shape.N_N2),
    /** {@code ∇_X L = (1/d) A1^T p (A2 ⊗ A3)}; {@code d x d^2}. */
    GRAD_X("gradX", Shape.D_D2),
    /** {@code ∇_Y L = (A4 ⊗ A5)^T f^T c}; {@code d^2 x d}. */
    GRAD_Y("gradY", Shape.D2_D),
    /** {@code ∂L/∂W_Q = ∇_X L (W_K1 ⊘' W_K2)} (key weights only). */
    GRAD_WQ("gradWQ", Shape.D_D),
    /** {@code ∂L/∂W_K1[c1,l] = Σ_{a,c2} ∇_X L[a,(c1,c2)] W_Q[a,l] W_K2[c2,l]} (key weights only). */
    GRAD_WK1("gradWK1", Shape.D_D),
    /** {@code ∂L/∂W_K2[c2,l] = Σ_{a,c1} ∇_X L[a,(c1,c2)] W_Q[a,l] W_K1[c1,l]} (key weights only). */
    GRAD_WK2("gradWK2", Shape.D_D),
    /** {@code ∂L/∂W_V1[c1,l] = Σ_{c2} ∇_Y L[(c1,c2),l] W_V2[c2,l]} (value weights only). */
    GRAD_WV1("gradWV1", Shape.D_D),
    /** {@code ∂L/∂W_V2[c2,l] = Σ_{c1} ∇_Y L[(c1,c2),l] W_V1[c1,l]} (value weights only). */
    GRAD_WV2("gradWV2", Shape.D_D);

    /** Shapes in terms of {@code n} and {@code d}. */
    public enum Shape implements NamedQuantity.Shape {
        N_N2, N2_D, N_1, N_D, ONE, D_D2, D2_D, D_D
    }

    private final String key;
    private final Shape shape;

    TensorQuantity(String key, Shape shape) {
        this.key = key;
        this.shape = shape;
    }

    /** The name used in reports and result files. */
    @Override
    public String key() {
        return key;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    /** True for the quantities with {@code n^2} entries per row or column ({@code A, f, p, h}). */
    public boolean isQuadratic() {
        return shape == Shape.N_N2 || shape == Shape.N2_D;
    }

    /** True for quantities that need {@code W_Q, W_K1, W_K2}. */
    public boolean needsKeyWeights() {
        return this == GRAD_WQ || this == GRAD_WK1 || this == GRAD_WK2;
    }

    /** True for quantities that need {@code W_V1, W_V2}. */
    public boolean needsValueWeights() {
        return this == GRAD_WV1 || this == GRAD_WV2;
    }

    public static TensorQuantity byKey(String key) {
        return NamedQuantity.byKey(TensorQuantity.class, key, "tensor quantity");
    }
}
