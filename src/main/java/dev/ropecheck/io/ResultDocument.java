package dev.ropecheck.io;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * The content of a {@code rope-attention-result/1} document (specs/format-result.md): the engine's
 * name, {@code n, d}, some {@link Quantity quantities} and string metadata.
 *
 * <p>Each quantity is a {@link Grid}: doubles, and optionally per-entry decimal text. Double
 * engines fill only the doubles (written with {@link Double#toString}, the shortest text that
 * reads back to the same double); an arbitrary-precision engine puts its decimal strings with
 * {@link #putDecimal} (written verbatim, all trusted digits), the doubles then being their correctly
 * rounded values.
 */
public final class ResultDocument {
    private final String engine;
    private final int n;
    private final int d;
    private final Map<Quantity, Grid> fields = new EnumMap<>(Quantity.class);
    private final Map<String, String> meta = new LinkedHashMap<>();

    public ResultDocument(String engine, int n, int d) {
        if (engine == null || engine.isBlank()) {
            throw new IllegalArgumentException("engine name is missing");
        }
        this.engine = engine;
        this.n = n;
        this.d = d;
    }

    /**
     * The quantities of {@code result} (n x n ones only when {@code includeQuadratic}) and its
     * metadata.
     */
    public static ResultDocument of(RopeResult result, int n, int d, boolean includeQuadratic) {
        ResultDocument doc = new ResultDocument(result.engine(), n, d);
        for (Quantity q : result.quantities()) {
            if (q.isQuadratic() && !includeQuadratic) {
                continue;
            }
            doc.put(q, result.get(q));
        }
        doc.meta.putAll(result.metadata());
        return doc;
    }

    public String engine() {
        return engine;
    }

    public int n() {
        return n;
    }

    public int d() {
        return d;
    }

    /** Stores {@code q} as doubles; the shape must be {@code q.shape()} for this {@code n, d}. */
    public ResultDocument put(Quantity q, DMatrixRMaj value) {
        requireShape(q, value.numRows, value.numCols);
        fields.put(q, new Grid(value.numRows, value.numCols, dims(q),
                java.util.Arrays.copyOf(value.data, value.numRows * value.numCols), null));
        return this;
    }

    /**
     * Stores {@code q} as decimal text, row-major ({@code text[r][c]}), e.g. an apfloat's
     * {@code toString(true)}; the doubles are the correctly rounded values.
     *
     * @throws IllegalArgumentException when the shape is wrong or an entry is not a decimal number
     */
    public ResultDocument putDecimal(Quantity q, String[][] text) {
        int rows = text.length;
        int cols = rows == 0 ? 0 : text[0].length;
        requireShape(q, rows, cols);
        double[] data = new double[rows * cols];
        String[] flat = new String[rows * cols];
        for (int r = 0; r < rows; r++) {
            if (text[r].length != cols) {
                throw new IllegalArgumentException(q.key() + "[" + r + "] has " + text[r].length + " entries, not " + cols);
            }
            for (int c = 0; c < cols; c++) {
                BigDecimal v = ExactDecimal.parse(text[r][c], q.key() + "[" + r + "][" + c + "]");
                data[r * cols + c] = v.doubleValue();
                flat[r * cols + c] = text[r][c].trim();
            }
        }
        fields.put(q, new Grid(rows, cols, dims(q), data, flat));
        return this;
    }

    /** Stores a grid read from a file (shape checked). */
    ResultDocument putGrid(Quantity q, Grid g) {
        requireShape(q, g.rows(), g.cols());
        fields.put(q, g);
        return this;
    }

    private void requireShape(Quantity q, int rows, int cols) {
        int wr = q.shape().rows(n, d);
        int wc = q.shape().cols(n, d);
        if (rows != wr || cols != wc) {
            throw new IllegalArgumentException(q.key() + " has shape " + rows + "x" + cols + " but must be " + wr + "x"
                    + wc + " for n = " + n + ", d = " + d);
        }
    }

    static int dims(Quantity q) {
        switch (q.shape()) {
            case ONE:
                return 0;
            case N_1:
                return 1;
            default:
                return 2;
        }
    }

    public ResultDocument meta(String key, String value) {
        meta.put(key, value);
        return this;
    }

    public Map<String, String> meta() {
        return Collections.unmodifiableMap(meta);
    }

    public boolean has(Quantity q) {
        return fields.containsKey(q);
    }

    public Grid grid(Quantity q) {
        Grid g = fields.get(q);
        if (g == null) {
            throw new IllegalArgumentException("the result of engine " + engine + " holds no field \"" + q.key() + "\"");
        }
        return g;
    }

    /** The quantities held, in {@link Quantity} order. */
    public java.util.Set<Quantity> quantities() {
        return Collections.unmodifiableSet(fields.keySet());
    }

    /** The doubles as a {@link RopeResult}. */
    public RopeResult toResult() {
        RopeResult.Builder b = RopeResult.builder(engine);
        for (Map.Entry<Quantity, Grid> e : fields.entrySet()) {
            b.put(e.getKey(), e.getValue().toMatrix());
        }
        meta.forEach(b::meta);
        return b.build();
    }
}
