package dev.ropecheck.io;

import com.fasterxml.jackson.core.JsonToken;
import dev.ropecheck.model.TensorInstance;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

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
        return JsonFiles.read(file, "instance", TensorInstanceReader::read);
    }

    /** Reads one instance document from {@code in}; {@code source} names it in messages. */
    public static TensorInstance read(InputStream in, String source) {
        try (JsonIn json = new JsonIn(in, source, JsonIn.Kind.INSTANCE)) {
            return parse(json);
        }
    }

    private static TensorInstance parse(JsonIn json) {
        InstanceHeader header = new InstanceHeader(TensorFormat.INSTANCE_TAG);
        Map<String, Grid> m = readFields(json, header);
        header.finish(json, TensorInstance.MAX_N, TensorInstance.MAX_D);
        int nn = (int) header.n();
        int dd = (int) header.d();
        TensorInstance.Builder b = TensorInstance.builder();
        for (String name : new String[] {"A1", "A2", "A3", "A4", "A5", "E"}) {
            InstanceHeader.requireShape(json, m, name, nn, dd, "n x d");
        }
        b.a1(m.get("A1").toMatrix()).a2(m.get("A2").toMatrix()).a3(m.get("A3").toMatrix()).a4(m.get("A4").toMatrix())
                .a5(m.get("A5").toMatrix()).e(m.get("E").toMatrix());
        keyWeights(json, m, dd, b);
        valueWeights(json, m, dd, b);
        Double bound = header.bound(json);
        if (bound != null) {
            b.entryBound(bound);
        }
        return InstanceHeader.build(json, b::build);
    }

    /** Reads every field of the document: the header's into {@code header}; returns the matrices by name. */
    private static Map<String, Grid> readFields(JsonIn json, InstanceHeader header) {
        json.startDocument();
        Map<String, Grid> m = new HashMap<>();
        while (json.next() != JsonToken.END_OBJECT) {
            String field = header.knownField(json, FIELDS, "a tensor instance");
            if (!header.read(json, field)) {
                m.put(field, json.readMatrix(field, JsonIn.Numbers.EXACT));
            }
        }
        return m;
    }

    /** Gives {@code b} the key weights: {@code X} ({@code d x d^2}), or {@code WQ, WK1, WK2} ({@code d x d}). */
    private static void keyWeights(JsonIn json, Map<String, Grid> m, int dd, TensorInstance.Builder b) {
        boolean hasKeyWeights = m.containsKey("WQ") || m.containsKey("WK1") || m.containsKey("WK2");
        if (m.containsKey("X") && hasKeyWeights) {
            throw json.error("give either X or WQ, WK1 and WK2, not both");
        }
        if (hasKeyWeights || !m.containsKey("X")) {
            requireWeights(json, m, new String[] {"WQ", "WK1", "WK2"}, dd,
                    "give X, d x d^2 = " + dd + "x" + dd * dd + ", or all of WQ, WK1, WK2, d x d");
            b.wq(m.get("WQ").toMatrix()).wk1(m.get("WK1").toMatrix()).wk2(m.get("WK2").toMatrix());
        } else {
            InstanceHeader.requireShape(json, m, "X", dd, dd * dd, "d x d^2");
            b.x(m.get("X").toMatrix());
        }
    }

    /** Gives {@code b} the value weights: {@code Y} ({@code d^2 x d}), or {@code WV1, WV2} ({@code d x d}). */
    private static void valueWeights(JsonIn json, Map<String, Grid> m, int dd, TensorInstance.Builder b) {
        boolean hasValueWeights = m.containsKey("WV1") || m.containsKey("WV2");
        if (m.containsKey("Y") && hasValueWeights) {
            throw json.error("give either Y or WV1 and WV2, not both");
        }
        if (hasValueWeights || !m.containsKey("Y")) {
            requireWeights(json, m, new String[] {"WV1", "WV2"}, dd,
                    "give Y, d^2 x d = " + dd * dd + "x" + dd + ", or both WV1, WV2, d x d");
            b.wv1(m.get("WV1").toMatrix()).wv2(m.get("WV2").toMatrix());
        } else {
            InstanceHeader.requireShape(json, m, "Y", dd * dd, dd, "d^2 x d");
            b.y(m.get("Y").toMatrix());
        }
    }

    /**
     * A {@link FormatException} unless every one of {@code names} is given, {@code d x d}; {@code alternatives}
     * closes the message of a missing one.
     */
    private static void requireWeights(JsonIn json, Map<String, Grid> m, String[] names, int d, String alternatives) {
        for (String name : names) {
            if (!m.containsKey(name)) {
                throw json.error("field \"" + name + "\" is missing (" + alternatives + ")");
            }
            InstanceHeader.requireShape(json, m, name, d, d, "d x d");
        }
    }
}
