package dev.ropecheck.model;

import org.ejml.data.DMatrixRMaj;

/**
 * Small matrix helpers every kind of attention shares: the text form of an instance's matrices (for
 * the instances' {@code toString}) and the magnitudes ({@code max |m_ij|}, column maxima) that bounds
 * and engines are stated in. A NaN entry makes a magnitude NaN ({@link Math#max} semantics).
 */
public final class Matrices {
    private Matrices() {
    }

    /**
     * Appends {@code "  name = [[m00, m01, ...], [m10, ...]]\n"} to {@code sb}, every entry printed by
     * {@link StringBuilder#append(double)} (shortest decimal that reads back to the same double).
     */
    public static void appendRows(StringBuilder sb, String name, DMatrixRMaj m) {
        sb.append("  ").append(name).append(" = [");
        for (int r = 0; r < m.numRows; r++) {
            sb.append(r == 0 ? "[" : ", [");
            for (int c = 0; c < m.numCols; c++) {
                sb.append(c == 0 ? "" : ", ").append(m.unsafe_get(r, c));
            }
            sb.append(']');
        }
        sb.append("]\n");
    }

    /** {@code max_ij |m_ij|} ({@code 0} for an empty matrix). */
    public static double maxAbs(DMatrixRMaj m) {
        double best = 0;
        for (double v : m.data) {
            best = Math.max(best, Math.abs(v));
        }
        return best;
    }

    /** The column maxima {@code max_i |m_ic|}, one per column. */
    public static double[] colMaxAbs(DMatrixRMaj m) {
        double[] out = new double[m.numCols];
        for (int r = 0; r < m.numRows; r++) {
            for (int c = 0; c < m.numCols; c++) {
                out[c] = Math.max(out[c], Math.abs(m.unsafe_get(r, c)));
            }
        }
        return out;
    }
}
