package dev.ropecheck.engine.reference;

import org.apfloat.Apfloat;

/**
 * {@code exp(x)} in apfloat by argument halving and Taylor series: {@code r = x / 2^k} with
 * {@code |r| < 2^-10}, {@code e^r = Σ_m r^m / m!} summed until the next term is below
 * {@code 10^-(w+2)}, then squared {@code k} times. Squaring multiplies the relative error by at most
 * {@code 2^k (1 + small)}, so the work precision is {@code w = prec + ceil(k log10 2) + 5}; the
 * result is good to {@code prec} digits relative (given {@code x} exact). About twenty times faster
 * than {@code ApfloatMath.exp} at 50–100 digits, which matters because the reference needs
 * {@code n^2} exponentials; checked against {@code ApfloatMath.exp} in {@code ApExpTest}.
 */
final class ApExp {
    private ApExp() {
    }

    /** {@code exp(x)} to {@code prec} decimal digits; {@code |x| <= 1e15}. */
    static Apfloat exp(Apfloat x, long prec) {
        if (x.signum() == 0) {
            return new Apfloat(1, prec);
        }
        double ax = Math.abs(ApMatrix.toDouble(x));
        if (!(ax <= 1e15)) {
            throw new IllegalArgumentException("exp argument |x| = " + ax + " exceeds 1e15");
        }
        int k = Math.max(0, Math.getExponent(ax) + 11);
        long w = prec + (long) Math.ceil(k * 0.30103) + 5;
        Apfloat r = (x.precision() < w ? x.precision(w) : x).divide(new Apfloat(1L << Math.min(k, 62), w));
        if (k > 62) {
            r = r.divide(new Apfloat(1L << (k - 62), w));
        }
        Apfloat one = new Apfloat(1, w);
        Apfloat sum = one;
        Apfloat term = one;
        long threshold = -(w + 2);
        for (int m = 1; m < 10_000; m++) {
            term = term.multiply(r).divide(new Apfloat(m, w));
            sum = sum.add(term);
            if (term.signum() == 0 || term.scale() < threshold) {
                break;
            }
        }
        for (int i = 0; i < k; i++) {
            sum = sum.multiply(sum);
        }
        return sum.precision(prec);
    }
}
