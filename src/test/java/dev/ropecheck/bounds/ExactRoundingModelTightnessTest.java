package dev.ropecheck.bounds;

import dev.ropecheck.report.BoundAttainment;
import dev.ropecheck.report.RoundingAttainment;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Tightness and adversarial soundness of {@link ExactRoundingModel} against the exact engine.
 *
 * <p>Tightness of {@code h} ({@code rounding-model.md} §5: {@code ε_h = γ_d ĥ}): at {@code d = 2} the engine
 * forms {@code h = fl(fl(a_0 y_0) + fl(a_1 y_1))}. If both products and the sum round in the same
 * direction by at least {@code t u} relative, the error is at least {@code t u (p_0 + p_1)(2 - u)}, against
 * the bound {@code γ_2 (p_0 + p_1)(1 + 2γ_3)(1 + 2^-40) + 2^-900}; so the ratio is at least
 * {@code t (1 - 4u)}. A deterministic search (printed seed) finds entries with {@code t = 0.85}.
 *
 * <p>Soundness: every quantity of the exact engine against the 40-digit reference, within the model's
 * bound, on instances built to make the rounding errors large and aligned: all entries {@code +B}, signs
 * alternating by row and column, a near one-hot softmax row, random signs; RoPE and identity; {@code n = 3, 5}.
 */
class ExactRoundingModelTightnessTest {
    private static final double U = 0x1p-53;
    private static final long SEED = 0x7167L;

    @Test
    @DisplayName("exact rounding model: the h bound γ_d ĥ is attained to the derived fraction 0.85 (1 - 4u)")
    void hBoundAttained() {
        BoundAttainment.Attained a = RoundingAttainment.exactProjection(SEED);
        System.out.printf("h tightness: %s: measured/bound %.4f%n", a.instance(), a.ratio());
        assertTrue(a.measured() <= a.allowed(), "sound: " + a.measured() + " <= " + a.allowed());
        assertTrue(a.ratio() >= 0.85 * (1 - 4 * U), "tight: " + a.ratio() + " seed " + SEED);
    }

    private static DMatrixRMaj fill(int r, int c, double b, int pattern, SplittableRandom rnd) {
        DMatrixRMaj m = new DMatrixRMaj(r, c);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                double s;
                switch (pattern) {
                    case 0:
                        s = 1;
                        break;
                    case 1:
                        s = (i + j) % 2 == 0 ? 1 : -1;
                        break;
                    default:
                        s = rnd.nextBoolean() ? 1 : -1;
                        break;
                }
                m.set(i, j, s * b);
            }
        }
        return m;
    }

    @Test
    @DisplayName("exact rounding model: the exact engine stays within every bound on adversarial instances")
    void adversarialInstancesWithinBound() {
        RopeAttentionEngine reference = dev.ropecheck.engine.reference.RopeReferenceEngine_AP.withDigits(40);
        ExactRoundingModel model = new ExactRoundingModel();
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        double worst = 0;
        String worstAt = "";
        for (PositionFamily fam : List.of(new RopeFamily(2), new RopeFamily(4), new IdentityFamily(2))) {
            for (int n : new int[] {3, 5}) {
                for (int pattern = 0; pattern < 4; pattern++) {
                    int d = fam.d();
                    double b = 1.0;
                    RopeInstance.Builder bld = RopeInstance.builder().a1(fill(n, d, b, pattern % 3, rnd))
                            .a2(fill(n, d, b, pattern % 3, rnd)).a3(fill(n, d, b, pattern % 3, rnd))
                            .e(fill(n, d, 0.5, 2, rnd)).wq(fill(d, d, b, pattern % 3, rnd))
                            .wk(fill(d, d, b, pattern % 3, rnd)).wv(fill(d, d, b, pattern % 3, rnd)).family(fam);
                    if (pattern == 3) {
                        // near one-hot rows: key 0 scores far above the others
                        DMatrixRMaj a2 = fill(n, d, 0.05, 2, rnd);
                        for (int c = 0; c < d; c++) {
                            a2.set(0, c, 3.0);
                        }
                        bld.a2(a2).a1(fill(n, d, 3.0, 0, rnd)).wq(fill(d, d, 1.0, 0, rnd)).wk(fill(d, d, 1.0, 0, rnd));
                    }
                    RopeInstance inst = bld.build();
                    Set<Quantity> want = EnumSet.of(Quantity.A, Quantity.ALPHA, Quantity.F, Quantity.H,
                            Quantity.ATTENTION, Quantity.C, Quantity.LOSS, Quantity.R, Quantity.P, Quantity.GRAD_X,
                            Quantity.DQ, Quantity.DK, Quantity.DV, Quantity.GRAD_WQ, Quantity.GRAD_WK,
                            Quantity.GRAD_WV, Quantity.DQROT, Quantity.DKROT);
                    RopeResult ref = reference.compute(inst, want);
                    RopeResult got = new RopeExactEngine_F64(1).compute(inst, want);
                    for (Quantity q : want) {
                        DMatrixRMaj x = got.get(q);
                        DMatrixRMaj y = ref.get(q);
                        double err = 0;
                        for (int k = 0; k < x.data.length; k++) {
                            err = Math.max(err, Math.abs(x.data[k] - y.data[k]));
                        }
                        double bound = model.allowed(q, inst, ref);
                        String at = fam.name() + " n=" + n + " pattern=" + pattern + " " + q.key();
                        assertTrue(err <= bound, at + ": error " + err + " > bound " + bound);
                        if (err / bound > worst) {
                            worst = err / bound;
                            worstAt = at;
                        }
                    }
                }
            }
        }
        System.out.printf("exact rounding model, adversarial instances: worst measured/bound %.3g (%s)%n", worst, worstAt);
        assertTrue(worst > 0, "some error is nonzero");
    }
}
