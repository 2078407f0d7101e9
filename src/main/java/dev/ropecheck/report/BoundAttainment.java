package dev.ropecheck.report;

import dev.ropecheck.approx.ScoreBound;
import dev.ropecheck.bounds.ComponentwiseRoundingBound;
import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.bounds.ExpApproximationBound;
import dev.ropecheck.bounds.FastForwardBound;
import dev.ropecheck.bounds.FastGradientBound;
import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.bounds.RoundingClass;
import dev.ropecheck.bounds.TensorFastErrorBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.engine.exact.TensorExactEngine_F64;
import dev.ropecheck.model.ExactValues;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.TensorInstance;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Each proved bound at the instance that attains it, or nearly: {@code measured / bound} against the fraction
 * {@code F} derived from the bound's own extremal case ({@code proofs-notes/mutation.md}, "Tightness fractions";
 * never fitted to a run). {@code F <= measured/bound <= 1} is the commons-numbers pass-at-C, fail-at-C' pair: a
 * bound loosened by more than {@code 1/F} fails the first inequality, a tightened one the second. The tightness
 * tests assert it row by row; {@code verify} prints the table ({@link BoundAttainmentMeasurement}).
 *
 * <p>The constructions are deterministic (fixed seeds, printed), so every figure replays.
 */
public final class BoundAttainment {
    private static final double U = FloatFormat.FP64.u();

    /**
     * One bound at its attaining instance.
     *
     * @param bound the bound (class and method or field)
     * @param source the lemma or note it comes from
     * @param instance what attains it
     * @param measured the error measured there (exactly or to far below the bound's rounding)
     * @param allowed the bound
     * @param fraction the derived {@code F}: the bound is attained at least to {@code F}
     */
    public record Attained(String bound, String source, String instance, double measured, double allowed,
            double fraction) {
        public double ratio() {
            return measured / allowed;
        }

        /** {@code measured <= allowed} and {@code measured / allowed >= fraction}. */
        public boolean holds() {
            return measured <= allowed && ratio() >= fraction;
        }
    }

    private BoundAttainment() {
    }

    /** Every row, in the order of the note's table. */
    public static List<Attained> all() {
        List<Attained> out = new ArrayList<>();
        out.add(taylorRemainder(1, 8));
        out.add(taylorRemainder(4, 9));
        out.add(attentionTransfer(0.05, 1.0));
        out.add(rowTransfer(0.01));
        out.add(alphaRelative(1e-3));
        out.addAll(tensorTransfer(1e-3));
        out.add(exactProjection(ExactH.SEED));
        out.add(fp32Projection());
        out.add(sixteenBitStorage(FloatFormat.BF16));
        out.add(sixteenBitStorage(FloatFormat.FP16));
        out.add(scoreBound(2, 1.5));
        return out;
    }

    // ---- Lemma 3.4 (MATH §4): the Taylor remainder at z = beta

    /**
     * {@code ExpApproximationBound.taylorRemainder(beta, g)} against {@code e^beta - Σ_{k<=g} beta^k/k!} (60 digits).
     * At {@code z = beta} the remainder is {@code Σ_{k>g} beta^k/k! >= beta^(g+1)/(g+1)!}, so
     * {@code F = max(e^-beta, 1 - beta/(g+2))} (the second when the geometric form applies, {@code g + 2 > beta}).
     */
    public static Attained taylorRemainder(double beta, int g) {
        long digits = 60;
        Apfloat x = ExactValues.apfloat(beta, digits);
        Apfloat term = new Apfloat(1, digits);
        Apfloat sum = new Apfloat(1, digits);
        for (int k = 1; k <= g; k++) {
            term = term.multiply(x).divide(new Apfloat(k, digits));
            sum = sum.add(term);
        }
        double measured = ApfloatMath.exp(x).subtract(sum).doubleValue();
        double fraction = Math.exp(-beta);
        if (g + 2 > beta) {
            fraction = Math.max(fraction, 1 - beta / (g + 2));
        }
        return new Attained("ExpApproximationBound.taylorRemainder", "Lemma 3.4",
                "z = beta = " + fmt(beta) + ", degree " + g, measured, ExpApproximationBound.taylorRemainder(beta, g),
                fraction * (1 - 1e-12));
    }

    // ---- MATH §5 transfer (fast forward, Theorem 6.7's forward part)

    /** A fast forward bound with the approximation error {@code delta} only (no score or expansion rounding). */
    public static FastForwardBound approximationOnly(double delta, double hInf) {
        return new FastForwardBound(1.0, delta, 1.0, 0.0, 0.0, hInf, 0.0, 0.0);
    }

