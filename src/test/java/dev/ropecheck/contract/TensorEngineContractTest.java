package dev.ropecheck.contract;

import dev.ropecheck.gen.TensorInstanceSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.approx.ExpApproximations;
import dev.ropecheck.approx.ExpPolynomial;
import dev.ropecheck.approx.Method;
import dev.ropecheck.bounds.TensorFastErrorBound;
import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.engine.exact.TensorExactEngine_F64;
import dev.ropecheck.engine.fast.TensorFastEngine_F64;
import dev.ropecheck.model.TensorInstance;
import dev.ropecheck.engine.reference.TensorReferenceEngine_AP;
import java.util.EnumSet;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The engine contract (supported sets, guards and their messages) and the certified exp polynomial (MATH §4). */
class TensorEngineContractTest {

    @Test
    @DisplayName("unsupported quantities and oversized inputs are refused with the limit named")
    void guardsNameTheLimit() {
        TensorInstance in = new TensorInstanceSpec(3, 2, 0.5, false, false, 1L).build();
        String m = assertThrows(IllegalArgumentException.class,
                () -> new TensorFastEngine_F64(1e-3).compute(in, EnumSet.of(TensorQuantity.P))).getMessage();
        assertTrue(m.contains("cannot compute p"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> new TensorExactEngine_F64().compute(in, EnumSet.of(TensorQuantity.GRAD_WQ))).getMessage();
        assertTrue(m.contains("gradWQ"), m);
        TensorInstance big = new TensorInstanceSpec(80, 2, 0.5, false, false, 1L).build();
        m = assertThrows(IllegalArgumentException.class,
                () -> new TensorReferenceEngine_AP().compute(big, EnumSet.of(TensorQuantity.LOSS))).getMessage();
        assertTrue(m.contains("n^3 d^2") && m.contains(String.valueOf(TensorReferenceEngine_AP.MAX_WORK)), m);
        m = assertThrows(IllegalArgumentException.class, () -> new TensorFastEngine_F64(1.5)).getMessage();
        assertTrue(m.contains("eps"), m);
        m = assertThrows(IllegalArgumentException.class, () -> new TensorReferenceEngine_AP(5)).getMessage();
        assertTrue(m.contains("digits"), m);
        TensorInstance huge = new TensorInstanceSpec(2, 4, 2.0, false, false, 1L).build();
        m = assertThrows(IllegalArgumentException.class, () -> new TensorFastEngine_F64(1e-9).computeAll(huge)).getMessage();
        assertTrue(m.contains("rank") || m.contains("degree"), m);
    }

    @Test
    @DisplayName("MATH §4, §5: eps is the absolute eta; when delta = eta e^beta >= 1 the certificate is refused in one line naming eps, delta and the eps that would do")
    @dev.ropecheck.specs.Spec("tensor-main-theorem")
    void certificateRefusedWhenDeltaReachesOne() {
        TensorInstance in = new TensorInstanceSpec(3, 2, 1.5, false, false, 2L).build();
        TensorFastEngine_F64 fast = new TensorFastEngine_F64(0.9);
        ExpPolynomial p = fast.polynomial(in);
        assertTrue(p.etaPolynomial() <= 0.9 && p.deltaPolynomial() >= 1,
                "precondition: eta " + p.etaPolynomial() + " <= 0.9 and delta " + p.deltaPolynomial() + " >= 1");
        TensorResult r = fast.compute(in, EnumSet.of(TensorQuantity.LOSS));
        String m = assertThrows(IllegalArgumentException.class, () -> TensorFastErrorBound.certified(r)).getMessage();
        assertTrue(m.contains("eps = 0.9") && m.contains("delta = eta e^beta = " + p.deltaPolynomial())
                && m.contains("use an eps below " + 1 / Math.exp(p.beta())), m);
        TensorFastEngine_F64 fine = new TensorFastEngine_F64(0.5 / Math.exp(p.beta()));
        assertTrue(TensorFastErrorBound.certified(fine.compute(in, EnumSet.of(TensorQuantity.LOSS))).delta() < 1);
    }

    @Test
    @DisplayName("exact engine drops the n x n^2 quantities above its size limit; reference offers all")
    void supportedSets() {
        TensorInstance small = new TensorInstanceSpec(3, 2, 0.5, true, false, 1L).build();
        assertTrue(new TensorExactEngine_F64().supported(small).contains(TensorQuantity.P));
        assertTrue(new TensorReferenceEngine_AP().supported(small).contains(TensorQuantity.GRAD_WK2));
        assertTrue(!new TensorReferenceEngine_AP().supported(small).contains(TensorQuantity.GRAD_WV1));
        TensorInstance large = new TensorInstanceSpec(300, 1, 0.5, false, false, 1L).build();
        assertTrue(!new TensorExactEngine_F64().supported(large).contains(TensorQuantity.F));
    }

    @Test
    @DisplayName("MATH §4: the fast engine's polynomial has |P(z) - e^z| <= eta on [-beta, beta] (21 points, apfloat), eta <= eps, minimal degree: the RoPE engines' meaning of eps")
    @dev.ropecheck.specs.Spec("tensor-main-theorem")
    void enginePolynomialIsCertified() {
        for (Method method : Method.values()) {
            for (double b : new double[] {0.25, 0.5, 1.0}) {
                for (double eps : new double[] {1e-3, 1e-9}) {
                    TensorInstance in = new TensorInstanceSpec(6, 2, b, false, false, 3L).build();
                    ExpPolynomial p = new TensorFastEngine_F64(eps, false, method).polynomial(in);
                    double beta = p.beta();
                    assertTrue(p.etaPolynomial() <= eps, method + " eta " + p.etaPolynomial() + " > eps " + eps);
                    assertEquals(ExpApproximations.minimalDegree(method, beta, eps, ExpApproximations.Scope.POLYNOMIAL).degree(),
                            p.degree(), method + ": not the RoPE engines' degree for eps " + eps);
                    if (p.degree() > 0) {
                        assertTrue(ExpApproximations.ofDegree(method, beta, p.degree() - 1).etaPolynomial() > eps,
                                method + " degree " + p.degree() + " is not minimal");
                    }
                    double[] a = p.coefficients();
                    double worst = 0;
                    for (int k = 0; k <= 20; k++) {
                        Apfloat z = new Apfloat(new java.math.BigDecimal(-beta + 2 * beta * k / 20.0), 40);
                        Apfloat v = new Apfloat(0, 40);
                        for (int t = a.length - 1; t >= 0; t--) {
                            v = v.multiply(z).add(new Apfloat(new java.math.BigDecimal(a[t]), 40));
                        }
                        double err = ApfloatMath.abs(v.subtract(ApfloatMath.exp(z))).doubleValue();
                        worst = Math.max(worst, err / p.etaPolynomial());
                        assertTrue(err <= p.etaPolynomial(), method + " beta " + beta + " z " + z + ": " + err + " > eta");
                    }
                    System.out.printf("[tensor exp polynomial] %s beta=%.3f eps=%.0e g=%d delta=%.3e worst |P-e^z|/eta=%.3f%n",
                            method, beta, eps, p.degree(), p.deltaPolynomial(), worst);
                }
            }
        }
    }

    @Test
    @DisplayName("reference exp (argument reduction + Taylor) agrees with ApfloatMath.exp to the working precision")
    void referenceExpAgreesWithApfloat() throws Exception {
        for (String s : new String[] {"0", "1e-20", "-0.3", "0.75", "3.5", "-12.25", "40"}) {
            Apfloat x = new Apfloat(s, 60);
            Apfloat mine = dev.ropecheck.engine.reference.ApExp.exp(x, 50L);
            Apfloat theirs = ApfloatMath.exp(x.precision(70));
            double rel = ApfloatMath.abs(mine.subtract(theirs)).divide(theirs).doubleValue();
            assertTrue(rel <= 1e-48, "exp(" + s + ") relative difference " + rel);
        }
        assertEquals(1, new TensorReferenceEngine_AP().digits() / TensorReferenceEngine_AP.DEFAULT_DIGITS);
    }
}
