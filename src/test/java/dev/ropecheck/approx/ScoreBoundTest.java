package dev.ropecheck.approx;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.model.ExactValues;
import dev.ropecheck.model.RopeInstance;
import java.util.List;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/** {@code beta >= max |s_ij|} (MATH §4) against exact scores computed here in apfloat. */
class ScoreBoundTest {
    static final long DIGITS = 40;

    /** Exact {@code max |s_ij|}: {@code s_ij = (1/d) Σ A1[i,a] A2[j,c] X[(a,c),(b,e)] W_{i-j}[b,e]}. */
    static double exactMaxScore(RopeInstance in) {
        int n = in.n();
        int d = in.d();
        DMatrixRMaj a1 = in.a1();
        DMatrixRMaj a2 = in.a2();
        Apfloat[][] x = new Apfloat[d * d][d * d];
        if (in.hasWeights()) {
            DMatrixRMaj wq = in.wq();
            DMatrixRMaj wk = in.wk();
            for (int r = 0; r < d * d; r++) {
                for (int c = 0; c < d * d; c++) {
                    x[r][c] = ap(wq.get(r / d, c / d)).multiply(ap(wk.get(r % d, c % d)));
                }
            }
        } else {
            DMatrixRMaj xm = in.x();
            for (int r = 0; r < d * d; r++) {
                for (int c = 0; c < d * d; c++) {
                    x[r][c] = ap(xm.get(r, c));
                }
            }
        }
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                Apfloat s = new Apfloat(0, DIGITS);
                for (int a = 0; a < d; a++) {
                    for (int c = 0; c < d; c++) {
                        Apfloat ac = ap(a1.get(i, a)).multiply(ap(a2.get(j, c)));
                        for (int b = 0; b < d; b++) {
                            for (int e = 0; e < d; e++) {
                                Apfloat w = in.family().weight(i - j, b, e, DIGITS);
                                if (w.signum() != 0) {
                                    s = s.add(ac.multiply(x[a * d + c][b * d + e]).multiply(w));
                                }
                            }
                        }
                    }
                }
                worst = Math.max(worst, ApfloatMath.abs(s).doubleValue() / d);
            }
        }
        return worst;
    }

    static Apfloat ap(double v) {
        return ExactValues.apfloat(v, DIGITS);
    }

    @Test
    @DisplayName("MATH §4: ScoreBound.beta >= exact max |s_ij| (all families, weights and general X)")
    @dev.ropecheck.specs.Spec("lemma-3.4")
    void betaBoundsEveryExactScore() {
        qt().withExamples(40).forAll(Generators.instances(5, 4)).checkAssert(spec -> {
            RopeInstance in = spec.build();
            double beta = ScoreBound.beta(in);
            double exact = exactMaxScore(in);
            assertTrue(exact <= beta, () -> spec + ": exact max|s| = " + exact + " > beta = " + beta);
            assertTrue(exact == 0 || beta < exact * 1e6 * in.d() * in.d(), "beta is a useful bound, not infinity");
        });
    }

    @Test
    @DisplayName("MATH §5 low-rank variant: betaRotated >= exact max |s_ij| (RoPE, identity; weights)")
    @dev.ropecheck.specs.Spec("lemma-3.4")
    void rotatedBetaBoundsEveryExactScore() {
        qt().withExamples(40).forAll(Generators.instances(5, 4, Generate.pick(List.of(FamilyKind.ROPE_INTERLEAVED,
                FamilyKind.ROPE_HALF_SPLIT, FamilyKind.IDENTITY)))).checkAssert(spec0 -> {
                    var spec = new dev.ropecheck.gen.InstanceSpec(spec0.n(), spec0.d(), spec0.family(), spec0.bound(),
                            true, spec0.seed());
                    RopeInstance in = spec.build();
                    double beta = ScoreBound.betaRotated(in);
                    double exact = exactMaxScore(in);
                    assertTrue(exact <= beta, () -> spec + ": exact max|s| = " + exact + " > betaRotated = " + beta);
                });
    }
}
