package dev.ropecheck.io;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The header of an instance document ({@link InstanceReader}, {@link TensorInstanceReader}): {@code format, n, d}
 * as in {@link DocumentHeader}, plus the optional {@code bound} (an exact binary64, {@code > 0}) and a
 * {@code comment} that is skipped; and the checks both instance formats share.
 */
final class InstanceHeader extends DocumentHeader {
    private Double bound;
    private dev.ropecheck.bounds.FloatFormat dtype;
    private boolean bulkStarted;

    InstanceHeader(String tag) {
        super(tag);
    }

    @Override
    boolean read(JsonIn json, String field) {
        switch (field) {
            case "bound":
                bound = json.readExact("bound");
                return true;
            case "dtype":
                String text = json.readString("dtype");
                if (bulkStarted) {
                    throw json.error("dtype must come before the matrices (it says how to read them)");
                }
                try {
                    dtype = dev.ropecheck.bounds.FloatFormat.parse(text);
                } catch (IllegalArgumentException e) {
                    throw json.error("dtype = " + InputText.quote(text) + " must be \"fp64\", \"fp32\", \"bf16\" or \"fp16\"");
                }
                return true;
            case "comment":
                json.next();
                json.skipValue();
                return true;
            default:
                return super.read(json, field);
        }
    }

    /**
     * The name of the field at hand ({@link #field}); a {@link FormatException} listing {@code fields} when it is
     * not one of them ({@code what} names the document: "an instance", "a tensor instance", ...).
     */
    String knownField(JsonIn json, Set<String> fields, String what) {
        String field = field(json);
        if (!fields.contains(field)) {
            throw json.error("unknown field " + InputText.quote(field) + "; " + what + " has the fields "
                    + new TreeSet<>(fields));
        }
        return field;
    }

    /** Ends the document, then requires {@code format}, {@code n} in {@code [1, maxN]}, {@code d} in {@code [1, maxD]}. */
    void finish(JsonIn json, long maxN, long maxD) {
        json.endDocument();
        requireFormat(json);
        requireSize(json, maxN, maxD);
    }

    /** Marks that the matrices began (a {@code dtype} after this point is rejected). */
    void bulkStarted() {
        bulkStarted = true;
    }

    /** The declared storage format, or null when absent (which means fp64). */
    dev.ropecheck.bounds.FloatFormat dtype() {
        return dtype;
    }

    /**
     * A {@link FormatException} naming the first entry of {@code g} (field {@code name}) that is not a value of
     * the declared {@code dtype}; nothing when there is no {@code dtype}.
     */
    void requireDtype(JsonIn json, String name, Grid g) {
        if (dtype == null || dtype == dev.ropecheck.bounds.FloatFormat.FP64) {
            return;
        }
        for (int r = 0; r < g.rows(); r++) {
            for (int c = 0; c < g.cols(); c++) {
                double v = g.get(r, c);
                if (!dtype.isExact(v)) {
                    throw json.error(name + "[" + r + "][" + c + "] = " + ExactDecimal.exactText(v)
                            + " is not a value of dtype " + dtype.label() + " (" + dtype.precision()
                            + " significant bits, largest finite " + dtype.maxFinite() + ")");
                }
            }
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
     * Whether the key weights are the dense {@code X} (true) or {@code WQ} and {@code WK} (false); a
     * {@link FormatException} when {@code X} comes with either, or one of {@code WQ, WK} is missing without
     * {@code X} ({@code alternatives} closes that message, e.g. "give X, or both WQ and WK").
     */
    static boolean denseKeyWeight(JsonIn json, boolean hasX, boolean hasWq, boolean hasWk, String alternatives) {
        if (hasX && (hasWq || hasWk)) {
            throw json.error("give either X or WQ and WK, not both");
        }
        if (hasX) {
            return true;
        }
        if (!hasWq || !hasWk) {
            throw json.error("field \"" + (hasWq ? "WK" : "WQ") + "\" is missing (" + alternatives + ")");
        }
        return false;
    }

    /** Whether the value weight is {@code Y} (true) or {@code WV} (false); a {@link FormatException} for both, none. */
    static boolean denseValueWeight(JsonIn json, boolean hasY, boolean hasWv) {
        if (hasY && hasWv) {
            throw json.error("give either Y or WV, not both");
        }
        if (!hasY && !hasWv) {
            throw json.error("field \"WV\" is missing (give WV or Y, d x d)");
        }
        return hasY;
    }

    /** A builder's message with the matrices named as in the file ({@code W_Q -> WQ}, {@code W_K -> WK}, ...). */
    static String fileNames(String message) {
        return message.replace("W_Q", "WQ").replace("W_K", "WK").replace("W_V", "WV");
    }

    /**
     * Runs the instance builder; its {@link IllegalArgumentException} becomes a {@link FormatException} with the
     * matrices named as in the file ({@code W_Q -> WQ}, {@code W_K -> WK}, {@code W_V -> WV}).
     */
    static <T> T build(JsonIn json, Supplier<T> builder) {
        try {
            return builder.get();
        } catch (IllegalArgumentException e) {
            throw json.error(fileNames(e.getMessage()));
        }
    }
}
