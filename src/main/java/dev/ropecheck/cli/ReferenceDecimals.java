package dev.ropecheck.cli;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.reference.ApMatrix;
import dev.ropecheck.engine.reference.RopeReferenceEngine_AP;
import dev.ropecheck.engine.reference.ReferenceResult;
import dev.ropecheck.engine.reference.ReferenceRopeAttention;
import dev.ropecheck.io.ResultDocument;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.math.RoundingMode;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;

/**
 * Runs the arbitrary-precision reference and writes its values as decimal strings with the digits
 * its two-precision evaluation trusts ({@link ReferenceResult#absoluteError}): entry {@code v} of
 * quantity {@code q} gets {@code clamp(exponent(v) - exponent(err_q), 1, P)} significant digits
 * (all {@code P} when the two evaluations agree exactly), rounded half-even. The doubles of the
 * document are the values rounded to nearest, as {@link RopeReferenceEngine_AP} reports them.
 */
final class ReferenceDecimals {
    private ReferenceDecimals() {
    }

    /**
     * The reference result of {@code instance} at {@code digits}, with the same size guard as
     * {@link RopeReferenceEngine_AP#compute}.
     */
    static ResultDocument compute(RopeInstance instance, long digits, boolean includeQuadratic) {
        int n = instance.n();
        if (n > RopeReferenceEngine_AP.MAX_N) {
            throw new IllegalArgumentException("n = " + n + " exceeds the reference engine's limit n <= " + RopeReferenceEngine_AP.MAX_N
                    + "; use --engine exact for larger instances");
        }
        double cost = RopeReferenceEngine_AP.costEstimate(n, instance.d(), instance.family().support().size(),
                instance.family() instanceof RopeFamily, digits);
        if (cost > RopeReferenceEngine_AP.MAX_COST) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "n = %d, d = %d, |S| = %d at %d digits costs about %.3g apfloat operations, above the reference"
                            + " engine's limit %.3g; use --engine exact for instances this large",
                    n, instance.d(), instance.family().support().size(), digits, cost, RopeReferenceEngine_AP.MAX_COST));
        }
        ReferenceResult r = new ReferenceRopeAttention(digits).compute(instance);
        ResultDocument doc = new ResultDocument("reference", n, instance.d());
        for (Quantity q : r.quantities()) {
            if (q.isQuadratic() && !includeQuadratic) {
                continue;
            }
            doc.putDecimal(q, text(r.get(q), r.absoluteError(q), digits));
        }
        doc.meta("precision", Long.toString(r.digits()));
        doc.meta("trustedDigits", Long.toString(r.trustedDigits()));
        for (Quantity q : r.quantities()) {
            doc.meta("digits." + q.key(), Long.toString(r.agreeingDigits(q)));
            doc.meta("absError." + q.key(), Double.toString(ApMatrix.toDouble(r.absoluteError(q))));
        }
        return doc;
    }

    static String[][] text(ApMatrix m, Apfloat err, long digits) {
        String[][] t = new String[m.rows()][m.cols()];
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                t[i][j] = text(m.get(i, j), err, digits);
            }
        }
        return t;
    }

    /** {@code v} with its trusted significant digits. */
    static String text(Apfloat v, Apfloat err, long digits) {
        if (v.signum() == 0) {
            return "0";
        }
        long keep = err.signum() == 0 ? digits : Math.max(1, Math.min(digits, v.scale() - err.scale()));
        keep = Math.min(keep, v.precision());
        return ApfloatMath.roundToPrecision(v, keep, RoundingMode.HALF_EVEN).toString(false);
    }
}
