package dev.ropecheck.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Kronecker identities of MATH §0 and §8 on random matrices. Entries are {@code k/64} with {@code |k| <= 64},
 * so every product of at most four entries is {@code k'/2^24} with {@code |k'| <= 2^24}, and every sum below has at
 * most 64 such terms ({@code < 2^31 / 2^24}): all arithmetic is exact in double, and the identities are asserted
 * with tolerance 0.
 */
class KroneckerIdentitiesTest {

    private static DMatrixRMaj random(SplittableRandom rnd, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextInt(-64, 65) / 64.0;
        }
        return m;
    }

    private static DMatrixRMaj mult(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj out = new DMatrixRMaj(a.numRows, b.numCols);
        CommonOps_DDRM.mult(a, b, out);
        return out;
    }

    private static DMatrixRMaj multTransA(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj out = new DMatrixRMaj(a.numCols, b.numCols);
        CommonOps_DDRM.multTransA(a, b, out);
        return out;
    }

    @Test
    @DisplayName("MATH §8: (U2 ⊘' U3)^T (A4 ⊗ A5) = (U2^T A4) ⊘ (U3^T A5)")
    @dev.ropecheck.specs.Spec("tensor-kronecker-identity")
    void columnKroneckerTimesKroneckerIsRowKroneckerOfProducts() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + rnd.nextInt(4);
            int k = 1 + rnd.nextInt(4);
            int d = 1 + rnd.nextInt(3);
            DMatrixRMaj u2 = random(rnd, n, k);
            DMatrixRMaj u3 = random(rnd, n, k);
            DMatrixRMaj a4 = random(rnd, n, d);
            DMatrixRMaj a5 = random(rnd, n, d);
            DMatrixRMaj lhs = multTransA(Kronecker.colKron(u2, u3), Kronecker.kron(a4, a5));
            DMatrixRMaj rhs = Kronecker.rowKron(multTransA(u2, a4), multTransA(u3, a5));
            assertArrayEquals(rhs.data, lhs.data, 0.0, "trial " + trial);
        }
    }

    @Test
    @DisplayName("Fact 3.8: (U1 U2^T) ∘ (V1 V2^T) = (U1 ⊘ V1)(U2 ⊘ V2)^T")
    @dev.ropecheck.specs.Spec("tensor-kronecker-identity")
    void hadamardOfLowRankIsRowKroneckerProduct() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + rnd.nextInt(5);
            int k1 = 1 + rnd.nextInt(3);
            int k2 = 1 + rnd.nextInt(3);
            DMatrixRMaj u1 = random(rnd, n, k1);
            DMatrixRMaj u2 = random(rnd, n, k1);
            DMatrixRMaj v1 = random(rnd, n, k2);
            DMatrixRMaj v2 = random(rnd, n, k2);
            DMatrixRMaj a = new DMatrixRMaj(n, n);
            CommonOps_DDRM.multTransB(u1, u2, a);
            DMatrixRMaj b = new DMatrixRMaj(n, n);
            CommonOps_DDRM.multTransB(v1, v2, b);
            DMatrixRMaj had = new DMatrixRMaj(n, n);
            CommonOps_DDRM.elementMult(a, b, had);
            DMatrixRMaj rhs = new DMatrixRMaj(n, n);
            CommonOps_DDRM.multTransB(Kronecker.rowKron(u1, v1), Kronecker.rowKron(u2, v2), rhs);
            assertArrayEquals(had.data, rhs.data, 0.0, "trial " + trial);
        }
    }

    @Test
    @DisplayName("MATH §0/§8 index conventions: (A2 ⊗ A3)[(j1,j2),(c1,c2)] = A2[j1,c1] A3[j2,c2], (U ⊘' V) = (U^T ⊘ V^T)^T, EJML kron agrees")
    @dev.ropecheck.specs.Spec("tensor-kronecker-identity")
    void indexConventions() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 3;
        int d = 2;
        DMatrixRMaj a2 = random(rnd, n, d);
        DMatrixRMaj a3 = random(rnd, n, d);
        DMatrixRMaj k = Kronecker.kron(a2, a3);
        for (int j1 = 0; j1 < n; j1++) {
            for (int j2 = 0; j2 < n; j2++) {
                for (int c1 = 0; c1 < d; c1++) {
                    for (int c2 = 0; c2 < d; c2++) {
                        assertEquals(a2.get(j1, c1) * a3.get(j2, c2), k.get(j1 * n + j2, c1 * d + c2), 0.0);
                    }
                }
            }
        }
        DMatrixRMaj ejml = new DMatrixRMaj(n * n, d * d);
        CommonOps_DDRM.kron(a2, a3, ejml);
        assertArrayEquals(ejml.data, k.data, 0.0);
        DMatrixRMaj u = random(rnd, 4, 3);
        DMatrixRMaj v = random(rnd, 2, 3);
        DMatrixRMaj viaRow = new DMatrixRMaj(8, 3);
        CommonOps_DDRM.transpose(Kronecker.rowKron(CommonOps_DDRM.transpose(u, null), CommonOps_DDRM.transpose(v, null)),
                viaRow);
        assertArrayEquals(viaRow.data, Kronecker.colKron(u, v).data, 0.0);
        assertThrows(IllegalArgumentException.class, () -> Kronecker.colKron(u, random(rnd, 2, 2)));
        assertThrows(IllegalArgumentException.class, () -> Kronecker.rowKron(u, random(rnd, 3, 2)));
    }

    @Test
    @DisplayName("MATH §8 weights: X = W_Q (W_K1 ⊘' W_K2)^T gives S = (1/d) Σ_l Q K1 K2 and Y = W_V1 ⊘' W_V2 gives h = V1 ⊘' V2")
    @dev.ropecheck.specs.Spec("tensor-attention-def")
    void weightParameterisationGivesTrilinearScoreAndColumnKroneckerValues() {
        SplittableRandom rnd = new SplittableRandom(4);
        int n = 3;
        int d = 2;
        TensorInstance in = TensorInstance.builder().a1(random(rnd, n, d)).a2(random(rnd, n, d)).a3(random(rnd, n, d))
                .a4(random(rnd, n, d)).a5(random(rnd, n, d)).e(random(rnd, n, d)).wq(random(rnd, d, d))
                .wk1(random(rnd, d, d)).wk2(random(rnd, d, d)).wv1(random(rnd, d, d)).wv2(random(rnd, d, d)).build();
        // S from X and A2 ⊗ A3
        DMatrixRMaj s = new DMatrixRMaj(n, n * n);
        DMatrixRMaj a1x = mult(in.a1(), in.x());
        CommonOps_DDRM.multTransB(a1x, Kronecker.kron(in.a2(), in.a3()), s);
        DMatrixRMaj q = in.q();
        DMatrixRMaj k1 = in.k1();
        DMatrixRMaj k2 = in.k2();
        for (int i = 0; i < n; i++) {
            for (int j1 = 0; j1 < n; j1++) {
                for (int j2 = 0; j2 < n; j2++) {
                    double t = 0;
                    for (int l = 0; l < d; l++) {
                        t += q.get(i, l) * k1.get(j1, l) * k2.get(j2, l);
                    }
                    // (A1 X (A2 ⊗ A3)^T)[i,(j1,j2)] = Σ_l Q K1 K2: six 6-bit factors, a handful of terms, exact
                    assertEquals(t, s.get(i, j1 * n + j2), 0.0);
                }
            }
        }
        DMatrixRMaj h = mult(Kronecker.kron(in.a4(), in.a5()), in.y());
        assertArrayEquals(Kronecker.colKron(in.v1(), in.v2()).data, h.data, 0.0);
    }
}
