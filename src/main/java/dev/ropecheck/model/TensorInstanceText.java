package dev.ropecheck.model;

/** The text of {@link TensorInstance#toString()}: its shape and entry bound, then every input matrix row by row. */
final class TensorInstanceText {
    private TensorInstanceText() {
    }

    /** {@code v}'s description ({@code v} the validated fields of one instance). */
    static String describe(TensorInputs v) {
        StringBuilder sb = new StringBuilder("TensorInstance{n=").append(v.n).append(", d=").append(v.d);
        if (!Double.isNaN(v.entryBound)) {
            sb.append(", B=").append(v.entryBound);
        }
        sb.append('\n');
        Matrices.appendRows(sb, "A1", v.a1);
        Matrices.appendRows(sb, "A2", v.a2);
        Matrices.appendRows(sb, "A3", v.a3);
        Matrices.appendRows(sb, "A4", v.a4);
        Matrices.appendRows(sb, "A5", v.a5);
        Matrices.appendRows(sb, "E", v.e);
        if (v.wq != null) {
            Matrices.appendRows(sb, "W_Q", v.wq);
            Matrices.appendRows(sb, "W_K1", v.wk1);
            Matrices.appendRows(sb, "W_K2", v.wk2);
        } else {
            Matrices.appendRows(sb, "X", v.x);
        }
        if (v.wv1 != null) {
            Matrices.appendRows(sb, "W_V1", v.wv1);
            Matrices.appendRows(sb, "W_V2", v.wv2);
        } else {
            Matrices.appendRows(sb, "Y", v.y);
        }
        return sb.append('}').toString();
    }
}
