package dev.ropecheck.io;

import java.util.HashSet;
import java.util.Set;

/**
 * The fields {@code format}, {@code n} and {@code d} that every instance and result document carries, read as they
 * come while the caller reads the rest; also rejects a field that appears twice. Messages name the field as the
 * instance and result formats specify (specs/format-*.md).
 */
class DocumentHeader {
    private final String tag;
    private final Set<String> seen = new HashSet<>();
    private String format;
    private Long n;
    private Long d;

    /** A header whose {@code format} must be {@code tag}. */
    DocumentHeader(String tag) {
        this.tag = tag;
    }

    /** The name of the field at hand; a {@link FormatException} when it appeared before. */
    String field(JsonIn json) {
        String field = json.fieldName();
        if (!seen.add(field)) {
            throw json.error("field " + InputText.quote(field) + " appears twice");
        }
        return field;
    }

    /** Reads {@code field}'s value when it is a header field and returns true; else reads nothing, returns false. */
    boolean read(JsonIn json, String field) {
        switch (field) {
            case "format":
                format = json.readString("format");
                if (!tag.equals(format)) {
                    throw json.error("format = " + InputText.quote(format) + " is not supported; expected \"" + tag + "\"");
                }
                return true;
            case "n":
                n = json.readInteger("n");
                return true;
            case "d":
                d = json.readInteger("d");
                return true;
            default:
                return false;
        }
    }

    /** A {@link FormatException} when {@code format} was absent. */
    void requireFormat(JsonIn json) {
        if (format == null) {
            throw json.error("field \"format\" is missing (expected \"" + tag + "\")");
        }
    }

    /** A {@link FormatException} when {@code n} or {@code d} was absent. */
    void requireSize(JsonIn json) {
        if (n == null || d == null) {
            throw json.error("field \"" + (n == null ? "n" : "d") + "\" is missing");
        }
    }

    /** {@link #requireSize}, then {@code n} in {@code [1, maxN]} and {@code d} in {@code [1, maxD]}, else a message. */
    void requireSize(JsonIn json, long maxN, long maxD) {
        requireSize(json);
        if (n < 1 || n > maxN) {
            throw json.error("n = " + n + " must lie in [1, " + maxN + "]");
        }
        if (d < 1 || d > maxD) {
            throw json.error("d = " + d + " must lie in [1, " + maxD + "]");
        }
    }

    /** True once {@code format}, {@code n} and {@code d} have all been read. */
    boolean complete() {
        return format != null && n != null && d != null;
    }

    long n() {
        return n;
    }

    long d() {
        return d;
    }
}
