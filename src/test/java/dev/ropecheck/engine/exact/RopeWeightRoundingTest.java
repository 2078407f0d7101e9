package dev.ropecheck.engine.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.Support;
import org.apfloat.Apfloat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link ExactRoundingModel#weightError}: the double RoPE weights ({@code cos, sin} of
 * {@code fl(m · pow(base, fl(-2k/d)))}) differ from the exact ones ({@code cos, sin} of the exact
 * {@code m base^(-2k/d)}, 30 digits) by at most {@code η_W} (rounding-model.md §1), which grows
 * linearly in {@code n}; identity weights are exact.
 */
class RopeWeightRoundingTest {

    @Test
    @DisplayName("rounding-model §1: |W~_m - W_m| <= η_W for RoPE up to |m| = 4095, both layouts")
    void ropeWeightErrorBoundsAngleRounding() {
        int n = 4096;
        double worstRatio = 0;
        for (RopeFamily.Layout layout : RopeFamily.Layout.values()) {
            RopeFamily fam = new RopeFamily(8, RopeFamily.DEFAULT_BASE, layout);
            double eta = ExactRoundingModel.weightError(fam, n);
            Support s = fam.support();
            int[] ms = layout == RopeFamily.Layout.INTERLEAVED
                    ? new int[] {-(n - 1), -3001, -3, 1, 77, 1234, 3333, 4001, 4091, n - 2, n - 1}
                    : new int[] {-4093, 2}; // the layouts only permute dimensions: the angles are the same
            for (int m : ms) {
                for (int k = 0; k < s.size(); k++) {
                    int b = s.row(k);
                    int e = s.col(k);
                    Apfloat exact = fam.weight(m, b, e, 30);
                    double err = Math.abs(new Apfloat(new java.math.BigDecimal(fam.weight(m, b, e)), 30)
                            .subtract(exact).doubleValue());
                    assertTrue(err <= eta, layout + " m=" + m + " (" + b + "," + e + "): |err| = " + err + " = "
                            + err / eta + " x η_W = " + eta);
                    worstRatio = Math.max(worstRatio, err / eta);
                }
            }
        }
        System.out.printf("[rope weights] worst |W~ - W| / η_W = %.3g (n = %d)%n", worstRatio, n);
        // Non-vacuous: the angle error at |m| = 4095 is visible (well above the 1-ulp trig error).
        assertTrue(worstRatio > 1e-3, "η_W looks absurdly loose: worst ratio " + worstRatio);
    }

    @Test
    @DisplayName("rounding-model §1: identity weights are exact (η_W = 0); unknown families are rejected")
    void exactFamiliesHaveNoWeightError() {
        assertEquals(0.0, ExactRoundingModel.weightError(new IdentityFamily(4), 100));
        PositionFamily odd = new PositionFamily() {
            @Override
            public int d() {
                return 2;
            }

            @Override
            public int maxOffset() {
                return Integer.MAX_VALUE;
            }

            @Override
            public Support support() {
                return Support.full(2);
            }

            @Override
            public double weight(int m, int b, int e) {
                return 1;
            }

            @Override
            public Apfloat weight(int m, int b, int e, long digits) {
                return Apfloat.ONE;
            }

            @Override
            public String name() {
                return "custom";
            }
        };
        assertThrows(IllegalArgumentException.class, () -> ExactRoundingModel.weightError(odd, 10));
    }
}
