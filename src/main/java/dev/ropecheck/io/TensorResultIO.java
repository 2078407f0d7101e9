package dev.ropecheck.io;

import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.model.TensorInstance;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes and reads {@code tensor-attention-result/1} documents (specs/format-tensor-instance.md), laid out like
 * {@code rope-attention-result/1}: {@code format, engine, n, d}, one field per {@link TensorQuantity#key()}
 * (scalar, vector or matrix; doubles as shortest round-trip text, reference entries as decimal strings) and a
 * string-valued {@code meta} object. Reading rounds to the nearest double and accepts {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}. Writing and reading are {@link ResultJson}'s.
 */
public final class TensorResultIO {
    private static final ResultJson.Dialect<TensorQuantity, TensorResultDocument> DIALECT = new ResultJson.Dialect<>(
            TensorFormat.RESULT_TAG, TensorResultDocument::new, TensorQuantity::byKey, "a tensor result",
            Arrays.toString(Arrays.stream(TensorQuantity.values()).map(TensorQuantity::key).toArray()),
            TensorInstance.MAX_N, TensorInstance.MAX_D,
            "[1, " + TensorInstance.MAX_N + "] x [1, " + TensorInstance.MAX_D + "]", (json, doc, q, g) -> { });

    private TensorResultIO() {
    }

    /** Writes {@code doc} to {@code out} (does not close it). */
    public static void write(TensorResultDocument doc, OutputStream out) throws IOException {
        ResultJson.write(doc, TensorFormat.RESULT_TAG, out);
    }

    /** Reads {@code file}; a missing file is a {@link FormatException} naming it. */
    public static TensorResultDocument read(Path file) {
        return JsonFiles.read(file, "result", TensorResultIO::read);
    }

    /** Reads one result document from {@code in}; {@code source} names it in messages. */
    public static TensorResultDocument read(InputStream in, String source) {
        return ResultJson.read(in, source, DIALECT);
    }
}
