package dev.ropecheck.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.gen.TensorInstanceSpec;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link TensorInstance}'s accessors and refusals: the weight views exist only for an instance given by
 * its weights (MATH §8: {@code X = W_Q (W_K1 ⊘' W_K2)^T}, {@code Y = W_V1 ⊘' W_V2}), the projections are
 * the products they name, the shape limits are enforced, and {@code toString} names every input.
 */
class TensorInstanceAccessorsTest {
    private static DMatrixRMaj product(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj c = new DMatrixRMaj(a.numRows, b.numCols);
        CommonOps_DDRM.mult(a, b, c);
        return c;
    }

    @Test
    @DisplayName("factored weights: q, k1, k2, v1, v2 are A1 W_Q, A2 W_K1, A3 W_K2, A4 W_V1, A5 W_V2; toString lists the weights")
    void factoredAccessors() {
        TensorInstance in = new TensorInstanceSpec(3, 2, 0.5, true, true, 4L).build();
        assertTrue(in.hasKeyWeights() && in.hasValueWeights());
        assertArrayEquals(product(in.a1(), in.wq()).data, in.q().data, 0);
        assertArrayEquals(product(in.a2(), in.wk1()).data, in.k1().data, 0);
        assertArrayEquals(product(in.a3(), in.wk2()).data, in.k2().data, 0);
        assertArrayEquals(product(in.a4(), in.wv1()).data, in.v1().data, 0);
        assertArrayEquals(product(in.a5(), in.wv2()).data, in.v2().data, 0);
        String s = in.toString();
        for (String name : new String[] {"A1", "A2", "A3", "A4", "A5", "E", "W_Q", "W_K1", "W_K2", "W_V1", "W_V2", "B=0.5"}) {
            assertTrue(s.contains(name), "toString lacks " + name + ": " + s);
        }
        assertFalse(s.contains("X") || s.contains("Y"), s);
        // the builder's setters chain in any order
        TensorInstance again = TensorInstance.builder().wv2(in.wv2()).wv1(in.wv1()).a1(in.a1()).a2(in.a2()).a3(in.a3())
                .a4(in.a4()).a5(in.a5()).e(in.e()).wq(in.wq()).wk1(in.wk1()).wk2(in.wk2()).build();
        assertArrayEquals(in.y().data, again.y().data, 0);
    }

    @Test
    @DisplayName("dense X and Y: the weight views and projections are refused; toString lists X and Y, no B when none was declared")
    void denseRefusesWeightViews() {
        TensorInstance spec = new TensorInstanceSpec(2, 2, 0.5, false, false, 5L).build();
        TensorInstance in = TensorInstance.builder().a1(spec.a1()).a2(spec.a2()).a3(spec.a3()).a4(spec.a4()).a5(spec.a5())
                .e(spec.e()).x(spec.x()).y(spec.y()).build();
        assertFalse(in.hasKeyWeights() || in.hasValueWeights());
        assertThrows(IllegalStateException.class, in::wq);
        assertThrows(IllegalStateException.class, in::wk1);
        assertThrows(IllegalStateException.class, in::wk2);
        assertThrows(IllegalStateException.class, in::q);
        assertThrows(IllegalStateException.class, in::k1);
        assertThrows(IllegalStateException.class, in::k2);
        assertThrows(IllegalStateException.class, in::wv1);
        assertThrows(IllegalStateException.class, in::wv2);
        assertThrows(IllegalStateException.class, in::v1);
        assertThrows(IllegalStateException.class, in::v2);
        String s = in.toString();
        assertTrue(s.contains("X") && s.contains("Y") && !s.contains("W_Q") && !s.contains("W_V1") && !s.contains("B="), s);
        assertTrue(Double.isNaN(in.entryBound()));
        assertTrue(spec.entryBound() == 0.5);
    }

    @Test
    @DisplayName("n >= 1 and 1 <= d <= MAX_D are enforced")
    void shapeLimits() {
        DMatrixRMaj none = new DMatrixRMaj(0, 2);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> TensorInstance.builder().a1(none).a2(none).a3(none).a4(none).a5(none).e(none)
                        .x(new DMatrixRMaj(2, 4)).y(new DMatrixRMaj(4, 2)).build());
        assertTrue(ex.getMessage().startsWith("n = 0 must lie in [1, "), ex.getMessage());
        int d = TensorInstance.MAX_D + 1;
        DMatrixRMaj wide = new DMatrixRMaj(1, d);
        ex = assertThrows(IllegalArgumentException.class, () -> TensorInstance.builder().a1(wide).a2(wide).a3(wide)
                .a4(wide).a5(wide).e(wide).x(new DMatrixRMaj(d, d * d)).y(new DMatrixRMaj(d * d, d)).build());
        assertTrue(ex.getMessage().startsWith("d = " + d + " must lie in [1, " + TensorInstance.MAX_D + "]"), ex.getMessage());
    }
}
