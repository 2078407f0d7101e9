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

    /**
     * A matrix shape in terms of {@code n} and {@code d}, implemented by each kind's {@code Shape} enum,
     * whose constant names spell the shape: {@code ROWS_COLS}, each of {@code N}, {@code N2}
     * ({@code n^2}), {@code D}, {@code D2} ({@code d^2}) or {@code 1}; {@code ONE} is the scalar
     * {@code 1 x 1}. Vectors are {@code n x 1}.
     */
    interface Shape {
        /** The enum constant's name ({@code N_N2}, {@code D2_D}, {@code ONE}, ...). */
        String name();

        /** Rows for an instance of {@code n} tokens of dimension {@code d}. */
        default int rows(int n, int d) {
            return extent(0, n, d);
        }

        /** Columns for an instance of {@code n} tokens of dimension {@code d}. */
        default int cols(int n, int d) {
            return extent(1, n, d);
        }

        private int extent(int side, int n, int d) {
            String name = name();
            if (name.equals("ONE")) {
                return 1;
            }
            switch (name.split("_")[side]) {
                case "1":
                    return 1;
                case "N":
                    return n;
                case "N2":
                    return n * n;
                case "D":
                    return d;
                case "D2":
                    return d * d;
                default:
                    throw new IllegalStateException("shape name " + name + " does not spell ROWS_COLS");
            }
        }
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
