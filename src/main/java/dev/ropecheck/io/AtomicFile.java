package dev.ropecheck.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file all or nothing: the content goes to a temporary file in the same directory, which
 * is moved over the target only after the writer finished without error. A failed write leaves no
 * partial file behind, and neither does the end of the process during the write ({@link PendingFiles}).
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /** What writes the content. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} atomically.
     *
     * @throws UncheckedIOException when the directory is missing or the write fails; the message names
     *     {@code target} (never the temporary file) and the reason ("permission denied", "No space left on device")
     */
    public static void write(Path target, Content content) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new UncheckedIOException(new IOException("cannot write " + target + ": directory " + dir
                    + " does not exist"));
        }
        if (Files.isDirectory(abs)) {
            throw new UncheckedIOException(new IOException("cannot write " + target + ": it is a directory"));
        }
        Path tmp = null;
        try {
            try {
                tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
            } catch (IOException e) {
                throw new IOException("cannot create a file in directory " + dir + ": " + PendingFiles.reason(e), e);
            }
            PendingFiles.add(tmp);
            try {
                // createTempFile makes the file owner-only; results and reports are meant to be shared.
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: keep the default permissions
            }
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                content.writeTo(out);
            }
            Path from = tmp;
            boolean moved = PendingFiles.commit(tmp, () -> {
                try {
                    Files.move(from, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(from, abs, StandardCopyOption.REPLACE_EXISTING);
                }
            });
            if (!moved) {
                throw new IOException("the process is ending");
            }
            tmp = null;
        } catch (IOException e) {
            String why = e.getMessage() != null && e.getMessage().startsWith("cannot create") ? e.getMessage()
                    : PendingFiles.reason(e);
            throw new UncheckedIOException(new IOException("cannot write " + target + ": " + why, e));
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named after the target
                }
                PendingFiles.remove(tmp);
            }
        }
    }
}
