package dev.ropecheck.engine.fast;

import dev.ropecheck.contract.TensorChecks;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.TensorInstanceSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.approx.ExpPolynomial;
import dev.ropecheck.approx.Method;
import dev.ropecheck.bounds.Deviation;
import dev.ropecheck.bounds.TensorExactRounding;
import dev.ropecheck.bounds.TensorFastErrorBound;
import dev.ropecheck.bounds.TensorQuantityBound;
import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.engine.exact.TensorExactEngine_F64;
import dev.ropecheck.model.TensorInstance;
import dev.ropecheck.engine.reference.ApInputs;
import dev.ropecheck.engine.reference.TensorReferenceEngine_AP;
import java.util.List;
import java.util.Set;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The fast polynomial-method engine (Tensor-grad main theorem) against the reference, within the error-transfer
 * bound of {@code proofs-notes/tensor-fast-error.md} ({@link TensorFastErrorBound}), once with the certified
 * {@code δ} of the exp polynomial (Taylor or Chebyshev, {@code dev.ropecheck.approx}) and once with the measured {@code δ* = max_ij |P(S_ij) - e^{S_ij}| / e^{S_ij}}
 * (the transfer argument holds for any {@code δ} bounding the actual perturbation; the second shows how tight the
 * transfer itself is). Worst ratios are printed.
 */
class TensorFastVsReferenceTest {
    private static final TensorReferenceEngine_AP REF = new TensorReferenceEngine_AP();
    private static final long DIGITS = TensorReferenceEngine_AP.DEFAULT_DIGITS;

    /** Worst ratio per quantity, certified and measured delta. */
    static final java.util.Map<TensorQuantity, Double> CERTIFIED = new java.util.concurrent.ConcurrentSkipListMap<>();
    static final java.util.Map<TensorQuantity, Double> MEASURED = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** {@code δ* = max |P(S) - e^S| / e^S} over the reference scores, in apfloat. */
    static double measuredDelta(TensorInstance in, ExpPolynomial poly) {
        TensorReferenceEngine_AP.Values v = REF.evaluate(ApInputs.of(in, DIGITS));
        double[] a = poly.coefficients();
        double worst = 0;
        for (int i = 0; i < v.s.length; i++) {
            for (int j = 0; j < v.s[0].length; j++) {
                Apfloat s = v.s[i][j];
                Apfloat p = new Apfloat(0, DIGITS);
                for (int t = a.length - 1; t >= 0; t--) {
                    p = p.multiply(s).add(dev.ropecheck.model.ExactValues.apfloat(a[t], DIGITS));
                }
                double rel = ApfloatMath.abs(p.subtract(v.a[i][j])).divide(v.a[i][j]).doubleValue();
                worst = Math.max(worst, rel);
            }
        }
        return worst;
    }

    private static void check(TensorInstanceSpec spec, double eps, boolean useWeights, Method method) {
        TensorInstance in = spec.build();
        TensorFastEngine_F64 fast = new TensorFastEngine_F64(eps, useWeights, method);
        TensorResult fr = fast.computeAll(in);
        TensorResult ref = REF.computeAll(in);
        TensorFastErrorBound certified = TensorFastErrorBound.certified(fr);
        ExpPolynomial poly = fast.polynomial(in);
        assertTrue(poly.etaPolynomial() <= eps, "certified eta " + poly.etaPolynomial() + " above eps " + eps);
        assertEquals(poly.deltaPolynomial(), certified.delta(), "the certificate's delta is not the polynomial's");
        String where = spec + " eps=" + eps + " weights=" + useWeights + " method=" + method + " " + fr.metadata();
        TensorChecks.within(fr, ref, certified, in, TensorChecks.requiredFast(in), where, CERTIFIED);
        double delta = measuredDelta(in, fast.polynomial(in));
        assertTrue(delta <= certified.delta(), "measured delta " + delta + " exceeds the certified " + certified.delta());
        TensorChecks.within(fr, ref, certified.withDelta(delta), in, TensorChecks.requiredFast(in), where + " measured delta=" + delta,
                MEASURED);
    }

