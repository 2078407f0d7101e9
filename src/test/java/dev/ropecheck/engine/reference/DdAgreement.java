package dev.ropecheck.engine.reference;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.ExactValues;
import java.util.EnumMap;
import java.util.Map;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;

/**
 * Per-entry agreement of a double-double result ({@code value + residual}) with an apfloat value, in
 * significant decimal digits: {@code -log10(|ref - (hi + lo)| / max(|ref|, floor_entry))}, computed
 * exactly in apfloat. {@link #all(RopeResult, ReferenceRopeAttention.Evaluation, ReferenceRopeAttention.Evaluation)}
 * takes {@code floor_entry = 10^25 |ref - ref'|} from a second, lower-precision evaluation
 * {@code ref'}: an entry that the apfloat oracle itself resolves only to its working precision
 * (e.g. {@code p} on a one-hot row, exactly zero in real arithmetic for {@code n = 1}) is then
 * measured against that resolution instead of against its own noise. Entries whose reference lies beyond the double range agree when the
 * double-double value is the same infinity; entries below {@code 2^-960} (where a double-double's low
 * part underflows) are measured against {@code 2^-1074} absolutely.
 */
final class DdAgreement {
    /** Digits reported for an exact match. */
    static final double EXACT = 99;

    private DdAgreement() {
    }

    /** Worst digits over the entries of {@code q}. */
    static double digits(RopeResult r, Quantity q, ApMatrix ref, double floor) {
        DMatrixRMaj hi = r.get(q);
        DMatrixRMaj lo = r.residual(q);
        if (lo == null) {
            throw new AssertionError(q.key() + " has no residual");
        }
        double fieldMax = ApMatrix.toDouble(ref.maxAbs());
        double worst = EXACT;
        for (int i = 0; i < hi.numRows; i++) {
            for (int j = 0; j < hi.numCols; j++) {
                worst = Math.min(worst, entryDigits(ref.get(i, j), hi.get(i, j), lo.get(i, j), floor * fieldMax));
            }
        }
        return worst;
    }

    static double entryDigits(Apfloat ref, double h, double l, double floorAbs) {
        double refD = ApMatrix.toDouble(ref);
        if (Double.isInfinite(refD) || Double.isInfinite(h)) {
            return refD == h ? EXACT : 0;
        }
        long prec = Math.max(60, ref.precision() == Apfloat.INFINITE ? 60 : ref.precision());
        Apfloat v = ExactValues.apfloat(h, prec).add(ExactValues.apfloat(l, prec));
        Apfloat diff = ApfloatMath.abs(ref.subtract(v));
        if (diff.signum() == 0) {
            return EXACT;
        }
        double scale = Math.max(Math.abs(refD), floorAbs);
        if (Math.abs(refD) < 0x1p-960) {
            scale = Math.max(scale, 0x1p-1074 * 1e32);
        }
        if (scale == 0) {
            return 0;
        }
        Apfloat rel = diff.divide(ExactValues.apfloat(scale, prec));
        return -Math.log10(ApMatrix.toDouble(rel));
    }

    /** The factor between the apfloat oracle's own per-entry uncertainty and the floor of the relative error. */
    static final double UNCERTAINTY_FACTOR = 1e25;

    /**
     * Worst digits per quantity of {@code r} against {@code ref}, each entry's floor being
     * {@link #UNCERTAINTY_FACTOR} times its difference from the lower-precision {@code coarse}.
     */
    static Map<Quantity, Double> all(RopeResult r, ReferenceRopeAttention.Evaluation ref,
            ReferenceRopeAttention.Evaluation coarse) {
        Map<Quantity, Double> m = new EnumMap<>(Quantity.class);
        for (Quantity q : r.quantities()) {
            DMatrixRMaj hi = r.get(q);
            DMatrixRMaj lo = r.residual(q);
            if (lo == null) {
                throw new AssertionError(q.key() + " has no residual");
            }
            ApMatrix a = ref.values().get(q);
            ApMatrix b = coarse.values().get(q);
            double worst = EXACT;
            for (int i = 0; i < hi.numRows; i++) {
                for (int j = 0; j < hi.numCols; j++) {
                    double unc = ApMatrix.toDouble(ApfloatMath.abs(a.get(i, j).subtract(b.get(i, j))));
                    worst = Math.min(worst, entryDigits(a.get(i, j), hi.get(i, j), lo.get(i, j),
                            UNCERTAINTY_FACTOR * unc));
                }
            }
            m.put(q, worst);
        }
        return m;
    }

    /** Worst digits per quantity of {@code r} against a single apfloat evaluation. */
    static Map<Quantity, Double> all(RopeResult r, ReferenceRopeAttention.Evaluation ref, double floor) {
        Map<Quantity, Double> m = new EnumMap<>(Quantity.class);
        for (Quantity q : r.quantities()) {
            m.put(q, digits(r, q, ref.values().get(q), floor));
        }
        return m;
    }
}
