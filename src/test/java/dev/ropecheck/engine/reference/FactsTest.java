package dev.ropecheck.engine.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.SplittableRandom;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * RoPE-grad Facts 3.8–3.11 and the reformulation of Lemma 3.18 at reference precision. Inputs are
 * dyadic ({@code k/2^12}), so every product and sum below is exact at 60 digits and the identities
 * are checked for exact equality unless stated.
 */
class FactsTest {
    private static final long DIG = 60;
    private static final ReferenceRopeAttention REF = new ReferenceRopeAttention(50);
    private static final Apfloat EPS = new Apfloat("1e-50", 70);

    private static ApMatrix random(SplittableRandom rnd, int rows, int cols) {
        return ApMatrix.of(InstanceSpec.matrix(rnd, rows, cols, 2.0), DIG);
    }

    /** {@code (U ⊘ V)[i,(s,t)] = U[i,s] V[i,t]} (Fact 3.8's row-wise Kronecker product). */
    static ApMatrix rowWiseKron(ApMatrix u, ApMatrix v) {
        Apfloat[] a = new Apfloat[u.rows() * u.cols() * v.cols()];
        for (int i = 0; i < u.rows(); i++) {
            for (int s = 0; s < u.cols(); s++) {
                for (int t = 0; t < v.cols(); t++) {
                    a[(i * u.cols() + s) * v.cols() + t] = u.get(i, s).multiply(v.get(i, t));
                }
            }
        }
        return new ApMatrix(u.rows(), u.cols() * v.cols(), a);
    }

    private static ApMatrix hadamard(ApMatrix x, ApMatrix y) {
        Apfloat[] a = new Apfloat[x.rows() * x.cols()];
        for (int r = 0; r < x.rows(); r++) {
            for (int c = 0; c < x.cols(); c++) {
                a[r * x.cols() + c] = x.get(r, c).multiply(y.get(r, c));
            }
        }
        return new ApMatrix(x.rows(), x.cols(), a);
    }

    private static void exactlyEqual(Object spec, String what, ApMatrix got, ApMatrix want) {
        assertEquals(0, got.maxAbsDiff(want).signum(), what + " differs by " + got.maxAbsDiff(want) + " for " + spec);
    }

    @Test
    @DisplayName("Fact 3.8: (U1 U2^T) ∘ (V1 V2^T) = (U1 ⊘ V1)(U2 ⊘ V2)^T exactly")
    @dev.ropecheck.specs.Spec("fact-3.8")
    void fact38RowWiseKroneckerTurnsHadamardIntoProduct() {
        SplittableRandom rnd = new SplittableRandom(38);
        for (int t = 0; t < 20; t++) {
            int n = 1 + rnd.nextInt(6);
            int k1 = 1 + rnd.nextInt(4);
            int k2 = 1 + rnd.nextInt(4);
            ApMatrix u1 = random(rnd, n, k1);
            ApMatrix u2 = random(rnd, n, k1);
            ApMatrix v1 = random(rnd, n, k2);
            ApMatrix v2 = random(rnd, n, k2);
            ApMatrix lhs = hadamard(u1.times(u2.transpose()), v1.times(v2.transpose()));
            ApMatrix rhs = rowWiseKron(u1, v1).times(rowWiseKron(u2, v2).transpose());
            exactlyEqual("trial " + t, "Fact 3.8", lhs, rhs);
            assertTrue(lhs.maxAbs().signum() != 0 || n == 0, "degenerate trial");
        }
    }

    @Test
    @DisplayName("Fact 3.9: inner products: <u,v> = <v,u>, <u∘v,w> = <u,v∘w> = u^T diag(v) w, <a u + v, w> = a<u,w> + <v,w> exactly")
    @dev.ropecheck.specs.Spec("fact-3.9")
    void fact39InnerProductIdentities() {
        SplittableRandom rnd = new SplittableRandom(39);
        for (int t = 0; t < 20; t++) {
            int n = 1 + rnd.nextInt(8);
            ApMatrix u = random(rnd, n, 1);
            ApMatrix v = random(rnd, n, 1);
            ApMatrix w = random(rnd, n, 1);
            Apfloat a = random(rnd, 1, 1).get(0, 0);
            assertEquals(0, u.transpose().times(v).get(0, 0).compareTo(v.transpose().times(u).get(0, 0)));
            Apfloat uvw = hadamard(u, v).transpose().times(w).get(0, 0);
            assertEquals(0, uvw.compareTo(u.transpose().times(hadamard(v, w)).get(0, 0)));
            Apfloat[] diag = new Apfloat[n * n];
            java.util.Arrays.fill(diag, Apfloat.ZERO);
            for (int i = 0; i < n; i++) {
                diag[i * n + i] = v.get(i, 0);
            }
            assertEquals(0, uvw.compareTo(u.transpose().times(new ApMatrix(n, n, diag)).times(w).get(0, 0)));
            Apfloat lin = a.multiply(u.transpose().times(w).get(0, 0)).add(v.transpose().times(w).get(0, 0));
            ApMatrix au = ApMatrix.zeros(n, 1).plusScaled(u, a);
            assertEquals(0, lin.compareTo(au.plusScaled(v, new Apfloat(1)).transpose().times(w).get(0, 0)));
        }
    }

