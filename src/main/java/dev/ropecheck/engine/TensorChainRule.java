package dev.ropecheck.engine;

import dev.ropecheck.model.TensorInstance;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * Weight gradients from {@code ∇_X L} and {@code ∇_Y L} by the chain rule (Tensor-grad; MATH §8), for
 * {@code X = W_Q (W_K1 ⊘' W_K2)^T} and {@code Y = W_V1 ⊘' W_V2}:
 * <ul>
 *   <li>{@code ∂L/∂W_Q[a,l] = Σ_{c1,c2} G[a,(c1,c2)] W_K1[c1,l] W_K2[c2,l]} (that is {@code G (W_K1 ⊘' W_K2)});</li>
 *   <li>{@code ∂L/∂W_K1[c1,l] = Σ_{a,c2} G[a,(c1,c2)] W_Q[a,l] W_K2[c2,l]};</li>
 *   <li>{@code ∂L/∂W_K2[c2,l] = Σ_{a,c1} G[a,(c1,c2)] W_Q[a,l] W_K1[c1,l]};</li>
 *   <li>{@code ∂L/∂W_V1[c1,l] = Σ_{c2} GY[(c1,c2),l] W_V2[c2,l]}, {@code ∂L/∂W_V2[c2,l] = Σ_{c1} GY[(c1,c2),l] W_V1[c1,l]}.</li>
 * </ul>
 * Each entry is one sum of at most {@code d^2} products of three factors, so its rounding error is at most
 * {@code γ_{d^2+2}} times the same sum of absolute values.
 */
public final class TensorChainRule {
    private TensorChainRule() {
    }

    /** {@code ∂L/∂W_Q}. */
    public static DMatrixRMaj gradWq(DMatrixRMaj g, DMatrixRMaj wk1, DMatrixRMaj wk2) {
        int d = wk1.numRows;
        DMatrixRMaj out = new DMatrixRMaj(d, d);
        for (int a = 0; a < d; a++) {
            for (int l = 0; l < d; l++) {
                double s = 0;
                for (int c1 = 0; c1 < d; c1++) {
                    for (int c2 = 0; c2 < d; c2++) {
                        s += g.unsafe_get(a, c1 * d + c2) * wk1.unsafe_get(c1, l) * wk2.unsafe_get(c2, l);
                    }
                }
                out.unsafe_set(a, l, s);
            }
        }
        return out;
    }

    /** {@code ∂L/∂W_K1}. */
    public static DMatrixRMaj gradWk1(DMatrixRMaj g, DMatrixRMaj wq, DMatrixRMaj wk2) {
        int d = wq.numRows;
        DMatrixRMaj out = new DMatrixRMaj(d, d);
        for (int c1 = 0; c1 < d; c1++) {
            for (int l = 0; l < d; l++) {
                double s = 0;
                for (int a = 0; a < d; a++) {
                    for (int c2 = 0; c2 < d; c2++) {
                        s += g.unsafe_get(a, c1 * d + c2) * wq.unsafe_get(a, l) * wk2.unsafe_get(c2, l);
                    }
                }
                out.unsafe_set(c1, l, s);
            }
        }
        return out;
    }

    /** {@code ∂L/∂W_K2}. */
    public static DMatrixRMaj gradWk2(DMatrixRMaj g, DMatrixRMaj wq, DMatrixRMaj wk1) {
        int d = wq.numRows;
        DMatrixRMaj out = new DMatrixRMaj(d, d);
        for (int c2 = 0; c2 < d; c2++) {
            for (int l = 0; l < d; l++) {
                double s = 0;
                for (int a = 0; a < d; a++) {
                    for (int c1 = 0; c1 < d; c1++) {
                        s += g.unsafe_get(a, c1 * d + c2) * wq.unsafe_get(a, l) * wk1.unsafe_get(c1, l);
                    }
                }
                out.unsafe_set(c2, l, s);
            }
        }
        return out;
    }

    /** {@code ∂L/∂W_V1}. */
    public static DMatrixRMaj gradWv1(DMatrixRMaj gy, DMatrixRMaj wv2) {
        int d = wv2.numRows;
        DMatrixRMaj out = new DMatrixRMaj(d, d);
        for (int c1 = 0; c1 < d; c1++) {
            for (int l = 0; l < d; l++) {
                double s = 0;
                for (int c2 = 0; c2 < d; c2++) {
                    s += gy.unsafe_get(c1 * d + c2, l) * wv2.unsafe_get(c2, l);
                }
                out.unsafe_set(c1, l, s);
            }
        }
        return out;
    }

    /** {@code ∂L/∂W_V2}. */
    public static DMatrixRMaj gradWv2(DMatrixRMaj gy, DMatrixRMaj wv1) {
        int d = wv1.numRows;
        DMatrixRMaj out = new DMatrixRMaj(d, d);
        for (int c2 = 0; c2 < d; c2++) {
            for (int l = 0; l < d; l++) {
                double s = 0;
                for (int c1 = 0; c1 < d; c1++) {
                    s += gy.unsafe_get(c1 * d + c2, l) * wv1.unsafe_get(c1, l);
                }
                out.unsafe_set(c2, l, s);
            }
        }
        return out;
    }

    /** Puts the weight gradients {@code wanted} asks for into {@code out}, from {@code G = ∇_X L} and {@code GY = ∇_Y L}. */
    public static void putWeightGradients(TensorInstance in, Set<TensorQuantity> wanted,
            DMatrixRMaj g, DMatrixRMaj gy, TensorResult.Builder out) {
        if (in.hasKeyWeights()) {
            DMatrixRMaj wq = in.wq();
            DMatrixRMaj wk1 = in.wk1();
            DMatrixRMaj wk2 = in.wk2();
            if (wanted.contains(TensorQuantity.GRAD_WQ)) {
                out.put(TensorQuantity.GRAD_WQ, gradWq(g, wk1, wk2));
            }
            if (wanted.contains(TensorQuantity.GRAD_WK1)) {
                out.put(TensorQuantity.GRAD_WK1, gradWk1(g, wq, wk2));
            }
            if (wanted.contains(TensorQuantity.GRAD_WK2)) {
                out.put(TensorQuantity.GRAD_WK2, gradWk2(g, wq, wk1));
            }
        }
        if (in.hasValueWeights()) {
            if (wanted.contains(TensorQuantity.GRAD_WV1)) {
                out.put(TensorQuantity.GRAD_WV1, gradWv1(gy, in.wv2()));
            }
            if (wanted.contains(TensorQuantity.GRAD_WV2)) {
                out.put(TensorQuantity.GRAD_WV2, gradWv2(gy, in.wv1()));
            }
        }
    }
}
