package dev.ropecheck.approx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.model.ExplicitFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.math.BigDecimal;
import java.math.MathContext;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link ScoreBound#beta} equals the formula its documentation states (MATH §4, exp-approximation.md
 * note #5), recomputed here in exact decimal arithmetic, times {@link ScoreBound#INFLATION}:
 * <ul>
 *   <li>weights: {@code sigma Σ_{(b,e)∈S} Q̄_b W̄_be K̄_e}, {@code Q̄_b = max_i Σ_a |A1[i,a]| |W_Q[a,b]|},
 *       {@code K̄_e} likewise, {@code W̄_be = max_{|m|<=n-1} |W_m[b,e]|} (1 for RoPE);</li>
 *   <li>general X: {@code sigma Σ_{a,c,(b,e)∈S} |X[(a,c),(b,e)]| Ā1_a Ā2_c W̄_be}, {@code Ā = } column maxima of {@code |A|};</li>
 * </ul>
 * with {@code sigma = 1/d} by default and the instance's scale otherwise. The instances have weights of
 * magnitude other than 1 that change with the offset, signs of both kinds, a support that is not full,
 * and a scale of their own, so that each factor of the formula shows. Agreement: the few double roundings of
 * a sum of at most 81 products, {@code 1e-12} relative ({@code INFLATION - 1 = 1e-8} is far above it).
 */
class ScoreBoundFormulaTest {
    private static final MathContext MC = new MathContext(50);

