package dev.ropecheck.report;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.reference.ApInstance;
import dev.ropecheck.engine.reference.ApMatrix;
import dev.ropecheck.engine.reference.ReferenceRopeAttention;
import java.util.List;
import java.util.SplittableRandom;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;

/**
 * Lemma 4.1 part 7 (and Lemma 3.18's {@code G}): the reference gradient {@code G = ∂L/∂X} against central
 * finite differences of {@code L} at high precision, along a random dyadic direction {@code ẋ} scaled so that
 * {@code Δ = max |D| = 1} ({@code D = ∂s} along {@code ẋ}): {@code |<G, ẋ> - (L(x + hẋ) - L(x - hẋ))/(2h)|}.
 *
 * <p>Bound ({@code proofs-notes/reference-precision.md}, as the reference tests use it): working precision
 * {@code W} ({@code ReferenceRopeAttention(90).workingDigits()}), step {@code h = 1e-30}, {@code H = max|h|},
 * {@code Ē = max|E|}: truncation {@code (h^2/6) 32 n d Δ^3 H (5H + 2Ē)} (tilted-cumulant bound on the third
 * derivative) plus rounding {@code 10^{-(W-15)}/h · n d (H + Ē)^2}. The bound is about {@code 1e-55} of the natural
 * scale, so tightness far below 1 is expected; what the check shows is that the analytic gradient agrees to
 * that many digits.
 */
public final class GradientFiniteDifferenceVerification implements Verification {
    static final long REQUESTED_DIGITS = 90;
    static final double STEP = 1e-30;
    static final int EVAL_LOSS = 15;

    @Override
    public String id() {
        return "lemma-4.1-part-7";
    }

    @Override
    public String title() {
        return "derivative of L (Lemma 4.1 part 7): reference <G, x'> vs central difference of L at 100 digits";
    }

    @Override
    public VerificationResult run(VerificationCases cases, Progress progress) {
        ReferenceRopeAttention ref = new ReferenceRopeAttention(REQUESTED_DIGITS);
        long work = ref.workingDigits();
        Apfloat step = new Apfloat("1e-30", work);
        List<CaseInstances.Case> list = CaseInstances.of(cases, cases.extended() ? 8 : 4, 1.0);
        WorstCase w = new WorstCase();
        int done = 0;
        for (CaseInstances.Case c : list) {
            progress.step("Lemma 4.1 part 7: " + c.label(), done++, list.size());
            if (c.instance().d() > 4) {
                continue; // d^4 directions entries at 100 digits: kept to d <= 4
            }
            ApInstance in = ref.prepare(c.instance());
            int n = in.n();
            int d = in.d();
            ApMatrix g = ref.evaluate(in).values().get(Quantity.GRAD_X);
            ApMatrix xdot = direction(new SplittableRandom(31L * done + n), d * d, work);
            Apfloat delta = ref.scores(in, xdot).maxAbs();
            if (delta.signum() == 0) {
                continue;
            }
            xdot = ApMatrix.zeros(d * d, d * d).plusScaled(xdot, new Apfloat(1, work).divide(delta));
            Apfloat analytic = Apfloat.ZERO;
            for (int r = 0; r < d * d; r++) {
                for (int col = 0; col < d * d; col++) {
                    analytic = analytic.add(g.get(r, col).multiply(xdot.get(r, col)));
                }
            }
            Apfloat plus = ref.loss(in.withX(in.x().plusScaled(xdot, step)));
            Apfloat minus = ref.loss(in.withX(in.x().plusScaled(xdot, step.negate())));
            Apfloat fd = plus.subtract(minus).divide(step.multiply(new Apfloat(2, work)));
            double err = ApMatrix.toDouble(ApfloatMath.abs(fd.subtract(analytic)));
            double h = ApMatrix.toDouble(ref.forward(in).h().maxAbs());
            double e = ApMatrix.toDouble(in.e().maxAbs());
            double bound = STEP * STEP / 6 * 32 * n * d * h * (5 * h + 2 * e)
                    + Math.pow(10, -(work - EVAL_LOSS)) / STEP * n * d * (h + e) * (h + e);
            w.countCase();
            w.add(err, bound, c.label(), n);
        }
        progress.step("Lemma 4.1 part 7", list.size(), list.size());
        return w.result(this, Plot.ERROR_VS_N, "|<G, x'> - central difference|");
    }

    /** A direction with dyadic entries {@code k/4096} in {@code [-1, 1]}. */
    private static ApMatrix direction(SplittableRandom rnd, int size, long work) {
        Apfloat[] a = new Apfloat[size * size];
        Apfloat denom = new Apfloat(4096, work);
        for (int i = 0; i < a.length; i++) {
            a[i] = new Apfloat(rnd.nextLong(-4096, 4097), work).divide(denom);
        }
        return ApMatrix.of(size, size, a);
    }
}
