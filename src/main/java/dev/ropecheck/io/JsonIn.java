package dev.ropecheck.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * A streaming reader over one JSON document with the helpers both formats need. Numbers are never
 * parsed through binary floating point: JSON numbers come in as the exact {@link BigDecimal} of
 * their text, JSON strings through {@link ExactDecimal#parse}. Every error becomes a
 * {@link FormatException} naming the source, the field and index, or the line and column.
 */
final class JsonIn implements AutoCloseable {
    /**
     * Jackson's own limits, set above the format's ({@link ExactDecimal#MAX_CHARS} for numbers) so that the
     * format's messages, not Jackson's, name what is wrong; Jackson's are the backstop for the memory a single
     * token can take. {@code NaN} and {@code Infinity} tokens are let through the tokenizer so that the result
     * reader can take them (Python's {@code json.dump} writes them) and the instance reader can reject them in
     * its own words.
     */
    static final int MAX_TOKEN_CHARS = 1 << 20;

    /**
     * Longest string value in an instance file (specs/format-instance.md): strings there are decimals (at most
     * {@link ExactDecimal#MAX_CHARS}), the format tag, the family's kind and layout, the dtype and a comment, so
     * 65536 is ample; Jackson stops reading a longer string at this point instead of buffering all of it.
     */
    static final int MAX_INSTANCE_STRING = 1 << 16;

    /** Longest string value in a result file (its {@code meta} values are free text). */
    static final int MAX_RESULT_STRING = 1 << 24;

    /** What the document is, which fixes the longest string Jackson buffers. */
    enum Kind {
        INSTANCE(MAX_INSTANCE_STRING), RESULT(MAX_RESULT_STRING);

        final int maxString;
        final JsonFactory factory;

        Kind(int maxString) {
            this.maxString = maxString;
            this.factory = JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64)
                            .maxNumberLength(MAX_TOKEN_CHARS).maxStringLength(maxString).maxNameLength(1 << 16).build())
                    .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .build();
        }
    }

    /** How numbers are accepted. */
    enum Numbers {
        /** Inputs: must be exactly a finite double. */
        EXACT,
        /** Results: rounded to the nearest double; the strings NaN/Infinity/-Infinity allowed. */
        ROUNDED
    }

    private final String source;
    private final JsonParser parser;
    final Kind kind;

    /** A reader of a result document. */
    JsonIn(InputStream in, String source) {
        this(in, source, Kind.RESULT);
    }

    JsonIn(InputStream in, String source, Kind kind) {
        this.source = source;
        this.kind = kind;
        try {
            this.parser = kind.factory.createParser(in);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(source + ": " + e.getMessage(), e));
        }
    }

    String source() {
        return source;
    }

    JsonToken next() {
        try {
            return parser.nextToken();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** {@link JsonFailures#failure} of the current field. */
    private RuntimeException failure(IOException e) {
        return failure(e, null);
    }

    private RuntimeException failure(IOException e, String where) {
        return JsonFailures.failure(this, e, where);
    }

    /** The current field name, or null when the parser cannot tell. */
    String safeName() {
        try {
            return parser.currentName() == null ? null : InputText.quote(parser.currentName());
        } catch (IOException | RuntimeException ignored) {
            return null;
        }
    }


    FormatException error(String message) {
        return new FormatException(source + ": " + message);
    }

    String location() {
        JsonLocation loc = parser.currentTokenLocation();
        return "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    JsonToken current() {
        return parser.currentToken();
    }

    String fieldName() {
        try {
            return parser.currentName();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** The current field name quoted for a message ({@link InputText#quote}). */
    String quotedFieldName() {
        return InputText.quote(fieldName());
    }

    String text() {
        return text(null);
    }

    /** The current token's text; a failure names {@code where} (the field and index) when given. */
    String text(String where) {
        try {
            return parser.getText();
        } catch (IOException e) {
            throw failure(e, where);
        }
    }

    /** True when the current token is a {@code NaN}/{@code Infinity} number token. */
    private boolean nonFiniteToken() {
        try {
            return parser.isNaN();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Requires the document to start with an object. */
    void startDocument() {
        JsonToken t = next();
        if (t == null) {
            throw error("the file is empty (expected a JSON object)");
        }
        if (t != JsonToken.START_OBJECT) {
            throw error("expected a JSON object at the top level, found " + describe(t));
        }
    }

    /** Requires nothing but whitespace after the top-level object. */
    void endDocument() {
        JsonToken t = next();
        if (t != null) {
            throw error("unexpected content after the top-level object at " + location());
        }
    }

    static String describe(JsonToken t) {
        if (t == null) {
            return "the end of the file";
        }
        switch (t) {
            case START_OBJECT:
                return "an object";
            case END_OBJECT:
                return "the end of an object";
            case START_ARRAY:
                return "an array";
            case END_ARRAY:
                return "the end of an array";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            default:
                return t.toString();
        }
    }

    /** The next value, a string. */
    String readString(String field) {
        JsonToken t = next();
        if (t != JsonToken.VALUE_STRING) {
            throw error(field + ": expected a string, found " + describe(t));
        }
        return text(field);
    }

    /** The next value, an integer (a JSON number or decimal string with an integral value). */
    long readInteger(String field) {
        next();
        BigDecimal v = decimalOfCurrent(field);
        try {
            return v.longValueExact();
        } catch (ArithmeticException e) {
            throw error(field + " = " + v + " must be an integer");
        }
    }

    /** The next value as an exact double. */
    double readExact(String field) {
        next();
        return ExactDecimal.exactDouble(decimalOfCurrent(field), prefixed(field));
    }

    String prefixed(String field) {
        return source + ": " + field;
    }

    /** The exact decimal of the current token (a number, or a string holding a number). */
    BigDecimal decimalOfCurrent(String where) {
        JsonToken t = current();
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            if (nonFiniteToken()) {
                throw error(where + " = " + InputText.quote(text(where)) + " is not a finite number");
            }
            // The token's own text, parsed by ExactDecimal: linear, length-capped, no binary detour.
            return ExactDecimal.parse(text(where), prefixed(where));
        }
        if (t == JsonToken.VALUE_STRING) {
            return ExactDecimal.parse(text(where), prefixed(where));
        }
        throw error(where + ": expected a number or a decimal string, found " + describe(t));
    }

    /**
     * {@link DecimalFastPaths#exact} on the current token's characters (a number or a string), without
     * copying them: the exact double, or NaN when the exact path must decide.
     */
    double fastExactOfCurrent() {
        JsonToken t = current();
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_STRING) {
            return Double.NaN;
        }
        try {
            return DecimalFastPaths.exact(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /**
     * The current token (a number, a decimal string, or NaN/Infinity as token or string) rounded to a double:
     * {@link DecimalFastPaths#rounded} on the token's characters without copying them, else {@link ExactDecimal#rounded}.
     */
    double roundedOfCurrent(String where) {
        JsonToken t = current();
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_STRING) {
            double fast;
            try {
                fast = DecimalFastPaths.rounded(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
            } catch (IOException e) {
                fast = Double.NaN;
            }
            return Double.isNaN(fast) ? ExactDecimal.rounded(text(where), prefixed(where)) : fast;
        }
        throw error(where + ": expected a number or a decimal string, found " + describe(t));
    }

    /** Skips the current value (object or array included). */
    void skipValue() {
        try {
            parser.skipChildren();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /**
     * Reads the next value as a matrix: an array of equally long arrays of numbers ({@link JsonGrids}).
     *
     * @param name field name for messages, e.g. {@code A1} or {@code W[3]}
     */
    Grid readMatrix(String name, Numbers mode) {
        return JsonGrids.readMatrix(this, name, mode);
    }

    /** Reads a matrix whose opening bracket was just consumed. */
    Grid readMatrixBody(String name, Numbers mode) {
        return JsonGrids.readMatrixBody(this, name, mode);
    }

    /** Reads the next value, whatever its rank: scalar, vector or matrix ({@link JsonGrids#readAny}). */
    Grid readAny(String name, Numbers mode) {
        return JsonGrids.readAny(this, name, mode);
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException ignored) {
            // reading is finished; nothing to recover
        }
    }
}