    @Test
    @DisplayName("Fact 3.10 (tensor trick): vec(A1 X A2^T) = (A1 ⊗ A2) vec(X), row-major vec, exactly")
    @dev.ropecheck.specs.Spec("fact-3.10")
    void fact310TensorTrick() {
        SplittableRandom rnd = new SplittableRandom(310);
        for (int t = 0; t < 20; t++) {
            int n = 1 + rnd.nextInt(5);
            int d = 1 + rnd.nextInt(4);
            ApMatrix a1 = random(rnd, n, d);
            ApMatrix a2 = random(rnd, n, d);
            ApMatrix x = random(rnd, d, d);
            ApMatrix lhs = a1.times(x).times(a2.transpose());
            Apfloat[] vx = new Apfloat[d * d];
            for (int r = 0; r < d; r++) {
                for (int c = 0; c < d; c++) {
                    vx[r * d + c] = x.get(r, c);
                }
            }
            ApMatrix rhs = a1.kron(a2).times(new ApMatrix(d * d, 1, vx));
            Apfloat[] vl = new Apfloat[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    vl[i * n + j] = lhs.get(i, j);
                }
            }
            exactlyEqual("trial " + t, "Fact 3.10", new ApMatrix(n * n, 1, vl), rhs);
        }
    }

    /**
     * Fact 3.11 / Lemma 3.18: {@code s = (1/d) (𝖠 ⊘ 𝖶) vec(X)} with {@code 𝖠 = A1 ⊗ A2} ({@code n^2 x d^2})
     * and {@code 𝖶_{(i,j)} = vec(W_{i-j})^T}: the explicit {@code n^2 x d^4} form, against the
     * reference's offset-grouped {@link ReferenceRopeAttention#scores}; and with weights
     * {@code s_ij = Q_i W_{i-j} K_j^T / d}. Both sides carry 60 digits of the same weights, so they
     * agree to {@code 10^-50} of the absolute-sum scale {@code σ}.
     */
    @Test
    @DisplayName("Fact 3.11, Lemma 3.18: s = (1/d)(𝖠 ⊘ 𝖶) vec(X) equals the grouped scores and Q_i W_{i-j} K_j^T / d")
    @dev.ropecheck.specs.Spec({"fact-3.11", "lemma-3.18"})
    void fact311ScoresAreRowWiseKroneckerTimesVecX() {
        qt().withExamples(10).forAll(Generators.instances(5, 4)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            ApInstance in = REF.prepare(inst);
            int n = in.n();
            int d = in.d();
            int dd = d * d;
            ApMatrix big = in.a1().kron(in.a2());
            ApMatrix s = REF.scores(in, in.x());
            Apfloat dAp = new Apfloat(d, in.digits());
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    ApMatrix wm = in.weightMatrix(i - j);
                    Apfloat sum = Apfloat.ZERO;
                    Apfloat abs = Apfloat.ZERO;
                    for (int ac = 0; ac < dd; ac++) {
                        for (int be = 0; be < dd; be++) {
                            // row (i,j) of 𝖠 ⊘ 𝖶 at column ((a,c),(b,e)) times vec(X) at that column.
                            Apfloat term = big.get(i * n + j, ac).multiply(wm.get(be / d, be % d)).multiply(in.x().get(ac, be));
                            sum = sum.add(term);
                            abs = abs.add(ApfloatMath.abs(term));
                        }
                    }
                    Apfloat want = sum.divide(dAp);
                    Apfloat bound = EPS.multiply(abs.divide(dAp));
                    FdSupport.within(spec, "s[" + i + "," + j + "] (Fact 3.11 form)",
                            ApfloatMath.abs(s.get(i, j).subtract(want)), bound, bound);
                    if (in.hasWeights()) {
                        ApMatrix q = in.a1().times(in.wq());
                        ApMatrix k = in.a2().times(in.wk());
                        Apfloat rel = Apfloat.ZERO;
                        for (int b = 0; b < d; b++) {
                            for (int e = 0; e < d; e++) {
                                rel = rel.add(q.get(i, b).multiply(wm.get(b, e)).multiply(k.get(j, e)));
                            }
                        }
                        FdSupport.within(spec, "s[" + i + "," + j + "] vs Q_i W K_j^T / d",
                                ApfloatMath.abs(s.get(i, j).subtract(rel.divide(dAp))), bound, bound);
                    }
                }
            }
        });
    }

    @Test
    @DisplayName("Defs. 3.1, 3.15: h = A3 Y (exact, equal to the double product) and Att = diag(alpha)^-1 A h")
    @dev.ropecheck.specs.Spec({"def-3.1", "def-3.13", "def-3.15"})
    void def315ValueAndAttentionAreDiagInverseAV() {
        qt().withExamples(10).forAll(Generators.instances(5, 4)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            ReferenceRopeAttention.Evaluation r = REF.evaluate(REF.prepare(inst));
            // dyadic 12-bit entries, |entry| <= 4, d <= 4: A3 Y is exact in double, so equality is exact.
            DMatrixRMaj h = inst.h();
            ApMatrix hRef = r.values().get(Quantity.H);
            exactlyEqual(spec, "h = A3 Y", hRef, ApMatrix.of(h, DIG));
            ApMatrix a = r.values().get(Quantity.A);
            ApMatrix alpha = r.values().get(Quantity.ALPHA);
            ApMatrix ah = a.times(hRef);
            ApMatrix att = r.values().get(Quantity.ATTENTION);
            for (int i = 0; i < inst.n(); i++) {
                for (int l = 0; l < inst.d(); l++) {
                    Apfloat want = ah.get(i, l).divide(alpha.get(i, 0));
                    Apfloat scale = FdSupport.ap(Math.max(FdSupport.dbl(hRef.maxAbs()), 1e-300));
                    FdSupport.within(spec, "Att[" + i + "," + l + "] = (A h)_il / alpha_i",
                            ApfloatMath.abs(att.get(i, l).subtract(want)), EPS.multiply(scale), scale);
                }
            }
        });
    }
}
