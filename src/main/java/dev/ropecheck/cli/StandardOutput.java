package dev.ropecheck.cli;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Standard output as the commands write it, such that a failed write is noticed (issue 13: {@code >/dev/full} or a
 * closed stdout must not exit 0). {@link System#out} swallows write errors; this stream records the first one, and
 * {@link #finish} turns it into an {@link UncheckedIOException} with the reason.
 */
final class StandardOutput extends OutputStream {
    private final OutputStream out = new FileOutputStream(FileDescriptor.out);
    private volatile IOException failure;

    private static final StandardOutput INSTANCE = new StandardOutput();

    private StandardOutput() {
    }

    /** A writer on the process's standard output (UTF-8, buffered, no autoflush). */
    static PrintWriter writer() {
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(INSTANCE, StandardCharsets.UTF_8), 1 << 16),
                false);
    }

    @Override
    public void write(int b) throws IOException {
        try {
            out.write(b);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    /**
     * Flushes {@code w}; when it (or the stream under it) failed, an {@link UncheckedIOException}
     * "cannot write standard output: reason".
     */
    static void finish(PrintWriter w) {
        w.flush();
        if (w.checkError()) {
            IOException f = INSTANCE.failure;
            String reason = f == null || f.getMessage() == null ? "the write failed (closed, or the device is full)"
                    : f.getMessage();
            throw new UncheckedIOException(new IOException("cannot write standard output: " + reason, f));
        }
    }
}
