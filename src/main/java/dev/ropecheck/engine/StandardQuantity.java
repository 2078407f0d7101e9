package dev.ropecheck.engine;

/**
 * The quantities a standard (position-free) attention engine reports (AS24; MATH §7, the target of
 * RoPE-grad Section 7's reduction): {@code S = A1 X0 A2^T / d}, {@code f = softmax rows of S},
 * {@code Att = f A3 Y}, {@code L_std = (1/2) ||Att - E||_F^2}, {@code p = ∂L_std/∂S} and
 * {@code ∇L_std = (1/d) A1^T p A2}.
 */
public enum StandardQuantity implements NamedQuantity {
    /** {@code f = diag(alpha)^{-1} exp(S)}, {@code n x n}. */
    F("f", Shape.N_N),
    /** {@code Att = f A3 Y}, {@code n x d}. */
    ATTENTION("attention", Shape.N_D),
    /** {@code L_std = (1/2) ||c||_F^2}, {@code c = Att - E}. */
    LOSS("loss", Shape.ONE),
    /** {@code p_ij = f_ij <c_i, h_j - Att_i> = ∂L_std/∂S_ij}, {@code n x n}. */
    P("p", Shape.N_N),
    /** {@code ∇L_std = (1/d) A1^T p A2}, {@code d x d}. */
    GRAD_X("gradX", Shape.D_D);

    /** Shapes in terms of {@code n} and {@code d}. */
    public enum Shape implements NamedQuantity.Shape {
        N_N, N_D, ONE, D_D
    }

    private final String key;
    private final Shape shape;

    StandardQuantity(String key, Shape shape) {
        this.key = key;
        this.shape = shape;
    }

    @Override
    public String key() {
        return key;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    public static StandardQuantity byKey(String key) {
        return NamedQuantity.byKey(StandardQuantity.class, key, "standard quantity");
    }
}
