package dev.ropecheck.bounds;

import dev.ropecheck.engine.Quantity;

/**
 * The outputs of one {@link FirstOrderPass}, in the slots {@link #slot} names, and the per-entry sums of
 * squared probe moves that {@link FirstOrderRoundingBound} turns into bounds.
 */
final class FirstOrderOutputs {
    static final int ATT = 0;
    static final int C = 1;
    static final int R = 2;
    static final int LOSS = 3;
    static final int DQ = 4;
    static final int DK = 5;
    static final int DV = 6;
    static final int DQROT = 7;
    static final int DKROT = 8;
    static final int GWQ = 9;
    static final int GWK = 10;
    static final int GWV = 11;
    static final int DQROT_VIA = 12;
    static final int DKROT_VIA = 13;
    static final int SLOTS = 14;
    final double[][] v = new double[SLOTS][];
    /**
     * A probe's own final moves {@code φ z} per slot and entry (slots without one: {@code null});
     * {@link #addSquaredMoves} leaves them out, and the exact pass's {@link #ownVariance} puts their
     * variance back exactly.
     */
    double[][] ownMove;
    /** The exact pass's variances {@code φ^2} of the own final moves, per slot and entry (or {@code null}). */
    double[][] ownVariance;
    final int n;
    final int d;

    FirstOrderOutputs(int n, int d) {
        this.n = n;
        this.d = d;
    }

    int slot(Quantity q) {
        switch (q) {
            case ATTENTION: return ATT;
            case C: return C;
            case R: return R;
            case LOSS: return LOSS;
            case DQ: return DQ;
            case DK: return DK;
            case DV: return DV;
            case DQROT: return DQROT;
            case DKROT: return DKROT;
            case GRAD_WQ: return GWQ;
            case GRAD_WK: return GWK;
            case GRAD_WV: return GWV;
            default: throw new IllegalArgumentException(q + " is not a first-order field");
        }
    }

    int[] shape(Quantity q) {
        int s = slot(q);
        if (s == R) {
            return new int[] {n, 1};
        }
        if (s == LOSS) {
            return new int[] {1, 1};
        }
        if (s == GWQ || s == GWK || s == GWV) {
            return new int[] {d, d};
        }
        return new int[] {n, d};
    }

    long size(Quantity q) {
        return v[slot(q)] == null ? 0 : v[slot(q)].length;
    }

    double[][] zerosLike() {
        double[][] out = new double[v.length][];
        for (int s = 0; s < v.length; s++) {
            out[s] = v[s] == null ? null : new double[v[s].length];
        }
        return out;
    }

    /**
     * Adds {@code (probe - this - own)^2} entry by entry into {@code sq}: the squared move each entry
     * inherits from the intermediates it is made of, without its own final move.
     */
    void addSquaredMoves(FirstOrderOutputs probe, double[][] sq) {
        for (int s = 0; s < v.length; s++) {
            if (v[s] == null) {
                continue;
            }
            double[] own = probe.ownMove == null ? null : probe.ownMove[s];
            for (int t = 0; t < v[s].length; t++) {
                double m = probe.v[s][t] - v[s][t] - (own == null ? 0 : own[t]);
                sq[s][t] += m * m;
            }
        }
    }

    /** The exact variance of entry {@code t}'s own final move in slot {@code s} (0 when it has none). */
    double ownVariance(int s, int t) {
        return ownVariance == null || ownVariance[s] == null ? 0 : ownVariance[s][t];
    }
}
