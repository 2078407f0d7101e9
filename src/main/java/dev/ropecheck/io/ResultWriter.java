package dev.ropecheck.io;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a {@link ResultDocument} as {@code rope-attention-result/1} (specs/format-result.md).
 * Doubles are written with {@link ExactDecimal#shortestText} (shortest round-trip text); entries that carry
 * decimal text are written as JSON strings verbatim; non-finite doubles as the strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}. The layout is {@link ResultJson}'s.
 */
public final class ResultWriter {
    private ResultWriter() {
    }

    /** Writes {@code doc} to {@code out} (does not close it). */
    public static void write(ResultDocument doc, OutputStream out) throws IOException {
        ResultJson.write(doc, ResultFormat.TAG, out);
    }
}
