package dev.ropecheck.model;

import org.ejml.data.DMatrixRMaj;

/**
 * Argument validation shared by the model and the engines. Every failure is an
 * {@link IllegalArgumentException} whose message names the argument and the limit it broke, so
 * that bad input never becomes a wrong number.
 */
public final class Require {
    private Require() {
    }

    /** Requires {@code m} to be non-null and exactly {@code rows x cols}. */
    public static void shape(String name, DMatrixRMaj m, int rows, int cols) {
        if (m == null) {
            throw new IllegalArgumentException(name + " is missing (expected " + rows + "x" + cols + ")");
        }
        if (m.numRows != rows || m.numCols != cols) {
            throw new IllegalArgumentException(name + " has shape " + m.numRows + "x" + m.numCols
                    + " but must be " + rows + "x" + cols);
        }
    }

    /** Requires every entry of {@code m} to be finite (no NaN, no infinity). */
    public static void finite(String name, DMatrixRMaj m) {
        for (int r = 0; r < m.numRows; r++) {
            for (int c = 0; c < m.numCols; c++) {
                double v = m.unsafe_get(r, c);
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(name + "[" + r + "][" + c + "] = " + v
                            + " is not a finite number");
                }
            }
        }
    }

    /** Requires {@code |m[r][c]| <= bound} for every entry. */
    public static void bounded(String name, DMatrixRMaj m, double bound) {
        for (int r = 0; r < m.numRows; r++) {
            for (int c = 0; c < m.numCols; c++) {
                double v = m.unsafe_get(r, c);
                if (!(Math.abs(v) <= bound)) {
                    throw new IllegalArgumentException(name + "[" + r + "][" + c + "] = " + v
                            + " exceeds the declared entry bound B = " + bound);
                }
            }
        }
    }

    /** Requires {@code lo <= value <= hi}. */
    public static void range(String name, long value, long lo, long hi) {
        if (value < lo || value > hi) {
            throw new IllegalArgumentException(name + " = " + value + " must lie in [" + lo + ", " + hi + "]");
        }
    }

    /** Requires a finite, strictly positive value. */
    public static void positive(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " = " + value + " must be finite and > 0");
        }
    }

    /**
     * The validated private copy of an instance input: requires {@code m} to be {@code rows x cols}
     * ({@link #shape}), finite ({@link #finite}) and, unless {@code entryBound} is NaN (no declared bound),
     * {@code |m[r][c]| <= entryBound} ({@link #bounded}); returns {@code m.copy()}.
     */
    public static DMatrixRMaj input(String name, DMatrixRMaj m, int rows, int cols, double entryBound) {
        shape(name, m, rows, cols);
        finite(name, m);
        if (!Double.isNaN(entryBound)) {
            bounded(name, m, entryBound);
        }
        return m.copy();
    }
}
