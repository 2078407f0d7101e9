package dev.ropecheck.io;

import com.fasterxml.jackson.core.JsonToken;
import dev.ropecheck.model.ProblemSet;
import java.nio.file.Path;

/**
 * Reads an instance file of either version (specs/format-instance.md): {@code rope-attention-instance/1}
 * through {@link InstanceReader} (one problem), {@code rope-attention-instance/2} through
 * {@link KernelInstanceReader}; the {@code format} field decides.
 */
public final class Instances {
    private Instances() {
    }

    /** The problems of {@code file}. */
    public static ProblemSet read(Path file) {
        if (KernelInstanceReader.TAG.equals(formatTag(file))) {
            return KernelInstanceReader.read(file);
        }
        return ProblemSet.of(InstanceReader.read(file));
    }

    /** True when {@code file} is a version-2 instance. */
    public static boolean isVersion2(Path file) {
        return KernelInstanceReader.TAG.equals(formatTag(file));
    }

    /**
     * The top-level {@code format} string of a JSON document, or null when it has none; other values are
     * skipped token by token (linear, no number conversion). Malformed JSON is left to the full reader.
     */
    static String formatTag(Path file) {
        try {
            return JsonFiles.read(file, "instance", (in, source) -> {
                try (JsonIn json = new JsonIn(in, source, JsonIn.Kind.INSTANCE)) {
                    json.startDocument();
                    while (json.next() == JsonToken.FIELD_NAME) {
                        if (json.fieldName().equals("format")) {
                            JsonToken t = json.next();
                            return t == JsonToken.VALUE_STRING ? json.text("format") : null;
                        }
                        json.next();
                        json.skipValue();
                    }
                    return null;
                }
            });
        } catch (FormatException e) {
            return null;
        }
    }
}
