package dev.ropecheck.report;

import dev.ropecheck.bounds.ComponentwiseRoundingBound;
import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.bounds.RoundingClass;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.RopeInstance;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The {@link BoundAttainment} rows of the rounding models: the exact engine's (Theorem 5.7,
 * {@link ExactRoundingModel}) at {@code h = fl(fl(a0 y0) + fl(a1 y1))} with all three roundings one way, and
 * the {@code check --dtype} tolerance's stage 1 ({@link ComponentwiseRoundingBound},
 * {@code proofs-notes/componentwise-rounding.md}) in fp32, bf16 and fp16. {@code u} is the unit roundoff of
 * binary64 unless a format is named.
 */
public final class RoundingAttainment {
    private static final double U = FloatFormat.FP64.u();

    private RoundingAttainment() {
    }

    // ---- The exact engine's rounding model (Theorem 5.7): h = fl(fl(a0 y0) + fl(a1 y1))

    /** The entries of the exact-{@code h} construction, found by a seeded search. */
    public record ExactH(long seed, long trials, double a0, double a1, double y0, double y1) {
        /** The search's seed. */
        public static final long SEED = 0x7167L;
        /** Each of the three roundings is at least this many {@code u}, all in one direction. */
        public static final double T = 0.85;
    }

    private static double rel(double rounded, BigDecimal exact) {
        return new BigDecimal(rounded).subtract(exact).divide(exact, MathContext.DECIMAL64).doubleValue();
    }

