package dev.ropecheck.engine.exact;

import dev.ropecheck.engine.Engine;
import dev.ropecheck.engine.StandardAttentionEngine;
import dev.ropecheck.engine.StandardQuantity;
import dev.ropecheck.engine.StandardResult;
import dev.ropecheck.model.StandardInstance;
import java.util.EnumSet;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * Standard (position-free) attention of AS24, exactly in double, as used by RoPE-grad Section 7's
 * reduction (MATH §7): {@code S = A1 X0 A2^T / d}, {@code f = softmax rows of S},
 * {@code Att = f A3 Y}, {@code c = Att - E}, {@code L_std = (1/2) ||c||_F^2}, and
 * {@code ∇L_std = (1/d) A1^T p A2} with {@code p = f ∘ (c h^T) - diag(r) f},
 * {@code r_i = <c_i, Att_i>}, {@code h = A3 Y}. Time {@code O(n^2 d + n d^2)}, memory {@code O(n^2)}.
 *
 * <p>Written independently of the RoPE engines (no shared code beyond the instance type) so that the
 * reduction test compares two separate programs. The softmax subtracts each row's maximum; {@code p}
 * is evaluated as {@code f_ij <c_i, h_j - Att_i>}.
 *
 * <p>Error: each stage performs the same or fewer roundings than the corresponding stage of
 * {@code RopeExactEngine_F64} on the reduced RoPE instance (scores: {@code 2d+1} roundings per term; softmax,
 * {@code Att}, {@code c}, {@code p} the same; gradient {@code 2n+1} roundings per term against the
 * engine's {@code 3n+2}), so {@code ExactRoundingModel}'s bounds for that instance hold for it too.
 */
public final class StandardExactEngine_F64 implements StandardAttentionEngine {

    /**
     * The computed quantities.
     *
     * @param loss {@code L_std}
     * @param gradient {@code ∇L_std}, {@code d x d}
     * @param f the attention probabilities, {@code n x n}
     * @param attention {@code f h}, {@code n x d}
     * @param p {@code ∂L_std/∂S}, {@code n x n}
     */
    public record Values(double loss, DMatrixRMaj gradient, DMatrixRMaj f, DMatrixRMaj attention, DMatrixRMaj p) {
    }

    @Override
    public String name() {
        return "standard-exact";
    }

    @Override
    public Set<StandardQuantity> supported(StandardInstance instance) {
        return EnumSet.allOf(StandardQuantity.class);
    }

    @Override
    public StandardResult compute(StandardInstance instance, Set<StandardQuantity> wanted) {
        Engine.requireSupported(name(), wanted, supported(instance));
        Values v = evaluate(instance);
        return StandardResult.builder(name()).put(StandardQuantity.F, v.f()).put(StandardQuantity.ATTENTION, v.attention())
                .putScalar(StandardQuantity.LOSS, v.loss()).put(StandardQuantity.P, v.p())
                .put(StandardQuantity.GRAD_X, v.gradient()).build();
    }

    /** Computes loss, gradient, {@code f}, attention and {@code p} for {@code inst}. */
    public static Values evaluate(StandardInstance inst) {
        if (inst == null) {
            throw new IllegalArgumentException("instance is missing");
        }
        int n = inst.n();
        int d = inst.d();
        double[] a1 = inst.a1().data;
        double[] a2 = inst.a2().data;
        double[] a3 = inst.a3().data;
        double[] e = inst.e().data;
        double[] x0 = inst.x0().data;
        double[] y = inst.y().data;
        // u = A1 X0 (n x d), h = A3 Y (n x d).
        double[] u = new double[n * d];
        double[] h = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int col = 0; col < d; col++) {
                double su = 0.0;
                double sh = 0.0;
                for (int t = 0; t < d; t++) {
                    su += a1[i * d + t] * x0[t * d + col];
                    sh += a3[i * d + t] * y[t * d + col];
                }
                u[i * d + col] = su;
                h[i * d + col] = sh;
            }
        }
        double[] f = new double[n * n];
        double[] att = new double[n * d];
        double[] c = new double[n * d];
        double loss = softmaxAttention(u, a2, h, e, n, d, f, att, c);
        double[] p = scoreGradient(c, h, att, f, n, d);
        double[] grad = gradient(p, a1, a2, n, d);
        return new Values(0.5 * loss, DMatrixRMaj.wrap(d, d, grad), DMatrixRMaj.wrap(n, n, f),
                DMatrixRMaj.wrap(n, d, att), DMatrixRMaj.wrap(n, n, p));
    }

    /**
     * The forward pass row by row (Defs. 3.12–3.17 without positions): {@code f = softmax(u A2^T / d)} with the
     * row-max shift, {@code Att = f h}, {@code c = Att - E}, into {@code f}, {@code att}, {@code c}.
     *
     * @return {@code ||c||_F^2} (twice the loss)
     */
    private static double softmaxAttention(double[] u, double[] a2, double[] h, double[] e, int n, int d, double[] f,
            double[] att, double[] c) {
        double loss = 0.0;
        for (int i = 0; i < n; i++) {
            double mx = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                double sij = 0.0;
                for (int t = 0; t < d; t++) {
                    sij += u[i * d + t] * a2[j * d + t];
                }
                sij = sij / d;
                f[i * n + j] = sij;
                mx = Math.max(mx, sij);
            }
            double z = 0.0;
            for (int j = 0; j < n; j++) {
                double v = Math.exp(f[i * n + j] - mx);
                f[i * n + j] = v;
                z += v;
            }
            for (int j = 0; j < n; j++) {
                f[i * n + j] /= z;
            }
            for (int l = 0; l < d; l++) {
                double acc = 0.0;
                for (int j = 0; j < n; j++) {
                    acc += f[i * n + j] * h[j * d + l];
                }
                att[i * d + l] = acc;
                double cl = acc - e[i * d + l];
                c[i * d + l] = cl;
                loss += cl * cl;
            }
        }
        return loss;
    }

    /** {@code p_ij = f_ij <c_i, h_j - Att_i> = ∂L_std/∂S_ij} (Lemma 5.1–5.3's {@code p} without positions). */
    private static double[] scoreGradient(double[] c, double[] h, double[] att, double[] f, int n, int d) {
        double[] p = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double t = 0.0;
                for (int l = 0; l < d; l++) {
                    t += c[i * d + l] * (h[j * d + l] - att[i * d + l]);
                }
                p[i * n + j] = f[i * n + j] * t;
            }
        }
        return p;
    }

    /** {@code ∇L_std = (1/d) A1^T (p A2)}, {@code d x d}. */
    private static double[] gradient(double[] p, double[] a1, double[] a2, int n, int d) {
        double[] pa2 = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int col = 0; col < d; col++) {
                double acc = 0.0;
                for (int j = 0; j < n; j++) {
                    acc += p[i * n + j] * a2[j * d + col];
                }
                pa2[i * d + col] = acc;
            }
        }
        double[] grad = new double[d * d];
        for (int a = 0; a < d; a++) {
            for (int col = 0; col < d; col++) {
                double acc = 0.0;
                for (int i = 0; i < n; i++) {
                    acc += a1[i * d + a] * pa2[i * d + col];
                }
                grad[a * d + col] = acc / d;
            }
        }
        return grad;
    }
}
