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
     * "... is not a regular file"; any other I/O failure an {@link UncheckedIOException} naming the file.
     */
    static <T> T read(Path file, String what, BiFunction<InputStream, String, T> reader) {
        if (!Files.exists(file)) {
            throw new FormatException(what + " file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new FormatException(what + " file " + file + " is not a regular file");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return reader.apply(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new FormatException(what + " file " + file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot read " + what + " file " + file + ": " + e.getMessage(), e));
        }
    }
}
