package dev.ropecheck.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Names of the tensor attention formats (specs/format-tensor-instance.md) and {@link #formatOf}, which tells
 * an instance or result file's format tag so the CLI can dispatch between RoPE and tensor documents.
 */
public final class TensorFormat {
    /** The format tag of a tensor attention instance. */
    public static final String INSTANCE_TAG = "tensor-attention-instance/1";
    /** The format tag of a tensor attention result. */
    public static final String RESULT_TAG = "tensor-attention-result/1";

    private static final JsonFactory FACTORY = new JsonFactory();

    private TensorFormat() {
    }

    /**
     * The value of the top-level {@code "format"} field of {@code file} (other fields are skipped without being
     * parsed into numbers), or {@code null} when there is none or the file is not a JSON object; the full
     * readers report what is wrong.
     */
    public static String formatOf(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
                JsonParser p = FACTORY.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("format".equals(name)) {
                    return v == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            // malformed or unreadable: the full reader reports it, in one line naming the file
            return null;
        }
    }

    /** True when {@code file} declares {@link #INSTANCE_TAG}. */
    public static boolean isTensorInstance(Path file) {
        return INSTANCE_TAG.equals(formatOf(file));
    }
}
