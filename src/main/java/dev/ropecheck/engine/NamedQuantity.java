package dev.ropecheck.engine;

/**
 * A quantity an engine of some kind reports ({@link Quantity}, {@link TensorQuantity},
 * {@link StandardQuantity}), with the name used in reports and JSON results and its shape.
 */
public interface NamedQuantity {
    /** The name used in reports and the JSON result formats (e.g. {@code "gradX"}). */
    String key();

    /** The quantity's shape in terms of the instance's {@code n} and {@code d}. */
    Shape shape();

    /** A matrix shape in terms of {@code n} and {@code d}; vectors are {@code n x 1}, scalars {@code 1 x 1}. */
    interface Shape {
        int rows(int n, int d);

        int cols(int n, int d);
    }

    /**
     * The constant of {@code type} whose {@link #key()} is {@code key}.
     *
     * @param what how the enum is named in the error message (e.g. {@code "quantity"})
     * @throws IllegalArgumentException {@code unknown <what> "<key>"} when no constant has that key
     */
    static <Q extends Enum<Q> & NamedQuantity> Q byKey(Class<Q> type, String key, String what) {
        for (Q q : type.getEnumConstants()) {
            if (q.key().equals(key)) {
                return q;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " \"" + key + "\"");
    }
}
