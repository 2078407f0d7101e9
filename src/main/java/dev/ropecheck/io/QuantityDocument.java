package dev.ropecheck.io;

import dev.ropecheck.engine.NamedQuantity;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * What a result document holds whatever its quantity enum: the engine's name, {@code n, d}, one {@link Grid} per
 * quantity (doubles, optionally with per-entry decimal text) and string metadata. {@link ResultDocument} (RoPE
 * quantities) and {@link TensorResultDocument} (tensor quantities) are this with {@code Q} fixed; they say how a
 * quantity's shape reads for {@code n, d}.
 *
 * @param <Q> the quantity enum
 * @param <D> the concrete document type, returned by the chaining setters
 */
abstract class QuantityDocument<Q extends Enum<Q> & NamedQuantity, D extends QuantityDocument<Q, D>> {
    private final String engine;
    private final int n;
    private final int d;
    private final Map<Q, Grid> fields;
    private final Map<String, String> meta = new LinkedHashMap<>();

    QuantityDocument(Class<Q> type, String engine, int n, int d) {
        if (engine == null || engine.isBlank()) {
            throw new IllegalArgumentException("engine name is missing");
        }
        this.fields = new EnumMap<>(type);
        this.engine = engine;
        this.n = n;
        this.d = d;
    }

    /**
     * The shape of {@code q} for this {@code n, d}: {@code {rows, cols, kind}}, kind 0 for a scalar, 1 for a vector
     * ({@code n x 1}), 2 for a matrix.
     */
    abstract int[] shape(Q q);

    @SuppressWarnings("unchecked")
    private D self() {
        return (D) this;
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
    public D put(Q q, DMatrixRMaj value) {
        requireShape(q, value.numRows, value.numCols);
        fields.put(q, new Grid(value.numRows, value.numCols, shape(q)[2],
                java.util.Arrays.copyOf(value.data, value.numRows * value.numCols), null));
        return self();
    }

    /**
     * Stores {@code q} as decimal text, row-major ({@code text[r][c]}), e.g. an apfloat's
     * {@code toString(true)}; the doubles are the correctly rounded values.
     *
     * @throws IllegalArgumentException when the shape is wrong or an entry is not a decimal number
     */
    public D putDecimal(Q q, String[][] text) {
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
        fields.put(q, new Grid(rows, cols, shape(q)[2], data, flat));
        return self();
    }

    /** Stores a grid as read or copied (shape and kind — scalar, vector, matrix — checked). */
    public D putGrid(Q q, Grid g) {
        requireShape(q, g.rows(), g.cols());
        if (g.dims() != shape(q)[2]) {
            throw new IllegalArgumentException(q.key() + " must be " + describe(shape(q)[2]) + ", not " + describe(g.dims()));
        }
        fields.put(q, g);
        return self();
    }

    private void requireShape(Q q, int rows, int cols) {
        int wr = shape(q)[0];
        int wc = shape(q)[1];
        if (rows != wr || cols != wc) {
            throw new IllegalArgumentException(q.key() + " has shape " + rows + "x" + cols + " but must be " + wr + "x"
                    + wc + " for n = " + n + ", d = " + d);
        }
    }

    /** "a scalar", "a vector" or "a matrix" for {@code dims} 0, 1, 2. */
    static String describe(int dims) {
        return dims == 0 ? "a scalar" : dims == 1 ? "a vector" : "a matrix";
    }

    public D meta(String key, String value) {
        meta.put(key, value);
        return self();
    }

    public Map<String, String> meta() {
        return Collections.unmodifiableMap(meta);
    }

    public boolean has(Q q) {
        return fields.containsKey(q);
    }

    public Grid grid(Q q) {
        Grid g = fields.get(q);
        if (g == null) {
            throw new IllegalArgumentException("the result of engine " + engine + " holds no field \"" + q.key() + "\"");
        }
        return g;
    }

    /** The quantities held, in enum order. */
    public Set<Q> quantities() {
        return Collections.unmodifiableSet(fields.keySet());
    }

    /** The grids held, in enum order (read-only). */
    Map<Q, Grid> grids() {
        return Collections.unmodifiableMap(fields);
    }
}
