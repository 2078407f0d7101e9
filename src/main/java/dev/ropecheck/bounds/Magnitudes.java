package dev.ropecheck.bounds;

import dev.ropecheck.model.Matrices;
import dev.ropecheck.model.TensorInstance;
import org.ejml.data.DMatrixRMaj;

/** Input magnitudes the bounds are stated in (column maxima of the {@code n x d} inputs, MATH §4's {@code beta}). */
final class Magnitudes {
    /** Unit roundoff {@code u = 2^-53} ({@link FloatFormat#u()} of {@link FloatFormat#FP64}). */
    static final double U = FloatFormat.FP64.u();

    final int n;
    final int d;
    final double[] a1;
    final double[] a2;
    final double[] a3;
    final double[] a4;
    final double[] a5;
    /** {@code max_j |A[j,c]|} per column. */
    final double[] a1Max;
    final double[] a2Max;
    final double[] a3Max;
    final double[] a4Max;
    final double[] a5Max;
    final double eMax;
    /** {@code (1/d) Σ_{a,c1,c2} max|A1[:,a]| |X[a,(c1,c2)]| max|A2[:,c1]| max|A3[:,c2]|} >= every |S|. */
    final double betaAbs;
    /** {@code max_l Σ_{c1,c2} max|A4[:,c1]| max|A5[:,c2]| |Y[(c1,c2),l]|} >= every |h|. */
    final double hAbs;

    Magnitudes(TensorInstance in) {
        n = in.n();
        d = in.d();
        a1 = in.a1().data;
        a2 = in.a2().data;
        a3 = in.a3().data;
        a4 = in.a4().data;
        a5 = in.a5().data;
        a1Max = colMax(in.a1());
        a2Max = colMax(in.a2());
        a3Max = colMax(in.a3());
        a4Max = colMax(in.a4());
        a5Max = colMax(in.a5());
        eMax = Matrices.maxAbs(in.e());
        double[] x = in.x().data;
        double b = 0;
        for (int a = 0; a < d; a++) {
            for (int c1 = 0; c1 < d; c1++) {
                for (int c2 = 0; c2 < d; c2++) {
                    b += a1Max[a] * Math.abs(x[a * d * d + c1 * d + c2]) * a2Max[c1] * a3Max[c2];
                }
            }
        }
        // (1/d) and a 1 + 4(d^3+4)u inflation covering the rounding of this very sum
        betaAbs = b / d * (1 + 4 * (d * d * d + 4) * U);
        double[] y = in.y().data;
        double hb = 0;
        for (int l = 0; l < d; l++) {
            double s = 0;
            for (int c1 = 0; c1 < d; c1++) {
                for (int c2 = 0; c2 < d; c2++) {
                    s += a4Max[c1] * a5Max[c2] * Math.abs(y[(c1 * d + c2) * d + l]);
                }
            }
            hb = Math.max(hb, s);
        }
        hAbs = hb * (1 + 4 * (d * d + 4) * U);
    }

    static double[] colMax(DMatrixRMaj m) {
        return Matrices.colMaxAbs(m);
    }

    /** {@code γ_k = k u / (1 - k u)} of fp64 for an integer-valued {@code k} with {@code k u < 1/2} ({@link FloatFormat#gamma(long, double)}). */
    static double gamma(double k) {
        return FloatFormat.FP64.gamma((long) k, Math.nextDown(0.5));
    }

    static double maxAbs(DMatrixRMaj m) {
        return Matrices.maxAbs(m);
    }
}
