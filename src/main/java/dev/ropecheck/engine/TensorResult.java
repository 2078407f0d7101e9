package dev.ropecheck.engine;


/**
 * What a tensor engine computed for one instance: some {@link TensorQuantity quantities} in double
 * precision plus free-form metadata (precision, degree, rank, beta, delta). Immutable; accessors return
 * copies.
 */
public final class TensorResult extends QuantityValues<TensorQuantity> {

    private TensorResult(Builder b) {
        super(b, TensorQuantity.LOSS);
    }

    public static Builder builder(String engine) {
        return new Builder(engine);
    }

    /** Collects quantities; {@link #put} stores a copy. */
    public static final class Builder extends QuantityValues.Builder<TensorQuantity, TensorResult, Builder> {
        private Builder(String engine) {
            super(engine, TensorQuantity.class);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        public TensorResult build() {
            return new TensorResult(this);
        }
    }
}
