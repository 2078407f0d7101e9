package dev.ropecheck.report;

import java.io.PrintStream;

/**
 * Progress of a verification run. {@link #console} draws a one-line bar on stderr when a console
 * is attached; {@link #NONE} is silent (tests, pipes).
 */
public interface Progress {
    /** Silent. */
    Progress NONE = (label, done, total) -> {
    };

    /** Reports {@code done} of {@code total} steps of {@code label}. */
    void step(String label, int done, int total);

    /** A bar on {@code err} when {@link System#console()} is present, else {@link #NONE}. */
    static Progress console(PrintStream err) {
        if (System.console() == null) {
            return NONE;
        }
        return (label, done, total) -> {
            int width = 30;
            int filled = total <= 0 ? width : (int) ((long) width * done / total);
            String bar = "#".repeat(filled) + ".".repeat(width - filled);
            String text = String.format("\r[%s] %3d/%-3d %-50s", bar, done, total,
                    label.length() > 50 ? label.substring(0, 50) : label);
            err.print(text);
            if (done >= total) {
                err.print("\r" + " ".repeat(text.length()) + "\r");
            }
            err.flush();
        };
    }
}
