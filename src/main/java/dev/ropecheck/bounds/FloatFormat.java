package dev.ropecheck.bounds;

import java.util.Locale;

/**
 * The floating-point formats an implementation may compute in, with the one definition of their
 * unit roundoff {@code u}, the error constant {@code γ_k} and correct rounding of a double into the
 * format.
 *
 * <p>Model (Higham, <i>Accuracy and Stability of Numerical Algorithms</i>, 2nd ed., §2.2):
 * {@code fl(x op y) = (x op y)(1 + δ)}, {@code |δ| <= u = 2^-p} for a format with {@code p}
 * significant bits; a sum of products in which every term passes through at most {@code k}
 * roundings equals {@code Σ x_t (1 + θ_t)}, {@code |θ_t| <= γ_k = k u / (1 - k u)} (Higham Lemma 3.1),
 * whatever the order of the operations. The probabilistic counterpart (Higham and Mary, SIAM J. Sci.
 * Comput. 41 (2019), Theorem 2.4) replaces {@code γ_k} by
 * {@code γ~_k(λ) = exp(λ sqrt(k) u + k u^2 / (1 - u)) - 1}, which holds for one such sum with
 * probability at least {@code 1 - 2 exp(-λ^2 (1-u)^2 / 2)} when the rounding errors are independent
 * and of mean zero.
 *
 * <p>{@link #BF16} and {@link #FP16} are storage formats: the values an implementation stores
 * (inputs, intermediates it writes out, outputs) are rounded to them, while sums and products are
 * accumulated in {@link #accumulator()} = {@link #FP32}, as tensor-core and CPU kernels do.
 * {@link #DOUBLE_DOUBLE} is the model of the compensated double-double reference (accurate
 * double-word algorithms with {@code Math.fma}: relative error at most {@code 4 * 2^-106 = 2^-104} per
 * operation, Joldes, Muller and Popescu, ACM TOMS 44 (2017)); it has no storage rounding of its own.
 */
public enum FloatFormat {
    /** IEEE binary64, {@code u = 2^-53}. */
    FP64("fp64", 53, -1022, 1023),
    /** IEEE binary32, {@code u = 2^-24}. */
    FP32("fp32", 24, -126, 127),
    /** bfloat16 storage (8 significant bits, binary32's exponent range), fp32 accumulation. */
    BF16("bf16", 8, -126, 127),
    /** IEEE binary16 storage (11 significant bits, largest finite 65504), fp32 accumulation. */
    FP16("fp16", 11, -14, 15),
    /** Double-double arithmetic (the trusted reference's model), {@code u = 2^-104}. */
    DOUBLE_DOUBLE("double-double", 104, -1022, 1023);

    private final String label;
    private final int precision;
    private final int minExponent;
    private final int maxExponent;
    private final double u;

    FloatFormat(String label, int precision, int minExponent, int maxExponent) {
        this.label = label;
        this.precision = precision;
        this.minExponent = minExponent;
        this.maxExponent = maxExponent;
        this.u = Math.scalb(1.0, -precision);
    }

    /** The name used on the command line and in files ({@code fp64, fp32, bf16, fp16}). */
    public String label() {
        return label;
    }

    /** Significant bits {@code p}, the implicit one included. */
    public int precision() {
        return precision;
    }

    /** The unit roundoff {@code u = 2^-p}. */
    public double u() {
        return u;
    }

    /** The format sums and products are accumulated in: fp32 for the 16-bit formats, else itself. */
    public FloatFormat accumulator() {
        return this == BF16 || this == FP16 ? FP32 : this;
    }

    /** The largest finite value. */
    public double maxFinite() {
        return Math.scalb(2.0 - Math.scalb(1.0, 1 - precision), maxExponent);
    }

    /** The smallest positive normal value {@code 2^emin}. */
    public double minNormal() {
        return Math.scalb(1.0, minExponent);
    }

    /**
     * {@code γ_k = k u / (1 - k u)} for this format's {@code u}.
     *
     * @return {@code +∞} when {@code k u >= 1/2}: the model gives no useful bound there, and a caller
     *     that meets an infinite allowed error reports the field as vacuous rather than passing it
     */
    public double gamma(long k) {
        if (k < 0) {
            throw new IllegalArgumentException("gamma(k) needs k >= 0, got " + k);
        }
        double ku = k * u;
        return ku >= 0.5 ? Double.POSITIVE_INFINITY : ku / (1 - ku);
    }

