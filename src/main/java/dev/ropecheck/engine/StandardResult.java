package dev.ropecheck.engine;

/**
 * What a standard attention engine computed for one instance: some {@link StandardQuantity quantities}
 * in double precision plus metadata. Immutable; accessors return copies.
 */
public final class StandardResult extends QuantityValues<StandardQuantity> {

    private StandardResult(Builder b) {
        super(b, StandardQuantity.LOSS);
    }

    public static Builder builder(String engine) {
        return new Builder(engine);
    }

    /** Collects quantities; {@link #put} stores a copy. */
    public static final class Builder extends QuantityValues.Builder<StandardQuantity, StandardResult, Builder> {
        private Builder(String engine) {
            super(engine, StandardQuantity.class);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        public StandardResult build() {
            return new StandardResult(this);
        }
    }
}
