package dev.ropecheck.engine.reference;

import static org.junit.jupiter.api.Assertions.fail;

import dev.ropecheck.gen.InstanceSpec;
import java.util.SplittableRandom;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;

/**
 * Central finite differences at high precision and the error bounds that go with them (derived in
 * {@code proofs-notes/reference-precision.md}).
 *
 * <p>Working precision {@link #WORK} = 100 digits, step {@link #STEP} {@code h = 1e-30}. For
 * {@code φ(t) = L(x + t ẋ)} with {@code Δ = max|D|} ({@code D = ∂s} along {@code ẋ}),
 * {@code H = max|h|}, {@code Ē = max|E|}:
 * {@code |φ'''| <= 32 n d Δ^3 H (5H + 2Ē)} (tilted-cumulant bound), so the truncation error of
 * the central difference is at most {@code (h^2/6)} times that; each evaluation of {@code L} is
 * good to {@code 10^-(WORK-15)} relative to {@code n d (H + Ē)^2}, contributing that over
 * {@code h} to the difference quotient.
 */
final class FdSupport {
    static final long REQUESTED = 90;
    static final ReferenceRopeAttention REF = new ReferenceRopeAttention(REQUESTED);
    static final long WORK = REF.workingDigits();
    static final Apfloat STEP = new Apfloat("1e-30", WORK);
    static final double H_STEP = 1e-30;
    /** Digits an evaluation may lose to cancellation and exp of large arguments (see the note). */
    static final int EVAL_LOSS = 15;
    /** The digits every check must at least reach, relative to the natural scale. */
    static final int MIN_DIGITS = 25;

    private FdSupport() {
    }

    /** {@code (g(+h) - g(-h)) / (2h)} given both values. */
    static Apfloat central(Apfloat plus, Apfloat minus) {
        return plus.subtract(minus).divide(STEP.multiply(new Apfloat(2, WORK)));
    }

    static ApMatrix central(ApMatrix plus, ApMatrix minus) {
        Apfloat inv = new Apfloat(1, WORK).divide(STEP.multiply(new Apfloat(2, WORK)));
        Apfloat[] a = new Apfloat[plus.rows() * plus.cols()];
        for (int r = 0; r < plus.rows(); r++) {
            for (int c = 0; c < plus.cols(); c++) {
                a[r * plus.cols() + c] = plus.get(r, c).subtract(minus.get(r, c)).multiply(inv);
            }
        }
        return new ApMatrix(plus.rows(), plus.cols(), a);
    }

    /** {@code 10^-(WORK - EVAL_LOSS) / h}: the rounding part of a difference quotient, per unit of scale. */
    static double roundingPerScale() {
        return Math.pow(10, -(WORK - EVAL_LOSS)) / H_STEP;
    }

    /** The truncation-plus-rounding bound on the central difference of {@code L} (see the class note). */
    static double lossFdBound(int n, int d, double delta, double hMax, double eMax) {
        double trunc = H_STEP * H_STEP / 6 * 32 * n * d * delta * delta * delta * hMax * (5 * hMax + 2 * eMax);
        double round = roundingPerScale() * n * d * (hMax + eMax) * (hMax + eMax);
        return trunc + round;
    }

    /** A random direction with dyadic entries in [-1, 1]. */
    static ApMatrix randomDirection(SplittableRandom rnd, int rows, int cols) {
        Apfloat[] a = new Apfloat[rows * cols];
        for (int i = 0; i < a.length; i++) {
            a[i] = new Apfloat(rnd.nextLong(-4096, 4097), WORK).divide(new Apfloat(4096, WORK));
        }
        return new ApMatrix(rows, cols, a);
    }

    /** The unit direction {@code e_(r,c)}. */
    static ApMatrix unit(int rows, int cols, int r, int c) {
        return ApMatrix.zeros(rows, cols).with(r, c, new Apfloat(1, WORK));
    }

    /** {@code m / s} entrywise. */
    static ApMatrix scaled(ApMatrix m, Apfloat s) {
        Apfloat inv = new Apfloat(1, WORK).divide(ReferenceRopeAttention.finite(s, WORK));
        return ApMatrix.zeros(m.rows(), m.cols()).plusScaled(m, inv);
    }

    static double dbl(Apfloat v) {
        return ApMatrix.toDouble(v);
    }

    /** {@code -log10(err / scale)}, or +infinity for a zero error. */
    static double digits(Apfloat err, Apfloat scale) {
        if (err.signum() == 0) {
            return Double.POSITIVE_INFINITY;
        }
        if (scale.signum() == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        Apfloat ratio = err.divide(ReferenceRopeAttention.finite(scale, WORK));
        return -dbl(ApfloatMath.log(ratio, new Apfloat(10, WORK)));
    }

    /**
     * Fails unless {@code err <= bound}; the message names the instance, the check, the error in
     * units of the bound and the digits reached against {@code scale}.
     */
    static void within(Object spec, String what, Apfloat err, Apfloat bound, Apfloat scale) {
        boolean ok = err.compareTo(bound) <= 0;
        if (!ok) {
            String ratio = bound.signum() == 0 ? "inf" : String.format("%.3g", dbl(err.divide(ReferenceRopeAttention.finite(bound, WORK))));
            fail(what + ": error " + err.precision(6).toString(false) + " = " + ratio + " x allowed "
                    + bound.precision(6).toString(false) + " (" + String.format("%.1f", digits(err, scale))
                    + " digits against scale " + scale.precision(6).toString(false) + ") for " + spec);
        }
    }

    static Apfloat ap(double v) {
        return v == 0 ? Apfloat.ZERO : new Apfloat(v, WORK);
    }

    static String describe(InstanceSpec spec) {
        return spec.toString();
    }
}
