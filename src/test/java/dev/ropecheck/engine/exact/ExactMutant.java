package dev.ropecheck.engine.exact;

import dev.ropecheck.engine.Mutant;
import dev.ropecheck.model.RopeInstance;

/**
 * The exact engine's mutants: each replaces one {@link OffsetPathRules} rule of the offset-grouped path
 * (the rotated route has no seam, so a mutant always takes the offset-grouped path). {@link #NONE} is
 * the correct engine itself, the control.
 */
enum ExactMutant implements Mutant<RopeExactEngine_F64>, OffsetPathRules {
    /** The correct algorithm (the control). */
    NONE("nothing (the control)"),
    /** Uses {@code W_{j-i}} where MATH §2 has {@code W_{i-j}} (everywhere: scores, G, dQ, dK). */
    OFFSET_SIGN_FLIPPED("Definition 3.1: W_{i-j}, not W_{j-i}") {
        @Override
        public int weightOffset(int m) {
            return -m;
        }
    },
    /** {@code p = f ∘ q}: drops the {@code -diag(r) f} term of Lemma 4.1 / MATH §3. */
    P_WITHOUT_DIAG_R_F("Lemma 4.1: p = f ∘ q - diag(r) f") {
        @Override
        public double pFactor(double[] ci, double[] h, int hj, double[] g, double[] dcen, double ri, int d) {
            return dotWithH(ci, h, hj, d);
        }
    },
    /** Scales scores (and hence every derivative) by {@code 1/sqrt(d)} instead of {@code 1/d}. */
    SQRT_D_SCALING("MATH §0: the score scale 1/d") {
        @Override
        public ScoreScale scale(RopeInstance inst) {
            return ScoreScale.dividingBy(Math.sqrt(inst.d()));
        }
    },
    /** {@code p_ij = f_ij (q_ij - r_i)} evaluated as written, which cancels on near one-hot rows. */
    NAIVE_P("MATH §3: p without cancellation on near one-hot rows") {
        @Override
        public double pFactor(double[] ci, double[] h, int hj, double[] g, double[] dcen, double ri, int d) {
            return dotWithH(ci, h, hj, d) - ri;
        }
    };

    private final String breaks;

    ExactMutant(String breaks) {
        this.breaks = breaks;
    }

    /** {@code <c_i, h_j>} ({@code = q_ij}), in increasing {@code l}. */
    private static double dotWithH(double[] ci, double[] h, int hj, int d) {
        double t = 0.0;
        for (int l = 0; l < d; l++) {
            t += ci[l] * h[hj + l];
        }
        return t;
    }

    @Override
    public String breaks() {
        return breaks;
    }

    @Override
    public RopeExactEngine_F64 of(RopeExactEngine_F64 correct) {
        return this == NONE ? correct : new RopeExactEngine_F64(this, correct.threads());
    }

    /** This mutant of the default engine. */
    RopeExactEngine_F64 engine() {
        return of(new RopeExactEngine_F64());
    }
}
