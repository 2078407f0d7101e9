package dev.ropecheck.engine;

/** A quantity an engine reports, with the name used in reports and JSON results. */
public interface NamedQuantity {
    /** The name used in reports and the JSON result formats (e.g. {@code "gradX"}). */
    String key();

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