    @Test
    @DisplayName("Tensor-grad main theorem: fast loss, gradients = reference within the MATH §5 transfer bound (certified and measured delta)")
    @dev.ropecheck.specs.Spec("tensor-main-theorem")
    void fastMatchesReferenceWithinTransferBound() {
        CERTIFIED.clear();
        MEASURED.clear();
        Gen<Double> eps = Generate.pick(List.of(1e-3, 1e-6));
        Gen<Object[]> options = Generate.booleans().zip(Generate.enumValues(Method.class), (w, m) -> new Object[] {w, m});
        qt().withExamples(40)
                .forAll(Generators.tensorInstances(4, 2, List.of(0.05, 0.25, 0.5, 1.0)), eps, options)
                .checkAssert((spec, e, o) -> check(spec, e, (Boolean) o[0], (Method) o[1]));
        System.out.println("[tensor fast vs reference] worst error/bound per quantity, certified delta: " + fmt(CERTIFIED));
        System.out.println("[tensor fast vs reference] worst error/bound per quantity, measured delta:  " + fmt(MEASURED));
    }

    private static String fmt(java.util.Map<TensorQuantity, Double> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((q, v) -> sb.append(q.key()).append('=').append(String.format("%.3g", v)).append(' '));
        return sb.toString();
    }

    @Test
    @DisplayName("Tensor-grad main theorem: fast vs exact at n = 8..32, d = 2, entries in [-0.5, 0.5], eps = 1e-3")
    @dev.ropecheck.specs.Spec("tensor-main-theorem")
    void fastMatchesExactAtModerateN() {
        TensorExactEngine_F64 exact = new TensorExactEngine_F64();
        TensorQuantityBound exactBound = new TensorExactRounding();
        double worst = 0;
        for (int n : new int[] {8, 16, 32}) {
            for (boolean w : new boolean[] {false, true}) {
                TensorInstanceSpec spec = new TensorInstanceSpec(n, 2, 0.5, w, w, 100L + n);
                TensorInstance in = spec.build();
                TensorResult fr = new TensorFastEngine_F64(1e-3).computeAll(in);
                TensorResult er = exact.computeAll(in);
                TensorFastErrorBound fb = TensorFastErrorBound.certified(fr);
                for (TensorQuantity q : TensorChecks.requiredFast(in)) {
                    assertTrue(fr.has(q), "the fast engine returned no " + q.key() + "\n  spec: " + spec);
                    double allowed = fb.allowed(q, in, er) + exactBound.allowed(q, in, er)
                            + TensorExactRounding.comparisonSlack(TensorChecks.maxAbs(er.get(q)));
                    Deviation dev = Deviation.measure(fr.get(q), er.get(q), allowed);
                    assertTrue(dev.holds(), dev.describe(q.key()) + "\n  spec: " + spec);
                    worst = Math.max(worst, dev.ratio());
                }
                TensorChecks.zerosWouldFail(er, fb, in, TensorQuantity.LOSS, spec);
                TensorChecks.zerosWouldFail(er, fb, in, TensorQuantity.GRAD_X, spec);
                TensorChecks.signFlipWouldFail(er, fb, in, TensorQuantity.ATTENTION, spec);
                TensorChecks.signFlipWouldFail(er, fb, in, TensorQuantity.GRAD_X, spec);
            }
        }
        System.out.printf("[tensor fast vs exact] n = 8..32: worst error/bound = %.3g%n", worst);
    }

    @Test
    @DisplayName("Tensor-grad: the fast engine never forms n x n^2 quantities")
    @dev.ropecheck.specs.Spec("tensor-main-theorem")
    void fastDoesNotOfferQuadraticQuantities() {
        TensorInstance in = new TensorInstanceSpec(3, 2, 0.5, true, true, 5L).build();
        Set<TensorQuantity> s = new TensorFastEngine_F64(1e-3).supported(in);
        for (TensorQuantity q : s) {
            assertTrue(!q.isQuadratic(), "fast engine offers " + q.key());
        }
    }
}
