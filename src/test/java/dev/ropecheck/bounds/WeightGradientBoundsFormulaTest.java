package dev.ropecheck.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.TensorChainRule;
import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.gen.TensorInstanceSpec;
import dev.ropecheck.model.TensorInstance;
import java.math.BigDecimal;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link WeightGradientBounds} at its stated value: for the chain-rule weight gradients
 * {@code ∂L/∂W_Q[a,l] = Σ_{c1,c2} G[a,(c1,c2)] W_K1[c1,l] W_K2[c2,l]} (and {@code W_K1}, {@code W_K2} with the
 * roles exchanged; {@code ∂L/∂W_V1[c1,l] = Σ_{c2} GY[(c1,c2),l] W_V2[c2,l]}, {@code W_V2} likewise) the bound
 * is {@code max_{row,l} [Σ εG |W||W| + γ_K Σ (|G| + εG) |W||W|]}, {@code K = d^2 + 2} for the key weights
 * (a {@code d^2}-term sum of triple products) and {@code d + 1} for the value weights. Recomputed here
 * from that formula on tiny instances ({@code d = 1..3}) with entry errors {@code εG} drawn per entry
 * (seeded, printed), in two regimes: {@code εG = 0} (only the {@code γ_K} rounding term, so the count
 * {@code K} is resolved) and {@code εG} far above {@code u |G|} (the propagated term). Every value is a
 * sum of non-negative terms ({@code <= 2 d^2} roundings each), so the class and this recomputation agree
 * to {@code 2 γ_20 < 1e-12} relative.
 */
class WeightGradientBoundsFormulaTest {
    private static final double U = 0x1p-53;
    private static final double REL = 1e-12;
    private static final long SEED = 0x5EEDL;

    private static double gamma(int k) {
        return k * U / (1 - k * U);
    }

    private static DMatrixRMaj random(int r, int c, SplittableRandom rnd, double scale, boolean positive) {
        DMatrixRMaj m = new DMatrixRMaj(r, c);
        for (int t = 0; t < r * c; t++) {
            double v = scale * (0.1 + rnd.nextDouble());
            m.data[t] = positive || rnd.nextBoolean() ? v : -v;
        }
        return m;
    }

    /** The stated bound; {@code gradient} is {@code G} ({@code d x d^2}) or {@code GY} ({@code d^2 x d}). */
    static double stated(TensorQuantity q, TensorInstance in, DMatrixRMaj gradient, DMatrixRMaj err) {
        int d = in.d();
        double best = 0;
        for (int row = 0; row < d; row++) {
            for (int l = 0; l < d; l++) {
                double prop = 0;
                double abs = 0;
                int k;
                if (q == TensorQuantity.GRAD_WV1 || q == TensorQuantity.GRAD_WV2) {
                    k = d + 1;
                    for (int c = 0; c < d; c++) {
                        int gRow = q == TensorQuantity.GRAD_WV1 ? row * d + c : c * d + row;
                        double w = Math.abs((q == TensorQuantity.GRAD_WV1 ? in.wv2() : in.wv1()).get(c, l));
                        prop += err.get(gRow, l) * w;
                        abs += (Math.abs(gradient.get(gRow, l)) + err.get(gRow, l)) * w;
                    }
                } else {
                    k = d * d + 2;
                    for (int x = 0; x < d; x++) {
                        for (int y = 0; y < d; y++) {
                            int ga;
                            int gc;
                            double w;
                            switch (q) {
                                case GRAD_WQ:
                                    ga = row;
                                    gc = x * d + y;
                                    w = Math.abs(in.wk1().get(x, l)) * Math.abs(in.wk2().get(y, l));
                                    break;
                                case GRAD_WK1:
                                    ga = x;
                                    gc = row * d + y;
                                    w = Math.abs(in.wq().get(x, l)) * Math.abs(in.wk2().get(y, l));
                                    break;
                                default:
                                    ga = x;
                                    gc = y * d + row;
                                    w = Math.abs(in.wq().get(x, l)) * Math.abs(in.wk1().get(y, l));
                                    break;
                            }
                            prop += err.get(ga, gc) * w;
                            abs += (Math.abs(gradient.get(ga, gc)) + err.get(ga, gc)) * w;
                        }
                    }
                }
                best = Math.max(best, prop + gamma(k) * abs);
            }
        }
        return best;
    }

