package dev.ropecheck.check;

import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.bounds.RoundingClass;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import java.util.EnumMap;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * A reference a candidate is judged against: values (with their low-order residuals when the
 * engine is more accurate than double) and a bound on the reference's own error. Only an engine far
 * more accurate than any candidate class may serve: the apfloat reference or the double-double
 * reference, never a double evaluation.
 *
 * <p>The reference's error bound for entry {@code k} of a field is {@code error_k +
 * toleranceFactor * T_k}, where {@code T_k} is the candidate's allowed error there: the second term
 * is how the double-double reference's error is bounded (see {@link #doubleDouble}).
 *
 * @param values the reference values; {@link RopeResult#residual} holds their low-order parts
 * @param name the engine's name, for the report
 * @param trust a phrase saying how many digits it trusts, for the report
 * @param error per-field absolute error bound (per entry or {@code 1 x 1}); absent means 0
 * @param toleranceFactor the multiple of the candidate's allowed error added as reference error
 */
public record TrustedReference(RopeResult values, String name, String trust, Map<Quantity, DMatrixRMaj> error,
        double toleranceFactor) {

    /**
     * Unit of the double-double reference's rounding model: double-double operations are accurate to
     * {@code 2^-104} (Joldes, Muller and Popescu 2017), and its {@code exp}, {@code cos} and {@code sin}
     * to better than {@code 2^-100}; {@code 2^-96} leaves a margin of 256 on each.
     */
    public static final double DOUBLE_DOUBLE_UNIT = 0x1p-96;

    /**
     * The arbitrary-precision reference: its error per field is the {@code absError.<key>} it
     * reports (the difference of its two precisions), plus, for a field without a residual, the
     * rounding of its value to double ({@code 2^-53 |value|} per entry).
     */
    public static TrustedReference arbitraryPrecision(RopeResult values) {
        String digits = values.metadata().getOrDefault("trustedDigits", "?");
        return new TrustedReference(values, values.engine(), "apfloat, " + digits + " trusted digits",
                errors(values), 0);
    }

    /**
     * The double-double reference, judged against candidates of class {@code cls}: its error is
     * bounded by the same componentwise rounding model with unit {@link #DOUBLE_DOUBLE_UNIT}. Every
     * term of that model is a polynomial in the unit roundoffs with non-negative coefficients and no
     * constant term (underflow floors aside, which are smaller for double-double), so it is at most
     * {@code (DOUBLE_DOUBLE_UNIT / min(u_store, u_acc))} times the candidate's worst-case bound. For the
     * probabilistic class it is at most {@code γ_K(DOUBLE_DOUBLE_UNIT) / γ~_K(λ)} times the candidate's
     * bound, {@code K} the longest sum of the model ({@code n^2 + 8}, with the scale's roundings) —
     * finite even where the candidate's own worst case {@code γ_K} is not ({@code K u >= 1}: fp32 at
     * n = 4096). For the first-order class, whose bound is never below {@link #FIRST_ORDER_FLOOR}
     * times the probabilistic one ({@link RoundingTolerance#sharpen}), that factor is divided by it.
     */
    public static TrustedReference doubleDouble(RopeResult values, RoundingClass cls, int n) {
        double u = Math.min(cls.uStore(), cls.uAcc());
        double factor = DOUBLE_DOUBLE_UNIT / u;
        if (cls.probabilistic()) {
            long k = (long) n * n + 8;
            double kdd = k * DOUBLE_DOUBLE_UNIT;
            factor = kdd / (1 - kdd) / cls.format().accumulator().gammaProbabilistic(k, cls.lambda(1));
            if (cls.firstOrder()) {
                factor /= FIRST_ORDER_FLOOR;
            }
        }
        String digits = values.metadata().getOrDefault("trustedDigits", "about 30");
        return new TrustedReference(values, values.engine(), "double-double, " + digits + " trusted digits",
                errors(values), factor);
    }

    /** The first-order class's bound is at least this multiple of the probabilistic stage bound. */
    public static final double FIRST_ORDER_FLOOR = 0x1p-40;

    private static Map<Quantity, DMatrixRMaj> errors(RopeResult values) {
        Map<Quantity, DMatrixRMaj> err = new EnumMap<>(Quantity.class);
        for (Quantity q : values.quantities()) {
            double abs = 0;
            String s = values.metadata().get("absError." + q.key());
            if (s != null) {
                try {
                    abs = Math.abs(Double.parseDouble(s));
                } catch (NumberFormatException e) {
                    abs = Double.POSITIVE_INFINITY;
                }
            }
            if (values.residual(q) != null) {
                err.put(q, new DMatrixRMaj(1, 1, true, abs));
            } else {
                DMatrixRMaj v = values.get(q);
                for (int k = 0; k < v.data.length; k++) {
                    v.data[k] = FloatFormat.FP64.u() * Math.abs(v.data[k]) + abs; // its rounding to double
                }
                err.put(q, v);
            }
        }
        return err;
    }
}
