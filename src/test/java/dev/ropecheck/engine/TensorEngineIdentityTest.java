package dev.ropecheck.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.exact.TensorExactEngine_F64;
import dev.ropecheck.approx.Method;
import dev.ropecheck.engine.fast.TensorFastEngine_F64;
import dev.ropecheck.model.TensorInstance;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The tensor engines' names (they label result files) and the tensor quantities' keys and shapes. */
class TensorEngineIdentityTest {
    @Test
    @DisplayName("engine names label results: tensor-exact, tensor-fast; eps outside (0, 1) is refused")
    void namesAndEps() {
        assertEquals("tensor-exact", new TensorExactEngine_F64().name());
        TensorFastEngine_F64 fast = new TensorFastEngine_F64(1e-3, true);
        assertEquals("tensor-fast", fast.name());
        assertEquals(1e-3, fast.eps());
        for (double bad : new double[] {0, 1, -1e-3, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> new TensorFastEngine_F64(bad, true));
        }
    }

    @Test
    @DisplayName("every tensor quantity is found by its key and has a shape")
    void keysRoundTrip() {
        for (TensorQuantity q : TensorQuantity.values()) {
            assertSame(q, TensorQuantity.byKey(q.key()));
            assertNotNull(q.shape());
        }
        assertThrows(IllegalArgumentException.class, () -> TensorQuantity.byKey("no-such-field"));
    }

    private static DMatrixRMaj filled(int rows, int cols, double v) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        java.util.Arrays.fill(m.data, v);
        return m;
    }

    @Test
    @DisplayName("a polynomial whose delta >= 1 lets alpha~ fall to <= 0: refused as a bad argument (use a smaller eps), not as an internal error")
    void nonPositiveAlphaWithDeltaAboveOneIsTheCallersEps() {
        // n = 2, d = 1, every score -10 = -beta: exp(-10) is below the polynomial's error at eps = 0.5
        TensorInstance in = TensorInstance.builder().a1(filled(2, 1, 1)).a2(filled(2, 1, 1)).a3(filled(2, 1, 1))
                .a4(filled(2, 1, 1)).a5(filled(2, 1, 1)).e(filled(2, 1, 0)).x(filled(1, 1, -10))
                .y(filled(1, 1, 1)).build();
        TensorFastEngine_F64 fast = new TensorFastEngine_F64(0.5, false, Method.TAYLOR);
        assertTrue(fast.polynomial(in).deltaPolynomial() >= 1, "the regime: delta >= 1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fast.computeAll(in));
        assertTrue(e.getMessage().contains("use a smaller eps") && e.getMessage().contains("not positive"), e.getMessage());
        // a small eps keeps alpha~ within (1 ± delta) alpha, alpha = Σ_(j1, j2) e^-10 = 4 e^-10
        TensorFastEngine_F64 fine = new TensorFastEngine_F64(1e-9, false, Method.TAYLOR);
        double delta = fine.polynomial(in).deltaPolynomial();
        assertTrue(delta < 1e-3, "delta " + delta);
        double alpha = 4 * Math.exp(-10);
        for (double a : fine.computeAll(in).get(TensorQuantity.ALPHA).data) {
            assertEquals(alpha, a, delta * alpha * (1 + 1e-9));
        }
    }

    @Test
    @DisplayName("a weight gradient of an instance given by X, Y (no weights) is refused by every tensor engine, naming the engine and the field")
    void weightGradientWithoutWeightsIsRefused() {
        TensorInstance in = TensorInstance.builder().a1(filled(2, 1, 0.5)).a2(filled(2, 1, 0.25)).a3(filled(2, 1, 1))
                .a4(filled(2, 1, 1)).a5(filled(2, 1, 1)).e(filled(2, 1, 0)).x(filled(1, 1, 0.75))
                .y(filled(1, 1, 1)).build();
        TensorAttentionEngine[] engines = {new dev.ropecheck.engine.reference.TensorReferenceEngine_AP(),
            new TensorExactEngine_F64(), new TensorFastEngine_F64(1e-3, false)};
        for (TensorAttentionEngine eng : engines) {
            assertTrue(!eng.supported(in).contains(TensorQuantity.GRAD_WQ), eng.name());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> eng.compute(in, java.util.EnumSet.of(TensorQuantity.GRAD_WQ)), eng.name());
            assertTrue(e.getMessage().contains(eng.name()) && e.getMessage().contains(TensorQuantity.GRAD_WQ.key()),
                    e.getMessage());
        }
    }
}
