package dev.ropecheck.engine.reference;

import dev.ropecheck.contract.TensorChecks;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.TensorInstanceSpec;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.bounds.Deviation;
import dev.ropecheck.bounds.TensorExactRounding;
import dev.ropecheck.bounds.TensorFastErrorBound;
import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.engine.fast.TensorFastEngine_F64;
import dev.ropecheck.model.TensorInstance;
import java.util.List;
import java.util.function.Function;
import org.apfloat.Apfloat;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Plausible wrong formulas are rejected by the same checks that pass the engines: each variant is computed in
 * apfloat from the reference's values, rounded, and measured against the reference with the exact engine's
 * rounding bound ({@link TensorExactRounding}) and with the fast engine's transfer bound (eps = 1e-6; at eps = 1e-3 the smallest ratio seen was 4.5, too
 * close to 1 for a randomised property); both must
 * reject it ({@code error / bound > 1}). Variants: the Kronecker factors of the gradient in the wrong order
 * ({@code A1^T p (A3 ⊗ A2)}); the {@code diag(r) f} term of {@code p} left out ({@code p = f ∘ q}); the values built
 * with the wrong Kronecker order ({@code h = (A5 ⊗ A4) Y}).
 */
class TensorWrongVariantsTest {
    private static final long DIGITS = 50;
    private static final TensorReferenceEngine_AP REF = new TensorReferenceEngine_AP(DIGITS);

    /** {@code (1/d) Σ_i A1[i,a] Σ_{j1,j2} p[i,(j1,j2)] L[j1,c1] R[j2,c2]}. */
    private static DMatrixRMaj gradient(Apfloat[][] a1, Apfloat[][] p, Apfloat[][] left, Apfloat[][] right) {
        int n = a1.length;
        int d = a1[0].length;
        Apfloat invD = new Apfloat(1, DIGITS).divide(new Apfloat(d, DIGITS));
        DMatrixRMaj g = new DMatrixRMaj(d, d * d);
        for (int a = 0; a < d; a++) {
            for (int c1 = 0; c1 < d; c1++) {
                for (int c2 = 0; c2 < d; c2++) {
                    Apfloat acc = new Apfloat(0, DIGITS);
                    for (int i = 0; i < n; i++) {
                        for (int j1 = 0; j1 < n; j1++) {
                            for (int j2 = 0; j2 < n; j2++) {
                                acc = acc.add(a1[i][a].multiply(p[i][j1 * n + j2]).multiply(left[j1][c1])
                                        .multiply(right[j2][c2]));
                            }
                        }
                    }
                    g.set(a, c1 * d + c2, TensorReferenceEngine_AP.toDouble(acc.multiply(invD)));
                }
            }
        }
        return g;
    }

    private static DMatrixRMaj transposedKroneckerGradient(ApInputs ap, TensorReferenceEngine_AP.Values v) {
        return gradient(ap.a1(), v.p, ap.a3(), ap.a2());
    }