    /** {@code |Att~ - Att|} of two tokens {@code h = ±1}, the mass {@code w} of {@code +1} scaled by {@code 1+δ}, the rest by {@code 1-δ}. */
    public static double twoTokenError(double delta, double w) {
        double att = w - (1 - w);
        double num = (1 + delta) * w - (1 - delta) * (1 - w);
        double den = (1 + delta) * w + (1 - delta) * (1 - w);
        return Math.abs(num / den - att);
    }

    /** The maximum over {@code w in (0,1)} of {@link #twoTokenError} (unimodal in {@code w}: ternary search). */
    public static double worstTwoToken(double delta) {
        double lo = 0;
        double hi = 1;
        for (int it = 0; it < 200; it++) {
            double m1 = lo + (hi - lo) / 3;
            double m2 = hi - (hi - lo) / 3;
            if (twoTokenError(delta, m1) < twoTokenError(delta, m2)) {
                lo = m1;
            } else {
                hi = m2;
            }
        }
        return twoTokenError(delta, (lo + hi) / 2);
    }

    /**
     * {@code FastForwardBound.attentionApproximation = 2δ/(1+sqrt(1-δ²)) ||h||} against the two-token worst case.
     * The bound carries {@code δ_eff = (1+δ)(1+4u) - 1} and a factor {@code 1+8u}; the search is exact to
     * {@code 1e-24}: {@code F = 1 - 1e-9}.
     */
    public static Attained attentionTransfer(double delta, double hInf) {
        return new Attained("FastForwardBound.attentionApproximation", "MATH §5",
                "two tokens h = ±" + fmt(hInf) + ", δ = " + fmt(delta) + " on the worst mass split",
                worstTwoToken(delta) * hInf, approximationOnly(delta, hInf).attentionApproximation(), 1 - 1e-9);
    }

    /**
     * {@code FastGradientBound.phi = 2Δ/(1-Δ)} ({@code |f~ - f| <= φ f}) against a key of mass {@code w = 1e-12}
     * scaled by {@code 1+δ} and the rest by {@code 1-δ}: {@code (f~ - w)/w -> 2δ/(1-δ)} as {@code w -> 0};
     * {@code F = 1 - 1e-9}.
     */
    public static Attained rowTransfer(double delta) {
        double w = 1e-12;
        double fTilde = (1 + delta) * w / ((1 + delta) * w + (1 - delta) * (1 - w));
        RopeInstance tiny = projectionInstance(new double[] {0.5, 0.25}, new double[] {0.5, 0.25}, 2);
        double phi = new FastGradientBound(approximationOnly(delta, 1), tiny).phi();
        return new Attained("FastGradientBound.phi", "Lemma 6.2, MATH §5", "mass w = 1e-12 scaled by 1 + δ, δ = "
                + fmt(delta), (fTilde - w) / w, phi, 1 - 1e-9);
    }

    /** {@code FastForwardBound.alphaRelative} against {@code Ã = (1+δ)A}, whose {@code alpha} moves by {@code δ}: {@code F = 1 - 1e-9}. */
    public static Attained alphaRelative(double delta) {
        return new Attained("FastForwardBound.alphaRelative", "MATH §5", "Ã = (1 + δ) A, δ = " + fmt(delta), delta,
                approximationOnly(delta, 1).alphaRelative(), 1 - 1e-9);
    }

    // ---- Tensor-grad: the transfer through the tensor fast engine's bound

    /** {@code n = 2, d = 1}: {@code X = 0} (uniform {@code f}), {@code h = (A4 ⊗ A5) Y = (1, 1, -1, -1)}, {@code E = -4} (every {@code c > 0}). */
    public static TensorInstance halfAndHalf() {
        return TensorInstance.builder()
                .a1(new DMatrixRMaj(new double[][] {{0.5}, {-0.25}}))
                .a2(new DMatrixRMaj(new double[][] {{0.5}, {0.75}}))
                .a3(new DMatrixRMaj(new double[][] {{-0.5}, {0.25}}))
                .a4(new DMatrixRMaj(new double[][] {{1}, {-1}}))
                .a5(new DMatrixRMaj(new double[][] {{1}, {1}}))
                .e(new DMatrixRMaj(new double[][] {{-4}, {-4}}))
                .x(new DMatrixRMaj(1, 1))
                .y(new DMatrixRMaj(new double[][] {{1}}))
                .entryBound(4)
                .build();
    }

