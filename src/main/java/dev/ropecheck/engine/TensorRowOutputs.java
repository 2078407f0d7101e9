package dev.ropecheck.engine;

import dev.ropecheck.model.TensorInstance;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * The result assembly every tensor engine shares (Tensor-grad; MATH §8): which gradients a request needs, and
 * how the per-row quantities {@code alpha, Att, c, L, r}, the data gradients {@code ∇_X L, ∇_Y L} and, through
 * {@link TensorChainRule}, the weight gradients go into a {@link TensorResult.Builder}. Engines put any
 * quantity of size {@code n x n^2} themselves. Only stores values; no arithmetic beyond {@code L = (2L)/2}.
 */
public final class TensorRowOutputs {
    private TensorRowOutputs() {
    }

    /** True when {@code wanted} asks for {@code ∇_X L} or a key/query weight gradient derived from it. */
    public static boolean needsGradX(Set<TensorQuantity> wanted) {
        return wanted.contains(TensorQuantity.GRAD_X) || wanted.stream().anyMatch(TensorQuantity::needsKeyWeights);
    }

    /** True when {@code wanted} asks for {@code ∇_Y L} or a value weight gradient derived from it. */
    public static boolean needsGradY(Set<TensorQuantity> wanted) {
        return wanted.contains(TensorQuantity.GRAD_Y) || wanted.stream().anyMatch(TensorQuantity::needsValueWeights);
    }

    /**
     * Puts into {@code out} those of {@code ALPHA, ATTENTION, C, LOSS, R, GRAD_X, GRAD_Y} and the weight
     * gradients that {@code wanted} asks for. Arrays are row-major; {@code gX} ({@code d x d^2}) and {@code gY}
     * ({@code d^2 x d}) may be null when not needed by {@code wanted}.
     *
     * @param alpha the {@code n} row sums {@code alpha_i}
     * @param att {@code Att}, {@code n x d}
     * @param c {@code c = Att - E}, {@code n x d}
     * @param twoLoss {@code ||c||_F^2}, stored as {@code L = twoLoss / 2}
     * @param r the {@code n} values {@code r_i = <c_i, Att_i>}
     */
    public static void put(TensorInstance in, Set<TensorQuantity> wanted, double[] alpha, double[] att,
            double[] c, double twoLoss, double[] r, DMatrixRMaj gX, DMatrixRMaj gY, TensorResult.Builder out) {
        final int n = in.n();
        final int d = in.d();
        for (TensorQuantity q : wanted) {
            switch (q) {
                case ALPHA:
                    out.putVector(q, alpha);
                    break;
                case ATTENTION:
                    out.put(q, DMatrixRMaj.wrap(n, d, att));
                    break;
                case C:
                    out.put(q, DMatrixRMaj.wrap(n, d, c));
                    break;
                case LOSS:
                    out.putScalar(q, 0.5 * twoLoss);
                    break;
                case R:
                    out.putVector(q, r);
                    break;
                case GRAD_X:
                    out.put(q, gX);
                    break;
                case GRAD_Y:
                    out.put(q, gY);
                    break;
                default:
                    break;
            }
        }
        TensorChainRule.putWeightGradients(in, wanted, gX, gY, out);
    }
}
