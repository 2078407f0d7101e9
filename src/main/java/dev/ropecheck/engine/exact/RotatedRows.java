package dev.ropecheck.engine.exact;

import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;

/**
 * The rotation families' factorisation {@code W_{i-j} = R_i R_j^T} (MATH §1): rows rotated once,
 * {@code qr_i = Q_i R_i}, and the back-rotation {@code dQ_i = dQrot_i R_i^T} (MATH §9), on row-major
 * {@code n x d} arrays. For RoPE, pair {@code (a, b)} at position {@code i} turns by the angle
 * {@code fl(i * theta_k)} with {@code Math.cos}, {@code Math.sin} — the very values
 * {@link RopeFamily#weight(int, int, int)} gives {@code W_i}, so the table error is the
 * {@code etaW} of {@code ExactRoundingModel} (rounding-model.md §1). For the identity family
 * {@code R_i = I} and nothing is rounded.
 *
 * <p>Precondition: the family {@link #applies}.
 */
final class RotatedRows {
    private RotatedRows() {
    }

    /** True for the families with {@code W_{i-j} = R_i R_j^T}: RoPE (either layout) and identity. */
    static boolean applies(PositionFamily family) {
        return family instanceof RopeFamily || family instanceof IdentityFamily;
    }

    /** {@code x_i R_i} for every row {@code i} (a new array); 2 roundings per entry for RoPE. */
    static double[] rotate(double[] x, int n, int d, PositionFamily family) {
        double[] out = x.clone();
        if (family instanceof RopeFamily) {
            turn(out, n, d, (RopeFamily) family, 1.0);
        }
        return out;
    }

    /** {@code x_i R_i^T} for every row {@code i}, in place (the inverse rotation). */
    static void rotateBack(double[] x, int n, int d, PositionFamily family) {
        if (family instanceof RopeFamily) {
            turn(x, n, d, (RopeFamily) family, -1.0);
        }
    }

    /**
     * {@code x'_a = x_a c - x_b s'}, {@code x'_b = x_a s' + x_b c} with {@code s' = sign * sin}: the
     * forward rotation ({@code sign = 1}, {@link RopeFamily#rotate}) or its transpose ({@code -1}).
     */
    private static void turn(double[] x, int n, int d, RopeFamily rope, double sign) {
        int half = d / 2;
        int[] da = new int[half];
        int[] db = new int[half];
        double[] theta = new double[half];
        for (int k = 0; k < half; k++) {
            da[k] = rope.dimA(k);
            db[k] = rope.dimB(k);
            theta[k] = rope.theta(k);
        }
        for (int i = 0; i < n; i++) {
            int o = i * d;
            for (int k = 0; k < half; k++) {
                double angle = i * theta[k];
                double c = Math.cos(angle);
                double s = sign * Math.sin(angle);
                double xa = x[o + da[k]];
                double xb = x[o + db[k]];
                x[o + da[k]] = xa * c - xb * s;
                x[o + db[k]] = xa * s + xb * c;
            }
        }
    }

    /** The transpose of a row-major {@code n x d} array: {@code d} rows of stride {@code ld >= n}. */
    static double[] transpose(double[] x, int n, int d, int ld) {
        double[] t = new double[ld * d];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                t[a * ld + i] = x[i * d + a];
            }
        }
        return t;
    }
}
