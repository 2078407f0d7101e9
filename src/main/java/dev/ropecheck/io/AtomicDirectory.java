package dev.ropecheck.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a directory all or nothing ({@code golden}, issue 13): the files go to a hidden temporary directory next to
 * the target, which replaces the target only when every file was written. On failure, or when the process ends
 * first, the temporary directory is removed ({@link PendingFiles}) and an existing target is left as it was.
 */
public final class AtomicDirectory {
    private AtomicDirectory() {
    }

    /** Fills the temporary directory. */
    @FunctionalInterface
    public interface Content {
        void writeInto(Path dir) throws IOException;
    }

    /**
     * A {@link IllegalArgumentException} naming {@code option} when {@code target}, or the nearest of its ancestors
     * that exists, is not a directory (missing directories are created later); for checks before any work is done.
     */
    public static void requireWritableTarget(Path target, String option) {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new IllegalArgumentException(option + " " + target + " is a file; it must be a directory (or not exist)");
        }
        for (Path p = abs.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new IllegalArgumentException(option + " " + target + ": " + p + " is a file, not a directory");
                }
                return;
            }
        }
    }

    /**
     * Writes {@code target} atomically: {@code content} fills a fresh temporary directory, which then takes the
     * place of {@code target} (an existing {@code target} is moved aside first and removed after the swap).
     *
     * @throws UncheckedIOException naming {@code target} and the reason when any step fails; nothing is left behind
     */
    public static void write(Path target, Content content) {
        Path abs = target.toAbsolutePath().normalize();
        requireWritableTarget(target, "--out");
        Path parent = abs.getParent();
        Path tmp = null;
        try {
            try {
                Files.createDirectories(parent);
                tmp = Files.createTempDirectory(parent, "." + abs.getFileName() + ".");
            } catch (IOException e) {
                throw new IOException("cannot create a directory in " + parent + ": " + PendingFiles.reason(e), e);
            }
            PendingFiles.add(tmp);
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            content.writeInto(tmp);
            Path from = tmp;
            Path old = parent.resolve("." + abs.getFileName() + ".old-" + Long.toHexString(System.nanoTime()));
            boolean moved = PendingFiles.commit(tmp, () -> {
                boolean hadOld = Files.exists(abs);
                if (hadOld) {
                    Files.move(abs, old);
                }
                try {
                    Files.move(from, abs);
                } catch (IOException e) {
                    if (hadOld) {
                        Files.move(old, abs);
                    }
                    throw e;
                }
                if (hadOld) {
                    PendingFiles.deleteTree(old);
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
                PendingFiles.deleteTree(tmp);
                PendingFiles.remove(tmp);
            }
        }
    }
}
