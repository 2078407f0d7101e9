package dev.ropecheck.model;

import org.ejml.data.DMatrixRMaj;

/** Text form of the matrices of an instance, shared by the instances' {@code toString}. */
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
}
