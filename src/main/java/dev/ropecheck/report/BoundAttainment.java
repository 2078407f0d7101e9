package dev.ropecheck.report;

import dev.ropecheck.approx.ScoreBound;
import dev.ropecheck.bounds.ExpApproximationBound;
import dev.ropecheck.bounds.FastForwardBound;
import dev.ropecheck.bounds.FastGradientBound;
import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.model.ExactValues;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
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
        out.addAll(TensorTransferAttainment.tensorTransfer(1e-3));
        out.add(RoundingAttainment.exactProjection(RoundingAttainment.ExactH.SEED));
        out.add(RoundingAttainment.fp32Projection());
        out.add(RoundingAttainment.sixteenBitStorage(FloatFormat.BF16));
        out.add(RoundingAttainment.sixteenBitStorage(FloatFormat.FP16));
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
        RopeInstance tiny = RoundingAttainment.projectionInstance(new double[] {0.5, 0.25}, new double[] {0.5, 0.25}, 2);
        double phi = new FastGradientBound(approximationOnly(delta, 1), tiny).phi();
        return new Attained("FastGradientBound.phi", "Lemma 6.2, MATH §5", "mass w = 1e-12 scaled by 1 + δ, δ = "
                + fmt(delta), (fTilde - w) / w, phi, 1 - 1e-9);
    }

    /** {@code FastForwardBound.alphaRelative} against {@code Ã = (1+δ)A}, whose {@code alpha} moves by {@code δ}: {@code F = 1 - 1e-9}. */
    public static Attained alphaRelative(double delta) {
        return new Attained("FastForwardBound.alphaRelative", "MATH §5", "Ã = (1 + δ) A, δ = " + fmt(delta), delta,
                approximationOnly(delta, 1).alphaRelative(), 1 - 1e-9);
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
