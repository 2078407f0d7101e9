package dev.ropecheck.io;

/**
 * How text that came from an input file (a field name, a format tag, a string value) or from a library's error
 * message is shown in a one-line message: quoted, with control characters escaped, cut to about
 * {@link #MAX_QUOTED} characters (issue 13's rule, specs/format-instance.md "Errors"). A crafted file can thus
 * neither print a second line nor move the terminal's cursor (ANSI escapes), nor make a message megabytes long.
 */
public final class InputText {
    /** Characters of input text kept in a message; the rest is replaced by a count. */
    public static final int MAX_QUOTED = 80;

    /** Longest message line the command line prints (longer ones are cut with a count). */
    public static final int MAX_LINE = 1000;

    private InputText() {
    }

    /**
     * {@code s} in double quotes, control characters, quotes and backslashes escaped, at most {@link #MAX_QUOTED}
     * characters of it kept ({@code …(N chars)} says how long it was). {@code null} gives {@code null}.
     */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_QUOTED) + 16).append('"');
        int end = cutPoint(s, MAX_QUOTED);
        escapeInto(b, s, end);
        b.append('"');
        if (end < s.length()) {
            b.append("…(").append(s.length()).append(" chars)");
        }
        return b.toString();
    }

    /**
     * {@code message} made one line: every control character escaped (a newline becomes {@code \n}), cut to
     * {@link #MAX_LINE} characters with a count. Text that is already clean comes back unchanged.
     */
    public static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        int end = cutPoint(message, MAX_LINE);
        if (end == message.length() && clean(message)) {
            return message;
        }
        StringBuilder b = new StringBuilder(end + 16);
        for (int i = 0; i < end; i++) {
            char c = message.charAt(i);
            if (isControl(c)) {
                escapeChar(b, c);
            } else {
                b.append(c);
            }
        }
        if (end < message.length()) {
            b.append("…(").append(message.length()).append(" chars)");
        }
        return b.toString();
    }

    private static boolean clean(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isControl(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Where to cut {@code s} to at most {@code max} characters without splitting a surrogate pair. */
    private static int cutPoint(String s, int max) {
        if (s.length() <= max) {
            return s.length();
        }
        int end = max;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    private static void escapeInto(StringBuilder b, String s, int end) {
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (isControl(c)) {
                escapeChar(b, c);
            } else {
                b.append(c);
            }
        }
    }

    /**
     * C0 and C1 controls, DEL, the Unicode line and paragraph separators and the bidirectional overrides (which
     * can make a message read differently from what it says).
     */
    static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069') || c == '\ufeff';
    }

    private static void escapeChar(StringBuilder b, char c) {
        switch (c) {
            case '\n':
                b.append("\\n");
                break;
            case '\r':
                b.append("\\r");
                break;
            case '\t':
                b.append("\\t");
                break;
            default:
                b.append(String.format("\\u%04x", (int) c));
        }
    }
}
