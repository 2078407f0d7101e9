package dev.ropecheck.tensor.reference;

import org.apfloat.Apfloat;

/**
 * {@code e^x} in apfloat, faster than {@code ApfloatMath.exp} at a few dozen digits (about 1 ms per call there).
 * Argument reduction {@code e^x = (e^{x/2^k})^{2^k}} with {@code k >= 8} and {@code |x|/2^k <= 1/2}; the Taylor
 * series of {@code e^{x/2^k}} is summed at working precision {@code w = digits + 23} until a term is below
 * {@code 10^{-(w+2)}} (the tail is then below twice that, since later terms shrink by at least 1/2 each); the
 * {@code k} squarings multiply the relative error by at most about {@code 2^k <= 2^40 < 10^13} ({@code |x| <= 2^31}
 * enforced), so the result, rounded to {@code digits}, is accurate to about {@code 10^{-(digits+7)}} relative.
 * Checked against {@code ApfloatMath.exp} in {@code ReferenceTensorEngineTest}.
 */
final class ApExp {
    private ApExp() {
    }

    static Apfloat exp(Apfloat x, long digits) {
        long w = digits + 10 + 13; // 13 extra digits cover up to 2^40 squarings' error growth
        Apfloat xw = x.precision(w);
        double mag = Math.abs(x.doubleValue());
        if (mag > 0x1p31) {
            throw new IllegalArgumentException("|x| = " + mag + " too large for ApExp (limit 2^31)");
        }
        int k = 8;
        while (mag / Math.pow(2, k) > 0.5) {
            k++;
        }
        Apfloat two = new Apfloat(2, w);
        Apfloat y = xw;
        for (int t = 0; t < k; t++) {
            y = y.divide(two);
        }
        Apfloat sum = new Apfloat(1, w);
        Apfloat term = new Apfloat(1, w);
        Apfloat tol = new Apfloat(10, w);
        tol = org.apfloat.ApfloatMath.pow(tol, -(w + 2));
        for (int t = 1; t < 10_000; t++) {
            term = term.multiply(y).divide(new Apfloat(t, w));
            sum = sum.add(term);
            if (term.signum() == 0 || org.apfloat.ApfloatMath.abs(term).compareTo(tol) < 0) {
                break;
            }
        }
        for (int t = 0; t < k; t++) {
            sum = sum.multiply(sum);
        }
        return sum.precision(digits);
    }
}
