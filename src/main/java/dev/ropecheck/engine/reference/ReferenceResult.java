package dev.ropecheck.engine.reference;

import dev.ropecheck.engine.Quantity;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.apfloat.Apfloat;

/**
 * What {@link ReferenceRopeAttention#compute} returns: every quantity as an {@link ApMatrix}, the
 * requested precision, and how many digits of it the two-precision comparison supports.
 *
 * <p>Trust: the quantities were evaluated at {@code P + guard} and at {@code P + guard + 20} digits.
 * For each quantity the agreeing digits are {@code floor(-log10(max|lo - hi| / max|hi|))}
 * (conservative by less than one digit, capped at {@code P}); a quantity that is exactly zero in
 * both evaluations agrees to {@code P} digits. {@link #trustedDigits()} is the minimum over all
 * quantities. A quantity that is zero in exact arithmetic but not exactly in floating point (e.g.
 * {@code p} for {@code n = 1}) has no trusted relative digits; {@link #absoluteError} then is the
 * meaningful measure. See {@code proofs-notes/reference-precision.md}.
 */
public final class ReferenceResult {
    private final Map<Quantity, ApMatrix> values;
    private final ApMatrix pByQMinusR;
    private final long digits;
    private final Map<Quantity, Long> agreeing;
    private final Map<Quantity, Apfloat> absError;

    private ReferenceResult(Map<Quantity, ApMatrix> values, ApMatrix pByQMinusR, long digits,
            Map<Quantity, Long> agreeing, Map<Quantity, Apfloat> absError) {
        this.values = values;
        this.pByQMinusR = pByQMinusR;
        this.digits = digits;
        this.agreeing = agreeing;
        this.absError = absError;
    }

    /** The result holding {@code lo}'s values, trusted by their agreement with {@code hi}. */
    static ReferenceResult of(ReferenceRopeAttention.Evaluation lo, ReferenceRopeAttention.Evaluation hi, long digits) {
        Map<Quantity, Long> agree = new EnumMap<>(Quantity.class);
        Map<Quantity, Apfloat> err = new EnumMap<>(Quantity.class);
        for (Map.Entry<Quantity, ApMatrix> en : lo.values().entrySet()) {
            ApMatrix h = hi.values().get(en.getKey());
            Apfloat e = en.getValue().maxAbsDiff(h);
            err.put(en.getKey(), e);
            agree.put(en.getKey(), agreeingDigits(e, h.maxAbs(), digits));
        }
        return new ReferenceResult(new EnumMap<>(lo.values()), lo.pByQMinusR(), digits, agree, err);
    }

    /**
     * {@code floor(-log10(err / scale))} up to less than one digit (from the decimal exponent of the
     * ratio), clamped to {@code [0, cap]}; {@code cap} when {@code err = 0}.
     */
    static long agreeingDigits(Apfloat err, Apfloat scale, long cap) {
        if (err.signum() == 0) {
            return cap;
        }
        if (scale.signum() == 0) {
            return 0;
        }
        Apfloat ratio = err.divide(ReferenceRopeAttention.finite(scale, err.precision() + 10));
        // ratio lies in [10^(e-1), 10^e) with e = ratio.scale(), so -log10(ratio) > -e.
        long dig = -ratio.scale();
        return Math.max(0, Math.min(cap, dig));
    }

    /** The requested precision {@code P} in decimal digits. */
    public long digits() {
        return digits;
    }

    /** The minimum over all quantities of their {@link #agreeingDigits(Quantity) agreeing digits}. */
    public long trustedDigits() {
        long t = digits;
        for (long v : agreeing.values()) {
            t = Math.min(t, v);
        }
        return t;
    }

    /** Leading digits of {@code q} (relative to {@code max|q|}) that the two evaluations share. */
    public long agreeingDigits(Quantity q) {
        require(q);
        return agreeing.get(q);
    }

    /** {@code max |q(P) - q(P + 20)|}: an estimate of the absolute error of {@code q}. */
    public Apfloat absoluteError(Quantity q) {
        require(q);
        return absError.get(q);
    }

    public boolean has(Quantity q) {
        return values.containsKey(q);
    }

    public Set<Quantity> quantities() {
        return Collections.unmodifiableSet(values.keySet());
    }

    /** The value of {@code q}. */
    public ApMatrix get(Quantity q) {
        require(q);
        return values.get(q);
    }

    /** The loss {@code L}. */
    public Apfloat loss() {
        return get(Quantity.LOSS).get(0, 0);
    }

    /** {@code p} in the textbook form {@code f_ij (q_ij - r_i)}, for comparison with {@link Quantity#P}. */
    public ApMatrix pByQMinusR() {
        return pByQMinusR;
    }

    private void require(Quantity q) {
        if (!values.containsKey(q)) {
            throw new IllegalArgumentException("the reference result holds no " + q.key()
                    + " (weight gradients need an instance given by W_Q and W_K)");
        }
    }
}
