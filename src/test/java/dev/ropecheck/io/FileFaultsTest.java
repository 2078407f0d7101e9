package dev.ropecheck.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File faults (issue 13): reasons in the user's terms, the target named (never the temporary file), nothing left. */
class FileFaultsTest {
    @TempDir
    Path dir;

    @Test
    void reasonsAreTheUsersWords() {
        assertEquals("permission denied", PendingFiles.reason(new AccessDeniedException("/x/.R.json123.tmp")));
        assertEquals("No space left on device", PendingFiles.reason(new FileSystemException("/x", null,
                "No space left on device")));
        assertEquals("a\\nb", PendingFiles.reason(new IOException("a\nb")));
    }

    @Test
    void aFailedWriteNamesTheTargetAndLeavesNothing() throws IOException {
        Path target = dir.resolve("R.json");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> AtomicFile.write(target, o -> {
            o.write(new byte[1000]);
            throw new FileSystemException(target.toString(), null, "No space left on device");
        }));
        assertEquals("cannot write " + target + ": No space left on device", e.getCause().getMessage());
        assertFalse(e.getCause().getMessage().contains(".tmp"));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void aDirectoryAsTargetOrInputIsNamed() throws IOException {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> AtomicFile.write(dir, o -> o.write(1)));
        assertTrue(e.getCause().getMessage().contains("is a directory"), e.getCause().getMessage());
        FormatException f = assertThrows(FormatException.class, () -> InstanceReader.read(dir));
        assertTrue(f.getMessage().contains("is not a regular file"), f.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AtomicDirectory.requireWritableTarget(
                Files.writeString(dir.resolve("f"), "x"), "--out"));
    }
}
