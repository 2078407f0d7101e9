package dev.ropecheck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The text and dense forms of the model's small pieces, read back exactly: {@link Matrices#appendRows}
 * (the rows of an instance's {@code toString}), {@link Support#toString} and {@link PositionFamily#matrix}
 * (Def. 3.1's {@code W_m} as a dense matrix, entry by entry the family's weights).
 */
class ModelTextTest {

    @Test
    @DisplayName("appendRows prints [[row 0], [row 1], ...] with every entry read back exactly")
    void matrixRows() {
        StringBuilder sb = new StringBuilder();
        Matrices.appendRows(sb, "A1", new DMatrixRMaj(new double[][] {{1.0, -0.5, 0.1}, {2.0, 0.0, 3.0e-300}}));
        assertEquals("  A1 = [[1.0, -0.5, 0.1], [2.0, 0.0, 3.0E-300]]\n", sb.toString());
        sb.setLength(0);
        Matrices.appendRows(sb, "x", new DMatrixRMaj(new double[][] {{7.0}}));
        assertEquals("  x = [[7.0]]\n", sb.toString());
    }

    @Test
    @DisplayName("Def. 3.1: a support prints its pairs (b,e) in row-major order")
    void supportText() {
        Support s = Support.ofMask(new boolean[][] {{false, true, false}, {true, false, false}, {false, false, true}});
        assertEquals("S{(0,1),(1,0),(2,2)}", s.toString());
        assertEquals("S{}", Support.ofMask(new boolean[][] {{false}}).toString());
    }

    @Test
    @DisplayName("Def. 3.1: matrix(m) is W_m entry by entry, zero outside the support")
    void denseWeights() {
        RopeFamily f = new RopeFamily(4, 100.0, RopeFamily.Layout.INTERLEAVED);
        for (int m : new int[] {0, 3, -7}) {
            DMatrixRMaj w = f.matrix(m);
            for (int b = 0; b < 4; b++) {
                for (int e = 0; e < 4; e++) {
                    assertEquals(f.weight(m, b, e), w.get(b, e), "m = " + m + ", (" + b + "," + e + ")");
                }
            }
        }
        assertNotEquals(0.0, f.matrix(3).get(0, 1), "sin(3 theta_0) is not zero");
    }
}
