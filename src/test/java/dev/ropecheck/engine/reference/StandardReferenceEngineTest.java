package dev.ropecheck.engine.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.StandardInstance;
import java.util.List;
import java.util.SplittableRandom;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * RoPE-grad Section 7's reduction at reference precision (MATH §7): with the identity family and
 * {@code X = vec(X0) vec(I_d)^T / d}, RoPE attention is standard attention — the same {@code f},
 * {@code Att}, {@code L} as {@link StandardReferenceEngine_AP} (written independently), and
 * {@code G[(a,c),(b,e)] = ∇L_std[a,c] [b = e]}.
 *
 * <p>Tolerance: both sides are evaluated with {@code P + 10} digits ({@code P = 50}); each result
 * is good to {@code 10^-(P+10-5)} of its absolute-sum scale, times at most {@code 1 + |s|max <= 10^4}
 * for the exp (relative error of {@code exp(s)} is the absolute error of {@code s}) and {@code n^2 d^2
 * <= 10^4} summed terms, so {@code 10^-(P-5)} of the natural scale bounds the difference. Natural
 * scales: {@code 1} for {@code f}; {@code H = max|h|} for {@code Att}; {@code n d (H + Ē)^2} for
 * {@code L}; {@code n^2 2 d C H max|A1| max|A2| / d} for the gradients ({@code C = H + Ē}).
 */
class StandardReferenceEngineTest {
    private static final long P = 50;
    private static final Apfloat EPS = new Apfloat("1e-" + (P - 5), 70);

    private static Apfloat ap(double v) {
        return v == 0 ? Apfloat.ZERO : new Apfloat(v, 70);
    }

    private static void within(InstanceSpec spec, String what, Apfloat err, double scale) {
        Apfloat bound = EPS.multiply(ap(scale));
        if (err.compareTo(bound) > 0) {
            fail(what + ": error " + err.precision(6).toString(false) + " = "
                    + (bound.signum() == 0 ? "inf" : err.divide(bound).precision(4).toString(false))
                    + " x allowed 10^-" + (P - 5) + " * " + scale + " for " + spec);
        }
    }

    @Test
    @DisplayName("Section 7 reduction: identity family, X = vec(X0) vec(I)^T / d gives the same f, Att, L as standard attention and G = ∇L_std ⊗ [b=e]")
    @dev.ropecheck.specs.Spec({"def-3.16", "def-3.17", "section-7-reduction"})
    void section7ReductionMatchesStandardAttention() {
        ReferenceRopeAttention rope = new ReferenceRopeAttention(P);
        StandardReferenceEngine_AP std = new StandardReferenceEngine_AP(P);
        qt().withExamples(10).forAll(Generators.instances(6, 4, Generate.pick(List.of(FamilyKind.IDENTITY))))
                .checkAssert(spec -> {
                    RopeInstance base = spec.build();
                    int n = base.n();
                    int d = base.d();
                    DMatrixRMaj x0 = InstanceSpec.matrix(new SplittableRandom(spec.seed() ^ 7L), d, d, spec.bound());
                    DMatrixRMaj x = new DMatrixRMaj(d * d, d * d);
                    for (int a = 0; a < d; a++) {
                        for (int c = 0; c < d; c++) {
                            for (int b = 0; b < d; b++) {
                                // dyadic / d with d a power of two in the generators: exact.
                                x.set(a * d + c, b * d + b, x0.get(a, c) / d);
                            }
                        }
                    }
                    RopeInstance inst = base.toBuilder().clearX().x(x).build();
                    ReferenceResult r = rope.compute(inst);
                    StandardReferenceEngine_AP.Values s = std.evaluate(StandardInstance.of(inst, x0));
                    double hMax = ApMatrix.toDouble(r.get(Quantity.H).maxAbs());
                    double eMax = ApMatrix.toDouble(ApMatrix.of(inst.e(), 60).maxAbs());
                    double cMax = hMax + eMax;
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < n; j++) {
                            within(spec, "f[" + i + "," + j + "]",
                                    ApfloatMath.abs(r.get(Quantity.F).get(i, j).subtract(s.f()[i][j])), 1);
                        }
                        for (int l = 0; l < d; l++) {
                            within(spec, "Att[" + i + "," + l + "]",
                                    ApfloatMath.abs(r.get(Quantity.ATTENTION).get(i, l).subtract(s.attention()[i][l])),
                                    hMax);
                        }
                    }
                    within(spec, "L", ApfloatMath.abs(r.loss().subtract(s.loss())), n * d * cMax * cMax);
                    double gScale = n * n * 2.0 * cMax * hMax * ApMatrix.toDouble(ApMatrix.of(inst.a1(), 60).maxAbs())
                            * ApMatrix.toDouble(ApMatrix.of(inst.a2(), 60).maxAbs());
                    ApMatrix g = r.get(Quantity.GRAD_X);
                    boolean nonZero = false;
                    for (int a = 0; a < d; a++) {
                        for (int c = 0; c < d; c++) {
                            for (int b = 0; b < d; b++) {
                                for (int e = 0; e < d; e++) {
                                    Apfloat want = b == e ? s.grad()[a][c] : Apfloat.ZERO;
                                    nonZero |= want.signum() != 0;
                                    within(spec, "G[(" + a + "," + c + "),(" + b + "," + e + ")]",
                                            ApfloatMath.abs(g.get(a * d + c, b * d + e).subtract(want)), gScale);
                                }
                            }
                        }
                    }
                    assertTrue(nonZero || n == 1 || spec.bound() < 0.1 || s.loss().signum() == 0,
                            "standard gradient unexpectedly zero for " + spec);
                });
    }
}
