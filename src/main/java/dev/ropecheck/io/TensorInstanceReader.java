package dev.ropecheck.io;

import com.fasterxml.jackson.core.JsonToken;
import dev.ropecheck.tensor.model.TensorInstance;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and validates a {@code tensor-attention-instance/1} document (specs/format-tensor-instance.md) into a
 * {@link TensorInstance}, with the rules of the RoPE instance ({@link InstanceReader}): every number (a JSON number
 * or a decimal string) must be exactly a binary64 value, else a {@link FormatException} names the field and the
 * index; shapes are checked against {@code n, d}; every failure names the source.
 *
 * <p>Fields: {@code format, n, d, A1..A5, E} ({@code n x d}), {@code X} ({@code d x d^2}) or
 * {@code WQ, WK1, WK2} ({@code d x d}), {@code Y} ({@code d^2 x d}) or {@code WV1, WV2} ({@code d x d}),
 * optional {@code bound} and {@code comment}.
 */
public final class TensorInstanceReader {
    private static final Set<String> FIELDS = Set.of("format", "n", "d", "bound", "A1", "A2", "A3", "A4", "A5", "E",
            "X", "Y", "WQ", "WK1", "WK2", "WV1", "WV2", "comment");

    private TensorInstanceReader() {
    }

    /** Reads {@code file}; a missing file is a {@link FormatException} naming it. */
    public static TensorInstance read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new FormatException("instance file " + file + (Files.exists(file) ? " is not a regular file"
                    : " does not exist"));
        }
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new FormatException("instance file " + file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot read instance file " + file + ": " + e.getMessage(), e));
        }
    }

    /** Reads one instance document from {@code in}; {@code source} names it in messages. */
    public static TensorInstance read(InputStream in, String source) {
        try (JsonIn json = new JsonIn(in, source)) {
            return parse(json);
        }
    }

    private static TensorInstance parse(JsonIn json) {
        json.startDocument();
        Map<String, Grid> m = new HashMap<>();
        Set<String> seen = new HashSet<>();
        String format = null;
        Long n = null;
        Long d = null;
        Double bound = null;
        while (json.next() != JsonToken.END_OBJECT) {
            String field = json.fieldName();
            if (!seen.add(field)) {
                throw json.error("field \"" + field + "\" appears twice");
            }
            if (!FIELDS.contains(field)) {
                throw json.error("unknown field \"" + field + "\"; a tensor instance has the fields " + new TreeSet<>(FIELDS));
            }
            switch (field) {
                case "format":
                    format = json.readString("format");
                    if (!TensorFormat.INSTANCE_TAG.equals(format)) {
                        throw json.error("format = \"" + format + "\" is not supported; expected \""
                                + TensorFormat.INSTANCE_TAG + "\"");
                    }
                    break;
                case "n":
                    n = json.readInteger("n");
                    break;
                case "d":
                    d = json.readInteger("d");
                    break;
                case "bound":
                    bound = json.readExact("bound");
                    break;
                case "comment":
                    json.next();
                    json.skipValue();
                    break;
                default:
                    m.put(field, json.readMatrix(field, JsonIn.Numbers.EXACT));
            }
        }
        json.endDocument();
        if (format == null) {
            throw json.error("field \"format\" is missing (expected \"" + TensorFormat.INSTANCE_TAG + "\")");
        }
        if (n == null || d == null) {
            throw json.error("field \"" + (n == null ? "n" : "d") + "\" is missing");
        }
        if (n < 1 || n > TensorInstance.MAX_N) {
            throw json.error("n = " + n + " must lie in [1, " + TensorInstance.MAX_N + "]");
        }
        if (d < 1 || d > TensorInstance.MAX_D) {
            throw json.error("d = " + d + " must lie in [1, " + TensorInstance.MAX_D + "]");
        }
        int nn = (int) (long) n;
        int dd = (int) (long) d;
        TensorInstance.Builder b = TensorInstance.builder();
        for (String name : new String[] {"A1", "A2", "A3", "A4", "A5", "E"}) {
            shape(json, m, name, nn, dd, "n x d");
        }
        b.a1(m.get("A1").toMatrix()).a2(m.get("A2").toMatrix()).a3(m.get("A3").toMatrix()).a4(m.get("A4").toMatrix())
                .a5(m.get("A5").toMatrix()).e(m.get("E").toMatrix());
        boolean hasKeyWeights = m.containsKey("WQ") || m.containsKey("WK1") || m.containsKey("WK2");
        if (m.containsKey("X") && hasKeyWeights) {
            throw json.error("give either X or WQ, WK1 and WK2, not both");
        }
        if (hasKeyWeights || !m.containsKey("X")) {
            for (String name : new String[] {"WQ", "WK1", "WK2"}) {
                if (!m.containsKey(name)) {
                    throw json.error("field \"" + name + "\" is missing (give X, d x d^2 = " + dd + "x" + dd * dd
                            + ", or all of WQ, WK1, WK2, d x d)");
                }
                shape(json, m, name, dd, dd, "d x d");
            }
            b.wq(m.get("WQ").toMatrix()).wk1(m.get("WK1").toMatrix()).wk2(m.get("WK2").toMatrix());
        } else {
            shape(json, m, "X", dd, dd * dd, "d x d^2");
            b.x(m.get("X").toMatrix());
        }
        boolean hasValueWeights = m.containsKey("WV1") || m.containsKey("WV2");
        if (m.containsKey("Y") && hasValueWeights) {
            throw json.error("give either Y or WV1 and WV2, not both");
        }
        if (hasValueWeights || !m.containsKey("Y")) {
            for (String name : new String[] {"WV1", "WV2"}) {
                if (!m.containsKey(name)) {
                    throw json.error("field \"" + name + "\" is missing (give Y, d^2 x d = " + dd * dd + "x" + dd
                            + ", or both WV1, WV2, d x d)");
                }
                shape(json, m, name, dd, dd, "d x d");
            }
            b.wv1(m.get("WV1").toMatrix()).wv2(m.get("WV2").toMatrix());
        } else {
            shape(json, m, "Y", dd * dd, dd, "d^2 x d");
            b.y(m.get("Y").toMatrix());
        }
        if (bound != null) {
            if (!(bound > 0)) {
                throw json.error("bound = " + bound + " must be > 0");
            }
            b.entryBound(bound);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw json.error(e.getMessage().replace("W_Q", "WQ").replace("W_K", "WK").replace("W_V", "WV"));
        }
    }

    private static void shape(JsonIn json, Map<String, Grid> m, String name, int rows, int cols, String what) {
        Grid g = m.get(name);
        if (g == null) {
            throw json.error("field \"" + name + "\" is missing (" + what + " = " + rows + "x" + cols + ")");
        }
        if (g.rows() != rows || g.cols() != cols) {
            throw json.error(name + " has shape " + g.rows() + "x" + g.cols() + " but must be " + what + " = " + rows + "x"
                    + cols);
        }
    }
}
