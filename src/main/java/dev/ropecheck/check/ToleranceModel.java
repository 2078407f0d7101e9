package dev.ropecheck.check;

import dev.ropecheck.bounds.QuantityBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * Where the error a candidate is allowed comes from: a bound on {@code |candidate - exact|} for
 * each entry of each field, derived for the candidate's class (a rounding model for a floating-point
 * format, or a certified approximation bound for the polynomial method).
 */
public interface ToleranceModel {

    /** The allowed errors of some fields, and why the others have none. */
    record Tolerances(Map<Quantity, DMatrixRMaj> allowed, Map<Quantity, String> unchecked) {
    }

    /** One line naming the model, printed under the table. */
    String describe();

    /**
     * The allowed error of each field of {@code fields}: a matrix of the field's shape (per entry) or a
     * {@code 1 x 1} matrix (one number for every entry). A field the model cannot bound goes in
     * {@link Tolerances#unchecked()} with the reason.
     *
     * @param reference the trusted reference values, for models whose bounds scale with magnitudes
     */
    Tolerances allowed(RopeInstance instance, Set<Quantity> fields, RopeResult reference);

    /**
     * This model remembering its answers for the last instance it was asked about (by identity), so
     * that many candidates of one instance are judged with one evaluation of the bound.
     */
    default ToleranceModel memoized() {
        ToleranceModel inner = this;
        return new ToleranceModel() {
            private RopeInstance last;
            private final Map<Quantity, DMatrixRMaj> allowed = new EnumMap<>(Quantity.class);
            private final Map<Quantity, String> unchecked = new EnumMap<>(Quantity.class);

            @Override
            public String describe() {
                return inner.describe();
            }

            @Override
            public synchronized Tolerances allowed(RopeInstance instance, Set<Quantity> fields, RopeResult reference) {
                if (instance != last) {
                    last = instance;
                    allowed.clear();
                    unchecked.clear();
                }
                Set<Quantity> missing = java.util.EnumSet.noneOf(Quantity.class);
                for (Quantity q : fields) {
                    if (!allowed.containsKey(q) && !unchecked.containsKey(q)) {
                        missing.add(q);
                    }
                }
                if (!missing.isEmpty()) {
                    Tolerances t = inner.allowed(instance, missing, reference);
                    allowed.putAll(t.allowed());
                    unchecked.putAll(t.unchecked());
                }
                Map<Quantity, DMatrixRMaj> a = new EnumMap<>(Quantity.class);
                Map<Quantity, String> u = new EnumMap<>(Quantity.class);
                for (Quantity q : fields) {
                    if (allowed.containsKey(q)) {
                        a.put(q, allowed.get(q));
                    } else if (unchecked.containsKey(q)) {
                        u.put(q, unchecked.get(q));
                    }
                }
                return new Tolerances(a, u);
            }
        };
    }

    /**
     * A model from a {@link QuantityBound} (one allowed error per field, the largest over its
     * entries); a bound that is not finite and non-negative leaves the field unchecked.
     */
    static ToleranceModel perField(QuantityBound bound, String description) {
        return new ToleranceModel() {
            @Override
            public String describe() {
                return description;
            }

            @Override
            public Tolerances allowed(RopeInstance instance, Set<Quantity> fields, RopeResult reference) {
                Map<Quantity, DMatrixRMaj> out = new EnumMap<>(Quantity.class);
                Map<Quantity, String> none = new EnumMap<>(Quantity.class);
                for (Quantity q : fields) {
                    double v = bound.allowed(q, instance, reference);
                    if (Double.isFinite(v) && v >= 0) {
                        out.put(q, new DMatrixRMaj(1, 1, true, v));
                    } else {
                        none.put(q, "no certified bound for this field and instance");
                    }
                }
                return new Tolerances(out, none);
            }
        };
    }
}
