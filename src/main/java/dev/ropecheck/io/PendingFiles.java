package dev.ropecheck.io;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The temporary files and directories an {@link AtomicFile} or {@link AtomicDirectory} write is filling, removed by
 * a JVM shutdown hook when the process ends before they are moved into place (SIGTERM, SIGINT, {@code System.exit}
 * from another thread; issue 13: "nothing is left behind on any exit"). Once the hook has started, no further
 * move into place happens ({@link #commit} returns false), so an interrupted write never leaves a partial target.
 */
final class PendingFiles {
    private static final Set<Path> PENDING = new LinkedHashSet<>();
    private static boolean hooked;
    private static boolean shuttingDown;

    private PendingFiles() {
    }

    /** Registers {@code tmp} (a file or a directory tree) for removal at shutdown. */
    static synchronized void add(Path tmp) {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(PendingFiles::removeAll, "ropecheck-cleanup"));
            hooked = true;
        }
        PENDING.add(tmp);
    }

    /** Forgets {@code tmp} (it was moved into place or removed). */
    static synchronized void remove(Path tmp) {
        PENDING.remove(tmp);
    }

    /**
     * Runs {@code move} (which moves {@code tmp} into place) unless shutdown began; returns whether it ran. The move
     * and the shutdown hook exclude each other.
     */
    static synchronized boolean commit(Path tmp, IoAction move) throws IOException {
        if (shuttingDown) {
            return false;
        }
        move.run();
        PENDING.remove(tmp);
        return true;
    }

    /** An I/O step. */
    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }

    private static synchronized void removeAll() {
        shuttingDown = true;
        for (Path p : PENDING) {
            deleteTree(p);
        }
        PENDING.clear();
    }

    /** Deletes {@code p} and, when it is a directory, everything under it; best effort. */
    static void deleteTree(Path p) {
        try {
            if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            Files.walkFileTree(p, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort: the temporary names are hidden and say what they belong to
        }
    }

    /** One line saying why an I/O step failed, in the user's terms (permission denied, no space left, ...). */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof java.nio.file.FileSystemException) {
            String r = ((java.nio.file.FileSystemException) e).getReason();
            if (r != null) {
                return InputText.oneLine(r);
            }
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : InputText.oneLine(m);
    }
}
