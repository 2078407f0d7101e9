package dev.ropecheck.tensor.engine;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * What a tensor engine computed for one instance: some {@link TensorQuantity quantities} in double
 * precision plus free-form metadata (precision, degree, rank, beta, delta). Immutable; accessors return
 * copies.
 */
public final class TensorResult {
    private final String engine;
    private final Map<TensorQuantity, DMatrixRMaj> values;
    private final Map<String, String> metadata;

    private TensorResult(String engine, Map<TensorQuantity, DMatrixRMaj> values, Map<String, String> metadata) {
        this.engine = engine;
        this.values = values;
        this.metadata = metadata;
    }

    public String engine() {
        return engine;
    }

    public boolean has(TensorQuantity q) {
        return values.containsKey(q);
    }

    public Set<TensorQuantity> quantities() {
        return Collections.unmodifiableSet(values.keySet());
    }

    /** The value of {@code q}; throws when this result does not hold it. */
    public DMatrixRMaj get(TensorQuantity q) {
        DMatrixRMaj m = values.get(q);
        if (m == null) {
            throw new IllegalArgumentException("engine " + engine + " did not compute " + q.key());
        }
        return m.copy();
    }

    /** The loss {@code L}. */
    public double loss() {
        return get(TensorQuantity.LOSS).get(0, 0);
    }

    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    public static Builder builder(String engine) {
        return new Builder(engine);
    }

    /** Collects quantities; {@link #put} stores a copy. */
    public static final class Builder {
        private final String engine;
        private final Map<TensorQuantity, DMatrixRMaj> values = new EnumMap<>(TensorQuantity.class);
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private Builder(String engine) {
            this.engine = engine;
        }

        public Builder put(TensorQuantity q, DMatrixRMaj value) {
            values.put(q, value.copy());
            return this;
        }

        public Builder putVector(TensorQuantity q, double[] value) {
            values.put(q, new DMatrixRMaj(value.length, 1, true, value.clone()));
            return this;
        }

        public Builder putScalar(TensorQuantity q, double value) {
            values.put(q, new DMatrixRMaj(1, 1, true, value));
            return this;
        }

        public Builder meta(String key, Object value) {
            metadata.put(key, String.valueOf(value));
            return this;
        }

        public TensorResult build() {
            return new TensorResult(engine, new EnumMap<>(values), new LinkedHashMap<>(metadata));
        }
    }
}
