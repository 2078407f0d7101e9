package dev.ropecheck.engine.exact;

import dev.ropecheck.model.RopeInstance;

/**
 * The three rules of the offset-grouped path of {@link RopeExactEngine_F64} that the paper fixes and that a
 * test can replace: a package-private seam, with one implementation here ({@link #STANDARD}). The
 * test side supplies deliberately wrong rules through it (its {@code Mutant} strategy) to show that
 * the suite's properties catch them; the rotated route has no seam, so an engine built with other
 * rules always takes the offset-grouped path.
 */
interface OffsetPathRules {

    /** The rules of the paper: MATH §9's scale, Definition 3.1's {@code W_{i-j}}, Lemma 4.1's {@code p}. */
    OffsetPathRules STANDARD = new OffsetPathRules() { };

    /** The score scale of {@code inst} (MATH §9, {@code specs/score-scale.md}). */
    default ScoreScale scale(RopeInstance inst) {
        return ScoreScale.of(inst);
    }

    /** The offset whose matrix is stored for the pairs {@code i - j = m} (Definition 3.1: {@code m} itself). */
    default int weightOffset(int m) {
        return m;
    }

    /**
     * The factor {@code t} of {@code p_ij = f_ij t} (Lemma 4.1, MATH §3):
     * {@code t = <c_i, (h_j - h_k*) - D_i>}, which is {@code q_ij - r_i} evaluated without cancellation.
     *
     * @param ci {@code c_i}
     * @param h {@code h}, row-major {@code n x d}
     * @param hj the offset of row {@code j} in {@code h} and {@code g}
     * @param g {@code h_j - h_k*} by row
     * @param dcen {@code D_i = Σ_j f_ij (h_j - h_k*)}
     * @param ri {@code r_i = <c_i, Att_i>}
     */
    default double pFactor(double[] ci, double[] h, int hj, double[] g, double[] dcen, double ri, int d) {
        double t = 0.0;
        for (int l = 0; l < d; l++) {
            t += ci[l] * (g[hj + l] - dcen[l]);
        }
        return t;
    }
}
