package dev.ropecheck.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonToken;
import dev.ropecheck.engine.NamedQuantity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The one JSON writer and reader of result documents, shared by {@code rope-attention-result/1}
 * ({@link ResultWriter}, {@link ResultReader}) and {@code tensor-attention-result/1} ({@link TensorResultIO}). The
 * layout is {@code format, engine, n, d}, one field per quantity key (a scalar, a vector or a matrix; one line per
 * field and per matrix row) and a string-valued {@code meta} object. Doubles are written with
 * {@link ExactDecimal#shortestText} (shortest round-trip text), entries that carry decimal text as JSON strings verbatim,
 * non-finite doubles as {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}; reading rounds to the nearest double.
 * What differs between the two formats (tag, quantity enum, limits, wording of messages) is a {@link Dialect}.
 */
final class ResultJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private ResultJson() {
    }

    /**
     * What one result format fixes.
     *
     * @param tag the {@code format} tag
     * @param newDocument makes an empty document from {@code engine, n, d}
     * @param byKey the quantity with a key ({@link IllegalArgumentException} when there is none)
     * @param noun what an unknown-field message calls the document ("a result")
     * @param keys the quantity keys as an unknown-field message lists them
     * @param maxN the largest {@code n}
     * @param maxD the largest {@code d}
     * @param limits the bounds as the size message states them ("[1, 2^24] x [1, 256]")
     * @param checkGrid checks a read grid before {@link QuantityDocument#putGrid} stores it
     */
    record Dialect<Q extends Enum<Q> & NamedQuantity, D extends QuantityDocument<Q, D>>(String tag,
            DocumentFactory<D> newDocument, Function<String, Q> byKey, String noun, String keys, long maxN, long maxD,
            String limits, GridCheck<Q, D> checkGrid) {
    }

    /** Makes an empty document. */
    interface DocumentFactory<D> {
        D make(String engine, int n, int d);
    }

    /** Checks a read grid of {@code q} against {@code doc} (its {@code n, d}); throws {@code json.error(...)}. */
    interface GridCheck<Q, D> {
        void check(JsonIn json, D doc, Q q, Grid g);
    }

    /** Writes {@code doc} under {@code tag} to {@code out} (does not close it). */
    static <Q extends Enum<Q> & NamedQuantity> void write(QuantityDocument<Q, ?> doc, String tag, OutputStream out)
            throws IOException {
        try (JsonGenerator gen = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            gen.writeStartObject();
            gen.writeStringField("format", tag);
            gen.writeStringField("engine", doc.engine());
            gen.writeNumberField("n", doc.n());
            gen.writeNumberField("d", doc.d());
            gen.writeRaw('\n');
            for (Q q : doc.quantities()) {
                gen.writeFieldName(q.key());
                grid(gen, doc.grid(q));
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

    private static void grid(JsonGenerator gen, Grid g) throws IOException {
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
    }

    private static void value(JsonGenerator gen, Grid g, int r, int c) throws IOException {
        String text = g.text(r, c);
        if (text != null) {
            gen.writeString(text);
            return;
        }
        double v = g.get(r, c);
        if (Double.isFinite(v)) {
            gen.writeNumber(ExactDecimal.shortestText(v));
        } else {
            gen.writeString(Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        }
    }

    /** Reads one result document of {@code dialect} from {@code in}; {@code source} names it in messages. */
    static <Q extends Enum<Q> & NamedQuantity, D extends QuantityDocument<Q, D>> D read(InputStream in, String source,
            Dialect<Q, D> dialect) {
        try (JsonIn json = new JsonIn(in, source)) {
            return read(json, dialect);
        }
    }

    /**
     * Reads one result document of {@code dialect} from {@code json} (which it does not close): unknown and repeated
     * fields are rejected, every grid's shape is checked against {@code n, d}; every failure is a
     * {@link FormatException} naming the source and the field.
     */
    private static <Q extends Enum<Q> & NamedQuantity, D extends QuantityDocument<Q, D>> D read(JsonIn json,
            Dialect<Q, D> dialect) {
        DocumentHeader header = new DocumentHeader(dialect.tag());
        json.startDocument();
        String engine = null;
        Map<Q, Grid> grids = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        while (json.next() != JsonToken.END_OBJECT) {
            String field = header.field(json);
            if (header.read(json, field)) {
                continue;
            }
            switch (field) {
                case "engine":
                    engine = json.readString("engine");
                    break;
                case "meta":
                    readMeta(json, meta);
                    break;
                default:
                    Q q;
                    try {
                        q = dialect.byKey().apply(field);
                    } catch (IllegalArgumentException e) {
                        throw json.error("unknown field " + InputText.quote(field) + "; " + dialect.noun()
                                + " has format, engine, n, d, meta and the quantities " + dialect.keys());
                    }
                    grids.put(q, json.readAny(field, JsonIn.Numbers.ROUNDED));
            }
        }
        json.endDocument();
        header.requireFormat(json);
        if (engine == null) {
            throw json.error("field \"engine\" is missing");
        }
        header.requireSize(json);
        long n = header.n();
        long d = header.d();
        if (n < 1 || n > dialect.maxN() || d < 1 || d > dialect.maxD()) {
            throw json.error("n = " + n + ", d = " + d + " must lie in " + dialect.limits());
        }
        D doc = dialect.newDocument().make(engine, (int) header.n(), (int) header.d());
        for (Map.Entry<Q, Grid> e : grids.entrySet()) {
            dialect.checkGrid().check(json, doc, e.getKey(), e.getValue());
            try {
                doc.putGrid(e.getKey(), e.getValue());
            } catch (IllegalArgumentException ex) {
                throw json.error(ex.getMessage());
            }
        }
        meta.forEach(doc::meta);
        return doc;
    }

    /** Reads the {@code meta} object; structured values become {@code "(structured)"}. */
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
