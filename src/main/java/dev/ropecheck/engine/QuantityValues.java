package dev.ropecheck.engine;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * What an engine computed for one instance: some quantities of type {@code Q} in double precision,
 * plus free-form metadata (precision, degree, rank, timing). Immutable; accessors return copies.
 * {@link RopeResult} (RoPE attention) and {@link TensorResult} (tensor attention) are its two kinds.
 *
 * @param <Q> the quantity enum
 */
public abstract class QuantityValues<Q extends Enum<Q> & NamedQuantity> implements Result<Q> {
    private final String engine;
    private final Map<Q, DMatrixRMaj> values;
    private final Map<Q, DMatrixRMaj> residuals;
    private final Map<String, String> metadata;
    private final Q lossQuantity;

    protected QuantityValues(Builder<Q, ?, ?> b, Q lossQuantity) {
        this.engine = b.engine;
        this.values = new EnumMap<>(b.values);
        this.residuals = new EnumMap<>(b.residuals);
        this.metadata = new LinkedHashMap<>(b.metadata);
        this.lossQuantity = lossQuantity;
    }

    @Override
    public String engine() {
        return engine;
    }

    @Override
    public boolean has(Q q) {
        return values.containsKey(q);
    }

    @Override
    public Set<Q> quantities() {
        return Collections.unmodifiableSet(values.keySet());
    }

    /** The value of {@code q}; throws when this result does not hold it. */
    @Override
    public DMatrixRMaj get(Q q) {
        DMatrixRMaj m = values.get(q);
        if (m == null) {
            throw new IllegalArgumentException("engine " + engine + " did not compute " + q.key());
        }
        return m.copy();
    }

    /**
     * The low-order part of {@code q} ({@code value = get(q) + residual(q)} to the engine's accuracy),
     * held by engines more accurate than double (the double-double and apfloat references); null
     * when the engine keeps none (its value is then {@code get(q)} alone).
     */
    @Override
    public DMatrixRMaj residual(Q q) {
        DMatrixRMaj m = residuals.get(q);
        return m == null ? null : m.copy();
    }

    /** The loss {@code L} as a number. */
    @Override
    public double loss() {
        return get(lossQuantity).get(0, 0);
    }

    @Override
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    /**
     * Collects quantities; {@link #put} stores a copy.
     *
     * @param <Q> the quantity enum
     * @param <R> the result type built
     * @param <B> the concrete builder (returned by the chained setters)
     */
    public abstract static class Builder<Q extends Enum<Q> & NamedQuantity, R, B extends Builder<Q, R, B>> {
        private final String engine;
        private final Map<Q, DMatrixRMaj> values;
        private final Map<Q, DMatrixRMaj> residuals;
        private final Map<String, String> metadata = new LinkedHashMap<>();

        protected Builder(String engine, Class<Q> type) {
            this.engine = engine;
            this.values = new EnumMap<>(type);
            this.residuals = new EnumMap<>(type);
        }

        /** {@code this}, typed as the concrete builder. */
        protected abstract B self();

        public abstract R build();

        public B put(Q q, DMatrixRMaj value) {
            values.put(q, value.copy());
            return self();
        }

        /** Stores the low-order part of {@code q} (see {@link QuantityValues#residual}); a copy. */
        public B putResidual(Q q, DMatrixRMaj lowOrder) {
            residuals.put(q, lowOrder.copy());
            return self();
        }

        public B putVector(Q q, double[] value) {
            values.put(q, new DMatrixRMaj(value.length, 1, true, value.clone()));
            return self();
        }

        public B putScalar(Q q, double value) {
            values.put(q, new DMatrixRMaj(1, 1, true, value));
            return self();
        }

        public B meta(String key, Object value) {
            metadata.put(key, String.valueOf(value));
            return self();
        }
    }
}
