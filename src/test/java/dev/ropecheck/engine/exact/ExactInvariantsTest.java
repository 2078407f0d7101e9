package dev.ropecheck.engine.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Invariants of the exact engine that hold for every instance: rows of {@code f} sum to 1 (Def.
 * 3.14), rows of {@code p} sum to 0 (MATH §3), {@code G} vanishes off the support (Lemma 5.3 /
 * MATH §3), the stable softmax survives scores near ±700 and beyond, and the {@code wanted} set is
 * honoured. Every tolerance is derived in the method's comment.
 */
class ExactInvariantsTest {
    private static final double U = ExactRoundingModel.U;

    /** Exact sum of doubles. */
    static double exactRowSum(DMatrixRMaj m, int row) {
        BigDecimal s = BigDecimal.ZERO;
        for (int c = 0; c < m.numCols; c++) {
            s = s.add(new BigDecimal(m.get(row, c)));
        }
        return s.doubleValue();
    }

    /**
     * {@code f~_ij = ẽ_j (1+δ_j) / Σ~}, {@code Σ~ = Σ ẽ_j (1+θ_j)} with {@code |θ_j| <= γ_{n-1}}, so the
     * exact sum of a row of {@code f~} lies in {@code [(1-u)/(1+γ_{n-1}), (1+u)/(1-γ_{n-1})]}; plus
     * {@code n 2^-1074} for quotients in the subnormal range.
     */
    @Test
    @DisplayName("Def. 3.14: rows of f sum to 1 within (1+u)/(1-γ_{n-1}) - 1 ≈ n u")
    @dev.ropecheck.specs.Spec("lemma-5.4")
    void fRowsSumToOneWithinNu() {
        RopeExactEngine_F64 engine = new RopeExactEngine_F64();
        qt().withExamples(60).forAll(Generators.instances(64, 8)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            DMatrixRMaj f = engine.compute(inst, EnumSet.of(Quantity.F)).get(Quantity.F);
            int n = inst.n();
            double bound = (1 + U) / (1 - ExactRoundingModel.gamma(n - 1)) - 1 + n * Double.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                double dev = Math.abs(exactRowSum(f, i) - 1);
                assertTrue(dev <= bound, spec + ": row " + i + " of f sums to 1 + " + dev + " = "
                        + dev / bound + " x the bound " + bound);
            }
        });
    }

    /**
     * {@code |Σ_j p~_ij| = |Σ_j (p~_ij - p_ij)| <= Σ_j f_ij (κ(|t_ij| + εt) + εt) = κ Σ_j |p_ij| + (1+κ) εt},
     * and {@code Σ_j |p_ij| <= Σ_j |p~_ij| + B}, so {@code B = (κ P~_i + (1+κ) εt) / (1 - κ)} with
     * {@code P~_i = Σ_j |p~_ij|} (κ, εt: ExactRoundingModel's budget, rounding-model.md §7).
     */
    static double pRowSumBound(RopeInstance inst, DMatrixRMaj p, int i) {
        ExactRoundingModel.Budget b = ExactRoundingModel.budget(inst, null);
        double abs = 0;
        for (int j = 0; j < p.numCols; j++) {
            abs += Math.abs(p.get(i, j));
        }
        abs *= 1 + ExactRoundingModel.gamma(p.numCols);
        return (b.kappa() * abs + (1 + b.kappa()) * b.epsT()) / (1 - b.kappa());
    }

    /** Returns a description of the first row whose sum of {@code p} exceeds the bound, or null. */
    static String pRowSumViolation(RopeExactEngine_F64 engine, RopeInstance inst) {
        DMatrixRMaj p = engine.compute(inst, EnumSet.of(Quantity.P)).get(Quantity.P);
        for (int i = 0; i < inst.n(); i++) {
            double bound = pRowSumBound(inst, p, i);
            double s = Math.abs(exactRowSum(p, i));
            if (!(s <= bound)) {
                return "row " + i + ": |Σ_j p_ij| = " + s + " = " + s / bound + " x the bound " + bound;
            }
        }
        return null;
    }

    @Test
    @DisplayName("MATH §3: rows of p sum to 0 within the derived bound")
    @dev.ropecheck.specs.Spec({"lemma-5.1", "lemma-5.6"})
    void pRowsSumToZeroWithinDerivedBound() {
        RopeExactEngine_F64 engine = new RopeExactEngine_F64();
        qt().withExamples(60).forAll(Generators.instances(64, 8)).checkAssert(spec -> {
            String v = pRowSumViolation(engine, spec.build());
            assertTrue(v == null, spec + ": " + v);
        });
    }

    @Test
    @DisplayName("Lemma 5.3 / MATH §3: G is exactly 0 outside S and not identically 0 on S")
    @dev.ropecheck.specs.Spec({"lemma-5.2", "lemma-5.3"})
    void gradientIsExactlyZeroOutsideSupport() {
        RopeExactEngine_F64 engine = new RopeExactEngine_F64();
        qt().withExamples(40).forAll(Generators.instances(32, 8)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            DMatrixRMaj g = engine.compute(inst, EnumSet.of(Quantity.GRAD_X, Quantity.P)).get(Quantity.GRAD_X);
            Support s = inst.family().support();
            int d = inst.d();
            for (int ac = 0; ac < d * d; ac++) {
                for (int b = 0; b < d; b++) {
                    for (int e = 0; e < d; e++) {
                        if (!s.contains(b, e)) {
                            assertEquals(0.0, g.get(ac, b * d + e), spec + ": G[" + ac + "][(" + b + "," + e + ")]");
                        }
                    }
                }
            }
        });
        // Non-vacuous: a generic instance has a non-zero gradient on S.
        RopeInstance inst = new InstanceSpec(6, 4, FamilyKind.ROPE_INTERLEAVED, 1.0, true, 3L).build();
        DMatrixRMaj g = engine.compute(inst, EnumSet.of(Quantity.GRAD_X)).get(Quantity.GRAD_X);
        double mx = 0;
        for (double v : g.data) {
            mx = Math.max(mx, Math.abs(v));
        }
        assertTrue(mx > 1e-6, "G is (nearly) zero on a generic instance: max |G| = " + mx);
    }

    /** Identity family, d = 2, W_Q = W_K = I: {@code s_ij = (A1_i · A2_j) / 2}. */
    static RopeInstance extremeScores(int n, double base, double sign) {
        DMatrixRMaj a1 = new DMatrixRMaj(n, 2);
        DMatrixRMaj a2 = new DMatrixRMaj(n, 2);
        DMatrixRMaj a3 = new DMatrixRMaj(n, 2);
        DMatrixRMaj e = new DMatrixRMaj(n, 2);
        for (int i = 0; i < n; i++) {
            double si = (i % 2 == 0 ? 1 : -1) * sign;
            a1.set(i, 0, si * base);
            a1.set(i, 1, si * base);
            a2.set(i, 0, base - i / 16.0);
            a2.set(i, 1, base + i / 32.0);
            a3.set(i, 0, (i % 5) / 4.0 - 0.5);
            a3.set(i, 1, (i % 3) / 2.0 - 0.5);
            e.set(i, 0, 0.25);
            e.set(i, 1, -0.125);
        }
        return RopeInstance.builder().a1(a1).a2(a2).a3(a3).e(e).wq(eye(2)).wk(eye(2)).wv(eye(2))
                .family(new IdentityFamily(2)).build();
    }

    private static DMatrixRMaj eye(int d) {
        DMatrixRMaj m = new DMatrixRMaj(d, d);
        for (int i = 0; i < d; i++) {
            m.set(i, i, 1);
        }
        return m;
    }

    @Test
    @DisplayName("stable softmax: scores near ±700 give finite f, Att, G and match the naive sums within the model")
    @dev.ropecheck.specs.Spec("lemma-5.4")
    void scoresNearPlusMinus700StayFiniteAndAccurate() {
        RopeExactEngine_F64 engine = new RopeExactEngine_F64();
        // Entries 26.5: s_ij = ±(26.5 (26.5 - i/16) + 26.5 (26.5 + i/32)) / 2 ≈ ±702, exp(702) is finite.
        RopeInstance inst = extremeScores(8, 26.5, 1);
        RopeResult r = engine.computeAll(inst);
        assertAllFinite(r, EnumSet.allOf(Quantity.class));
        List<String> bad = ExactChecks.violationsAgainstNaive(engine, inst);
        assertTrue(bad.isEmpty(), String.join("\n", bad));
        double maxS = ExactRoundingModel.budget(inst, null).beta();
        assertTrue(maxS > 690 && maxS < 709, "beta = " + maxS + " should sit just below the exp overflow (709.78)");
    }

    @Test
    @DisplayName("stable softmax: scores near ±750 (exp overflows) still give finite f, Att, c, p, G")
    @dev.ropecheck.specs.Spec("lemma-5.4")
    void scoresBeyondExpOverflowGiveFiniteSoftmax() {
        RopeExactEngine_F64 engine = new RopeExactEngine_F64();
        RopeInstance inst = extremeScores(8, 27.5, 1);
        RopeResult r = engine.computeAll(inst);
        EnumSet<Quantity> finite = EnumSet.allOf(Quantity.class);
        finite.remove(Quantity.A);
        finite.remove(Quantity.ALPHA);
        assertAllFinite(r, finite);
        for (double v : r.get(Quantity.A).data) {
            assertFalse(Double.isNaN(v), "A has NaN");
        }
        // f, Att, c, p, G, gradients still agree with the naive evaluation (A, alpha overflow: skipped).
        List<String> bad = ExactChecks.violationsAgainstNaive(engine, inst);
        assertTrue(bad.isEmpty(), String.join("\n", bad));
        for (int i = 0; i < inst.n(); i++) {
            double dev = Math.abs(exactRowSum(r.get(Quantity.F), i) - 1);
            assertTrue(dev <= 16 * U, "row " + i + " of f sums to 1 + " + dev);
        }
    }

    private static void assertAllFinite(RopeResult r, EnumSet<Quantity> qs) {
        for (Quantity q : qs) {
            if (!r.has(q)) {
                continue;
            }
            for (double v : r.get(q).data) {
                assertTrue(Double.isFinite(v), q.key() + " has a non-finite entry " + v);
            }
        }
    }

    @Test
    @DisplayName("only the wanted quantities are returned; the backward pass is skipped for forward-only requests")
    void honoursWantedSet() {
        RopeExactEngine_F64 engine = new RopeExactEngine_F64();
        RopeInstance inst = new InstanceSpec(5, 4, FamilyKind.ROPE_HALF_SPLIT, 1.0, true, 11L).build();
        RopeResult fwd = engine.compute(inst, EnumSet.of(Quantity.ATTENTION, Quantity.LOSS));
        assertEquals(EnumSet.of(Quantity.ATTENTION, Quantity.LOSS), EnumSet.copyOf(fwd.quantities()));
        RopeResult all = engine.computeAll(inst);
        assertEquals(all.loss(), fwd.loss(), 0.0, "the loss must not depend on what else is requested");
        assertEquals(engine.supported(inst), EnumSet.copyOf(all.quantities()));
    }

    @Test
    @DisplayName("bad input: unsupported quantities and missing arguments are rejected by name")
    void rejectsBadInput() {
        RopeExactEngine_F64 engine = new RopeExactEngine_F64();
        RopeInstance withX = new InstanceSpec(4, 2, FamilyKind.IDENTITY, 1.0, false, 5L).build();
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> engine.compute(withX, EnumSet.of(Quantity.DQ)));
        assertTrue(ex.getMessage().contains("dQ"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> engine.compute(null, EnumSet.of(Quantity.LOSS)));
        assertThrows(IllegalArgumentException.class, () -> engine.compute(withX, null));
    }
}
