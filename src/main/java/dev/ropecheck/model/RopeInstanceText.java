package dev.ropecheck.model;

/** The text of {@link RopeInstance#toString()}: its shape, family and conventions, then every input matrix row by row. */
final class RopeInstanceText {
    private RopeInstanceText() {
    }

    /** {@code v}'s description ({@code v} the validated fields of one instance). */
    static String describe(RopeInputs v) {
        StringBuilder sb = new StringBuilder();
        sb.append("RopeInstance{n=").append(v.n).append(", d=").append(v.d).append(", family=").append(v.family.name());
        if (!Double.isNaN(v.entryBound)) {
            sb.append(", B=").append(v.entryBound);
        }
        if (!Double.isNaN(v.scale)) {
            sb.append(", scale=").append(v.scale);
        }
        if (v.causal) {
            sb.append(", causal");
        }
        if (v.qkv) {
            sb.append(", q/k/v");
        }
        if (v.upstreamGradient) {
            sb.append(", dO");
        }
        sb.append('\n');
        Matrices.appendRows(sb, "A1", v.a1);
        Matrices.appendRows(sb, "A2", v.a2);
        Matrices.appendRows(sb, "A3", v.a3);
        Matrices.appendRows(sb, v.upstreamGradient ? "dO" : "E", v.e);
        if (v.wq != null) {
            Matrices.appendRows(sb, "W_Q", v.wq);
            Matrices.appendRows(sb, "W_K", v.wk);
        } else {
            Matrices.appendRows(sb, "X", v.x);
        }
        Matrices.appendRows(sb, v.yFromWv ? "W_V" : "Y", v.y);
        return sb.append('}').toString();
    }
}
