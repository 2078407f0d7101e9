package dev.ropecheck.approx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Tightness of {@link ScoreBound} (MATH §4's {@code beta}, and the rotated bound of the low-rank variant),
 * against exact scores ({@link ScoreBoundTest#exactMaxScore}). With every entry {@code +B} (or alternating
 * signs that cancel in the products):
 * <ul>
 *   <li>identity family: {@code s_ij = (1/d) Σ_b Q̄_b K̄_b = beta / INFLATION}, fraction {@code 1/INFLATION};</li>
 *   <li>RoPE, {@code beta}: {@code |S| = 2d} entries with {@code W̄ = 1}, but each pair contributes at most
 *       {@code 2 Q̄ K̄} of its {@code 4 Q̄ K̄}: fraction {@code 1/(2 INFLATION)}, attained at {@code m = 0};</li>
 *   <li>RoPE, {@code betaRotated}: pair norms are preserved by the rotation: fraction {@code 1/INFLATION}, at {@code m = 0};</li>
 *   <li>general {@code X}: {@code beta} sums {@code |X|} against the column maxima: attained by a nonnegative
 *       {@code X} and nonnegative {@code A1, A2}.</li>
 * </ul>
 */
class ScoreBoundTightnessTest {
    private static final double INF = ScoreBound.INFLATION;

    private static DMatrixRMaj filled(int r, int c, double v, boolean alternate) {
        DMatrixRMaj m = new DMatrixRMaj(r, c);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                m.set(i, j, alternate && (i + j) % 2 == 1 ? -v : v);
            }
        }
        return m;
    }

    private static RopeInstance weights(int n, int d, double b, PositionFamily fam, boolean alternate) {
        DMatrixRMaj id = new DMatrixRMaj(d, d);
        for (int a = 0; a < d; a++) {
            id.set(a, a, 1);
        }
        return RopeInstance.builder().a1(filled(n, d, b, alternate)).a2(filled(n, d, b, alternate))
                .a3(filled(n, d, b, false)).e(filled(n, d, 0, false)).wq(id).wk(id.copy()).wv(id.copy()).family(fam)
                .entryBound(Math.max(1, b)).build();
    }

    private static void attained(double measured, double bound, double fraction, String what) {
        assertTrue(measured <= bound, what + ": max |s| = " + measured + " above beta = " + bound);
        assertTrue(measured / bound >= fraction * (1 - 1e-13), what + ": max|s|/beta = " + measured / bound
                + " below the derived fraction " + fraction);
    }

    @Test
    @DisplayName("MATH §4: beta is attained by all-+B entries (identity family), fraction 1/INFLATION")
    void betaAttainedIdentityFamily() {
        for (int d : new int[] {1, 2, 4}) {
            for (double b : new double[] {0.25, 1.5}) {
                RopeInstance in = weights(3, d, b, new IdentityFamily(d), false);
                attained(ScoreBoundTest.exactMaxScore(in), ScoreBound.beta(in), 1 / INF, "identity d=" + d + " B=" + b);
                attained(ScoreBoundTest.exactMaxScore(in), ScoreBound.betaRotated(in), 1 / INF, "identity rotated d=" + d);
            }
        }
    }

    @Test
    @DisplayName("MATH §4: RoPE beta attained to 1/2 (W̄ = 1 on the sin entries), betaRotated attained fully, at m = 0")
    void betaAttainedRope() {
        for (RopeFamily.Layout layout : RopeFamily.Layout.values()) {
            for (boolean alternate : new boolean[] {false, true}) {
                int d = 4;
                RopeInstance in = weights(3, d, 0.75, new RopeFamily(d, RopeFamily.DEFAULT_BASE, layout), alternate);
                double s = ScoreBoundTest.exactMaxScore(in);
                String w = layout + (alternate ? " alternating" : " +B");
                attained(s, ScoreBound.beta(in), 0.5 / INF, "rope beta " + w);
                attained(s, ScoreBound.betaRotated(in), 1 / INF, "rope betaRotated " + w);
            }
        }
    }

    @Test
    @DisplayName("MATH §4 general X: beta attained by nonnegative X, A1, A2 (identity family)")
    void betaAttainedGeneralX() {
        int d = 2;
        int n = 2;
        DMatrixRMaj x = filled(d * d, d * d, 0.5, false);
        RopeInstance in = RopeInstance.builder().a1(filled(n, d, 0.75, false)).a2(filled(n, d, 0.5, false))
                .a3(filled(n, d, 0.5, false)).e(filled(n, d, 0, false)).x(x).wv(filled(d, d, 0.5, false))
                .family(new IdentityFamily(d)).entryBound(1).build();
        attained(ScoreBoundTest.exactMaxScore(in), ScoreBound.beta(in), 1 / INF, "general X");
        assertThrows(IllegalArgumentException.class, () -> ScoreBound.betaRotated(in));
    }
}
