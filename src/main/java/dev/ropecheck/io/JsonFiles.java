package dev.ropecheck.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.BiFunction;

/** Opening a document file for one of the readers, with the same messages for every format. */
final class JsonFiles {
    private JsonFiles() {
    }

    /**
     * Reads {@code file} with {@code reader} (given the buffered stream and the file's name for messages). A missing
     * file or one that is not a regular file is a {@link FormatException} "{@code what} file ... does not exist" /
     * "... is not a regular file"; any other I/O failure an {@link UncheckedIOException} naming the file and the
     * reason ("permission denied", "Is a directory", ...).
     */
    static <T> T read(Path file, String what, BiFunction<InputStream, String, T> reader) {
        if (!Files.exists(file)) {
            throw new FormatException(what + " file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new FormatException(what + " file " + file + " is not a regular file");
        }
        InputStream raw;
        try {
            raw = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new FormatException(what + " file " + file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot read " + what + " file " + file + ": "
                    + PendingFiles.reason(e), e));
        }
        try (InputStream in = new BufferedInputStream(raw, 1 << 16)) {
            return reader.apply(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot read " + what + " file " + file + ": "
                    + PendingFiles.reason(e), e));
        } catch (UncheckedIOException e) {
            IOException cause = e.getCause();
            String m = cause.getMessage() != null && cause.getMessage().startsWith("cannot read") ? cause.getMessage()
                    : "cannot read " + what + " file " + file + ": " + PendingFiles.reason(cause);
            throw new UncheckedIOException(new IOException(m, cause));
        }
    }
}