    private static final List<TensorQuantity> KEY = List.of(TensorQuantity.GRAD_WQ, TensorQuantity.GRAD_WK1,
            TensorQuantity.GRAD_WK2);
    private static final List<TensorQuantity> VALUE = List.of(TensorQuantity.GRAD_WV1, TensorQuantity.GRAD_WV2);

    @Test
    @DisplayName("weight-gradient bounds equal Σ εG|W||W| + γ_K Σ(|G|+εG)|W||W| (K = d^2+2 keys, d+1 values)")
    void everyWeightGradientEqualsTheStatedFormula() {
        int compared = 0;
        for (int d = 1; d <= 3; d++) {
            for (int regime = 0; regime < 3; regime++) {
                long seed = SEED + 10L * d + regime;
                SplittableRandom rnd = new SplittableRandom(seed);
                TensorInstance in = new TensorInstanceSpec(2, d, 0.5 + regime, true, true, seed).build();
                assertTrue(in.hasKeyWeights() && in.hasValueWeights());
                DMatrixRMaj g = random(d, d * d, rnd, 1.0, false);
                DMatrixRMaj gy = random(d * d, d, rnd, 2.0, false);
                // regime 0: no propagated error (the γ_K term alone); 1: εG ~ 1e-6 |G|; 2: mixed, εG ~ 10 u
                double scale = regime == 0 ? 0 : regime == 1 ? 1e-6 : 10 * U;
                DMatrixRMaj eg = random(d, d * d, rnd, scale, true);
                DMatrixRMaj egy = random(d * d, d, rnd, scale, true);
                TensorResult t = TensorResult.builder("trusted").put(TensorQuantity.GRAD_X, g)
                        .put(TensorQuantity.GRAD_Y, gy).build();
                for (TensorQuantity q : KEY) {
                    double want = stated(q, in, g, eg);
                    double got = WeightGradientBounds.allowed(q, in, t, eg, egy);
                    assertTrue(want > 0);
                    assertEquals(want, got, REL * want, q + " d=" + d + " regime=" + regime + " seed=" + seed);
                    compared++;
                }
                for (TensorQuantity q : VALUE) {
                    double want = stated(q, in, gy, egy);
                    double got = WeightGradientBounds.allowed(q, in, t, eg, egy);
                    assertTrue(want > 0);
                    assertEquals(want, got, REL * want, q + " d=" + d + " regime=" + regime + " seed=" + seed);
                    compared++;
                }
            }
        }
        assertEquals(3 * 3 * 5, compared);
    }

    @Test
    @DisplayName("weight-gradient bounds: a quantity that is not a weight gradient has no bound")
    void otherQuantitiesAreRefused() {
        TensorInstance in = new TensorInstanceSpec(2, 2, 1.0, true, true, 3).build();
        DMatrixRMaj z = new DMatrixRMaj(2, 4);
        TensorResult t = TensorResult.builder("trusted").put(TensorQuantity.GRAD_X, z)
                .put(TensorQuantity.GRAD_Y, new DMatrixRMaj(4, 2)).build();
        for (TensorQuantity q : List.of(TensorQuantity.P, TensorQuantity.GRAD_X, TensorQuantity.GRAD_Y)) {
            assertThrows(IllegalArgumentException.class,
                    () -> WeightGradientBounds.allowed(q, in, t, z, new DMatrixRMaj(4, 2)), q.key());
        }
    }

