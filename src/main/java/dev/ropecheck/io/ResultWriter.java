package dev.ropecheck.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ropecheck.engine.Quantity;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Writes a {@link ResultDocument} as {@code rope-attention-result/1} (specs/format-result.md).
 * Doubles are written with {@link Double#toString} (shortest round-trip text); entries that carry
 * decimal text are written as JSON strings verbatim; non-finite doubles as the strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 */
public final class ResultWriter {
    private static final JsonFactory FACTORY = new JsonFactory();

    private ResultWriter() {
    }

    /** Writes {@code doc} to {@code out} (does not close it). */
    public static void write(ResultDocument doc, OutputStream out) throws IOException {
        try (JsonGenerator gen = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            gen.writeStartObject();
            gen.writeStringField("format", ResultFormat.TAG);
            gen.writeStringField("engine", doc.engine());
            gen.writeNumberField("n", doc.n());
            gen.writeNumberField("d", doc.d());
            gen.writeRaw('\n');
            for (Quantity q : doc.quantities()) {
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
}