    /**
     * The worst admissible perturbation of row {@code i}'s weights for column {@code l}: {@code Ã_ij = (1 ± δ) A_ij},
     * {@code +} where {@code h_jl > Att_il}; returns the perturbed {@code f~_i} (normalised).
     */
    public static double[] worstRow(TensorResult t, int i, int l, double delta) {
        DMatrixRMaj a = t.get(TensorQuantity.A);
        DMatrixRMaj h = t.get(TensorQuantity.H);
        double att = t.get(TensorQuantity.ATTENTION).get(i, l);
        double[] f = new double[a.numCols];
        double den = 0;
        for (int j = 0; j < f.length; j++) {
            f[j] = (h.get(j, l) > att ? 1 + delta : 1 - delta) * a.get(i, j);
            den += f[j];
        }
        for (int j = 0; j < f.length; j++) {
            f[j] /= den;
        }
        return f;
    }

    /** {@code Att~_il} of {@link #worstRow}. */
    public static double worstAttention(TensorResult t, int i, int l, double delta) {
        double[] f = worstRow(t, i, l, delta);
        DMatrixRMaj h = t.get(TensorQuantity.H);
        double s = 0;
        for (int j = 0; j < f.length; j++) {
            s += f[j] * h.get(j, l);
        }
        return s;
    }

