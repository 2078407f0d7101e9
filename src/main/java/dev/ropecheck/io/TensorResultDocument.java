package dev.ropecheck.io;

import dev.ropecheck.tensor.engine.TensorQuantity;
import dev.ropecheck.tensor.engine.TensorResult;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * The content of a {@code tensor-attention-result/1} document (specs/format-tensor-instance.md): the engine, {@code n,
 * d}, some {@link TensorQuantity quantities} and string metadata — the tensor counterpart of {@link ResultDocument}
 * (doubles, and for the reference decimal text with its trusted digits).
 */
public final class TensorResultDocument {
    private final String engine;
    private final int n;
    private final int d;
    private final Map<TensorQuantity, Grid> fields = new EnumMap<>(TensorQuantity.class);
    private final Map<String, String> meta = new LinkedHashMap<>();

    public TensorResultDocument(String engine, int n, int d) {
        if (engine == null || engine.isBlank()) {
            throw new IllegalArgumentException("engine name is missing");
        }
        this.engine = engine;
        this.n = n;
        this.d = d;
    }

    /** The non-quadratic quantities of {@code result} that are in {@code keep} (all when null) and its metadata. */
    public static TensorResultDocument of(TensorResult result, int n, int d, Set<TensorQuantity> keep) {
        TensorResultDocument doc = new TensorResultDocument(result.engine(), n, d);
        for (TensorQuantity q : result.quantities()) {
            if (keep == null || keep.contains(q)) {
                doc.put(q, result.get(q));
            }
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
    public TensorResultDocument put(TensorQuantity q, DMatrixRMaj value) {
        requireShape(q, value.numRows, value.numCols);
        fields.put(q, new Grid(value.numRows, value.numCols, dims(q),
                java.util.Arrays.copyOf(value.data, value.numRows * value.numCols), null));
        return this;
    }

    /** Stores {@code q} as decimal text, row-major; the doubles are the correctly rounded values. */
    public TensorResultDocument putDecimal(TensorQuantity q, String[][] text) {
        int rows = text.length;
        int cols = rows == 0 ? 0 : text[0].length;
        requireShape(q, rows, cols);
        double[] data = new double[rows * cols];
        String[] flat = new String[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                BigDecimal v = ExactDecimal.parse(text[r][c], q.key() + "[" + r + "][" + c + "]");
                data[r * cols + c] = v.doubleValue();
                flat[r * cols + c] = text[r][c].trim();
            }
        }
        fields.put(q, new Grid(rows, cols, dims(q), data, flat));
        return this;
    }

    /** Stores a grid as read or copied (shape checked). */
    public TensorResultDocument putGrid(TensorQuantity q, Grid g) {
        requireShape(q, g.rows(), g.cols());
        if (g.dims() != dims(q)) {
            throw new IllegalArgumentException(q.key() + " must be " + describe(dims(q)) + ", not " + describe(g.dims()));
        }
        fields.put(q, g);
        return this;
    }

    private void requireShape(TensorQuantity q, int rows, int cols) {
        int wr = q.shape().rows(n, d);
        int wc = q.shape().cols(n, d);
        if (rows != wr || cols != wc) {
            throw new IllegalArgumentException(q.key() + " has shape " + rows + "x" + cols + " but must be " + wr + "x" + wc
                    + " for n = " + n + ", d = " + d);
        }
    }

    static int dims(TensorQuantity q) {
        switch (q.shape()) {
            case ONE:
                return 0;
            case N_1:
                return 1;
            default:
                return 2;
        }
    }

    static String describe(int dims) {
        return dims == 0 ? "a scalar" : dims == 1 ? "a vector" : "a matrix";
    }

    public TensorResultDocument meta(String key, String value) {
        meta.put(key, value);
        return this;
    }

    public Map<String, String> meta() {
        return Collections.unmodifiableMap(meta);
    }

    public boolean has(TensorQuantity q) {
        return fields.containsKey(q);
    }

    public Grid grid(TensorQuantity q) {
        Grid g = fields.get(q);
        if (g == null) {
            throw new IllegalArgumentException("the result of engine " + engine + " holds no field \"" + q.key() + "\"");
        }
        return g;
    }

    /** The quantities held, in {@link TensorQuantity} order. */
    public Set<TensorQuantity> quantities() {
        return Collections.unmodifiableSet(fields.keySet());
    }

    /** The doubles as a {@link TensorResult}. */
    public TensorResult toResult() {
        TensorResult.Builder b = TensorResult.builder(engine);
        for (Map.Entry<TensorQuantity, Grid> e : fields.entrySet()) {
            b.put(e.getKey(), e.getValue().toMatrix());
        }
        meta.forEach(b::meta);
        return b.build();
    }
}
