package dev.ropecheck.engine.reference;

import dev.ropecheck.model.ExactValues;
import dev.ropecheck.model.TensorInstance;
import org.apfloat.Apfloat;
import org.ejml.data.DMatrixRMaj;

/**
 * The inputs of a tensor attention problem in arbitrary precision (MATH §8 shapes):
 * {@code A1..A5, E} ({@code n x d}), {@code X} ({@code d x d^2}), {@code Y} ({@code d^2 x d}). Built from a
 * {@link TensorInstance} by exact conversion ({@link ExactValues}), so no input digit is lost; tests may
 * perturb single entries (finite differences) through {@link #withX} and friends. Arrays are not copied
 * on access: treat them as read-only.
 */
public record ApInputs(Apfloat[][] a1, Apfloat[][] a2, Apfloat[][] a3, Apfloat[][] a4, Apfloat[][] a5,
        Apfloat[][] e, Apfloat[][] x, Apfloat[][] y) {

    /** Exact conversion of {@code in}'s {@code A1..A5, E, X, Y} at precision at least {@code digits}. */
    public static ApInputs of(TensorInstance in, long digits) {
        return new ApInputs(ap(in.a1(), digits), ap(in.a2(), digits), ap(in.a3(), digits), ap(in.a4(), digits),
                ap(in.a5(), digits), ap(in.e(), digits), ap(in.x(), digits), ap(in.y(), digits));
    }

    public int n() {
        return a1.length;
    }

    public int d() {
        return a1[0].length;
    }

    public ApInputs withX(Apfloat[][] newX) {
        return new ApInputs(a1, a2, a3, a4, a5, e, newX, y);
    }

    public ApInputs withY(Apfloat[][] newY) {
        return new ApInputs(a1, a2, a3, a4, a5, e, x, newY);
    }

    /** {@code m} exactly, entry by entry. */
    public static Apfloat[][] ap(DMatrixRMaj m, long digits) {
        Apfloat[][] out = new Apfloat[m.numRows][m.numCols];
        for (int r = 0; r < m.numRows; r++) {
            for (int c = 0; c < m.numCols; c++) {
                out[r][c] = ExactValues.apfloat(m.unsafe_get(r, c), digits);
            }
        }
        return out;
    }

    /** A deep copy of {@code m} (for perturbing one entry). */
    public static Apfloat[][] copy(Apfloat[][] m) {
        Apfloat[][] out = new Apfloat[m.length][];
        for (int r = 0; r < m.length; r++) {
            out[r] = m[r].clone();
        }
        return out;
    }

    /** {@code X = W_Q (W_K1 ⊘' W_K2)^T}: {@code X[a,(c1,c2)] = Σ_l W_Q[a,l] W_K1[c1,l] W_K2[c2,l]}, exactly. */
    public static Apfloat[][] xFromWeights(Apfloat[][] wq, Apfloat[][] wk1, Apfloat[][] wk2) {
        int d = wq.length;
        Apfloat[][] x = new Apfloat[d][d * d];
        for (int a = 0; a < d; a++) {
            for (int c1 = 0; c1 < d; c1++) {
                for (int c2 = 0; c2 < d; c2++) {
                    Apfloat s = Apfloat.ZERO;
                    for (int l = 0; l < d; l++) {
                        s = s.add(wq[a][l].multiply(wk1[c1][l]).multiply(wk2[c2][l]));
                    }
                    x[a][c1 * d + c2] = s;
                }
            }
        }
        return x;
    }

    /** {@code Y = W_V1 ⊘' W_V2}: {@code Y[(c1,c2),l] = W_V1[c1,l] W_V2[c2,l]}, exactly. */
    public static Apfloat[][] yFromWeights(Apfloat[][] wv1, Apfloat[][] wv2) {
        int d = wv1.length;
        Apfloat[][] y = new Apfloat[d * d][d];
        for (int c1 = 0; c1 < d; c1++) {
            for (int c2 = 0; c2 < d; c2++) {
                for (int l = 0; l < d; l++) {
                    y[c1 * d + c2][l] = wv1[c1][l].multiply(wv2[c2][l]);
                }
            }
        }
        return y;
    }
}
