package dev.ropecheck.engine.fast;

import dev.ropecheck.model.RopeInstance;
import org.ejml.data.DMatrixRMaj;

/**
 * The factors of RoPE-grad Lemma 6.4, built once for both fast gradients ({@link FftGradient},
 * {@link LowRankGradient}): with {@code r~_i = <c~_i, Att~_i>}, {@code x_i = [c~_i, -r~_i]} and
 * {@code y_j = [h_j, 1]} (both of length {@code d + 1}),
 * {@code p~ = diag(1/alpha~) (Ã ∘ (x y^T))}, so every {@code p~ V} is a sum over {@code l} of
 * products of {@code Ã} with diagonal scalings. Stored by column, with {@code 1/alpha~_i} taken into
 * {@code x}: {@code x[l][i] = x_il / alpha~_i}, {@code y[l][j] = y_jl}.
 */
final class GradientFactors {

    /**
     * What the gradient passes do to the factors once they are built: a package-private seam. The
     * engines pass {@link #AS_BUILT}; the tests' mutants replace it to show a defect is caught.
     */
    interface Rule {
        void apply(GradientFactors factors);
    }

    /** The factors exactly as Lemma 6.4 has them. */
    static final Rule AS_BUILT = factors -> {
    };

    final int n;
    final int d;
    /** {@code r~_i = Σ_l c~_il Att~_il}, in increasing {@code l}. */
    final double[] r;
    /** {@code x[l][i] = x_il / alpha~_i}: {@code c~_il / alpha~_i} for {@code l < d}, {@code -r~_i / alpha~_i} at {@code l = d}. */
    final double[][] x;
    /** {@code y[l][j] = y_jl}: {@code h_jl} for {@code l < d}, 1 at {@code l = d}; {@code null} when built without {@code h}. */
    final double[][] y;

    private GradientFactors(int n, int d, boolean withY) {
        this.n = n;
        this.d = d;
        this.r = new double[n];
        this.x = new double[d + 1][n];
        this.y = withY ? new double[d + 1][n] : null;
    }

    /** The factors of {@code fwd} (a forward pass on {@code in}), then {@code rule} applied to them. */
    static GradientFactors of(RopeInstance in, FastForward fwd, Rule rule) {
        GradientFactors f = ofRows(in.n(), in.d(), fwd.alpha(), fwd.attention().data, fwd.c().data, in.h().data);
        rule.apply(f);
        return f;
    }

    /**
     * The factors from row-major {@code n x d} arrays {@code att = Att~}, {@code c = c~} and {@code alpha~}: the one
     * build of Lemma 6.4's {@code x}, shared by the RoPE gradients and the tensor gradient
     * ({@link TensorFastEngine_F64}, where {@code x_i = [c~_i, -r~_i]} is the same and {@code y_(j1,j2) = [h_(j1,j2), 1]}
     * is never formed: it factorises through {@code U2, U3}).
     *
     * @param h row-major {@code n x d} values {@code h}, or {@code null} to leave {@code y} unbuilt ({@code y == null})
     */
    static GradientFactors ofRows(int n, int d, double[] alpha, double[] att, double[] c, double[] h) {
        GradientFactors f = new GradientFactors(n, d, h != null);
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int l = 0; l < d; l++) {
                s += c[i * d + l] * att[i * d + l];
            }
            f.r[i] = s;
            double inv = 1.0 / alpha[i];
            for (int l = 0; l < d; l++) {
                f.x[l][i] = c[i * d + l] * inv;
            }
            f.x[d][i] = -s * inv;
            if (h != null) {
                for (int l = 0; l < d; l++) {
                    f.y[l][i] = h[i * d + l];
                }
                f.y[d][i] = 1.0;
            }
        }
        return f;
    }

    /** {@code m} row-major, {@code n x (d+1)}: {@code out[i (d+1) + l] = m[l][i]}. */
    static double[] byRow(double[][] m) {
        int cols = m.length;
        int rows = m[0].length;
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int l = 0; l < cols; l++) {
                out[i * cols + l] = m[l][i];
            }
        }
        return out;
    }
}
