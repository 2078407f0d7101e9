package dev.ropecheck.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The messages of {@link JsonIn} for what the parser throws: a limit passed, malformed JSON, or a failure to read. */
final class JsonFailures {
    private JsonFailures() {
    }

    /**
     * One line for a failure of the parser: a {@link FormatException} "malformed JSON at line L, column C: ..." for
     * what Jackson rejects (its text with the internal location and source wording removed, control characters
     * escaped, cut to a bounded length), an {@link UncheckedIOException} naming the file for a failure to read it.
     */
    static RuntimeException failure(JsonIn in, IOException e, String where) {
        String source = in.source();
        JsonIn.Kind kind = in.kind;
        if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
            String f = where != null ? where : in.safeName();
            String m = e.getMessage() == null ? "" : e.getMessage();
            String what;
            if (m.contains("String value length")) {
                what = "a string longer than " + kind.maxString + " characters";
            } else if (m.contains("Number value length")) {
                what = "a number longer than " + JsonIn.MAX_TOKEN_CHARS + " characters";
            } else if (m.contains("Name length")) {
                what = "a field name longer than " + (1 << 16) + " characters";
            } else if (m.contains("nesting depth")) {
                what = "nesting deeper than 64 levels";
            } else {
                what = "a token beyond the reader's limits";
            }
            return new FormatException(source + ": " + (f == null ? "" : f + ": ") + what + ", the limit of "
                    + (kind == JsonIn.Kind.INSTANCE ? "an instance" : "a result") + " file (a number has at most "
                    + ExactDecimal.MAX_CHARS + " characters)", e);
        }
        if (e instanceof JsonProcessingException) {
            JsonProcessingException j = (JsonProcessingException) e;
            JsonLocation loc = j.getLocation();
            String at = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            return new FormatException(source + ": " + (where == null ? "" : where + ": ") + "malformed JSON" + at + ": " + jacksonText(j.getOriginalMessage()), e);
        }
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new UncheckedIOException(new IOException("cannot read " + source + ": " + InputText.oneLine(reason), e));
    }

    /** Jackson's message without its internal wording, one line, at most about 200 characters. */
    static String jacksonText(String message) {
        if (message == null) {
            return "unreadable content";
        }
        String m = message.replaceAll("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]", "line $1, column $2")
                .replace("Source: REDACTED", "")
                .replace(" (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)", "")
                .replaceAll("; ?(enable|use) `[A-Za-z.]+`[^)]*", "");
        m = InputText.oneLine(m);
        return m.length() <= 200 ? m : m.substring(0, 200) + "…";
    }
}
