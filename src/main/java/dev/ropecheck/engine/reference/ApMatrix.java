package dev.ropecheck.engine.reference;

import dev.ropecheck.model.ExactValues;
import java.util.Arrays;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;

/**
 * A small immutable dense row-major matrix of {@link Apfloat} entries, the storage of the reference
 * engine. Entries keep whatever precision they were computed at; callers keep every operand at
 * working precision, because apfloat arithmetic works to the smaller precision of its operands.
 */
public final class ApMatrix {
    private final int rows;
    private final int cols;
    private final Apfloat[] data;

    /** Takes ownership of {@code data} (row-major, length {@code rows*cols}, no nulls). */
    ApMatrix(int rows, int cols, Apfloat[] data) {
        if (rows < 0 || cols < 0 || data.length != rows * cols) {
            throw new IllegalArgumentException("data has length " + data.length + " but shape is " + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    /** {@code m} converted exactly (every double is a dyadic rational), carried at {@code digits}. */
    public static ApMatrix of(DMatrixRMaj m, long digits) {
        Apfloat[] a = new Apfloat[m.numRows * m.numCols];
        for (int i = 0; i < a.length; i++) {
            a[i] = ExactValues.apfloat(m.data[i], digits);
        }
        return new ApMatrix(m.numRows, m.numCols, a);
    }

    /** A {@code rows x cols} matrix of the given row-major entries (copied; no nulls). */
    public static ApMatrix of(int rows, int cols, Apfloat... entries) {
        Apfloat[] a = entries.clone();
        for (int i = 0; i < a.length; i++) {
            if (a[i] == null) {
                throw new IllegalArgumentException("entry " + i + " is missing");
            }
        }
        return new ApMatrix(rows, cols, a);
    }

    /** The exact zero matrix. */
    public static ApMatrix zeros(int rows, int cols) {
        Apfloat[] a = new Apfloat[rows * cols];
        Arrays.fill(a, Apfloat.ZERO);
        return new ApMatrix(rows, cols, a);
    }

    /** A {@code 1 x 1} matrix. */
    public static ApMatrix scalar(Apfloat v) {
        return new ApMatrix(1, 1, new Apfloat[] {v});
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public Apfloat get(int r, int c) {
        return data[r * cols + c];
    }

    /** A copy with entry {@code (r,c)} replaced by {@code v}. */
    public ApMatrix with(int r, int c, Apfloat v) {
        Apfloat[] a = data.clone();
        a[r * cols + c] = v;
        return new ApMatrix(rows, cols, a);
    }

    /** {@code this + t * dir} (same shape). */
    public ApMatrix plusScaled(ApMatrix dir, Apfloat t) {
        requireSameShape("dir", dir);
        Apfloat[] a = new Apfloat[data.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = data[i].add(dir.data[i].multiply(t));
        }
        return new ApMatrix(rows, cols, a);
    }

    /** {@code this - o} (same shape). */
    public ApMatrix minus(ApMatrix o) {
        requireSameShape("o", o);
        Apfloat[] a = new Apfloat[data.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = data[i].subtract(o.data[i]);
        }
        return new ApMatrix(rows, cols, a);
    }

    /** Every entry with precision at most {@code digits} (exact zeros stay exact). */
    public ApMatrix rounded(long digits) {
        Apfloat[] a = new Apfloat[data.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = ApInstance.round(data[i], digits);
        }
        return new ApMatrix(rows, cols, a);
    }

    /** The transpose. */
    public ApMatrix transpose() {
        Apfloat[] a = new Apfloat[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                a[c * rows + r] = data[r * cols + c];
            }
        }
        return new ApMatrix(cols, rows, a);
    }

    /** The product {@code this * o}. */
    public ApMatrix times(ApMatrix o) {
        if (cols != o.rows) {
            throw new IllegalArgumentException("cannot multiply " + rows + "x" + cols + " by " + o.rows + "x" + o.cols);
        }
        Apfloat[] a = new Apfloat[rows * o.cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < o.cols; c++) {
                Apfloat s = Apfloat.ZERO;
                for (int k = 0; k < cols; k++) {
                    s = s.add(data[r * cols + k].multiply(o.data[k * o.cols + c]));
                }
                a[r * o.cols + c] = s;
            }
        }
        return new ApMatrix(rows, o.cols, a);
    }

    /** The Kronecker product: {@code (P ⊗ R)[(a,c),(b,e)] = P[a,b] R[c,e]}, rows {@code a*R.rows + c}. */
    public ApMatrix kron(ApMatrix r) {
        int nr = rows * r.rows;
        int nc = cols * r.cols;
        Apfloat[] a = new Apfloat[nr * nc];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                Apfloat pij = data[i * cols + j];
                for (int k = 0; k < r.rows; k++) {
                    for (int l = 0; l < r.cols; l++) {
                        a[(i * r.rows + k) * nc + j * r.cols + l] = pij.multiply(r.data[k * r.cols + l]);
                    }
                }
            }
        }
        return new ApMatrix(nr, nc, a);
    }

    /** The largest absolute entry ({@code 0} for an empty matrix). */
    public Apfloat maxAbs() {
        Apfloat m = Apfloat.ZERO;
        for (Apfloat v : data) {
            Apfloat av = ApfloatMath.abs(v);
            if (av.compareTo(m) > 0) {
                m = av;
            }
        }
        return m;
    }

    /** {@code max |this - o|} entrywise. */
    public Apfloat maxAbsDiff(ApMatrix o) {
        return minus(o).maxAbs();
    }

    /** Every entry rounded to the nearest double. */
    public DMatrixRMaj toDouble() {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < data.length; i++) {
            m.data[i] = toDouble(data[i]);
        }
        return m;
    }

    /**
     * {@code v} rounded to the nearest double ({@link Double#parseDouble} rounds correctly; values
     * beyond the double range become infinite or zero).
     */
    public static double toDouble(Apfloat v) {
        return v.signum() == 0 ? 0.0 : Double.parseDouble(v.toString(false));
    }

    /**
     * A row-major {@code Apfloat[][]} (the array form of the tensor and standard references, at least one
     * row, all rows of the same length) rounded entry by entry to the nearest double ({@link #toDouble(Apfloat)}).
     */
    public static DMatrixRMaj toDouble(Apfloat[][] m) {
        DMatrixRMaj out = new DMatrixRMaj(m.length, m[0].length);
        for (int r = 0; r < m.length; r++) {
            for (int c = 0; c < m[0].length; c++) {
                out.unsafe_set(r, c, toDouble(m[r][c]));
            }
        }
        return out;
    }

    private void requireSameShape(String name, ApMatrix o) {
        if (o.rows != rows || o.cols != cols) {
            throw new IllegalArgumentException(name + " has shape " + o.rows + "x" + o.cols + " but must be " + rows
                    + "x" + cols);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ApMatrix ").append(rows).append('x').append(cols).append(" [");
        for (int r = 0; r < rows; r++) {
            sb.append(r == 0 ? "[" : ", [");
            for (int c = 0; c < cols; c++) {
                sb.append(c == 0 ? "" : ", ").append(get(r, c).toString(false));
            }
            sb.append(']');
        }
        return sb.append(']').toString();
    }
}
