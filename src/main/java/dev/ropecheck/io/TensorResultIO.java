package dev.ropecheck.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonToken;
import dev.ropecheck.tensor.engine.TensorQuantity;
import dev.ropecheck.tensor.model.TensorInstance;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Writes and reads {@code tensor-attention-result/1} documents (specs/format-tensor-instance.md), laid out like
 * {@code rope-attention-result/1}: {@code format, engine, n, d}, one field per {@link TensorQuantity#key()}
 * (scalar, vector or matrix; doubles as shortest round-trip text, reference entries as decimal strings) and a
 * string-valued {@code meta} object. Reading rounds to the nearest double and accepts {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}.
 */
public final class TensorResultIO {
    private static final JsonFactory FACTORY = new JsonFactory();

    private TensorResultIO() {
    }

    /** Writes {@code doc} to {@code out} (does not close it). */
    public static void write(TensorResultDocument doc, OutputStream out) throws IOException {
        try (JsonGenerator gen = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            gen.writeStartObject();
            gen.writeStringField("format", TensorFormat.RESULT_TAG);
            gen.writeStringField("engine", doc.engine());
            gen.writeNumberField("n", doc.n());
            gen.writeNumberField("d", doc.d());
            gen.writeRaw('\n');
            for (TensorQuantity q : doc.quantities()) {
                gen.writeFieldName(q.key());
                Grid g = doc.grid(q);
                if (g.dims() == 0) {
                    value(gen, g, 0, 0);
                } else if (g.dims() == 1) {
                    gen.writeStartArray();
                    for (int r = 0; r < g.rows(); r++) {
                        value(gen, g, r, 0);
                    }
                    gen.writeEndArray();
                } else {
                    gen.writeStartArray();
                    for (int r = 0; r < g.rows(); r++) {
                        gen.writeStartArray();
                        for (int c = 0; c < g.cols(); c++) {
                            value(gen, g, r, c);
                        }
                        gen.writeEndArray();
                        if (g.rows() > 1) {
                            gen.writeRaw('\n');
                        }
                    }
                    gen.writeEndArray();
                }
                gen.writeRaw('\n');
            }
            gen.writeObjectFieldStart("meta");
            for (Map.Entry<String, String> e : doc.meta().entrySet()) {
                gen.writeStringField(e.getKey(), e.getValue());
            }
            gen.writeEndObject();
            gen.writeEndObject();
            gen.writeRaw('\n');
            gen.flush();
        }
    }

    private static void value(JsonGenerator gen, Grid g, int r, int c) throws IOException {
        String text = g.text(r, c);
        if (text != null) {
            gen.writeString(text);
            return;
        }
        double v = g.get(r, c);
        if (Double.isFinite(v)) {
            gen.writeNumber(Double.toString(v));
        } else {
            gen.writeString(Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        }
    }

    /** Reads {@code file}; a missing file is a {@link FormatException} naming it. */
    public static TensorResultDocument read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new FormatException("result file " + file + (Files.exists(file) ? " is not a regular file" : " does not exist"));
        }
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot read result file " + file + ": " + e.getMessage(), e));
        }
    }

    /** Reads one result document from {@code in}; {@code source} names it in messages. */
    public static TensorResultDocument read(InputStream in, String source) {
        try (JsonIn json = new JsonIn(in, source)) {
            json.startDocument();
            String format = null;
            String engine = null;
            Long n = null;
            Long d = null;
            Map<TensorQuantity, Grid> grids = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            Set<String> seen = new HashSet<>();
            while (json.next() != JsonToken.END_OBJECT) {
                String field = json.fieldName();
                if (!seen.add(field)) {
                    throw json.error("field \"" + field + "\" appears twice");
                }
                switch (field) {
                    case "format":
                        format = json.readString("format");
                        if (!TensorFormat.RESULT_TAG.equals(format)) {
                            throw json.error("format = \"" + format + "\" is not supported; expected \""
                                    + TensorFormat.RESULT_TAG + "\"");
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
                        ResultReader.readMeta(json, meta);
                        break;
                    default:
                        TensorQuantity q;
                        try {
                            q = TensorQuantity.byKey(field);
                        } catch (IllegalArgumentException e) {
                            throw json.error("unknown field \"" + field + "\"; a tensor result has format, engine, n, d,"
                                    + " meta and the quantities " + java.util.Arrays.toString(keys()));
                        }
                        grids.put(q, json.readAny(field, JsonIn.Numbers.ROUNDED));
                }
            }
            json.endDocument();
            if (format == null) {
                throw json.error("field \"format\" is missing (expected \"" + TensorFormat.RESULT_TAG + "\")");
            }
            if (engine == null) {
                throw json.error("field \"engine\" is missing");
            }
            if (n == null || d == null) {
                throw json.error("field \"" + (n == null ? "n" : "d") + "\" is missing");
            }
            if (n < 1 || n > TensorInstance.MAX_N || d < 1 || d > TensorInstance.MAX_D) {
                throw json.error("n = " + n + ", d = " + d + " must lie in [1, " + TensorInstance.MAX_N + "] x [1, "
                        + TensorInstance.MAX_D + "]");
            }
            TensorResultDocument doc = new TensorResultDocument(engine, (int) (long) n, (int) (long) d);
            for (Map.Entry<TensorQuantity, Grid> e : grids.entrySet()) {
                try {
                    doc.putGrid(e.getKey(), e.getValue());
                } catch (IllegalArgumentException ex) {
                    throw json.error(ex.getMessage());
                }
            }
            meta.forEach(doc::meta);
            return doc;
        }
    }

    private static String[] keys() {
        TensorQuantity[] all = TensorQuantity.values();
        String[] k = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            k[i] = all[i].key();
        }
        return k;
    }
}