    /**
     * Entries {@code a0, a1 in [1,2)}, {@code y_k ≈ 1/a_k} for which both products and their sum round the same
     * way by at least {@link ExactH#T}{@code  u} relative: products just above 1 and a sum just above 2, the
     * bottom of their binades, where one rounding can reach nearly {@code u}.
     *
     * @throws IllegalStateException when 5 million trials find none (never for the fixed seed)
     */
    public static ExactH exactHEntries(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long trials = 1; trials <= 5_000_000L; trials++) {
            double a0 = 1 + rnd.nextDouble();
            double a1 = 1 + rnd.nextDouble();
            double y0 = (1 + 0.04 * rnd.nextDouble()) / a0;
            double y1 = (1 + 0.04 * rnd.nextDouble()) / a1;
            double f0 = a0 * y0;
            double f1 = a1 * y1;
            double d0 = rel(f0, new BigDecimal(a0).multiply(new BigDecimal(y0)));
            double d1 = rel(f1, new BigDecimal(a1).multiply(new BigDecimal(y1)));
            double d2 = rel(f0 + f1, new BigDecimal(f0).add(new BigDecimal(f1)));
            double t = ExactH.T * U;
            if (Math.abs(d0) >= t && Math.abs(d1) >= t && Math.abs(d2) >= t && Math.signum(d0) == Math.signum(d1)
                    && Math.signum(d1) == Math.signum(d2)) {
                return new ExactH(seed, trials, a0, a1, y0, y1);
            }
        }
        throw new IllegalStateException("no entries found in 5000000 trials, seed " + seed);
    }

    /**
     * {@code ExactRoundingModel}'s {@code ε_h = γ_d ĥ} ({@code rounding-model.md} §5) at {@code d = 2} on
     * {@link #exactHEntries}: the error is at least {@code T u (p_0 + p_1)(2 - u)} against
     * {@code γ_2 (p_0 + p_1)(1 + 2γ_3)(1 + 2^-40) + 2^-900}, so {@code F = T (1 - 4u)}.
     */
    public static BoundAttainment.Attained exactProjection(long seed) {
        ExactH e = exactHEntries(seed);
        DMatrixRMaj a3 = new DMatrixRMaj(new double[][] {{e.a0(), e.a1()}});
        DMatrixRMaj wv = new DMatrixRMaj(new double[][] {{e.y0(), 0}, {e.y1(), 0}});
        DMatrixRMaj one = new DMatrixRMaj(new double[][] {{0.5, 0.25}});
        RopeInstance inst = RopeInstance.builder().a1(one).a2(one).a3(a3).e(new DMatrixRMaj(1, 2))
                .wq(CommonOps_DDRM.identity(2)).wk(CommonOps_DDRM.identity(2)).wv(wv).family(new IdentityFamily(2))
                .build();
        RopeResult r = new RopeExactEngine_F64(1).compute(inst, EnumSet.of(Quantity.H));
        BigDecimal exact = new BigDecimal(e.a0()).multiply(new BigDecimal(e.y0()))
                .add(new BigDecimal(e.a1()).multiply(new BigDecimal(e.y1())));
        double measured = new BigDecimal(r.get(Quantity.H).get(0, 0)).subtract(exact).abs().doubleValue();
        return new BoundAttainment.Attained("ExactRoundingModel h (ε_h = γ_d ĥ)", "Theorem 5.7, rounding-model.md §5",
                String.format(Locale.ROOT, "d = 2, seed %d (%d trials): three roundings of >= %.2f u, one direction",
                        e.seed(), e.trials(), ExactH.T),
                measured, new ExactRoundingModel().allowed(Quantity.H, inst, null), ExactH.T * (1 - 4 * U));
    }

    // ---- The check --dtype tolerance (ComponentwiseRoundingBound, componentwise-rounding.md stage 1)

    /** One query row and {@code h = a3 · wv[:,0]} (identity family): the stage-1 projection alone. */
    public static RopeInstance projectionInstance(double[] a3row, double[] wvcol, int d) {
        DMatrixRMaj a3 = new DMatrixRMaj(1, d);
        DMatrixRMaj wv = new DMatrixRMaj(d, d);
        for (int c = 0; c < d; c++) {
            a3.set(0, c, a3row[c]);
            wv.set(c, 0, wvcol[c]);
            wv.set(c, 1, 0.5);
        }
        DMatrixRMaj small = new DMatrixRMaj(1, d);
        small.fill(0.25);
        return RopeInstance.builder().a1(small).a2(small).a3(a3).e(small).wq(CommonOps_DDRM.identity(d))
                .wk(CommonOps_DDRM.identity(d)).wv(wv).family(new IdentityFamily(d)).build();
    }

    private static double productRoundingDown(float x, float y) {
        double exact = (double) x * (double) y; // exact: 24 + 24 bits
        return (exact - (float) exact) / exact;
    }

    /**
     * Four fp32 values {@code a1, w1, a2, w2} in {@code [1, 1.05)} whose two products and their sum each round
     * down by at least {@code 0.9 u} relative (a deterministic search).
     *
     * @throws IllegalStateException when the search finds none (never: it is deterministic)
     */
    public static float[] worstStage1Inputs() {
        double u32 = FloatFormat.FP32.u();
        List<float[]> good = new ArrayList<>();
        long x = 0x5DEECE66DL;
        for (int t = 0; t < 400_000 && good.size() < 400; t++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            float a = 1f + (float) (((x >>> 40) & 0xFFFFFF) / (double) (1 << 24)) * 0.05f;
            x = x * 6364136223846793005L + 1442695040888963407L;
            float w = 1f + (float) (((x >>> 40) & 0xFFFFFF) / (double) (1 << 24)) * 0.05f;
            if (productRoundingDown(a, w) >= 0.9 * u32) {
                good.add(new float[] {a, w});
            }
        }
        for (float[] g : good) {
            for (float[] k : good) {
                float p1 = g[0] * g[1];
                float p2 = k[0] * k[1];
                double exact = (double) p1 + (double) p2; // exact: both in [1, 2.25), 25 bits
                if ((exact - (float) exact) / exact >= 0.9 * u32) {
                    return new float[] {g[0], g[1], k[0], k[1]};
                }
            }
        }
        throw new IllegalStateException("no adversarial stage-1 inputs found");
    }

    /** The stage-1 ({@code h}) bound of {@code inst} for the worst-case class of {@code fmt}. */
    public static double stage1Bound(RopeInstance inst, FloatFormat fmt) {
        return new ComponentwiseRoundingBound(RoundingClass.worstCase(fmt), 1).allowed(inst, EnumSet.of(Quantity.H))
                .get(Quantity.H).get(0, 0);
    }

    /**
     * Stage 1 in fp32: Java {@code float} products and sum on {@link #worstStage1Inputs} attain
     * {@code 1.8 u Σ|a w|} of the bound {@code (γ_2 + u(1 + γ_2)) Σ|a w| (1 + 2^-20) ≈ 3 u Σ|a w|}:
     * {@code F = 0.6 (1 - 4u) > 0.59}.
     */
    public static BoundAttainment.Attained fp32Projection() {
        float[] v = worstStage1Inputs();
        RopeInstance inst = projectionInstance(new double[] {v[0], v[2]}, new double[] {v[1], v[3]}, 2);
        float computed = v[0] * v[1] + v[2] * v[3]; // product, product, sum, each rounded to float
        BigDecimal exact = new BigDecimal(v[0]).multiply(new BigDecimal(v[1]))
                .add(new BigDecimal(v[2]).multiply(new BigDecimal(v[3])));
        return new BoundAttainment.Attained("ComponentwiseRoundingBound stage 1 (h), fp32", "componentwise-rounding.md stage 1",
                "d = 2, both products and their sum rounded down by >= 0.9 u",
                exact.subtract(new BigDecimal(computed)).abs().doubleValue(), stage1Bound(inst, FloatFormat.FP32), 0.59);
    }

    /**
     * Stage-1 storage in a 16-bit format (fp32 accumulation, exact here): {@code h = 1 + 15·2^-(p+4)} rounds to 1,
     * an error {@code (1 - 2^-4) u_s} against {@code u_s (1 + 15·2^-(p+4)) + O(u_a)}:
     * {@code F = (1 - 2^-4)/(1 + 2^-p) (1 - 2^-10)}.
     */
    public static BoundAttainment.Attained sixteenBitStorage(FloatFormat fmt) {
        int p = fmt.precision();
        double tail = 15 * Math.scalb(1.0, -(p + 4)); // exact in the format: 4 significant bits
        RopeInstance inst = projectionInstance(new double[] {1, 1}, new double[] {1, tail}, 2);
        double computed = fmt.round((float) (1f + (float) tail));
        return new BoundAttainment.Attained("ComponentwiseRoundingBound stage 1 storage, " + fmt, "componentwise-rounding.md stage 1",
                "h = 1 + 15·2^-" + (p + 4) + " stored as 1", 1 + tail - computed, stage1Bound(inst, fmt),
                (1 - 0x1p-4) / (1 + Math.scalb(1.0, -p)) * (1 - 0x1p-10));
    }
}
