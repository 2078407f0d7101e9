package dev.ropecheck.report;

import dev.ropecheck.bounds.TensorFastErrorBound;
import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.engine.exact.TensorExactEngine_F64;
import dev.ropecheck.model.TensorInstance;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * The {@link BoundAttainment} rows of Tensor-grad's transfer through the tensor fast engine's bound
 * ({@link TensorFastErrorBound}, the analogue of Theorem 6.7): {@code n = 2, d = 1} with {@code X = 0} (uniform
 * {@code f}), {@code h = (1, 1, -1, -1)} and every entry of {@code Ã} moved by {@code ±δ} in the worst direction
 * (MATH §8). {@code δ} is the relative error of the approximate attention matrix.
 */
public final class TensorTransferAttainment {
    private TensorTransferAttainment() {
    }

    /** {@code n = 2, d = 1}: {@code X = 0} (uniform {@code f}), {@code h = (A4 ⊗ A5) Y = (1, 1, -1, -1)}, {@code E = -4} (every {@code c > 0}). */
    public static TensorInstance halfAndHalf() {
        return TensorInstance.builder()
                .a1(new DMatrixRMaj(new double[][] {{0.5}, {-0.25}}))
                .a2(new DMatrixRMaj(new double[][] {{0.5}, {0.75}}))
                .a3(new DMatrixRMaj(new double[][] {{-0.5}, {0.25}}))
                .a4(new DMatrixRMaj(new double[][] {{1}, {-1}}))
                .a5(new DMatrixRMaj(new double[][] {{1}, {1}}))
                .e(new DMatrixRMaj(new double[][] {{-4}, {-4}}))
                .x(new DMatrixRMaj(1, 1))
                .y(new DMatrixRMaj(new double[][] {{1}}))
                .entryBound(4)
                .build();
    }

    /**
     * The worst admissible perturbation of row {@code i}'s weights for column {@code l}: {@code Ã_ij = (1 ± δ) A_ij},
     * {@code +} where {@code h_jl > Att_il}; returns the perturbed {@code f~_i} (normalised).
     */
    public static double[] worstRow(TensorResult t, int i, int l, double delta) {
        DMatrixRMaj a = t.get(TensorQuantity.A);
        DMatrixRMaj h = t.get(TensorQuantity.H);
        double att = t.get(TensorQuantity.ATTENTION).get(i, l);
        double[] f = new double[a.numCols];
        double den = 0;
        for (int j = 0; j < f.length; j++) {
            f[j] = (h.get(j, l) > att ? 1 + delta : 1 - delta) * a.get(i, j);
            den += f[j];
        }
        for (int j = 0; j < f.length; j++) {
            f[j] /= den;
        }
        return f;
    }

    /** {@code Att~_il} of {@link #worstRow}. */
    public static double worstAttention(TensorResult t, int i, int l, double delta) {
        double[] f = worstRow(t, i, l, delta);
        DMatrixRMaj h = t.get(TensorQuantity.H);
        double s = 0;
        for (int j = 0; j < f.length; j++) {
            s += f[j] * h.get(j, l);
        }
        return s;
    }

    /**
     * {@code TensorFastErrorBound}'s {@code Att}, {@code L}, {@code alpha} and {@code ∇_Y L} on {@link #halfAndHalf}
     * under {@link #worstRow}. The worst perturbation moves {@code Att} by {@code δ}, against {@code κ = 2δ/(1+sqrt(1-δ²))}
     * on {@code δ_eff >= δ}: {@code F = (1 + sqrt(1-δ²))/2 · δ/δ_eff}; the loss to the square of that (per row
     * {@code (|c|δ + δ²/2)/(|c|κ + κ²/2) >= (δ/κ)²}); {@code alpha} to {@code δ/δ_eff}; {@code ∇_Y L}: error
     * {@code 2δ(4+δ)} against {@code 2(ρ(4+κ)+κ)}, {@code ρ = 2δ/(1-δ)}: {@code F = (4/9)(1 - 3δ)}.
     */
    public static List<BoundAttainment.Attained> tensorTransfer(double delta) {
        TensorInstance in = halfAndHalf();
        TensorResult t = new TensorExactEngine_F64().computeAll(in);
        TensorFastErrorBound b = new TensorFastErrorBound(delta, 1e-12, 4, 2, 1.0);
        double scaled = delta / b.effectiveDelta(in.n(), in.d());
        double fAtt = (1 + Math.sqrt(1 - delta * delta)) / 2 * scaled - 1e-9;
        int n = in.n();
        int nn = n * n;
        DMatrixRMaj h = t.get(TensorQuantity.H);
        double attErr = 0;
        double lossChange = 0;
        double gy = 0;
        for (int i = 0; i < n; i++) {
            double[] f = worstRow(t, i, 0, delta);
            double attT = 0;
            for (int j = 0; j < nn; j++) {
                attT += f[j] * h.get(j, 0);
            }
            double att = t.get(TensorQuantity.ATTENTION).get(i, 0);
            attErr = Math.max(attErr, Math.abs(attT - att));
            double c = t.get(TensorQuantity.C).get(i, 0);
            double cT = attT - in.e().get(i, 0);
            lossChange += (cT * cT - c * c) / 2;
            for (int j = 0; j < nn; j++) {
                gy += f[j] * cT * h.get(j, 0); // ∇_Y L~ = (A4 ⊗ A5)^T f~^T c~ at d = 1
            }
        }
        double alphaMax = Math.abs(t.get(TensorQuantity.ALPHA).get(0, 0));
        for (int i = 1; i < n; i++) {
            alphaMax = Math.max(alphaMax, Math.abs(t.get(TensorQuantity.ALPHA).get(i, 0)));
        }
        String what = "n = 2, d = 1, X = 0, h = (1, 1, -1, -1), worst ±δ, δ = " + TextTable.num(delta);
        List<BoundAttainment.Attained> out = new ArrayList<>();
        out.add(new BoundAttainment.Attained("TensorFastErrorBound Att, c", "Tensor-grad, MATH §5", what, attErr,
                b.allowed(TensorQuantity.ATTENTION, in, t), fAtt));
        out.add(new BoundAttainment.Attained("TensorFastErrorBound L", "Tensor-grad, MATH §5", what + ", E = -4", lossChange,
                b.allowed(TensorQuantity.LOSS, in, t), fAtt * fAtt));
        out.add(new BoundAttainment.Attained("TensorFastErrorBound alpha", "Tensor-grad, MATH §5", "Ã = (1 + δ) A on the same, δ = "
                + TextTable.num(delta), delta * alphaMax, b.allowed(TensorQuantity.ALPHA, in, t), scaled - 1e-9));
        out.add(new BoundAttainment.Attained("TensorFastErrorBound ∇_Y L", "Tensor-grad, Theorem 6.7 analogue", what,
                Math.abs(gy - t.get(TensorQuantity.GRAD_Y).get(0, 0)), b.allowed(TensorQuantity.GRAD_Y, in, t),
                4.0 / 9 * (1 - 3 * delta)));
        return out;
    }
}
