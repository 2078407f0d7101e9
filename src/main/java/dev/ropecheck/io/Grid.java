package dev.ropecheck.io;

import org.ejml.data.DMatrixRMaj;

/**
 * A rectangular block of numbers as read from JSON: row-major doubles plus, optionally, the decimal
 * text each entry was given as (kept for decimal strings carrying more digits than a double, e.g.
 * reference results). {@code dims} is 0 for a scalar, 1 for a vector ({@code rows x 1}), 2 for a
 * matrix.
 */
public final class Grid {
    private final int rows;
    private final int cols;
    private final int dims;
    private final double[] data;
    private final String[] text;

    public Grid(int rows, int cols, int dims, double[] data, String[] text) {
        if (data.length != (long) rows * cols) {
            throw new IllegalArgumentException("data holds " + data.length + " entries, not " + rows + "x" + cols);
        }
        if (text != null && text.length != data.length) {
            throw new IllegalArgumentException("text holds " + text.length + " entries, not " + data.length);
        }
        this.rows = rows;
        this.cols = cols;
        this.dims = dims;
        this.data = data;
        this.text = text;
    }

    /** A 2-d grid holding {@code m}'s values (no copy is kept of {@code m} itself). */
    public static Grid of(DMatrixRMaj m) {
        return new Grid(m.numRows, m.numCols, 2, m.data.length == m.numRows * m.numCols
                ? m.data.clone() : java.util.Arrays.copyOf(m.data, m.numRows * m.numCols), null);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int dims() {
        return dims;
    }

    public double get(int r, int c) {
        return data[r * cols + c];
    }

    /** The decimal text of entry {@code (r,c)}, or null when it was given as a plain number. */
    public String text(int r, int c) {
        return text == null ? null : text[r * cols + c];
    }

    public boolean hasText() {
        return text != null;
    }

    /** A copy as an EJML matrix. */
    public DMatrixRMaj toMatrix() {
        return new DMatrixRMaj(rows, cols, true, data.clone());
    }
}
