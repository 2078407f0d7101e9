package dev.ropecheck.io;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The header of an instance document ({@link InstanceReader}, {@link TensorInstanceReader}): {@code format, n, d}
 * as in {@link DocumentHeader}, plus the optional {@code bound} (an exact binary64, {@code > 0}) and a
 * {@code comment} that is skipped; and the checks both instance formats share.
 */
final class InstanceHeader extends DocumentHeader {
    private Double bound;

    InstanceHeader(String tag) {
        super(tag);
    }

    @Override
    boolean read(JsonIn json, String field) {
        switch (field) {
            case "bound":
                bound = json.readExact("bound");
                return true;
            case "comment":
                json.next();
                json.skipValue();
                return true;
            default:
                return super.read(json, field);
        }
    }

    /** The entry bound, or null when absent; a {@link FormatException} when it is not {@code > 0}. */
    Double bound(JsonIn json) {
        if (bound != null && !(bound > 0)) {
            throw json.error("bound = " + bound + " must be > 0");
        }
        return bound;
    }

    /** A {@link FormatException} unless {@code m} holds {@code name} with shape {@code rows x cols} ({@code what}). */
    static void requireShape(JsonIn json, Map<String, Grid> m, String name, int rows, int cols, String what) {
        Grid g = m.get(name);
        if (g == null) {
            throw json.error("field \"" + name + "\" is missing (" + what + " = " + rows + "x" + cols + ")");
        }
        if (g.rows() != rows || g.cols() != cols) {
            throw json.error(name + " has shape " + g.rows() + "x" + g.cols() + " but must be " + what + " = "
                    + rows + "x" + cols);
        }
    }

    /**
     * Runs the instance builder; its {@link IllegalArgumentException} becomes a {@link FormatException} with the
     * matrices named as in the file ({@code W_Q -> WQ}, {@code W_K -> WK}, {@code W_V -> WV}).
     */
    static <T> T build(JsonIn json, Supplier<T> builder) {
        try {
            return builder.get();
        } catch (IllegalArgumentException e) {
            throw json.error(e.getMessage().replace("W_Q", "WQ").replace("W_K", "WK").replace("W_V", "WV"));
        }
    }
}
