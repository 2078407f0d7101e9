package dev.ropecheck.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.io.IOException;
import java.io.OutputStream;
import org.ejml.data.DMatrixRMaj;

/**
 * Writes {@code rope-attention-instance/1} documents (specs/format-instance.md) as a stream: one
 * row at a time, so an instance never has to be held in memory ({@code make-instance} writes
 * {@code n = 2^18} this way). Every number is written as the shortest decimal that is
 * <em>exactly</em> its double ({@link ExactDecimal#exactText}), so reading the file back gives the
 * same doubles, bit for bit, and the reference engine sees the same rationals.
 *
 * <p>Call order: {@link #begin}, the matrices ({@link #matrix}), one family call, {@link #end}.
 */
public final class InstanceWriter implements AutoCloseable {
    private static final JsonFactory FACTORY = new JsonFactory();

    /** Produces row {@code r} of a matrix into {@code row} (length = column count). */
    @FunctionalInterface
    public interface RowSource {
        void fill(int r, double[] row);
    }

    private final JsonGenerator gen;

    public InstanceWriter(OutputStream out) throws IOException {
        this.gen = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    /** A writer onto characters (e.g. standard output); does not close {@code out}. */
    public InstanceWriter(java.io.Writer out) throws IOException {
        this.gen = FACTORY.createGenerator(out);
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    /** Writes {@code instance} completely to {@code out} (does not close it). */
    public static void write(RopeInstance instance, OutputStream out) throws IOException {
        if (instance.hasUpstreamGradient()) {
            throw new IllegalArgumentException("a rope-attention-instance/1 holds the target E; an instance that gives dO"
                    + " in place of E is a rope-attention-instance/2 (specs/format-instance.md)");
        }
        try (InstanceWriter w = new InstanceWriter(out)) {
            int n = instance.n();
            int d = instance.d();
            w.begin(n, d, instance.entryBound());
            w.matrix("A1", instance.a1());
            w.matrix("A2", instance.a2());
            w.matrix("A3", instance.a3());
            w.matrix("E", instance.e());
            if (instance.hasWeights()) {
                w.matrix("WQ", instance.wq());
                w.matrix("WK", instance.wk());
            } else {
                w.matrix("X", instance.x());
            }
            w.matrix(instance.hasValueWeight() ? "WV" : "Y", instance.y());
            w.family(instance.family(), n);
            w.end();
        }
    }

    /** Opens the object and writes the tag, {@code n}, {@code d} and, when not NaN, {@code bound}. */
    public void begin(int n, int d, double bound) throws IOException {
        begin(n, d, bound, dev.ropecheck.bounds.FloatFormat.FP64);
    }

    /**
     * {@link #begin(int, int, double)}, then {@code "dtype"} when {@code dtype} is not fp64 (absent means fp64, so
     * fp64 files are as before; specs/format-instance.md).
     */
    public void begin(int n, int d, double bound, dev.ropecheck.bounds.FloatFormat dtype) throws IOException {
        begin(InstanceFormat.TAG, n, d, bound, dtype);
    }

    /** {@link #begin(int, int, double, dev.ropecheck.bounds.FloatFormat)} with the format tag {@code tag}. */
    void begin(String tag, int n, int d, double bound, dev.ropecheck.bounds.FloatFormat dtype) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("format", tag);
        gen.writeNumberField("n", n);
        gen.writeNumberField("d", d);
        if (!Double.isNaN(bound)) {
            gen.writeFieldName("bound");
            gen.writeNumber(ExactDecimal.exactText(bound));
        }
        if (dtype != dev.ropecheck.bounds.FloatFormat.FP64) {
            gen.writeStringField("dtype", dtype.label());
        }
        gen.writeRaw('\n');
    }

    /** Writes a dense matrix field. */
    public void matrix(String field, DMatrixRMaj m) throws IOException {
        matrix(field, m.numRows, m.numCols, (r, row) -> {
            for (int c = 0; c < row.length; c++) {
                row[c] = m.unsafe_get(r, c);
            }
        });
    }

    /** Writes a {@code rows x cols} matrix field whose rows come from {@code source}. */
    public void matrix(String field, int rows, int cols, RowSource source) throws IOException {
        gen.writeFieldName(field);
        rows(rows, cols, source);
        gen.writeRaw('\n');
    }

    private void rows(int rows, int cols, RowSource source) throws IOException {
        double[] row = new double[cols];
        gen.writeStartArray();
        for (int r = 0; r < rows; r++) {
            source.fill(r, row);
            gen.writeStartArray();
            for (int c = 0; c < cols; c++) {
                gen.writeNumber(ExactDecimal.exactText(row[c]));
            }
            gen.writeEndArray();
            if (rows > 1) {
                gen.writeRaw('\n');
            }
        }
        gen.writeEndArray();
    }

    /** Writes {@code "family": {"kind":"rope","base":...,"layout":...}}. */
    public void ropeFamily(double base, RopeFamily.Layout layout) throws IOException {
        gen.writeObjectFieldStart("family");
        gen.writeStringField("kind", "rope");
        gen.writeFieldName("base");
        gen.writeNumber(ExactDecimal.exactText(base));
        gen.writeStringField("layout", layout.label());
        gen.writeEndObject();
    }

    /** Writes {@code "family": {"kind":"identity"}}. */
    public void identityFamily() throws IOException {
        gen.writeObjectFieldStart("family");
        gen.writeStringField("kind", "identity");
        gen.writeEndObject();
    }

    /** Supplies {@code W_m} row by row. */
    @FunctionalInterface
    public interface FamilySource {
        void fill(int m, int b, double[] row);
    }

    /**
     * Writes an explicit family: {@code W_m} for {@code m = -(n-1)..n-1} from {@code source}, and the
     * support, when not null.
     */
    public void explicitFamily(int n, int d, FamilySource source, Support support) throws IOException {
        gen.writeObjectFieldStart("family");
        gen.writeStringField("kind", "explicit");
        if (support != null) {
            gen.writeArrayFieldStart("support");
            for (int k = 0; k < support.size(); k++) {
                gen.writeStartArray();
                gen.writeNumber(support.row(k));
                gen.writeNumber(support.col(k));
                gen.writeEndArray();
            }
            gen.writeEndArray();
        }
        gen.writeFieldName("W");
        gen.writeStartArray();
        gen.writeRaw('\n');
        for (int m = -(n - 1); m <= n - 1; m++) {
            final int mm = m;
            rows(d, d, (b, row) -> source.fill(mm, b, row));
            gen.writeRaw('\n');
        }
        gen.writeEndArray();
        gen.writeEndObject();
    }

    /** Writes any family: RoPE and identity by name, every other family explicitly. */
    public void family(PositionFamily family, int n) throws IOException {
        if (family instanceof RopeFamily) {
            RopeFamily r = (RopeFamily) family;
            ropeFamily(r.base(), r.layout());
        } else if (family instanceof IdentityFamily) {
            identityFamily();
        } else {
            explicitFamily(n, family.d(), (m, b, row) -> {
                for (int e = 0; e < row.length; e++) {
                    row[e] = family.weight(m, b, e);
                }
            }, family.support());
        }
    }

    /** Writes a string field. */
    void field(String name, String value) throws IOException {
        gen.writeStringField(name, value);
        gen.writeRaw('\n');
    }

    /** Writes a boolean field. */
    void field(String name, boolean value) throws IOException {
        gen.writeBooleanField(name, value);
        gen.writeRaw('\n');
    }

    /** Writes a number field as the exact decimal of {@code value} (reads back bit for bit). */
    void exactField(String name, double value) throws IOException {
        gen.writeFieldName(name);
        gen.writeNumber(ExactDecimal.exactText(value));
        gen.writeRaw('\n');
    }

    /** Closes the top-level object and flushes. */
    public void end() throws IOException {
        gen.writeEndObject();
        gen.writeRaw('\n');
        gen.flush();
    }

    @Override
    public void close() throws IOException {
        gen.close();
    }
}
