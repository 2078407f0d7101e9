package dev.ropecheck.engine.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * {@link SimdKernels} against the scalar kernels they replace ({@link ScoreKernel}, {@link RowKernels},
 * {@link DenseOps}): every entry bit for bit, on shapes that leave partial vectors and partial tiles
 * ({@code n}, {@code d} not multiples of the lane count, causal row limits), and the whole rotated route
 * ({@link RotatedPath}) on both kernels: every quantity bitwise the same. The build runs the tests with
 * {@code jdk.incubator.vector} (surefire's argLine), so the SIMD route is the one the rest of the suite
 * exercises too.
 */
class SimdKernelsTest {
    private static final int[] SIZES = {1, 3, 7, 8, 9, 16, 17, 31, 33, 64, 70};

    @Test
    @DisplayName("the build's tests run with the SIMD kernels on (jdk.incubator.vector in the test JVM)")
    void simdIsOnInTheTestJvm() {
        assertTrue(Simd.ENABLED, "surefire's argLine must add jdk.incubator.vector, or the SIMD kernels go untested");
        assertTrue(SimdKernels.LANES >= 2, "lanes " + SimdKernels.LANES);
    }

    @Test
    @DisplayName("scores: SIMD tiles equal ScoreKernel.block bitwise, full and causal row limits")
    void scoresBitwise() {
        SplittableRandom rnd = new SplittableRandom(20261204L);
        for (int n : SIZES) {
            for (int d : new int[] {1, 2, 5, 8, 13}) {
                for (boolean causal : new boolean[] {false, true}) {
                    double[] qr = random(rnd, n * d);
                    double[] kr = random(rnd, n * d);
                    int ld = n + 8;
                    double[] krT = RotatedRows.transpose(kr, n, d, ld);
                    for (int i0 = 0; i0 < n; i0 += RotatedPart.ROWS) {
                        int rows = Math.min(RotatedPart.ROWS, n - i0);
                        int[] lim = new int[rows];
                        for (int r = 0; r < rows; r++) {
                            lim[r] = causal ? i0 + r + 1 : n;
                        }
                        double[] want = new double[rows * n];
                        double[] got = new double[rows * n];
                        ScoreKernel.block(qr, i0, rows, kr, n, d, lim, want);
                        SimdKernels.scores(qr, i0, rows, kr, krT, ld, n, d, lim, got);
                        assertBitwise(want, got, "scores n=" + n + " d=" + d + " causal=" + causal + " i0=" + i0);
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("D, t, p Kr: SIMD lanes equal RowKernels.centred, shifted, rowTimes bitwise, in chunks")
    void rowKernelsBitwise() {
        SplittableRandom rnd = new SplittableRandom(7L);
        for (int n : SIZES) {
            for (int d : new int[] {1, 4, 8, 12, 16, 24, 64, 67}) {
                int ld = n + 8;
                double[] h = random(rnd, n * d);
                double[] hT = RotatedRows.transpose(h, n, d, ld);
                double[] f = random(rnd, n);
                double[] c = random(rnd, d);
                int hk = rnd.nextInt(n) * d;
                double[] wantD = random(rnd, d);
                double[] gotD = wantD.clone();
                double[] wantT = new double[n];
                double[] gotT = new double[n];
                double[] wantP = random(rnd, d);
                double[] gotP = wantP.clone();
                for (int j0 = 0; j0 < n; j0 += 5) {
                    int j1 = Math.min(n, j0 + 5);
                    RowKernels.centred(f, 0, j0, j1, hT, ld, h, d, hk, wantD, 0);
                    SimdKernels.centred(f, 0, j0, j1, h, d, hk, gotD, 0);
                    RowKernels.shifted(c, 0, h, hk, wantD, 0, d, j0, j1, wantT, 0);
                    SimdKernels.shifted(c, 0, h, hT, ld, hk, wantD, 0, d, j0, j1, gotT, 0);
                    RowKernels.rowTimes(f, 0, j0, j1, hT, ld, d, wantP, 0);
                    SimdKernels.rowTimes(f, 0, j0, j1, h, d, gotP, 0);
                }
                String at = " n=" + n + " d=" + d;
                assertBitwise(wantD, gotD, "D" + at);
                assertBitwise(wantT, gotT, "t" + at);
                assertBitwise(wantP, gotP, "p Kr" + at);
            }
        }
    }

    @Test
    @DisplayName("P^T Qr, f^T c: SIMD scatter equals RowKernels.scatter bitwise, full and short blocks, causal limits")
    void scatterBitwise() {
        SplittableRandom rnd = new SplittableRandom(13L);
        for (int n : SIZES) {
            for (int d : new int[] {1, 4, 8, 12, 16, 67}) {
                for (boolean causal : new boolean[] {false, true}) {
                    double[] x = random(rnd, n * d);
                    double[] want = random(rnd, n * d);
                    double[] got = want.clone();
                    for (int i0 = 0; i0 < n; i0 += RotatedPart.ROWS) {
                        int rows = Math.min(RotatedPart.ROWS, n - i0);
                        int[] lim = new int[rows];
                        int maxLim = 0;
                        for (int r = 0; r < rows; r++) {
                            lim[r] = causal ? i0 + r + 1 : n;
                            maxLim = Math.max(maxLim, lim[r]);
                        }
                        double[] w = random(rnd, rows * n);
                        RowKernels.scatter(w, n, x, i0, rows, lim, maxLim, d, want);
                        SimdKernels.scatter(w, n, x, i0, rows, lim, maxLim, d, got);
                    }
                    assertBitwise(want, got, "scatter n=" + n + " d=" + d + " causal=" + causal);
                }
            }
        }
    }

    @Test
    @DisplayName("x W: SIMD lanes equal DenseOps.mult bitwise")
    void multBitwise() {
        SplittableRandom rnd = new SplittableRandom(11L);
        for (int r : SIZES) {
            for (int d : new int[] {1, 3, 8, 9, 16, 40}) {
                double[] x = random(rnd, r * d);
                double[] y = random(rnd, d * d);
                assertBitwise(DenseOps.mult(x, r, d, y, d), SimdKernels.mult(x, r, d, y, d), "mult r=" + r + " d=" + d);
            }
        }
    }

    @Test
    @DisplayName("rotated route (Theorem 5.7): SIMD and scalar kernels give every quantity bitwise the same")
    void routeBitwise() {
        qt().withExamples(30).forAll(Generators.instances(90, 40, Generate.pick(List.of(FamilyKind.ROPE_INTERLEAVED,
                FamilyKind.ROPE_HALF_SPLIT, FamilyKind.IDENTITY)))
                .map(s -> new InstanceSpec(s.n(), s.d(), s.family(), s.bound(), true, s.seed()))).checkAssert(spec -> {
                    RopeInstance inst = spec.build();
                    assertRoutesAgree(inst, spec.toString());
                    assertRoutesAgree(inst.toBuilder().causal(true).build(), spec + " causal");
                    assertRoutesAgree(inst.toBuilder().scale(1 / Math.sqrt(inst.d())).build(), spec + " 1/sqrt(d)");
                });
    }

    @Test
    @DisplayName("rotated route: SIMD and scalar bitwise at n = 700, d = 64 (several parts, full tiles and vectors)")
    void routeBitwiseLarge() {
        assertRoutesAgree(new InstanceSpec(700, 64, FamilyKind.ROPE_HALF_SPLIT, 1.0, true, 5L).build(), "700 x 64");
    }

    private static void assertRoutesAgree(RopeInstance inst, String what) {
        Set<Quantity> wanted = RotatedPathTest.withoutGradX(inst);
        RopeResult.Builder a = RopeResult.builder("exact");
        RotatedPath.compute(inst, wanted, 2, false, a);
        RopeResult.Builder b = RopeResult.builder("exact");
        RotatedPath.compute(inst, wanted, 2, true, b);
        RopeResult scalar = a.build();
        RopeResult simd = b.build();
        assertEquals(scalar.quantities(), simd.quantities(), what);
        for (Quantity q : wanted) {
            assertBitwise(scalar.get(q).data, simd.get(q).data, what + ": " + q.key());
        }
    }

    private static void assertBitwise(double[] want, double[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (Double.doubleToRawLongBits(want[i]) != Double.doubleToRawLongBits(got[i])) {
                throw new AssertionError(what + " [" + i + "]: scalar " + want[i] + ", simd " + got[i]
                        + " (of " + Arrays.toString(Arrays.copyOf(want, Math.min(4, want.length))) + "...)");
            }
        }
    }

    private static double[] random(SplittableRandom rnd, int len) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = i % 7 == 3 ? -0.0 : rnd.nextDouble(-1, 1); // signed zeros: 0 + (-0) is +0 in either kernel
        }
        return v;
    }
}
