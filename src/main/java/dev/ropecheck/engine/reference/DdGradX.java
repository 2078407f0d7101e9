package dev.ropecheck.engine.reference;

import dev.ropecheck.engine.Workers;
import dev.ropecheck.model.Support;

/**
 * {@code G = ∂L/∂X} in double-double (Lemmas 5.3–5.6 grouped by offset, as the apfloat reference
 * does): {@code M_m[a,c] = Σ_{i-j=m} p_ij A1[i,a] A2[j,c]} (one task per offset {@code m}, {@code i}
 * increasing; {@code p_ij} recomputed entrywise bitwise as the row pass computed it), then
 * {@code G[(a,c),(b,e)] = sigma Σ_m M_m[a,c] W_m[b,e]} on the support ({@code m} increasing), zero
 * elsewhere. Cost {@code O(n^2 d^2 + n d^2 |S|)}; memory {@code (2n-1) d^2} double-doubles.
 */
final class DdGradX {
    private DdGradX() {
    }

    /** {@code {gh, gl}} ({@code d^2 x d^2}, row-major). */
    static double[][] compute(DdInputs in, DdState st, int threads, DdRowPass.Scratch[] scratch) {
        int n = in.n;
        int d = in.d;
        int dd = d * d;
        int offsets = 2 * n - 1;
        double[] mh = new double[offsets * dd];
        double[] ml = new double[offsets * dd];
        Workers.run(threads, offsets, "reference-dd-worker", (worker, idx) -> {
            double[] t = scratch[worker].tmp;
            int m = idx - (n - 1);
            if (in.causal && m < 0) {
                return; // p_ij = 0 for j > i: M_m = 0 for m < 0 (MATH §9)
            }
            int base = idx * dd;
            for (int i = Math.max(0, m); i <= Math.min(n - 1, n - 1 + m); i++) {
                int j = i - m;
                in.scores.entry(i, j, t, 0, t);
                st.softmax(i, t[0], t[1], t, 4, t);
                double fh = t[4];
                double fl = t[5];
                DdKernels.dot(st.cH, st.cL, i * d, in.hh, in.hl, j * d, d, t, 6);
                st.p(i, fh, fl, t[6], t[7], t, 8, t);
                double ph = t[8];
                double pl = t[9];
                for (int a = 0; a < d; a++) {
                    DdArith.mulD(ph, pl, in.a1[i * d + a], t, 10);
                    DdKernels.axpyD(t[10], t[11], in.a2, j * d, mh, ml, base + a * d, d);
                }
            }
        });
        double[][] w = in.weightTable();
        Support sup = in.support();
        int ns = sup.size();
        double[] gh = new double[dd * dd];
        double[] gl = new double[dd * dd];
        Workers.run(threads, dd, "reference-dd-worker", (worker, ac) -> {
            double[] t = scratch[worker].tmp;
            for (int s = 0; s < ns; s++) {
                double sh = 0.0;
                double sl = 0.0;
                for (int idx = 0; idx < offsets; idx++) {
                    DdArith.mul(mh[idx * dd + ac], ml[idx * dd + ac], w[0][idx * ns + s], w[1][idx * ns + s], t, 0);
                    DdArith.add(sh, sl, t[0], t[1], t, 2);
                    sh = t[2];
                    sl = t[3];
                }
                in.scores.scale(sh, sl, t, 0);
                gh[ac * dd + sup.pairIndex(s)] = t[0];
                gl[ac * dd + sup.pairIndex(s)] = t[1];
            }
        });
        return new double[][] {gh, gl};
    }
}