    /**
     * {@code γ_k} for a rounding model stated under the small-quantity assumption {@code k u <= maxKu}
     * (Higham Lemma 3.1 needs {@code k u < 1}; the models here ask for less, e.g. {@code k u <= 0.01}
     * in {@code proofs-notes/rounding-model.md}). The one place that precondition is checked.
     *
     * @param maxKu the model's largest admissible {@code k u}, in {@code (0, 1/2)}
     * @throws IllegalArgumentException when {@code k < 0} or {@code k u > maxKu}
     */
    public double gamma(long k, double maxKu) {
        if (!(maxKu > 0 && maxKu < 0.5)) {
            throw new IllegalArgumentException("gamma(k, maxKu) needs 0 < maxKu < 1/2, got " + maxKu);
        }
        double ku = k * u;
        if (k < 0 || ku > maxKu) {
            throw new IllegalArgumentException("rounding count k = " + k + " gives k u = " + ku + " > " + maxKu
                    + ", outside the model's small-quantity assumption");
        }
        return ku / (1 - ku);
    }

    /**
     * {@code γ_k} rounded up: {@code nextUp(γ_k (1 + 4u))}, never below the real {@code k u / (1 - k u)}
     * although it is itself evaluated in double (two roundings of relative size {@code u} each).
     *
     * @throws IllegalArgumentException when {@code k < 0} or {@code k u >= 1/2}
     */
    public double gammaUp(long k) {
        return Math.nextUp(gamma(k, Math.nextDown(0.5)) * (1 + 4 * u));
    }

    /**
     * Higham–Mary's probabilistic {@code γ~_k(λ) = exp(λ sqrt(k) u + k u^2/(1-u)) - 1}; never larger
     * than {@link #gamma(long)}.
     */
    public double gammaProbabilistic(long k, double lambda) {
        if (k < 0 || !(lambda > 0)) {
            throw new IllegalArgumentException("gammaProbabilistic(k, lambda) needs k >= 0 and lambda > 0");
        }
        double g = Math.expm1(lambda * Math.sqrt((double) k) * u + k * u * u / (1 - u));
        return Math.min(g, gamma(k));
    }

    /** The probability that one sum violates {@link #gammaProbabilistic}: {@code 2 exp(-λ^2 (1-u)^2 / 2)}. */
    public double failureProbability(double lambda) {
        return Math.min(1.0, 2 * Math.exp(-lambda * lambda * (1 - u) * (1 - u) / 2));
    }

    /**
     * {@code x} correctly rounded to this format (round to nearest, ties to even), with gradual
     * underflow and overflow to infinity; the identity for {@link #FP64} and {@link #DOUBLE_DOUBLE}.
     */
    public double round(double x) {
        switch (this) {
            case FP64:
            case DOUBLE_DOUBLE:
                return x;
            case FP32:
                return (float) x;
            default:
                if (x == 0 || !Double.isFinite(x)) {
                    return x;
                }
                int e = Math.max(Math.getExponent(x), minExponent);
                double ulp = Math.scalb(1.0, e - precision + 1);
                double r = Math.rint(x / ulp) * ulp;
                if (Math.abs(r) > maxFinite()) {
                    return Math.copySign(Double.POSITIVE_INFINITY, x);
                }
                return r;
        }
    }

    /** True when {@code x} is a value of this format (so storing it loses nothing). */
    public boolean isExact(double x) {
        return Double.isNaN(x) || round(x) == x;
    }

    /** The format named {@code s} ({@code fp64, fp32, bf16, fp16}; {@code float64, float32, float16} too). */
    public static FloatFormat parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "fp64":
            case "float64":
            case "double":
                return FP64;
            case "fp32":
            case "float32":
            case "float":
                return FP32;
            case "bf16":
            case "bfloat16":
                return BF16;
            case "fp16":
            case "float16":
            case "half":
                return FP16;
            default:
                throw new IllegalArgumentException("dtype \"" + s + "\" must be fp64, fp32, bf16 or fp16");
        }
    }
}
