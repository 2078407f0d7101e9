package dev.ropecheck.model;

import org.ejml.data.DMatrixRMaj;

/**
 * The three Kronecker-type products of MATH §0 and §8, all with row-major pair indices.
 *
 * <ul>
 *   <li>{@link #kron}: {@code (P ⊗ R)[(a,c),(b,e)] = P[a,b] R[c,e]}, row {@code a*rows(R)+c}, column
 *       {@code b*cols(R)+e}. With {@code P = A2, R = A3} ({@code n x d}) this is the {@code n^2 x d^2} matrix
 *       of MATH §8 with rows {@code (j1,j2) -> j1*n+j2} and columns {@code (c1,c2) -> c1*d+c2}.</li>
 *   <li>{@link #rowKron} (⊘, Fact 3.8): for {@code U (m x k1)}, {@code V (m x k2)},
 *       {@code (U ⊘ V)[i,(s,t)] = U[i,s] V[i,t]}, {@code m x k1k2}, column {@code s*k2+t}.</li>
 *   <li>{@link #colKron} (⊘', column-wise Kronecker, Khatri–Rao): for {@code U (m1 x k)}, {@code V (m2 x k)},
 *       {@code (U ⊘' V)[(j1,j2),l] = U[j1,l] V[j2,l]}, {@code m1m2 x k}, row {@code j1*m2+j2}. Equivalently
 *       {@code U ⊘' V = (U^T ⊘ V^T)^T}; column {@code l} of {@code U ⊘' V} is {@code U_{:,l} ⊗ V_{:,l}}.</li>
 * </ul>
 *
 * <p>The identity the fast engine rests on (Tensor-grad, MATH §8): for {@code U2 (n x k)}, {@code U3 (n x k)},
 * {@code A4, A5 (n x d)}: {@code (U2 ⊘' U3)^T (A4 ⊗ A5) = (U2^T A4) ⊘ (U3^T A5)}, since entry
 * {@code [l,(c1,c2)]} of either side is {@code Σ_{j1} U2[j1,l] A4[j1,c1] · Σ_{j2} U3[j2,l] A5[j2,c2]}.
 * These helpers form the products explicitly and are meant for small matrices (tests, reference
 * checks); engines never call them on {@code n^2}-sized data.
 */
public final class Kronecker {
    private Kronecker() {
    }

    /** {@code P ⊗ R}. */
    public static DMatrixRMaj kron(DMatrixRMaj p, DMatrixRMaj r) {
        DMatrixRMaj out = new DMatrixRMaj(p.numRows * r.numRows, p.numCols * r.numCols);
        for (int a = 0; a < p.numRows; a++) {
            for (int b = 0; b < p.numCols; b++) {
                double pab = p.unsafe_get(a, b);
                for (int c = 0; c < r.numRows; c++) {
                    for (int e = 0; e < r.numCols; e++) {
                        out.unsafe_set(a * r.numRows + c, b * r.numCols + e, pab * r.unsafe_get(c, e));
                    }
                }
            }
        }
        return out;
    }

    /** {@code U ⊘ V} (row-wise); requires equal row counts. */
    public static DMatrixRMaj rowKron(DMatrixRMaj u, DMatrixRMaj v) {
        if (u.numRows != v.numRows) {
            throw new IllegalArgumentException("row-wise Kronecker needs equal row counts, got U " + u.numRows
                    + " rows and V " + v.numRows + " rows");
        }
        DMatrixRMaj out = new DMatrixRMaj(u.numRows, u.numCols * v.numCols);
        for (int i = 0; i < u.numRows; i++) {
            for (int s = 0; s < u.numCols; s++) {
                double us = u.unsafe_get(i, s);
                for (int t = 0; t < v.numCols; t++) {
                    out.unsafe_set(i, s * v.numCols + t, us * v.unsafe_get(i, t));
                }
            }
        }
        return out;
    }

    /** {@code U ⊘' V} (column-wise); requires equal column counts. */
    public static DMatrixRMaj colKron(DMatrixRMaj u, DMatrixRMaj v) {
        if (u.numCols != v.numCols) {
            throw new IllegalArgumentException("column-wise Kronecker needs equal column counts, got U "
                    + u.numCols + " columns and V " + v.numCols + " columns");
        }
        DMatrixRMaj out = new DMatrixRMaj(u.numRows * v.numRows, u.numCols);
        for (int j1 = 0; j1 < u.numRows; j1++) {
            for (int j2 = 0; j2 < v.numRows; j2++) {
                int row = j1 * v.numRows + j2;
                for (int l = 0; l < u.numCols; l++) {
                    out.unsafe_set(row, l, u.unsafe_get(j1, l) * v.unsafe_get(j2, l));
                }
            }
        }
        return out;
    }
}