    private static DMatrixRMaj missingDiagRGradient(ApInputs ap, TensorReferenceEngine_AP.Values v) {
        int n = ap.n();
        int d = ap.d();
        Apfloat[][] fq = new Apfloat[n][n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n * n; j++) {
                Apfloat q = new Apfloat(0, DIGITS);
                for (int l = 0; l < d; l++) {
                    q = q.add(v.c[i][l].multiply(v.h[j][l]));
                }
                fq[i][j] = v.f[i][j].multiply(q);
            }
        }
        return gradient(ap.a1(), fq, ap.a2(), ap.a3());
    }

    /** {@code Att' = f (A5 ⊗ A4) Y}. */
    private static DMatrixRMaj swappedValueAttention(ApInputs ap, TensorReferenceEngine_AP.Values v) {
        int n = ap.n();
        int d = ap.d();
        DMatrixRMaj att = new DMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < d; l++) {
                Apfloat acc = new Apfloat(0, DIGITS);
                for (int j1 = 0; j1 < n; j1++) {
                    for (int j2 = 0; j2 < n; j2++) {
                        Apfloat h = new Apfloat(0, DIGITS);
                        for (int c1 = 0; c1 < d; c1++) {
                            for (int c2 = 0; c2 < d; c2++) {
                                h = h.add(ap.a5()[j1][c1].multiply(ap.a4()[j2][c2]).multiply(ap.y()[c1 * d + c2][l]));
                            }
                        }
                        acc = acc.add(v.f[i][j1 * n + j2].multiply(h));
                    }
                }
                att.set(i, l, TensorReferenceEngine_AP.toDouble(acc));
            }
        }
        return att;
    }

    private static double[] rejectionRatios(TensorInstanceSpec spec, TensorQuantity q,
            java.util.function.BiFunction<ApInputs, TensorReferenceEngine_AP.Values, DMatrixRMaj> variant) {
        TensorInstance in = spec.build();
        ApInputs ap = ApInputs.of(in, DIGITS);
        TensorReferenceEngine_AP.Values v = REF.evaluate(ap);
        TensorResult ref = REF.computeAll(in);
        TensorResult fast = new TensorFastEngine_F64(1e-6).computeAll(in);
        DMatrixRMaj wrong = variant.apply(ap, v);
        DMatrixRMaj truth = ref.get(q);
        double slack = TensorExactRounding.comparisonSlack(TensorChecks.maxAbs(truth));
        Deviation exact = Deviation.measure(wrong, truth, new TensorExactRounding().allowed(q, in, ref) + slack);
        Deviation approx = Deviation.measure(wrong, truth, TensorFastErrorBound.certified(fast).allowed(q, in, ref) + slack);
        assertTrue(!exact.holds(), "variant passed the exact check: " + exact.describe(q.key()) + "\n  spec: " + spec);
        assertTrue(!approx.holds(), "variant passed the fast check: " + approx.describe(q.key()) + "\n  spec: " + spec);
        return new double[] {exact.ratio(), approx.ratio()};
    }

    private static void property(String name, TensorQuantity q,
            java.util.function.BiFunction<ApInputs, TensorReferenceEngine_AP.Values, DMatrixRMaj> variant) {
        // B <= 0.5 keeps beta = (1/d) Σ |X| max|A1| max|A2| max|A3| <= d^2 B^4 small enough for the fast engine at eps = 1e-6 (d = 3, B = 1 gives
        // beta up to 9 and a rank above a million: outside the bounded-entry regime)
        Gen<TensorInstanceSpec> gen = Generators.tensorInstances(4, 3, List.of(0.25, 0.5))
                .assuming(s -> s.n() >= 2 && s.d() >= 2);
        double[] least = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        qt().withExamples(8).forAll(gen).checkAssert(spec -> {
            double[] r = rejectionRatios(spec, q, variant);
            least[0] = Math.min(least[0], r[0]);
            least[1] = Math.min(least[1], r[1]);
        });
        System.out.printf("[tensor wrong variant: %s] smallest error/bound: exact check %.3g, fast check %.3g%n", name,
                least[0], least[1]);
    }

    @Test
    @DisplayName("Tensor-grad gradient: A1^T p (A3 ⊗ A2) (transposed Kronecker order) is rejected")
    @dev.ropecheck.specs.Spec("tensor-gradient-closed-form")
    void transposedKroneckerOrderIsCaught() {
        property("A3 ⊗ A2 in the gradient", TensorQuantity.GRAD_X, TensorWrongVariantsTest::transposedKroneckerGradient);
    }

    @Test
    @DisplayName("Tensor-grad gradient: p = f ∘ q without - diag(r) f is rejected")
    @dev.ropecheck.specs.Spec("tensor-gradient-closed-form")
    void missingDiagRTermIsCaught() {
        property("p without diag(r) f", TensorQuantity.GRAD_X, TensorWrongVariantsTest::missingDiagRGradient);
    }

    @Test
    @DisplayName("Tensor-grad forward: h = (A5 ⊗ A4) Y (swapped value Kronecker) is rejected")
    @dev.ropecheck.specs.Spec("tensor-gradient-closed-form")
    void swappedValueKroneckerIsCaught() {
        property("h = (A5 ⊗ A4) Y", TensorQuantity.ATTENTION, TensorWrongVariantsTest::swappedValueAttention);
    }
}
