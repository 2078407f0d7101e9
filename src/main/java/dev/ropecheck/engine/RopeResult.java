package dev.ropecheck.engine;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * What an engine computed for one instance: some {@link Quantity quantities} in double precision,
 * plus free-form metadata (precision, degree, rank, timing). Immutable; accessors return copies.
 */
public final class RopeResult {
    private final String engine;
    private final Map<Quantity, DMatrixRMaj> values;
    private final Map<String, String> metadata;

    private RopeResult(String engine, Map<Quantity, DMatrixRMaj> values, Map<String, String> metadata) {
        this.engine = engine;
        this.values = values;
        this.metadata = metadata;
    }

    public String engine() {
        return engine;
    }

    public boolean has(Quantity q) {
        return values.containsKey(q);
    }

    public Set<Quantity> quantities() {
        return Collections.unmodifiableSet(values.keySet());
    }

    /** The value of {@code q}; throws when this result does not hold it. */
    public DMatrixRMaj get(Quantity q) {
        DMatrixRMaj m = values.get(q);
        if (m == null) {
            throw new IllegalArgumentException("engine " + engine + " did not compute " + q.key());
        }
        return m.copy();
    }

    /** The loss {@code L} as a number. */
    public double loss() {
        return get(Quantity.LOSS).get(0, 0);
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
        private final Map<Quantity, DMatrixRMaj> values = new EnumMap<>(Quantity.class);
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private Builder(String engine) {
            this.engine = engine;
        }

        public Builder put(Quantity q, DMatrixRMaj value) {
            values.put(q, value.copy());
            return this;
        }

        public Builder putVector(Quantity q, double[] value) {
            values.put(q, new DMatrixRMaj(value.length, 1, true, value.clone()));
            return this;
        }

        public Builder putScalar(Quantity q, double value) {
            values.put(q, new DMatrixRMaj(1, 1, true, value));
            return this;
        }

        public Builder meta(String key, Object value) {
            metadata.put(key, String.valueOf(value));
            return this;
        }

        public RopeResult build() {
            return new RopeResult(engine, new EnumMap<>(values), new LinkedHashMap<>(metadata));
        }
    }
}
