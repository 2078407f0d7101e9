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

    @Test
    @DisplayName("MATH §9: toString names every convention (B, scale, causal, q/k/v, dO) and every input by its name")
    void instanceText() {
        DMatrixRMaj q = new DMatrixRMaj(new double[][] {{1.0, 2.0}});
        DMatrixRMaj k = new DMatrixRMaj(new double[][] {{3.0, 4.0}});
        DMatrixRMaj v = new DMatrixRMaj(new double[][] {{5.0, 6.0}});
        DMatrixRMaj dO = new DMatrixRMaj(new double[][] {{0.5, -0.5}});
        RopeInstance all = RopeInstance.builder().qkv(q, k, v).dO(dO).family(new IdentityFamily(2)).entryBound(8.0)
                .scale(0.25).causal(true).build();
        String id = "[[1.0, 0.0], [0.0, 1.0]]";
        assertEquals("RopeInstance{n=1, d=2, family=identity, B=8.0, scale=0.25, causal, q/k/v, dO\n"
                + "  A1 = [[1.0, 2.0]]\n  A2 = [[3.0, 4.0]]\n  A3 = [[5.0, 6.0]]\n  dO = [[0.5, -0.5]]\n"
                + "  W_Q = " + id + "\n  W_K = " + id + "\n  W_V = " + id + "\n}", all.toString());
        DMatrixRMaj x = new DMatrixRMaj(4, 4);
        x.set(3, 0, -1.0);
        RopeInstance plain = RopeInstance.builder().a1(q).a2(k).a3(v).e(dO).x(x).y(idTwice())
                .family(new IdentityFamily(2)).build();
        assertEquals("RopeInstance{n=1, d=2, family=identity\n"
                + "  A1 = [[1.0, 2.0]]\n  A2 = [[3.0, 4.0]]\n  A3 = [[5.0, 6.0]]\n  E = [[0.5, -0.5]]\n"
                + "  X = [[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [-1.0, 0.0, 0.0, 0.0]]\n"
                + "  Y = [[2.0, 0.0], [0.0, 2.0]]\n}", plain.toString());
    }

    private static DMatrixRMaj idTwice() {
        return new DMatrixRMaj(new double[][] {{2.0, 0.0}, {0.0, 2.0}});
    }
}
