package dev.ropecheck.engine.reference;

import dev.ropecheck.contract.TensorChecks;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.bounds.Deviation;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.StandardInstance;
import dev.ropecheck.bounds.TensorExactRounding;
import dev.ropecheck.bounds.TensorFastErrorBound;
import dev.ropecheck.bounds.TensorQuantityBound;
import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.engine.exact.TensorExactEngine_F64;
import dev.ropecheck.engine.fast.TensorFastEngine_F64;
import dev.ropecheck.model.TensorInstance;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Matrix (standard, AS24) attention as a special case of tensor attention (Tensor-grad; MATH §7, §8). For a
 * standard problem {@code (A1, A2, A4, E, X0, Y0)} take {@code A3 = A5 = 1_n e_0^T}, {@code X[a,(c1,c2)] = X0[a,c1]
 * [c2 = 0]} and {@code Y[(c1,c2),l] = Y0[c1,l] [c2 = 0]}. Then {@code S[i,(j1,j2)] = (A1 X0 A2^T)[i,j1]/d} for every
 * {@code j2}, so {@code f[i,(j1,j2)] = f_std[i,j1]/n}, {@code h[(j1,j2)] = (A4 Y0)[j1]}, and {@code Att, c, L} equal the
 * standard ones; {@code ∇_X L[a,(c1,c2)] = ∇L_std[a,c1] [c2 = 0]} with {@code ∇L_std = (1/d) A1^T p_std A2}, and
 * {@code ∇_Y L[(c1,c2),l] = (A4^T f_std^T c_std)[c1,l] [c2 = 0]}.
 *
 * <p>The standard side is computed independently here in apfloat (50 digits) and cross-checked against the
 * project's {@code StandardReferenceEngine_AP}. Tolerances: the tensor reference
 * agrees to {@link TensorExactRounding#comparisonSlack} (both 50-digit computations); the exact engine within
 * {@link TensorExactRounding}; the fast engine within {@link TensorFastErrorBound} (certified delta).
 */
class MatrixAttentionSpecialCaseTest {
    private static final long DIGITS = 50;

    /** Standard attention quantities, rounded to double, in the tensor shapes. */
    static Map<TensorQuantity, DMatrixRMaj> standard(StandardInstance s) {
        int n = s.n();
        int d = s.d();
        Apfloat[][] a1 = ApInputs.ap(s.a1(), DIGITS);
        Apfloat[][] a2 = ApInputs.ap(s.a2(), DIGITS);
        Apfloat[][] a4 = ApInputs.ap(s.a3(), DIGITS);
        Apfloat[][] e = ApInputs.ap(s.e(), DIGITS);
        Apfloat[][] x0 = ApInputs.ap(s.x0(), DIGITS);
        Apfloat[][] y0 = ApInputs.ap(s.y(), DIGITS);
        Apfloat zero = new Apfloat(0, DIGITS);
        Apfloat dd = new Apfloat(d, DIGITS);
        Apfloat[][] f = new Apfloat[n][n];
        for (int i = 0; i < n; i++) {
            Apfloat alpha = zero;
            for (int j = 0; j < n; j++) {
                Apfloat sc = zero;
                for (int a = 0; a < d; a++) {
                    for (int c = 0; c < d; c++) {
                        sc = sc.add(a1[i][a].multiply(x0[a][c]).multiply(a2[j][c]));
                    }
                }
                f[i][j] = ApfloatMath.exp(sc.divide(dd));
                alpha = alpha.add(f[i][j]);
            }
            for (int j = 0; j < n; j++) {
                f[i][j] = f[i][j].divide(alpha);
            }
        }
        Apfloat[][] v = new Apfloat[n][d];
        for (int j = 0; j < n; j++) {
            for (int l = 0; l < d; l++) {
                Apfloat acc = zero;
                for (int c = 0; c < d; c++) {
                    acc = acc.add(a4[j][c].multiply(y0[c][l]));
                }
                v[j][l] = acc;
            }
        }
        DMatrixRMaj att = new DMatrixRMaj(n, d);
        DMatrixRMaj cc = new DMatrixRMaj(n, d);
        Apfloat[][] c = new Apfloat[n][d];
        Apfloat loss = zero;
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < d; l++) {
                Apfloat acc = zero;
                for (int j = 0; j < n; j++) {
                    acc = acc.add(f[i][j].multiply(v[j][l]));
                }
                att.set(i, l, TensorReferenceEngine_AP.toDouble(acc));
                c[i][l] = acc.subtract(e[i][l]);
                cc.set(i, l, TensorReferenceEngine_AP.toDouble(c[i][l]));
                loss = loss.add(c[i][l].multiply(c[i][l]));
            }
        }
        // p_std = f ∘ (c V^T) - diag(r) f, r_i = Σ_j f_ij (c V^T)_ij
        Apfloat[][] p = new Apfloat[n][n];
        for (int i = 0; i < n; i++) {
            Apfloat[] q = new Apfloat[n];
            Apfloat r = zero;
            for (int j = 0; j < n; j++) {
                Apfloat acc = zero;
                for (int l = 0; l < d; l++) {
                    acc = acc.add(c[i][l].multiply(v[j][l]));
                }
                q[j] = acc;
                r = r.add(f[i][j].multiply(acc));
            }
            for (int j = 0; j < n; j++) {
                p[i][j] = f[i][j].multiply(q[j].subtract(r));
            }
        }
        DMatrixRMaj gx = new DMatrixRMaj(d, d * d);
        DMatrixRMaj gy = new DMatrixRMaj(d * d, d);
        for (int a = 0; a < d; a++) {
            for (int c1 = 0; c1 < d; c1++) {
                Apfloat acc = zero;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        acc = acc.add(a1[i][a].multiply(p[i][j]).multiply(a2[j][c1]));
                    }
                }
                gx.set(a, c1 * d, TensorReferenceEngine_AP.toDouble(acc.divide(dd)));
            }
        }
        for (int c1 = 0; c1 < d; c1++) {
            for (int l = 0; l < d; l++) {
                Apfloat acc = zero;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        acc = acc.add(a4[j][c1].multiply(f[i][j]).multiply(c[i][l]));
                    }
                }
                gy.set(c1 * d, l, TensorReferenceEngine_AP.toDouble(acc));
            }
        }
        Map<TensorQuantity, DMatrixRMaj> out = new EnumMap<>(TensorQuantity.class);
        out.put(TensorQuantity.ATTENTION, att);
        out.put(TensorQuantity.C, cc);
        out.put(TensorQuantity.LOSS, new DMatrixRMaj(1, 1, true,
                TensorReferenceEngine_AP.toDouble(loss.divide(new Apfloat(2, DIGITS)))));
        out.put(TensorQuantity.GRAD_X, gx);
        out.put(TensorQuantity.GRAD_Y, gy);
        return out;
    }

    /** The tensor instance that collapses to {@code s}. */
    static TensorInstance embed(StandardInstance s) {
        int n = s.n();
        int d = s.d();
        DMatrixRMaj ones = new DMatrixRMaj(n, d);
        for (int j = 0; j < n; j++) {
            ones.set(j, 0, 1.0);
        }
        DMatrixRMaj x = new DMatrixRMaj(d, d * d);
        DMatrixRMaj y = new DMatrixRMaj(d * d, d);
        for (int a = 0; a < d; a++) {
            for (int c1 = 0; c1 < d; c1++) {
                x.set(a, c1 * d, s.x0().get(a, c1));
                y.set(c1 * d, a, s.y().get(c1, a));
            }
        }
        return TensorInstance.builder().a1(s.a1()).a2(s.a2()).a3(ones).a4(s.a3()).a5(ones).e(s.e()).x(x).y(y).build();
    }

    static StandardInstance randomStandard(int n, int d, double bound, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return new StandardInstance(InstanceSpec.matrix(rnd, n, d, bound), InstanceSpec.matrix(rnd, n, d, bound),
                InstanceSpec.matrix(rnd, n, d, bound), InstanceSpec.matrix(rnd, n, d, bound),
                InstanceSpec.matrix(rnd, d, d, bound), InstanceSpec.matrix(rnd, d, d, bound));
    }

    private static double compare(String engine, TensorResult r, Map<TensorQuantity, DMatrixRMaj> std,
            TensorQuantityBound bound, TensorInstance in, TensorResult trusted, Object spec) {
        double worst = 0;
        for (Map.Entry<TensorQuantity, DMatrixRMaj> e : std.entrySet()) {
            TensorQuantity q = e.getKey();
            double scale = TensorChecks.maxAbs(e.getValue());
            // the standard value is a second 50-digit computation of the same number: two comparison slacks
            double allowed = (bound == null ? 0 : bound.allowed(q, in, trusted))
                    + 2 * TensorExactRounding.comparisonSlack(scale);
            Deviation dev = Deviation.measure(r.get(q), e.getValue(), allowed);
            assertTrue(dev.holds(), engine + " vs standard attention: " + dev.describe(q.key()) + "\n  spec: " + spec);
            worst = Math.max(worst, dev.ratio());
        }
        return worst;
    }

    /** This test's standard attention against the project's own {@code StandardReferenceEngine_AP} (same tolerance). */
    private static void agreesWithProjectStandardReference(StandardInstance s, Map<TensorQuantity, DMatrixRMaj> std,
            Object spec) {
        dev.ropecheck.engine.reference.StandardReferenceEngine_AP.Values r =
                new dev.ropecheck.engine.reference.StandardReferenceEngine_AP(DIGITS).evaluate(s);
        int d = s.d();
        DMatrixRMaj grad = new DMatrixRMaj(d, d * d);
        for (int a = 0; a < d; a++) {
            for (int c1 = 0; c1 < d; c1++) {
                grad.set(a, c1 * d, TensorReferenceEngine_AP.toDouble(r.grad()[a][c1]));
            }
        }
        Map<TensorQuantity, DMatrixRMaj> other = new EnumMap<>(TensorQuantity.class);
        other.put(TensorQuantity.ATTENTION, TensorReferenceEngine_AP.toDouble(r.attention()));
        other.put(TensorQuantity.LOSS, new DMatrixRMaj(1, 1, true, TensorReferenceEngine_AP.toDouble(r.loss())));
        other.put(TensorQuantity.GRAD_X, grad);
        for (Map.Entry<TensorQuantity, DMatrixRMaj> e : other.entrySet()) {
            DMatrixRMaj mine = std.get(e.getKey());
            double allowed = 2 * TensorExactRounding.comparisonSlack(TensorChecks.maxAbs(mine));
            Deviation dev = Deviation.measure(e.getValue(), mine, allowed);
            assertTrue(dev.holds(), "StandardReferenceEngine_AP vs this test's standard attention: "
                    + dev.describe(e.getKey().key()) + "\n  spec: " + spec);
        }
    }

    @Test
    @DisplayName("MATH §7/§8: tensor attention with A3 = A5 = 1 e_0^T collapses to standard attention (reference, exact, fast)")
    @dev.ropecheck.specs.Spec({"tensor-attention-def", "tensor-loss"})
    void tensorAttentionCollapsesToStandardAttention() {
        Gen<int[]> sizes = Generate.range(1, 5).zip(Generate.range(1, 3), (n, d) -> new int[] {n, d});
        Gen<Long> seeds = Generate.longRange(0, Long.MAX_VALUE);
        double[] worst = new double[3];
        qt().withExamples(15).forAll(sizes, Generate.pick(java.util.List.of(0.25, 0.5, 1.0)), seeds)
                .checkAssert((nd, b, seed) -> {
                    String spec = "randomStandard(" + nd[0] + ", " + nd[1] + ", " + b + ", " + seed + "L)";
                    StandardInstance s = randomStandard(nd[0], nd[1], b, seed);
                    TensorInstance in = embed(s);
                    Map<TensorQuantity, DMatrixRMaj> std = standard(s);
                    agreesWithProjectStandardReference(s, std, spec);
                    TensorResult ref = new TensorReferenceEngine_AP().computeAll(in);
                    TensorResult ex = new TensorExactEngine_F64().computeAll(in);
                    TensorResult fa = new TensorFastEngine_F64(1e-3).computeAll(in);
                    worst[0] = Math.max(worst[0], compare("reference", ref, std, null, in, ref, spec));
                    worst[1] = Math.max(worst[1], compare("exact", ex, std, new TensorExactRounding(), in, ref, spec));
                    worst[2] = Math.max(worst[2], compare("fast", fa, std, TensorFastErrorBound.certified(fa), in, ref, spec));
                });
        System.out.printf("[tensor = standard attention] worst error/bound: reference %.3g, exact %.3g, fast %.3g%n",
                worst[0], worst[1], worst[2]);
    }
}