    /** Deterministic entries of both signs and various magnitudes. */
    private static DMatrixRMaj matrix(int r, int c, int seed) {
        DMatrixRMaj m = new DMatrixRMaj(r, c);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                int h = (seed * 31 + i * 7 + j * 13) % 17;
                m.set(i, j, (h - 8) / 6.0);
            }
        }
        return m;
    }

    private static BigDecimal abs(double v) {
        return new BigDecimal(v).abs();
    }

    /** An explicit family on {@code d = 3}, support without {@code (0,2)} and {@code (2,1)}; weights change with {@code m}. */
    private static ExplicitFamily explicit(int n) {
        int d = 3;
        boolean[][] mask = new boolean[d][d];
        for (int b = 0; b < d; b++) {
            for (int e = 0; e < d; e++) {
                mask[b][e] = !((b == 0 && e == 2) || (b == 2 && e == 1));
            }
        }
        Support s = Support.ofMask(mask);
        DMatrixRMaj[] w = new DMatrixRMaj[2 * n - 1];
        for (int idx = 0; idx < w.length; idx++) {
            int m = idx - (n - 1);
            w[idx] = new DMatrixRMaj(d, d);
            for (int k = 0; k < s.size(); k++) {
                // magnitudes from 0.25 to 2.25, largest at a different offset for different entries
                double v = 0.25 + ((k * 5 + m * 3 + 2 * n) % 9) / 4.0;
                w[idx].set(s.row(k), s.col(k), (k + m) % 2 == 0 ? v : -v);
            }
        }
        return new ExplicitFamily(w, s);
    }

    /** {@code W̄_be} as documented. */
    private static BigDecimal wbar(PositionFamily fam, int n, int b, int e) {
        if (fam instanceof RopeFamily) {
            return BigDecimal.ONE;
        }
        BigDecimal mx = BigDecimal.ZERO;
        for (int m = -(n - 1); m <= n - 1; m++) {
            mx = mx.max(abs(fam.weight(m, b, e)));
        }
        return mx;
    }

    /** {@code max_i Σ_a |A[i,a]| |W[a,b]|}. */
    private static BigDecimal rowBound(DMatrixRMaj a, DMatrixRMaj w, int b) {
        BigDecimal mx = BigDecimal.ZERO;
        for (int i = 0; i < a.numRows; i++) {
            BigDecimal s = BigDecimal.ZERO;
            for (int c = 0; c < a.numCols; c++) {
                s = s.add(abs(a.get(i, c)).multiply(abs(w.get(c, b))));
            }
            mx = mx.max(s);
        }
        return mx;
    }

    private static BigDecimal colMax(DMatrixRMaj a, int c) {
        BigDecimal mx = BigDecimal.ZERO;
        for (int i = 0; i < a.numRows; i++) {
            mx = mx.max(abs(a.get(i, c)));
        }
        return mx;
    }

    /** The documented formula, exactly, before the inflation. */
    private static BigDecimal formula(RopeInstance in) {
        int n = in.n();
        int d = in.d();
        PositionFamily fam = in.family();
        Support s = fam.support();
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = 0; k < s.size(); k++) {
            int b = s.row(k);
            int e = s.col(k);
            BigDecimal w = wbar(fam, n, b, e);
            if (in.hasWeights()) {
                sum = sum.add(rowBound(in.a1(), in.wq(), b).multiply(w).multiply(rowBound(in.a2(), in.wk(), e)));
            } else {
                for (int a = 0; a < d; a++) {
                    for (int c = 0; c < d; c++) {
                        sum = sum.add(abs(in.x().get(a * d + c, b * d + e)).multiply(colMax(in.a1(), a))
                                .multiply(colMax(in.a2(), c)).multiply(w));
                    }
                }
            }
        }
        return in.hasDefaultScale() ? sum.divide(BigDecimal.valueOf(d), MC) : sum.multiply(new BigDecimal(in.scale()));
    }

    private static void agrees(RopeInstance in, String what) {
        double want = formula(in).doubleValue();
        double beta = ScoreBound.beta(in) / ScoreBound.INFLATION;
        assertTrue(want > 0, what + ": the instance has non-zero scores");
        assertTrue(Math.abs(beta - want) <= 1e-12 * want, what + ": beta / INFLATION = " + beta + ", the formula "
                + want + " (relative " + (beta - want) / want + ")");
        // and the bound holds: beta >= the exact max |s_ij| (default scale: ScoreBoundTest's exact scores)
        if (in.hasDefaultScale()) {
            double exact = ScoreBoundTest.exactMaxScore(in);
            assertTrue(exact <= ScoreBound.beta(in), what + ": max |s| " + exact + " above beta");
        }
    }

    private static RopeInstance.Builder inputs(int n, int d, PositionFamily fam) {
        return RopeInstance.builder().a1(matrix(n, d, 1)).a2(matrix(n, d, 2)).a3(matrix(n, d, 3))
                .e(matrix(n, d, 4)).family(fam).entryBound(4);
    }

    @dev.ropecheck.specs.Spec("lemma-3.4")
    @Test
    @DisplayName("MATH §4: beta = sigma Σ_S Q̄_b W̄_be K̄_e · INFLATION (explicit family with offset-dependent weights, RoPE), "
            + "default and given sigma, exact decimals")
    void betaWeightsFormEqualsItsFormula() {
        int n = 3;
        ExplicitFamily fam = explicit(n);
        RopeFamily rope = new RopeFamily(4, RopeFamily.DEFAULT_BASE, RopeFamily.Layout.values()[0]);
        for (double sigma : new double[] {Double.NaN, 0.37, 2.5}) {
            RopeInstance.Builder b = inputs(n, 3, fam).wq(matrix(3, 3, 5)).wk(matrix(3, 3, 6)).wv(matrix(3, 3, 7));
            RopeInstance.Builder r = inputs(n, 4, rope).wq(matrix(4, 4, 5)).wk(matrix(4, 4, 6)).wv(matrix(4, 4, 7));
            if (!Double.isNaN(sigma)) {
                b.scale(sigma);
                r.scale(sigma);
            }
            agrees(b.build(), "explicit, weights, sigma " + sigma);
            agrees(r.build(), "RoPE, weights, sigma " + sigma);
        }
    }

    @dev.ropecheck.specs.Spec("lemma-3.4")
    @Test
    @DisplayName("MATH §4 general X: beta = sigma Σ |X| Ā1 Ā2 W̄ · INFLATION (explicit family), default and given sigma, exact decimals")
    void betaGeneralXEqualsItsFormula() {
        int n = 3;
        int d = 3;
        ExplicitFamily fam = explicit(n);
        for (double sigma : new double[] {Double.NaN, 0.37}) {
            RopeInstance.Builder b = inputs(n, d, fam).x(matrix(d * d, d * d, 8)).wv(matrix(d, d, 7));
            if (!Double.isNaN(sigma)) {
                b.scale(sigma);
            }
            agrees(b.build(), "explicit, general X, sigma " + sigma);
        }
    }
}
