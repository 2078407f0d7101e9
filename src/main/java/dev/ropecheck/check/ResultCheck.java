package dev.ropecheck.check;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * The one checking core: (instance, candidate, trusted reference, tolerance model) to per-field
 * verdicts. {@code check}, {@code verify}, the golden-corpus replay and the engine contract suites
 * all judge through it, so there is one comparator ({@link FieldComparator}) and one rule for the
 * reference's own error: the allowed error of entry {@code k} is the candidate class's bound plus
 * the reference's bound, {@code allowed_k = T_k + R_k}.
 *
 * <p>Every required field gets a verdict: absent ones are {@link FieldVerdict#MISSING}, ones the
 * reference or the model cannot cover are {@link FieldVerdict#UNCHECKED}; neither is a pass.
 */
public final class ResultCheck {

    private ResultCheck() {
    }

    /**
     * The default resolution of {@code check}, {@code max(1e-3, 16 u)}: a field must show every
     * uniform relative change above {@code 1e-3}, or, for a storage format whose rounding alone is a
     * relative error {@code u}, above sixteen roundings (fp16 {@code 7.8e-3}, bf16 {@code 0.0625}).
     */
    public static double defaultResolution(dev.ropecheck.bounds.FloatFormat format) {
        return Math.max(1e-3, 16 * format.u());
    }

    /**
     * Judges {@code candidate} on {@code required}.
     *
     * @param required the fields that must be present and pass; the candidate's other fields are
     *     checked too when the reference holds them
     */
    public static CheckReport run(RopeInstance instance, RopeResult candidate, Set<Quantity> required,
            TrustedReference reference, ToleranceModel model, List<String> warnings) {
        return run(instance, candidate, required, reference, model, warnings, 1.0);
    }

    /**
     * As above, at resolution {@code resolution}: a field passes only if its check could have caught
     * the whole field scaled by {@code 1 + t} for every {@code |t| > resolution}, i.e. only if
     * {@code min_k allowed_k / |value_k| <= resolution} (its {@link FieldCheck#minDetectable()});
     * otherwise it is {@link FieldVerdict#VACUOUS} at that resolution. Resolution 1 is the plain
     * definition (an all-zero field would pass); {@code check} uses {@code 1e-3} unless told otherwise.
     *
     * @param resolution in {@code (0, 1]}
     */
    public static CheckReport run(RopeInstance instance, RopeResult candidate, Set<Quantity> required,
            TrustedReference reference, ToleranceModel model, List<String> warnings, double resolution) {
        if (!(resolution > 0 && resolution <= 1)) {
            throw new IllegalArgumentException("resolution = " + resolution + " must lie in (0, 1]");
        }
        Set<Quantity> judged = EnumSet.noneOf(Quantity.class);
        judged.addAll(required);
        judged.addAll(candidate.quantities());
        if (judged.contains(Quantity.LSE)) {
            reference = withLse(reference);
        }
        Set<Quantity> present = EnumSet.noneOf(Quantity.class);
        for (Quantity q : judged) {
            if (candidate.has(q) && reference.values().has(q)) {
                present.add(q);
            }
        }
        ToleranceModel.Tolerances tol = model.allowed(instance, present, reference.values());
        List<FieldCheck> out = new ArrayList<>();
        for (Quantity q : judged) {
            if (!candidate.has(q)) {
                out.add(FieldCheck.without(q.key(), FieldVerdict.MISSING, "required but absent from the candidate"));
                continue;
            }
            if (!reference.values().has(q)) {
                out.add(FieldCheck.without(q.key(), FieldVerdict.UNCHECKED,
                        "the " + reference.name() + " reference does not compute it for this instance"));
                continue;
            }
            DMatrixRMaj allowed = tol.allowed().get(q);
            if (allowed == null) {
                out.add(FieldCheck.without(q.key(), FieldVerdict.UNCHECKED,
                        tol.unchecked().getOrDefault(q, "no bound for this field")));
                continue;
            }
            FieldCheck fc = FieldComparator.compare(q.key(), candidate.get(q), reference.values().get(q),
                    reference.values().residual(q), allowed, referenceError(reference, q, allowed));
            if (fc.verdict() == FieldVerdict.FAIL) {
                fc = withHint(instance, q, candidate, reference, allowed, fc);
            } else if (fc.verdict() == FieldVerdict.PASS && resolution < 1 && !(fc.minDetectable() <= resolution)) {
                fc = fc.withVerdict(FieldVerdict.VACUOUS, String.format(java.util.Locale.ROOT,
                        "its bound resolves relative changes of %.3g and more only, coarser than the resolution %.3g"
                                + " asked for (--resolution, or a tighter --bound)", fc.minDetectable(), resolution));
            }
            out.add(fc);
        }
        return new CheckReport(out, reference.name() + " (" + reference.trust() + ")", model.describe(), warnings);
    }

    /**
     * The reference with {@code lse = log alpha} added (MATH §9), from {@code alpha}'s value and residual
     * by a 40-digit logarithm; its error is {@code alpha}'s relative error plus {@code 10^-30 |lse|}.
     * Unchanged when the reference lacks a finite {@code alpha} (then {@code lse} is unchecked).
     */
    static TrustedReference withLse(TrustedReference ref) {
        RopeResult v = ref.values();
        if (v.has(Quantity.LSE) || !v.has(Quantity.ALPHA)) {
            return ref;
        }
        DMatrixRMaj hi = v.get(Quantity.ALPHA);
        DMatrixRMaj lo = v.residual(Quantity.ALPHA);
        DMatrixRMaj aErr = ref.error().get(Quantity.ALPHA);
        int n = hi.numRows;
        DMatrixRMaj lseHi = new DMatrixRMaj(n, 1);
        DMatrixRMaj lseLo = new DMatrixRMaj(n, 1);
        DMatrixRMaj lseErr = new DMatrixRMaj(n, 1);
        for (int i = 0; i < n; i++) {
            double h = hi.get(i, 0);
            double l = lo == null ? 0 : lo.get(i, 0);
            if (!(Double.isFinite(h) && h > 0)) {
                return ref;
            }
            java.math.BigDecimal exact = new java.math.BigDecimal(h).add(new java.math.BigDecimal(l));
            org.apfloat.Apfloat log = org.apfloat.ApfloatMath.log(new org.apfloat.Apfloat(exact, 40));
            double lh = log.doubleValue();
            double ll = log.subtract(new org.apfloat.Apfloat(new java.math.BigDecimal(lh), 40)).doubleValue();
            lseHi.set(i, 0, lh);
            lseLo.set(i, 0, ll);
            double e = aErr == null ? 0 : aErr.data.length == 1 ? aErr.data[0] : aErr.get(i, 0);
            lseErr.set(i, 0, 2 * e / h + 1e-30 * Math.abs(lh));
        }
        RopeResult.Builder b = RopeResult.builder(v.engine());
        for (Quantity q : v.quantities()) {
            b.put(q, v.get(q));
            if (v.residual(q) != null) {
                b.putResidual(q, v.residual(q));
            }
        }
        v.metadata().forEach(b::meta);
        b.put(Quantity.LSE, lseHi).putResidual(Quantity.LSE, lseLo);
        java.util.Map<Quantity, DMatrixRMaj> err = new java.util.EnumMap<>(Quantity.class);
        err.putAll(ref.error());
        err.put(Quantity.LSE, lseErr);
        return new TrustedReference(b.build(), ref.name(), ref.trust(), err, ref.toleranceFactor());
    }

    /** {@code error_k + toleranceFactor * T_k} ({@link TrustedReference}). */
    private static DMatrixRMaj referenceError(TrustedReference reference, Quantity q, DMatrixRMaj allowed) {
        DMatrixRMaj base = reference.error().get(q);
        double f = reference.toleranceFactor();
        if (f == 0) {
            return base;
        }
        DMatrixRMaj out;
        if (base == null || base.getNumElements() == 1) {
            double b = base == null ? 0 : base.data[0];
            out = allowed.copy();
            for (int k = 0; k < out.data.length; k++) {
                out.data[k] = b + f * out.data[k];
            }
        } else {
            out = base.copy();
            for (int k = 0; k < out.data.length; k++) {
                out.data[k] += f * (allowed.data.length == 1 ? allowed.data[0] : allowed.data[k]);
            }
        }
        return out;
    }

    /**
     * A hint for a failing {@code dQ}/{@code dK} that matches the gradient with respect to the
     * rotated rows ({@code dQrot_i = dQ_i R_i}, MATH §9), which is what SDPA-style kernels return.
     */
    private static FieldCheck withHint(RopeInstance instance, Quantity q, RopeResult candidate,
            TrustedReference reference, DMatrixRMaj allowed, FieldCheck fc) {
        if ((q != Quantity.DQ && q != Quantity.DK) || !(instance.family() instanceof RopeFamily)) {
            return fc;
        }
        RopeFamily rope = (RopeFamily) instance.family();
        DMatrixRMaj rotated = rope.rotate(reference.values().get(q));
        DMatrixRMaj cand = candidate.get(q);
        double num = 0;
        double den = 0;
        for (int k = 0; k < cand.data.length; k++) {
            num = Math.max(num, Math.abs(cand.data[k] - rotated.data[k]));
            den = Math.max(den, Math.abs(rotated.data[k]));
        }
        if (den > 0 && num <= 1e-3 * den) {
            return fc.withNote("it matches the gradient with respect to the rotated rows; " + q.key()
                    + " is with respect to the pre-rotation " + (q == Quantity.DQ ? "Q = A1 W_Q" : "K = A2 W_K")
                    + ": " + q.key() + "_i = " + q.key() + "rot_i R_i^T; write it as the field " + q.key() + "rot");
        }
        return fc;
    }
}
