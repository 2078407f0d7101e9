package dev.ropecheck.engine.exact;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.model.ExactValues;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * MATH §3's remark on {@code p}: on a near one-hot row ({@code f_i0 = 1 - ε}), {@code q_i0 - r_i}
 * cancels two {@code O(1)} numbers into an {@code O(ε)} one, losing {@code log10(1/ε)} digits. The
 * engine evaluates {@code <c_i, h_j - Att_i>} as {@code <c_i, (h_j - h_k*) - D_i>} with
 * {@code D_i = Σ_k f_ik (h_k - h_k*)}, which for {@code j = k*} is {@code -<c_i, D_i>}: every term of
 * {@code D_i} is weighted by an {@code f_ik = O(ε)}, so its rounding errors are {@code O(ε u)}.
 *
 * <p>The true values come from 60-digit arithmetic (apfloat; the inputs are dyadic, so scores are
 * exact and only {@code exp} and the divisions are rounded, at {@code 10^-60} relative).
 */
class OneHotCancellationTest {
    private static final long DIGITS = 60;

    /** n = 3, d = 2, identity family, W = I: {@code s_0j = (A1_0 · A2_j)/2}, row 0 is one-hot at j = 0. */
    static RopeInstance oneHot() {
        DMatrixRMaj a1 = new DMatrixRMaj(new double[][] {{6.0, 0.0}, {0.5, 0.25}, {-0.25, 0.5}});
        DMatrixRMaj a2 = new DMatrixRMaj(new double[][] {{6.125, 0.0}, {0.0, 1.0}, {0.0, -0.5}});
        DMatrixRMaj a3 = new DMatrixRMaj(new double[][] {{1.0, -0.5}, {0.25, 0.75}, {-0.5, 0.125}});
        DMatrixRMaj e = new DMatrixRMaj(new double[][] {{0.0, 0.25}, {0.5, 0.5}, {-0.25, 0.0}});
        DMatrixRMaj eye = new DMatrixRMaj(new double[][] {{1, 0}, {0, 1}});
        return RopeInstance.builder().a1(a1).a2(a2).a3(a3).e(e).wq(eye).wk(eye).wv(eye)
                .family(new IdentityFamily(2)).build();
    }

    /** The true {@code p_00}, {@code f_00}, {@code t_00}, {@code max_l |D_0l|} at 60 digits. */
    static double[] exactRow0() {
        RopeInstance inst = oneHot();
        int n = inst.n();
        int d = inst.d();
        DMatrixRMaj a1 = inst.a1();
        DMatrixRMaj a2 = inst.a2();
        DMatrixRMaj h = inst.a3();
        Apfloat[] ex = new Apfloat[n];
        Apfloat z = new Apfloat(0, DIGITS);
        for (int j = 0; j < n; j++) {
            Apfloat s = new Apfloat(0, DIGITS);
            for (int l = 0; l < d; l++) {
                s = s.add(ap(a1.get(0, l)).multiply(ap(a2.get(j, l))));
            }
            ex[j] = ApfloatMath.exp(s.divide(ap(d)));
            z = z.add(ex[j]);
        }
        Apfloat[] f = new Apfloat[n];
        for (int j = 0; j < n; j++) {
            f[j] = ex[j].divide(z);
        }
        Apfloat t = new Apfloat(0, DIGITS);
        double dMax = 0;
        for (int l = 0; l < d; l++) {
            Apfloat att = new Apfloat(0, DIGITS);
            for (int j = 0; j < n; j++) {
                att = att.add(f[j].multiply(ap(h.get(j, l))));
            }
            Apfloat c = att.subtract(ap(inst.e().get(0, l)));
            Apfloat w = ap(h.get(0, l)).subtract(att);
            dMax = Math.max(dMax, Math.abs(w.doubleValue()));
            t = t.add(c.multiply(w));
        }
        return new double[] {f[0].multiply(t).doubleValue(), f[0].doubleValue(), t.doubleValue(), dMax};
    }

    private static Apfloat ap(double v) {
        return ExactValues.apfloat(v, DIGITS);
    }

    /**
     * Entry bound for {@code p_{i,k*}} (rounding-model.md §7, one-hot case): the {@code k*} term of
     * {@code D_i} is exactly 0, so {@code |D~ - D| <= (1 - f_k*) εD}; {@code w~ = -D~} exactly;
     * {@code εt' = d(εc (|D| + εD') + ĉ εD') + γ_d d (ĉ + εc)(|D| + εD')};
     * {@code |p~ - p| <= f (κ (|t| + εt') + εt')}.
     */
    static double entryBound(RopeInstance inst, double f, double t, double dMax) {
        ExactRoundingModel.Budget b = ExactRoundingModel.budget(inst, null);
        int d = inst.d();
        double epsD = (1 - f) * b.epsD() * (1 + 1e-9);
        double w = dMax + epsD;
        double epsT = d * (b.epsC() * w + b.cHat() * epsD) + ExactRoundingModel.gamma(d) * d * (b.cHat() + b.epsC()) * w;
        return f * (b.kappa() * (Math.abs(t) + epsT) + epsT);
    }

    @Test
    @DisplayName("MATH §3: on a near one-hot row the default p keeps its digits (within the entry bound)")
    @dev.ropecheck.specs.Spec("lemma-5.6")
    void nearOneHotRowKeepsDigitsWhereNaivePLoses() {
        RopeInstance inst = oneHot();
        double[] ex = exactRow0();
        double oneMinusF = 1 - ex[1];
        assertTrue(oneMinusF > 1e-9 && oneMinusF < 1e-7, "row 0 should be one-hot to ~1e-8, 1 - f_00 = " + oneMinusF);
        double bound = entryBound(inst, ex[1], ex[2], ex[3]);
        double got = new RopeExactEngine_F64().compute(inst, EnumSet.of(Quantity.P)).get(Quantity.P).get(0, 0);
        double err = Math.abs(got - ex[0]);
        System.out.printf("[one-hot] p_00 = %.17g, |err| = %.3e (%.2f digits), bound %.3e, err/bound = %.3g%n",
                ex[0], err, -Math.log10(err / Math.abs(ex[0])), bound, err / bound);
        assertTrue(err <= bound, "default p_00 error " + err + " = " + err / bound + " x the entry bound " + bound);
        // Non-vacuous: the bound itself guarantees more than 12 correct digits (NAIVE_P keeps about 8).
        assertTrue(bound < 1e-12 * Math.abs(ex[0]), "the entry bound " + bound + " guarantees fewer than 12 digits");
    }

    /** Relative error of {@code p_00} from an engine built with {@code fault}. */
    static double naivePError(ExactMutant fault) {
        double[] ex = exactRow0();
        double got = fault.engine().compute(oneHot(), EnumSet.of(Quantity.P)).get(Quantity.P).get(0, 0);
        return Math.abs(got - ex[0]);
    }

    @Test
    @DisplayName("MATH §3: ExactMutant.NAIVE_P (q_ij - r_i) exceeds the one-hot entry bound")
    void faultNaivePIsCaught() {
        double[] ex = exactRow0();
        double bound = entryBound(oneHot(), ex[1], ex[2], ex[3]);
        double err = naivePError(ExactMutant.NAIVE_P);
        System.out.printf("[one-hot] NAIVE_P |err| = %.3e (%.2f digits), %.3g x the entry bound%n", err,
                -Math.log10(err / Math.abs(ex[0])), err / bound);
        assertTrue(err > bound, "NAIVE_P was not detected: error " + err + " <= bound " + bound);
    }
}
