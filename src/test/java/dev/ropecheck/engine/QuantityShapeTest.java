package dev.ropecheck.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every kind's shape names spell their rows and columns ({@link NamedQuantity.Shape}). */
class QuantityShapeTest {

    @Test
    @DisplayName("shape names ROWS_COLS give rows and columns in n and d, for every kind")
    void shapeNamesSpellRowsAndColumns() {
        int n = 5;
        int d = 3;
        assertEquals(5, Quantity.Shape.N_N.cols(n, d));
        assertEquals(1, Quantity.Shape.N_1.cols(n, d));
        assertEquals(9, Quantity.Shape.D2_D2.rows(n, d));
        assertEquals(1, Quantity.Shape.ONE.rows(n, d));
        assertEquals(25, TensorQuantity.Shape.N_N2.cols(n, d));
        assertEquals(25, TensorQuantity.Shape.N2_D.rows(n, d));
        assertEquals(3, TensorQuantity.Shape.N2_D.cols(n, d));
        assertEquals(9, TensorQuantity.Shape.D_D2.cols(n, d));
        assertEquals(3, StandardQuantity.Shape.D_D.rows(n, d));
        for (Enum<?>[] kind : new Enum<?>[][] {Quantity.Shape.values(), TensorQuantity.Shape.values(),
                StandardQuantity.Shape.values()}) {
            for (Enum<?> s : kind) {
                NamedQuantity.Shape shape = (NamedQuantity.Shape) s;
                int rows = shape.rows(n, d);
                int cols = shape.cols(n, d);
                assertEquals(shape == Quantity.Shape.ONE || shape == TensorQuantity.Shape.ONE
                        || shape == StandardQuantity.Shape.ONE, rows == 1 && cols == 1, s.name());
            }
        }
    }
}
