package dev.ropecheck.engine;

/**
 * What a RoPE attention engine computed for one instance: some {@link Quantity quantities} in double
 * precision, plus metadata. Immutable; accessors return copies.
 */
public final class RopeResult extends QuantityValues<Quantity> {

    private RopeResult(Builder b) {
        super(b, Quantity.LOSS);
    }

    public static Builder builder(String engine) {
        return new Builder(engine);
    }

    /** Collects quantities; {@link #put} stores a copy. */
    public static final class Builder extends QuantityValues.Builder<Quantity, RopeResult, Builder> {
        private Builder(String engine) {
            super(engine, Quantity.class);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        public RopeResult build() {
            return new RopeResult(this);
        }
    }
}