    private static BigDecimal exactDiff(DMatrixRMaj a, DMatrixRMaj b, int i) {
        return new BigDecimal(a.data[i]).subtract(new BigDecimal(b.data[i]));
    }

    /**
     * Tightness of the propagated term: a gradient error of exactly {@code εG} per entry, with the sign of
     * the weight product it multiplies, moves the chain-rule result by {@code Σ εG |W||W|} in real
     * arithmetic, which is the bound less its {@code γ_K} term. The measured change (computed in double,
     * so within a few {@code u} of that) divided by the bound is therefore at least
     * {@code prop / (prop + γ_K abs) - 1e-9}; with {@code εG = 1e-6 |G|} that is {@code > 1 - 1e-8}.
     * Soundness at the same time: the change never exceeds the bound.
     */
    @Test
    @DisplayName("weight-gradient bounds: attained by a sign-aligned gradient error, never exceeded")
    void propagatedTermAttainedBySignAlignedError() {
        for (int d = 1; d <= 3; d++) {
            long seed = SEED + 100 + d;
            SplittableRandom rnd = new SplittableRandom(seed);
            TensorInstance in = new TensorInstanceSpec(2, d, 1.0, true, true, seed).build();
            DMatrixRMaj g = random(d, d * d, rnd, 1.0, false);
            DMatrixRMaj gy = random(d * d, d, rnd, 1.0, false);
            DMatrixRMaj eg = random(d, d * d, rnd, 1e-6, true);
            DMatrixRMaj egy = random(d * d, d, rnd, 1e-6, true);
            TensorResult t = TensorResult.builder("trusted").put(TensorQuantity.GRAD_X, g)
                    .put(TensorQuantity.GRAD_Y, gy).build();
            // GRAD_WQ[a, l]: perturb G[a, (x, y)] by εG sign(W_K1[x,l] W_K2[y,l]); the worst entry is the max
            double measured = 0;
            double measuredV = 0;
            for (int a = 0; a < d; a++) {
                for (int l = 0; l < d; l++) {
                    DMatrixRMaj gp = g.copy();
                    for (int x = 0; x < d; x++) {
                        for (int y = 0; y < d; y++) {
                            double s = Math.signum(in.wk1().get(x, l) * in.wk2().get(y, l));
                            gp.set(a, x * d + y, g.get(a, x * d + y) + s * eg.get(a, x * d + y));
                        }
                    }
                    measured = Math.max(measured, exactDiff(TensorChainRule.gradWq(gp, in.wk1(), in.wk2()),
                            TensorChainRule.gradWq(g, in.wk1(), in.wk2()), a * d + l).abs().doubleValue());
                    // GRAD_WV1[a, l]: perturb GY[(a, c), l] by εGY sign(W_V2[c, l])
                    DMatrixRMaj gyp = gy.copy();
                    for (int c = 0; c < d; c++) {
                        gyp.set(a * d + c, l, gy.get(a * d + c, l) + Math.signum(in.wv2().get(c, l)) * egy.get(a * d + c, l));
                    }
                    measuredV = Math.max(measuredV, exactDiff(TensorChainRule.gradWv1(gyp, in.wv2()),
                            TensorChainRule.gradWv1(gy, in.wv2()), a * d + l).abs().doubleValue());
                }
            }
            double bound = WeightGradientBounds.allowed(TensorQuantity.GRAD_WQ, in, t, eg, egy);
            assertTrue(measured <= bound, "sound: " + measured + " <= " + bound + " seed=" + seed);
            assertTrue(measured / bound >= 1 - 1e-8, "tight: " + measured / bound + " seed=" + seed);
            double bv = WeightGradientBounds.allowed(TensorQuantity.GRAD_WV1, in, t, eg, egy);
            assertTrue(measuredV <= bv, "sound: " + measuredV + " <= " + bv + " seed=" + seed);
            assertTrue(measuredV / bv >= 1 - 1e-8, "tight: " + measuredV / bv + " seed=" + seed);
        }
    }
}
