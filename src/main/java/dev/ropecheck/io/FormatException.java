package dev.ropecheck.io;

/**
 * A JSON document that does not follow its declared format (specs/format-instance.md,
 * specs/format-result.md). The message names the file and the offending field (with its index),
 * and says what was expected; it is meant to be shown to the user as is.
 */
public final class FormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
