package dev.ropecheck.engine.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The chunk merge of the fast-fft gradient ({@link GradientSums#add}): every one of {@code dq, dk, dv} and
 * {@code G~} is added entry by entry. At the default suite's sizes the chunks after the first carry only
 * high-degree monomials, too small for an end-to-end test to see one dropped, so the merge is held here.
 */
class GradientSumsTest {

    @Test
    @DisplayName("add: this += o in every array, every entry")
    void addsEveryArray() {
        int n = 3;
        int d = 2;
        int s = 2;
        GradientSums a = new GradientSums(n, d, s);
        GradientSums b = new GradientSums(n, d, s);
        double v = 1;
        for (GradientSums x : new GradientSums[] {a, b}) {
            for (double[][] m : new double[][][] {x.dq, x.dk, x.dv}) {
                for (double[] row : m) {
                    for (int i = 0; i < row.length; i++) {
                        row[i] = v;
                        v *= 1.5;
                    }
                }
            }
            for (int i = 0; i < x.g.length; i++) {
                x.g[i] = v;
                v *= 1.5;
            }
        }
        GradientSums before = new GradientSums(n, d, s);
        copy(a, before);
        a.add(b);
        double[][][] ax = {a.dq, a.dk, a.dv};
        double[][][] bx = {b.dq, b.dk, b.dv};
        double[][][] px = {before.dq, before.dk, before.dv};
        for (int k = 0; k < 3; k++) {
            for (int r = 0; r < d; r++) {
                for (int i = 0; i < n; i++) {
                    assertEquals(px[k][r][i] + bx[k][r][i], ax[k][r][i], 0.0, "array " + k + " [" + r + "][" + i + "]");
                }
            }
        }
        for (int i = 0; i < a.g.length; i++) {
            assertEquals(before.g[i] + b.g[i], a.g[i], 0.0, "g[" + i + "]");
        }
    }

    private static void copy(GradientSums from, GradientSums to) {
        double[][][] f = {from.dq, from.dk, from.dv};
        double[][][] t = {to.dq, to.dk, to.dv};
        for (int k = 0; k < 3; k++) {
            for (int r = 0; r < f[k].length; r++) {
                System.arraycopy(f[k][r], 0, t[k][r], 0, f[k][r].length);
            }
        }
        System.arraycopy(from.g, 0, to.g, 0, from.g.length);
    }
}
