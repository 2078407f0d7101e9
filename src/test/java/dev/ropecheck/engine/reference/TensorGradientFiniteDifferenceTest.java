package dev.ropecheck.engine.reference;

import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.TensorInstanceSpec;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.model.TensorInstance;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reference's closed-form gradients (Tensor-grad: {@code ∇_X L = (1/d) A1^T p (A2 ⊗ A3)}, {@code ∇_Y L =
 * (A4 ⊗ A5)^T f^T c}, and the weight chain rule) against central finite differences of the reference loss at
 * 80 digits, step {@code h = 10^-30}.
 *
 * <p>Tolerance: the central difference differs from the derivative by at most {@code h^2 max|L'''| / 6 = 10^-60
 * max|L'''| / 6} (truncation) plus {@code 2 ε_L / (2h)} where the loss's own relative error at 80 digits with at
 * most {@code 10^6} operations is {@code ε_L <= 10^-73 |L|} (rounding): for the bounded instances here
 * ({@code |L| <= 10^3}, {@code |L'''| <= 10^10}) the total is below {@code 10^-40}. Asserted: {@code |FD - G| <=
 * 10^-38}, and at least 25 matching digits ({@code |FD - G| <= 10^-25 |G|}) whenever {@code |G| >= 10^-13}.
 */
class TensorGradientFiniteDifferenceTest {
    private static final long DIGITS = 80;
    private static final TensorReferenceEngine_AP REF = new TensorReferenceEngine_AP(DIGITS);
    private static final Apfloat STEP = new Apfloat("1e-30", DIGITS);
    private static final Apfloat TWO_STEP = new Apfloat("2e-30", DIGITS);
    private static final Apfloat ABS_TOL = new Apfloat("1e-38", DIGITS);
    private static final Apfloat REL_TOL = new Apfloat("1e-25", DIGITS);
    private static final Apfloat REL_FLOOR = new Apfloat("1e-13", DIGITS);
    private static final java.util.concurrent.atomic.AtomicInteger COMPARED = new java.util.concurrent.atomic.AtomicInteger();

    /** Returns the fewest matching digits seen (for reporting). */
    private static double compare(String what, Apfloat[][] grad, Apfloat[][] base,
            Function<Apfloat[][], Apfloat> lossOf, Object spec) {
        double fewest = Double.POSITIVE_INFINITY;
        for (int r = 0; r < base.length; r++) {
            for (int c = 0; c < base[0].length; c++) {
                Apfloat[][] plus = ApInputs.copy(base);
                Apfloat[][] minus = ApInputs.copy(base);
                plus[r][c] = base[r][c].add(STEP);
                minus[r][c] = base[r][c].subtract(STEP);
                Apfloat fd = lossOf.apply(plus).subtract(lossOf.apply(minus)).divide(TWO_STEP);
                Apfloat g = grad[r][c];
                Apfloat err = ApfloatMath.abs(fd.subtract(g));
                int rr = r;
                int cc = c;
                assertTrue(err.compareTo(ABS_TOL) <= 0, () -> what + "[" + rr + "][" + cc + "]: |FD - G| = "
                        + err.toString(true).substring(0, Math.min(30, err.toString(true).length())) + " > 1e-38, G = "
                        + g.doubleValue() + "\n  spec: " + spec);
                if (ApfloatMath.abs(g).compareTo(REL_FLOOR) >= 0) {
                    assertTrue(err.compareTo(REL_TOL.multiply(ApfloatMath.abs(g))) <= 0, () -> what + "[" + rr + "][" + cc
                            + "]: fewer than 25 matching digits, G = " + g.doubleValue() + "\n  spec: " + spec);
                    // a zero difference means agreement to every digit the difference quotient carries
                    double digits = err.signum() == 0 ? fd.precision()
                            : -Math.log10(err.doubleValue() / Math.abs(g.doubleValue()));
                    COMPARED.incrementAndGet();
                    fewest = Math.min(fewest, digits);
                }
            }
        }
        return fewest;
    }

    private static double check(TensorInstanceSpec spec) {
        TensorInstance in = spec.build();
        ApInputs ap = ApInputs.of(in, DIGITS);
        TensorReferenceEngine_AP.Values v = REF.evaluate(ap);
        double fewest = compare("gradX", v.gradX, ap.x(), x -> REF.loss(ap.withX(x)), spec);
        fewest = Math.min(fewest, compare("gradY", v.gradY, ap.y(), y -> REF.loss(ap.withY(y)), spec));
        if (in.hasKeyWeights()) {
            Apfloat[][] wq = ApInputs.ap(in.wq(), DIGITS);
            Apfloat[][] wk1 = ApInputs.ap(in.wk1(), DIGITS);
            Apfloat[][] wk2 = ApInputs.ap(in.wk2(), DIGITS);
            fewest = Math.min(fewest, compare("gradWQ", REF.weightGradient(TensorQuantity.GRAD_WQ, in, v), wq,
                    w -> REF.loss(ap.withX(ApInputs.xFromWeights(w, wk1, wk2))), spec));
            fewest = Math.min(fewest, compare("gradWK1", REF.weightGradient(TensorQuantity.GRAD_WK1, in, v), wk1,
                    w -> REF.loss(ap.withX(ApInputs.xFromWeights(wq, w, wk2))), spec));
            fewest = Math.min(fewest, compare("gradWK2", REF.weightGradient(TensorQuantity.GRAD_WK2, in, v), wk2,
                    w -> REF.loss(ap.withX(ApInputs.xFromWeights(wq, wk1, w))), spec));
        }
        if (in.hasValueWeights()) {
            Apfloat[][] wv1 = ApInputs.ap(in.wv1(), DIGITS);
            Apfloat[][] wv2 = ApInputs.ap(in.wv2(), DIGITS);
            fewest = Math.min(fewest, compare("gradWV1", REF.weightGradient(TensorQuantity.GRAD_WV1, in, v), wv1,
                    w -> REF.loss(ap.withY(ApInputs.yFromWeights(w, wv2))), spec));
            fewest = Math.min(fewest, compare("gradWV2", REF.weightGradient(TensorQuantity.GRAD_WV2, in, v), wv2,
                    w -> REF.loss(ap.withY(ApInputs.yFromWeights(wv1, w))), spec));
        }
        return fewest;
    }

    @Test
    @DisplayName("Tensor-grad gradient closed form: reference ∇_X L, ∇_Y L and weight gradients = central differences (>= 25 digits)")
    @dev.ropecheck.specs.Spec("tensor-gradient-closed-form")
    void referenceGradientMatchesFiniteDifferences() {
        AtomicReference<Double> fewest = new AtomicReference<>(Double.POSITIVE_INFINITY);
        COMPARED.set(0);
        fewest.accumulateAndGet(check(new TensorInstanceSpec(3, 2, 1.0, true, true, 21L)), Math::min);
        qt().withExamples(12).forAll(Generators.tensorInstances(3, 2))
                .checkAssert(spec -> fewest.accumulateAndGet(check(spec), Math::min));
        assertTrue(COMPARED.get() >= 36, "too few gradient entries above 1e-13 were compared: " + COMPARED.get());
        System.out.printf("[tensor reference gradient vs FD] %d entries with |G| >= 1e-13, fewest matching digits = %.1f%n",
                COMPARED.get(), fewest.get());
    }
}
