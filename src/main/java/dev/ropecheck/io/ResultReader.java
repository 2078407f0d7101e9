package dev.ropecheck.io;

import com.fasterxml.jackson.core.JsonToken;
import dev.ropecheck.engine.Quantity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates a {@code rope-attention-result/1} document (specs/format-result.md). Numbers
 * (JSON numbers or decimal strings) are rounded to the nearest double; decimal strings are kept as
 * text. Every field's shape is checked against {@code n, d}; unknown fields are rejected.
 */
public final class ResultReader {
    private ResultReader() {
    }

    public static ResultDocument read(Path file) {
        if (!Files.exists(file)) {
            throw new FormatException("result file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new FormatException("result file " + file + " is not a regular file");
        }
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot read result file " + file + ": " + e.getMessage(), e));
        }
    }

    public static ResultDocument read(InputStream in, String source) {
        try (JsonIn json = new JsonIn(in, source)) {
            json.startDocument();
            String format = null;
            String engine = null;
            Long n = null;
            Long d = null;
            Map<Quantity, Grid> grids = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            Set<String> seen = new HashSet<>();
            JsonToken t;
            while ((t = json.next()) != JsonToken.END_OBJECT) {
                String field = json.fieldName();
                if (!seen.add(field)) {
                    throw json.error("field \"" + field + "\" appears twice");
                }
                switch (field) {
                    case "format":
                        format = json.readString("format");
                        if (!ResultFormat.TAG.equals(format)) {
                            throw json.error("format = \"" + format + "\" is not supported; expected \"" + ResultFormat.TAG
                                    + "\"");
                        }
                        break;
                    case "engine":
                        engine = json.readString("engine");
                        break;
                    case "n":
                        n = json.readInteger("n");
                        break;
                    case "d":
                        d = json.readInteger("d");
                        break;
                    case "meta":
                        readMeta(json, meta);
                        break;
                    default:
                        Quantity q;
                        try {
                            q = Quantity.byKey(field);
                        } catch (IllegalArgumentException e) {
                            throw json.error("unknown field \"" + field + "\"; a result has format, engine, n, d, meta and"
                                    + " the quantities " + keys());
                        }
                        grids.put(q, json.readAny(field, JsonIn.Numbers.ROUNDED));
                }
            }
            json.endDocument();
            if (format == null) {
                throw json.error("field \"format\" is missing (expected \"" + ResultFormat.TAG + "\")");
            }
            if (engine == null) {
                throw json.error("field \"engine\" is missing");
            }
            if (n == null || d == null) {
                throw json.error("field \"" + (n == null ? "n" : "d") + "\" is missing");
            }
            if (n < 1 || n > (1 << 24) || d < 1 || d > 256) {
                throw json.error("n = " + n + ", d = " + d + " must lie in [1, 2^24] x [1, 256]");
            }
            ResultDocument doc = new ResultDocument(engine, (int) (long) n, (int) (long) d);
            for (Map.Entry<Quantity, Grid> e : grids.entrySet()) {
                Quantity q = e.getKey();
                Grid g = e.getValue();
                int want = ResultDocument.dims(q);
                if (g.dims() != want) {
                    throw json.error(q.key() + " is " + describe(g.dims()) + " but must be " + describe(want) + " ("
                            + q.shape().rows(doc.n(), doc.d()) + "x" + q.shape().cols(doc.n(), doc.d()) + ")");
                }
                try {
                    doc.putGrid(q, g);
                } catch (IllegalArgumentException ex) {
                    throw json.error(ex.getMessage());
                }
            }
            meta.forEach(doc::meta);
            return doc;
        }
    }

    private static String describe(int dims) {
        return dims == 0 ? "a scalar" : dims == 1 ? "a vector" : "a matrix";
    }

    private static String keys() {
        StringBuilder sb = new StringBuilder();
        for (Quantity q : Quantity.values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(q.key());
        }
        return sb.toString();
    }

    private static void readMeta(JsonIn json, Map<String, String> meta) {
        JsonToken t = json.next();
        if (t != JsonToken.START_OBJECT) {
            throw json.error("meta: expected an object, found " + JsonIn.describe(t));
        }
        while ((t = json.next()) != JsonToken.END_OBJECT) {
            String key = json.fieldName();
            t = json.next();
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                json.skipValue();
                meta.put(key, "(structured)");
            } else {
                meta.put(key, json.text());
            }
        }
    }
}
