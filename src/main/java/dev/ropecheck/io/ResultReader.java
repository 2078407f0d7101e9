package dev.ropecheck.io;

import dev.ropecheck.engine.Quantity;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Reads and validates a {@code rope-attention-result/1} document (specs/format-result.md). Numbers
 * (JSON numbers or decimal strings) are rounded to the nearest double; decimal strings are kept as
 * text. Every field's shape is checked against {@code n, d}; unknown fields are rejected. The reading is
 * {@link ResultJson}'s with {@code n <= 2^24}, {@code d <= 256}.
 */
public final class ResultReader {
    private static final ResultJson.Dialect<Quantity, ResultDocument> DIALECT = new ResultJson.Dialect<>(
            ResultFormat.TAG, ResultDocument::new, Quantity::byKey, "a result",
            Arrays.stream(Quantity.values()).map(Quantity::key).collect(Collectors.joining(", ")), 1 << 24, 256,
            "[1, 2^24] x [1, 256]", ResultReader::checkKind);

    private ResultReader() {
    }

    public static ResultDocument read(Path file) {
        return JsonFiles.read(file, "result", ResultReader::read);
    }

    public static ResultDocument read(InputStream in, String source) {
        return ResultJson.read(in, source, DIALECT);
    }

    /** A grid of the wrong kind (scalar, vector, matrix) is named with the shape it must have. */
    private static void checkKind(JsonIn json, ResultDocument doc, Quantity q, Grid g) {
        int[] want = doc.shape(q);
        if (g.dims() != want[2]) {
            throw json.error(q.key() + " is " + QuantityDocument.describe(g.dims()) + " but must be "
                    + QuantityDocument.describe(want[2]) + " (" + want[0] + "x" + want[1] + ")");
        }
    }
}
