package dev.ropecheck.engine.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.ExactValues;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The RoPE family as the reference sees it (RoPE-grad Def. 3.1, RoPE-fwd Def. 1.1, MATH §1), both
 * layouts: {@code W_m} orthogonal, {@code W_{-m} = W_m^T}, and
 * {@code rope(Q)_i · rope(K)_j = Q_i W_{i-j} K_j^T}, in apfloat (rotation computed here from
 * {@code theta_k = base^(-2k/d)} independently of the family) and in double with
 * {@link RopeFamily#rotate} under a derived rounding bound. {@code Q = A1}, {@code K = A2} of the
 * generated instance.
 */
class RopeWeightsReferenceTest {
    private static final long P = 40;
    private static final long W = P + 10;
    private static final int EXAMPLES = 6;
    private static final double U = dev.ropecheck.bounds.FloatFormat.FP64.u();

    private static Apfloat tenToMinus(long k) {
        return new Apfloat("1e-" + k, W);
    }

    @Test
    @DisplayName("Def. 3.1 (RoPE): W_m W_m^T = I and W_{-m} = W_m^T to 10^-(P-2), both layouts")
    @dev.ropecheck.specs.Spec("def-3.1")
    void def31RopeWeightsAreOrthogonalAndTransposeUnderNegation() {
        qt().withExamples(EXAMPLES).forAll(Generators.ropeInstances(5, 4)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            ApInstance in = ApInstance.of(inst, P);
            int d = in.d();
            for (int m = -(in.n() - 1); m <= in.n() - 1; m++) {
                ApMatrix wm = in.weightMatrix(m);
                ApMatrix prod = wm.times(wm.transpose());
                for (int a = 0; a < d; a++) {
                    for (int b = 0; b < d; b++) {
                        Apfloat want = a == b ? Apfloat.ONE : Apfloat.ZERO;
                        // entries carry P digits: |cos^2 + sin^2 - 1| <= 2 (2 * 10^-(P-1)) + rounding.
                        FdSupport.within(spec, "(W_" + m + " W_" + m + "^T)[" + a + "," + b + "]",
                                ApfloatMath.abs(prod.get(a, b).subtract(want)), tenToMinus(P - 2), Apfloat.ONE);
                    }
                }
                FdSupport.within(spec, "W_" + (-m) + " - W_" + m + "^T",
                        in.weightMatrix(-m).maxAbsDiff(wm.transpose()), tenToMinus(P - 1), Apfloat.ONE);
            }
        });
    }

    /** Row {@code pos} of {@code x} rotated by angles {@code pos theta_k} (MATH §1), in apfloat, from scratch. */
    private static Apfloat[] rotate(RopeFamily fam, DMatrixRMaj x, int pos) {
        int d = fam.d();
        Apfloat[] out = new Apfloat[d];
        Apfloat base = ExactValues.apfloat(fam.base(), W);
        for (int k = 0; k < d / 2; k++) {
            Apfloat theta = ApfloatMath.pow(base, new Apfloat(-2L * k, W).divide(new Apfloat(d, W)));
            Apfloat angle = theta.multiply(new Apfloat(pos, W));
            Apfloat c = angle.signum() == 0 ? new Apfloat(1, W) : ApfloatMath.cos(angle);
            Apfloat s = angle.signum() == 0 ? Apfloat.ZERO : ApfloatMath.sin(angle);
            int a = fam.dimA(k);
            int b = fam.dimB(k);
            Apfloat xa = ExactValues.apfloat(x.get(pos, a), W);
            Apfloat xb = ExactValues.apfloat(x.get(pos, b), W);
            out[a] = xa.multiply(c).subtract(xb.multiply(s));
            out[b] = xa.multiply(s).add(xb.multiply(c));
        }
        return out;
    }

    /** {@code Q_i W_{i-j} K_j^T} from the family's full-precision weights. */
    private static Apfloat relative(ApInstance in, int i, int j) {
        ApMatrix wm = in.weightMatrix(i - j);
        Apfloat sum = Apfloat.ZERO;
        for (int b = 0; b < in.d(); b++) {
            for (int e = 0; e < in.d(); e++) {
                sum = sum.add(in.a1().get(i, b).multiply(wm.get(b, e)).multiply(in.a2().get(j, e)));
            }
        }
        return sum;
    }

    /** {@code Σ_k (|x_a|+|x_b|)(|y_a|+|y_b|)} over the rotation pairs (the scale of every bound below). */
    private static double pairScale(RopeFamily fam, DMatrixRMaj q, int i, DMatrixRMaj k, int j) {
        double s = 0;
        for (int p = 0; p < fam.d() / 2; p++) {
            int a = fam.dimA(p);
            int b = fam.dimB(p);
            s += (Math.abs(q.get(i, a)) + Math.abs(q.get(i, b))) * (Math.abs(k.get(j, a)) + Math.abs(k.get(j, b)));
        }
        return s;
    }

    @Test
    @DisplayName("MATH §1 (RoPE-fwd Def. 1.1): rope(Q)_i · rope(K)_j = Q_i W_{i-j} K_j^T in apfloat, both layouts")
    @dev.ropecheck.specs.Spec("def-3.1")
    void ropeDotProductIsRelativeInApfloat() {
        qt().withExamples(EXAMPLES).forAll(Generators.ropeInstances(5, 4)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            RopeFamily fam = (RopeFamily) inst.family();
            ApInstance in = ApInstance.of(inst, P);
            DMatrixRMaj q = inst.a1();
            DMatrixRMaj k = inst.a2();
            Apfloat[][] rq = new Apfloat[inst.n()][];
            Apfloat[][] rk = new Apfloat[inst.n()][];
            for (int i = 0; i < inst.n(); i++) {
                rq[i] = rotate(fam, q, i);
                rk[i] = rotate(fam, k, i);
            }
            for (int i = 0; i < inst.n(); i++) {
                for (int j = 0; j < inst.n(); j++) {
                    Apfloat dot = Apfloat.ZERO;
                    for (int l = 0; l < inst.d(); l++) {
                        dot = dot.add(rq[i][l].multiply(rk[j][l]));
                    }
                    // both sides carry >= P correct digits of cos/sin; each product term <= pair scale.
                    double scale = pairScale(fam, q, i, k, j);
                    FdSupport.within(spec, "rope(Q)_" + i + " . rope(K)_" + j + " - Q_i W_{i-j} K_j^T",
                            ApfloatMath.abs(dot.subtract(relative(in, i, j))),
                            tenToMinus(P - 2).multiply(FdSupport.ap(Math.max(scale, 1e-300))), FdSupport.ap(scale));
                }
            }
        });
    }

    @Test
    @DisplayName("MATH §1: RopeFamily.rotate in double satisfies rope(Q)_i · rope(K)_j = Q_i W_{i-j} K_j^T within the derived rounding bound")
    @dev.ropecheck.specs.Spec("def-3.1")
    void ropeDotProductIsRelativeInDouble() {
        double[] worst = {0};
        qt().withExamples(EXAMPLES).forAll(Generators.ropeInstances(5, 4)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            RopeFamily fam = (RopeFamily) inst.family();
            ApInstance in = ApInstance.of(inst, P);
            DMatrixRMaj q = inst.a1();
            DMatrixRMaj k = inst.a2();
            DMatrixRMaj rq = fam.rotate(q);
            DMatrixRMaj rk = fam.rotate(k);
            int d = inst.d();
            double gammaD = d * U / (1 - d * U);
            double gamma2 = 2 * U / (1 - 2 * U);
            for (int i = 0; i < inst.n(); i++) {
                for (int j = 0; j < inst.n(); j++) {
                    double dot = 0;
                    for (int l = 0; l < d; l++) {
                        dot += rq.get(i, l) * rk.get(j, l);
                    }
                    double bound = doubleBound(fam, i, j, gamma2, gammaD) * pairScale(fam, q, i, k, j);
                    Apfloat err = ApfloatMath.abs(ExactValues.apfloat(dot, W).subtract(relative(in, i, j)));
                    // + 10^-(P-2) scale for the apfloat side itself.
                    Apfloat allowed = FdSupport.ap(bound).add(tenToMinus(P - 2).multiply(FdSupport.ap(pairScale(fam, q, i, k, j))));
                    FdSupport.within(spec, "double rope dot (" + i + "," + j + ")", err, allowed, allowed);
                    if (bound > 0) {
                        worst[0] = Math.max(worst[0], FdSupport.dbl(err) / bound);
                    }
                }
            }
        });
        System.out.printf("RoPE double rotation: worst error / derived bound = %.3g%n", worst[0]);
        assertTrue(worst[0] <= 1);
    }

    /**
     * Per unit of pair scale: {@code 2 (eps_i + eps_j + eps_i eps_j + gamma_d (1+eps_i)(1+eps_j))}, with
     * {@code eps_pos = delta + 2u + gamma_2 (1 + delta + 2u)} the error of one rotated entry relative to
     * {@code |x_a| + |x_b|}; {@code delta = |pos| (ln base + 3) u} bounds the angle error
     * ({@code theta_k = Math.pow} within 1 ulp of {@code base^(fl(-2k/d))}, the exponent rounded
     * relatively by {@code u}, times {@code ln base}; the product {@code pos * theta} one more {@code u});
     * {@code 2u} is one ulp of {@code Math.cos}/{@code Math.sin} on values of size at most 1. The
     * factor 2 counts the two terms of each pair.
     */
    static double doubleBound(RopeFamily fam, int i, int j, double gamma2, double gammaD) {
        double lnb = Math.log(fam.base());
        double di = Math.abs(i) * (lnb + 3) * U;
        double dj = Math.abs(j) * (lnb + 3) * U;
        double ei = di + 2 * U + gamma2 * (1 + di + 2 * U);
        double ej = dj + 2 * U + gamma2 * (1 + dj + 2 * U);
        return 2 * (ei + ej + ei * ej + gammaD * (1 + ei) * (1 + ej));
    }
}
