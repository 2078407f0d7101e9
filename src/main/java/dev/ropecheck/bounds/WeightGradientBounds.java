package dev.ropecheck.bounds;

import static dev.ropecheck.bounds.Magnitudes.gamma;

import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.model.TensorInstance;
import org.ejml.data.DMatrixRMaj;

/**
 * Error of the chain-rule weight gradients ({@link dev.ropecheck.engine.TensorChainRule}) given entrywise
 * error bounds {@code εG} on {@code ∇_X L} and {@code εGY} on {@code ∇_Y L}: for
 * {@code ∂L/∂W_Q[a,l] = Σ_{c1,c2} G[a,(c1,c2)] W_K1[c1,l] W_K2[c2,l]} the error is at most
 * {@code Σ εG |W_K1| |W_K2| + γ_{d^2+2} Σ (|G| + εG) |W_K1| |W_K2|} (propagated error plus the rounding of a
 * {@code d^2}-term sum of triple products), and likewise for the other weights ({@code γ_{d+1}} for the value
 * weights, {@code d}-term sums of products).
 */
final class WeightGradientBounds {
    private WeightGradientBounds() {
    }

    static double allowed(TensorQuantity q, TensorInstance in, TensorResult trusted, DMatrixRMaj errG, DMatrixRMaj errGY) {
        if (q.needsKeyWeights()) {
            return keyWeight(q, in, trusted.get(TensorQuantity.GRAD_X), errG);
        } else if (q.needsValueWeights()) {
            return valueWeight(q, in, trusted.get(TensorQuantity.GRAD_Y), errGY);
        }
        throw new IllegalArgumentException("no bound for quantity " + q.key());
    }

    /** {@code W_Q, W_K1, W_K2}: {@code d^2}-term sums of {@code G} times two weights ({@code γ_{d^2+2}}). */
    private static double keyWeight(TensorQuantity q, TensorInstance in, DMatrixRMaj g, DMatrixRMaj errG) {
        int d = in.d();
        DMatrixRMaj wq = in.wq();
        DMatrixRMaj wk1 = in.wk1();
        DMatrixRMaj wk2 = in.wk2();
        double gam = gamma(d * d + 2.0);
        double worst = 0;
        for (int row = 0; row < d; row++) {
            for (int l = 0; l < d; l++) {
                double prop = 0;
                double abs = 0;
                for (int u = 0; u < d; u++) {
                    for (int w = 0; w < d; w++) {
                        int ga;
                        int gs;
                        double f;
                        if (q == TensorQuantity.GRAD_WQ) {
                            ga = row;
                            gs = u * d + w;
                            f = Math.abs(wk1.get(u, l) * wk2.get(w, l));
                        } else if (q == TensorQuantity.GRAD_WK1) {
                            ga = u;
                            gs = row * d + w;
                            f = Math.abs(wq.get(u, l) * wk2.get(w, l));
                        } else {
                            ga = u;
                            gs = w * d + row;
                            f = Math.abs(wq.get(u, l) * wk1.get(w, l));
                        }
                        double e = errG.get(ga, gs);
                        prop += e * f;
                        abs += (Math.abs(g.get(ga, gs)) + e) * f;
                    }
                }
                worst = Math.max(worst, prop + gam * abs);
            }
        }
        return worst;
    }

    /** {@code W_V1, W_V2}: {@code d}-term sums of {@code ∇_Y L} times one weight ({@code γ_{d+1}}). */
    private static double valueWeight(TensorQuantity q, TensorInstance in, DMatrixRMaj gy, DMatrixRMaj errGY) {
        int d = in.d();
        DMatrixRMaj other = q == TensorQuantity.GRAD_WV1 ? in.wv2() : in.wv1();
        double gam = gamma(d + 1.0);
        double worst = 0;
        for (int row = 0; row < d; row++) {
            for (int l = 0; l < d; l++) {
                double prop = 0;
                double abs = 0;
                for (int u = 0; u < d; u++) {
                    int s = q == TensorQuantity.GRAD_WV1 ? row * d + u : u * d + row;
                    double f = Math.abs(other.get(u, l));
                    double e = errGY.get(s, l);
                    prop += e * f;
                    abs += (Math.abs(gy.get(s, l)) + e) * f;
                }
                worst = Math.max(worst, prop + gam * abs);
            }
        }
        return worst;
    }
}