    /**
     * {@code TensorFastErrorBound}'s {@code Att}, {@code L}, {@code alpha} and {@code ∇_Y L} on {@link #halfAndHalf}
     * under {@link #worstRow}. The worst perturbation moves {@code Att} by {@code δ}, against {@code κ = 2δ/(1+sqrt(1-δ²))}
     * on {@code δ_eff >= δ}: {@code F = (1 + sqrt(1-δ²))/2 · δ/δ_eff}; the loss to the square of that (per row
     * {@code (|c|δ + δ²/2)/(|c|κ + κ²/2) >= (δ/κ)²}); {@code alpha} to {@code δ/δ_eff}; {@code ∇_Y L}: error
     * {@code 2δ(4+δ)} against {@code 2(ρ(4+κ)+κ)}, {@code ρ = 2δ/(1-δ)}: {@code F = (4/9)(1 - 3δ)}.
     */
    public static List<Attained> tensorTransfer(double delta) {
        TensorInstance in = halfAndHalf();
        TensorResult t = new TensorExactEngine_F64().computeAll(in);
        TensorFastErrorBound b = new TensorFastErrorBound(delta, 1e-12, 4, 2, 1.0);
        double scaled = delta / b.effectiveDelta(in.n(), in.d());
        double fAtt = (1 + Math.sqrt(1 - delta * delta)) / 2 * scaled - 1e-9;
        int n = in.n();
        int nn = n * n;
        DMatrixRMaj h = t.get(TensorQuantity.H);
        double attErr = 0;
        double lossChange = 0;
        double gy = 0;
        for (int i = 0; i < n; i++) {
            double[] f = worstRow(t, i, 0, delta);
            double attT = 0;
            for (int j = 0; j < nn; j++) {
                attT += f[j] * h.get(j, 0);
            }
            double att = t.get(TensorQuantity.ATTENTION).get(i, 0);
            attErr = Math.max(attErr, Math.abs(attT - att));
            double c = t.get(TensorQuantity.C).get(i, 0);
            double cT = attT - in.e().get(i, 0);
            lossChange += (cT * cT - c * c) / 2;
            for (int j = 0; j < nn; j++) {
                gy += f[j] * cT * h.get(j, 0); // ∇_Y L~ = (A4 ⊗ A5)^T f~^T c~ at d = 1
            }
        }
        double alphaMax = Math.abs(t.get(TensorQuantity.ALPHA).get(0, 0));
        for (int i = 1; i < n; i++) {
            alphaMax = Math.max(alphaMax, Math.abs(t.get(TensorQuantity.ALPHA).get(i, 0)));
        }
        String what = "n = 2, d = 1, X = 0, h = (1, 1, -1, -1), worst ±δ, δ = " + fmt(delta);
        List<Attained> out = new ArrayList<>();
        out.add(new Attained("TensorFastErrorBound Att, c", "Tensor-grad, MATH §5", what, attErr,
                b.allowed(TensorQuantity.ATTENTION, in, t), fAtt));
        out.add(new Attained("TensorFastErrorBound L", "Tensor-grad, MATH §5", what + ", E = -4", lossChange,
                b.allowed(TensorQuantity.LOSS, in, t), fAtt * fAtt));
        out.add(new Attained("TensorFastErrorBound alpha", "Tensor-grad, MATH §5", "Ã = (1 + δ) A on the same, δ = "
                + fmt(delta), delta * alphaMax, b.allowed(TensorQuantity.ALPHA, in, t), scaled - 1e-9));
        out.add(new Attained("TensorFastErrorBound ∇_Y L", "Tensor-grad, Theorem 6.7 analogue", what,
                Math.abs(gy - t.get(TensorQuantity.GRAD_Y).get(0, 0)), b.allowed(TensorQuantity.GRAD_Y, in, t),
                4.0 / 9 * (1 - 3 * delta)));
        return out;
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
    public static Attained exactProjection(long seed) {
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
        return new Attained("ExactRoundingModel h (ε_h = γ_d ĥ)", "Theorem 5.7, rounding-model.md §5",
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
    public static Attained fp32Projection() {
        float[] v = worstStage1Inputs();
        RopeInstance inst = projectionInstance(new double[] {v[0], v[2]}, new double[] {v[1], v[3]}, 2);
        float computed = v[0] * v[1] + v[2] * v[3]; // product, product, sum, each rounded to float
        BigDecimal exact = new BigDecimal(v[0]).multiply(new BigDecimal(v[1]))
                .add(new BigDecimal(v[2]).multiply(new BigDecimal(v[3])));
        return new Attained("ComponentwiseRoundingBound stage 1 (h), fp32", "componentwise-rounding.md stage 1",
                "d = 2, both products and their sum rounded down by >= 0.9 u",
                exact.subtract(new BigDecimal(computed)).abs().doubleValue(), stage1Bound(inst, FloatFormat.FP32), 0.59);
    }

    /**
     * Stage-1 storage in a 16-bit format (fp32 accumulation, exact here): {@code h = 1 + 15·2^-(p+4)} rounds to 1,
     * an error {@code (1 - 2^-4) u_s} against {@code u_s (1 + 15·2^-(p+4)) + O(u_a)}:
     * {@code F = (1 - 2^-4)/(1 + 2^-p) (1 - 2^-10)}.
     */
    public static Attained sixteenBitStorage(FloatFormat fmt) {
        int p = fmt.precision();
        double tail = 15 * Math.scalb(1.0, -(p + 4)); // exact in the format: 4 significant bits
        RopeInstance inst = projectionInstance(new double[] {1, 1}, new double[] {1, tail}, 2);
        double computed = fmt.round((float) (1f + (float) tail));
        return new Attained("ComponentwiseRoundingBound stage 1 storage, " + fmt, "componentwise-rounding.md stage 1",
                "h = 1 + 15·2^-" + (p + 4) + " stored as 1", 1 + tail - computed, stage1Bound(inst, fmt),
                (1 - 0x1p-4) / (1 + Math.scalb(1.0, -p)) * (1 - 0x1p-10));
    }

    // ---- MATH §4: the score bound beta

    /**
     * {@code ScoreBound.beta} on the identity family with every entry {@code +B} and identity weights: every score
     * is {@code s = B^2}, the bound {@code B^2 · INFLATION}: {@code F = 1/INFLATION}, less the rounding of
     * {@code ln fl(e^s)} (about {@code u} absolute and {@code u} relative, so {@code 4u (1 + 1/s)} relative).
     */
    public static Attained scoreBound(int d, double b) {
        int n = 3;
        DMatrixRMaj full = new DMatrixRMaj(n, d);
        full.fill(b);
        RopeInstance in = RopeInstance.builder().a1(full).a2(full.copy()).a3(full.copy()).e(new DMatrixRMaj(n, d))
                .wq(CommonOps_DDRM.identity(d)).wk(CommonOps_DDRM.identity(d)).wv(CommonOps_DDRM.identity(d))
                .family(new IdentityFamily(d)).entryBound(Math.max(1, b)).build();
        DMatrixRMaj a = new RopeExactEngine_F64(1).compute(in, EnumSet.of(Quantity.A)).get(Quantity.A);
        double s = 0;
        for (double v : a.data) {
            s = Math.max(s, Math.abs(Math.log(v)));
        }
        return new Attained("ScoreBound.beta", "MATH §4", "identity family, d = " + d + ", every entry +" + fmt(b), s,
                ScoreBound.beta(in), (1 - 4 * U * (1 + 1 / s)) / ScoreBound.INFLATION);
    }

    private static String fmt(double v) {
        return TextTable.num(v);
    }
}
