package dev.ropecheck.model;

import dev.ropecheck.gen.TensorInstanceSpec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Validation of {@link TensorInstance} (MATH §8 shapes): every bad input is named with its limit. */
class TensorInstanceTest {

    private static TensorInstance.Builder valid(int n, int d) {
        return new TensorInstanceSpec(n, d, 0.5, false, false, 1L).build().toBuilder();
    }

    private static String message(TensorInstance.Builder b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }

    @Test
    @DisplayName("shapes: wrong X, Y, A4 shapes are named with the expected shape")
    void shapesAreChecked() {
        String m = message(valid(3, 2).clearX().x(new DMatrixRMaj(2, 2)));
        assertTrue(m.contains("X") && m.contains("2x4"), m);
        m = message(valid(3, 2).clearY().y(new DMatrixRMaj(2, 2)));
        assertTrue(m.contains("Y") && m.contains("4x2"), m);
        m = message(valid(3, 2).a4(new DMatrixRMaj(2, 2)));
        assertTrue(m.contains("A4") && m.contains("3x2"), m);
        m = message(valid(3, 2).a5(null));
        assertTrue(m.contains("A5") && m.contains("missing"), m);
    }

    @Test
    @DisplayName("NaN and infinity are rejected with the entry's position")
    void nonFiniteIsRejected() {
        DMatrixRMaj e = valid(3, 2).build().e();
        e.set(1, 1, Double.NaN);
        String m = message(valid(3, 2).e(e));
        assertTrue(m.contains("E[1][1]") && m.contains("NaN"), m);
        DMatrixRMaj x = new DMatrixRMaj(2, 4);
        x.set(0, 3, Double.POSITIVE_INFINITY);
        m = message(valid(3, 2).clearX().x(x));
        assertTrue(m.contains("X[0][3]") && m.contains("Infinity"), m);
    }

    @Test
    @DisplayName("the declared entry bound B is enforced on inputs and weights")
    void entryBoundIsEnforced() {
        DMatrixRMaj a3 = valid(3, 2).build().a3();
        a3.set(2, 0, 0.75);
        String m = message(valid(3, 2).a3(a3));
        assertTrue(m.contains("A3[2][0]") && m.contains("B = 0.5"), m);
        TensorInstance w = new TensorInstanceSpec(2, 2, 0.5, true, true, 3L).build();
        DMatrixRMaj wk2 = w.wk2();
        wk2.set(0, 1, -0.6);
        m = message(w.toBuilder().wk2(wk2));
        assertTrue(m.contains("W_K2[0][1]") && m.contains("B = 0.5"), m);
        m = assertThrows(IllegalArgumentException.class, () -> TensorInstance.builder().entryBound(-1)).getMessage();
        assertTrue(m.contains("entry bound B"), m);
    }

    @Test
    @DisplayName("X or (W_Q, W_K1, W_K2), Y or (W_V1, W_V2): exactly one of each")
    void parameterisationIsExclusive() {
        TensorInstance w = new TensorInstanceSpec(2, 2, 0.5, true, true, 3L).build();
        String m = message(w.toBuilder().x(w.x()));
        assertTrue(m.contains("either X or W_Q"), m);
        m = message(w.toBuilder().clearX().wq(w.wq()).wk1(w.wk1()));
        assertTrue(m.contains("X is missing"), m);
        m = message(w.toBuilder().y(w.y()));
        assertTrue(m.contains("either Y or W_V1"), m);
        m = message(w.toBuilder().clearY());
        assertTrue(m.contains("Y is missing"), m);
        m = message(TensorInstance.builder());
        assertTrue(m.contains("A1 is missing"), m);
    }

    @Test
    @DisplayName("MATH §8: X = W_Q (W_K1 ⊘' W_K2)^T and Y = W_V1 ⊘' W_V2 entrywise; accessors copy")
    @dev.ropecheck.specs.Spec("tensor-attention-def")
    void weightsDefineXAndY() {
        TensorInstance in = new TensorInstanceSpec(2, 3, 0.5, true, true, 9L).build();
        assertTrue(in.hasKeyWeights() && in.hasValueWeights());
        int d = in.d();
        DMatrixRMaj x = in.x();
        DMatrixRMaj y = in.y();
        for (int a = 0; a < d; a++) {
            for (int c1 = 0; c1 < d; c1++) {
                for (int c2 = 0; c2 < d; c2++) {
                    double s = 0;
                    for (int l = 0; l < d; l++) {
                        s += in.wq().get(a, l) * in.wk1().get(c1, l) * in.wk2().get(c2, l);
                    }
                    assertEquals(s, x.get(a, c1 * d + c2), 0.0);
                    assertEquals(in.wv1().get(c1, a) * in.wv2().get(c2, a), y.get(c1 * d + c2, a), 0.0);
                }
            }
        }
        DMatrixRMaj expected = new DMatrixRMaj(d, d * d);
        CommonOps_DDRM.multTransB(in.wq(), Kronecker.colKron(in.wk1(), in.wk2()), expected);
        assertArrayEquals(expected.data, x.data, 0.0);
        x.set(0, 0, 99);
        assertFalse(in.x().get(0, 0) == 99, "x() must return a copy");
        TensorInstance plain = new TensorInstanceSpec(2, 2, 0.5, false, false, 9L).build();
        assertThrows(IllegalStateException.class, plain::wq);
        assertThrows(IllegalStateException.class, plain::v1);
        assertEquals(plain.toString(), plain.toBuilder().build().toString());
    }
}
