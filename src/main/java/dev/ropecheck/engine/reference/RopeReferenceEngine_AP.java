package dev.ropecheck.engine.reference;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.ExactValues;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.Set;
import org.apfloat.Apfloat;
import org.ejml.data.DMatrixRMaj;

/**
 * The {@link ReferenceRopeAttention arbitrary-precision reference} as a {@link RopeAttentionEngine}
 * (name {@code "reference"}): every quantity, rounded to the nearest double (entries of {@code A},
 * {@code alpha} beyond the double range round to infinity, as IEEE rounding does). Metadata:
 * {@code precision} (requested digits), {@code trustedDigits} (see {@link ReferenceResult}), and per
 * quantity {@code digits.<key>} and {@code absError.<key>}.
 *
 * <p>Size guard: the cost of one {@link #compute} is estimated by {@link #costEstimate} in apfloat
 * operations (both trust evaluations included); instances with {@code n > }{@link #MAX_N} or a cost
 * above {@link #MAX_COST} are rejected.
 */
public final class RopeReferenceEngine_AP implements RopeAttentionEngine {
    /** Largest accepted {@code n}. */
    public static final int MAX_N = 256;
    /**
     * Largest accepted {@link #costEstimate}: 6e7 units, about a minute on the 2-core build machine
     * (measurements in {@code ReferenceEngineTest#timingN16D4} and the report of the reference).
     */
    public static final double MAX_COST = 6e7;

    private final ReferenceRopeAttention reference;

    public RopeReferenceEngine_AP() {
        this(new ReferenceRopeAttention());
    }

    public RopeReferenceEngine_AP(ReferenceRopeAttention reference) {
        this.reference = reference;
    }

    /** An engine at {@code digits} decimal digits. */
    public static RopeReferenceEngine_AP withDigits(long digits) {
        return new RopeReferenceEngine_AP(new ReferenceRopeAttention(digits));
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Set<Quantity> supported(RopeInstance instance) {
        return RopeAttentionEngine.withoutWeightQuantities(EnumSet.allOf(Quantity.class), instance);
    }

    /**
     * Cost of one {@link #compute} in apfloat multiply-add units (0.5–1 microsecond each at 60–80
     * digits once warm): per evaluation (there are two) {@code (2n-1) d^2 |S|} (the {@code T_m})
     * twice (also {@code G}), {@code 2 n^2 d^2} (scores, {@code M_m}), {@code 6 n^2 d} (attention,
     * {@code p}, {@code dV}), {@code 2 n^2 |S|} ({@code dQ, dK}), {@code 60 n^2} (an exp is about 60
     * multiplies); once, {@code (2n-1) |S| w} for the family's weights, with {@code w = 10^4} for
     * RoPE (its full-precision cos/sin measured at 10–100 ms per angle) and {@code w = 1} otherwise;
     * all scaled by {@code (digits/50)^1.5}.
     */
    public static double costEstimate(int n, int d, int supportSize, boolean rope, long digits) {
        double nn = (double) n * n;
        double perEval = 2.0 * (2 * n - 1) * d * d * supportSize + 2 * nn * d * d + 6 * nn * d + 2 * nn * supportSize
                + 60 * nn;
        double weights = (2.0 * n - 1) * supportSize * (rope ? 1e4 : 1);
        return (2 * perEval + weights) * Math.pow(Math.max(digits, 50) / 50.0, 1.5);
    }

    @Override
    public RopeResult compute(RopeInstance instance, Set<Quantity> wanted) {
        RopeAttentionEngine.requireDefined(wanted, instance);
        Set<Quantity> ok = supported(instance);
        for (Quantity q : wanted) {
            if (!ok.contains(q)) {
                throw new IllegalArgumentException("quantity " + q.key() + " is not supported for this instance"
                        + (q.needsWeights() ? " (it needs X given as W_Q ⊗ W_K)" : ""));
            }
        }
        int n = instance.n();
        if (n > MAX_N) {
            throw new IllegalArgumentException("n = " + n + " exceeds the reference engine's limit n <= " + MAX_N
                    + "; use the \"exact\" engine for larger instances");
        }
        double cost = costEstimate(n, instance.d(), instance.family().support().size(),
                instance.family() instanceof RopeFamily, reference.digits());
        if (cost > MAX_COST) {
            throw new IllegalArgumentException(String.format(
                    "n = %d, d = %d, |S| = %d at %d digits costs about %.3g apfloat operations, above the reference"
                            + " engine's limit %.3g; use the \"exact\" engine for instances this large",
                    n, instance.d(), instance.family().support().size(), reference.digits(), cost, MAX_COST));
        }
        ReferenceResult r = reference.compute(instance);
        RopeResult.Builder b = RopeResult.builder(name());
        for (Quantity q : r.quantities()) {
            DMatrixRMaj hi = r.get(q).toDouble();
            b.put(q, hi);
            b.putResidual(q, residual(r.get(q), hi));
        }
        b.meta("precision", r.digits()).meta("trustedDigits", r.trustedDigits());
        for (Quantity q : r.quantities()) {
            b.meta("digits." + q.key(), r.agreeingDigits(q));
            b.meta("absError." + q.key(), ApMatrix.toDouble(r.absoluteError(q)));
        }
        return b.build();
    }

    /**
     * The low-order parts {@code lo = RN(exact - hi)} of {@code exact} below its rounding {@code hi}
     * (so {@code hi + lo} carries about 32 digits); {@code 0} where {@code hi} is infinite or zero.
     */
    public static DMatrixRMaj residual(ApMatrix exact, DMatrixRMaj hi) {
        DMatrixRMaj lo = new DMatrixRMaj(hi.numRows, hi.numCols);
        for (int r = 0; r < hi.numRows; r++) {
            for (int c = 0; c < hi.numCols; c++) {
                double h = hi.unsafe_get(r, c);
                Apfloat v = exact.get(r, c);
                if (Double.isFinite(h) && v.signum() != 0) {
                    lo.unsafe_set(r, c, ApMatrix.toDouble(v.subtract(ExactValues.apfloat(h, v.precision()))));
                }
            }
        }
        return lo;
    }
}
