package dev.ropecheck.io;

import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;

/**
 * Random instances with exact dyadic entries {@code k / 2^12} in {@code [-B, B]}, written as a
 * stream (so {@code n = 2^18} and beyond never sits in memory). The same seed gives the same file.
 *
 * <p>Draw order (part of the contract, so files are reproducible): {@code A1, A2, A3, E} row by
 * row, then {@code WQ, WK} (or {@code X} when {@code weights} is false), then {@code WV}; for
 * {@link Family#EXPLICIT} a support (each {@code (b,e)} with probability 1/3 plus one forced pair),
 * then {@code W_m} for {@code m = -(n-1)..n-1} with entries {@code k / 2^12} in {@code [-1, 1]} on
 * the support.
 */
public final class InstanceGenerator {
    /** Fractional bits of every generated entry. */
    public static final int FRACTION_BITS = 12;

    /** The families {@code make-instance} can draw. */
    public enum Family {
        ROPE("rope"), ROPE_HALF("rope-half"), IDENTITY("identity"), EXPLICIT("explicit");

        private final String label;

        Family(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Family parse(String s) {
            for (Family f : values()) {
                if (f.label.equals(s)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("--family " + s + " must be rope, rope-half, identity or explicit");
        }
    }

    /**
     * What to generate.
     *
     * @param zero all of {@code A1, A2, A3, E} and the weights are 0 (an edge case)
     */
    public record Params(int n, int d, Family family, double bound, long seed, boolean weights, boolean zero) {
        /** Validates the parameters; messages name the option and its limit. */
        public Params {
            if (n < 1 || n > (1 << 24)) {
                throw new IllegalArgumentException("--n = " + n + " must lie in [1, 2^24]");
            }
            if (d < 1 || d > 256) {
                throw new IllegalArgumentException("--d = " + d + " must lie in [1, 256]");
            }
            if (family == null) {
                throw new IllegalArgumentException("--family is missing");
            }
            if ((family == Family.ROPE || family == Family.ROPE_HALF) && d % 2 != 0) {
                throw new IllegalArgumentException("--d = " + d + " must be even for --family " + family.label()
                        + " (RoPE rotates dimensions in pairs)");
            }
            if (!(bound > 0) || !(bound <= 1 << 20)) {
                throw new IllegalArgumentException("--bound = " + bound + " must lie in (0, 2^20]");
            }
            if (family == Family.EXPLICIT && (2L * n - 1) * d * d > 1L << 28) {
                throw new IllegalArgumentException("--family explicit with n = " + n + ", d = " + d + " needs (2n-1) d^2 = "
                        + (2L * n - 1) * d * d + " weights, more than 2^28; use rope, rope-half or identity");
            }
        }

        public Params(int n, int d, Family family, double bound, long seed) {
            this(n, d, family, bound, seed, true, false);
        }
    }

    private InstanceGenerator() {
    }

    /** Writes the instance {@code p} describes. */
    public static void write(Params p, InstanceWriter w) throws IOException {
        SplittableRandom rnd = new SplittableRandom(p.seed());
        int n = p.n();
        int d = p.d();
        double b = p.zero() ? 0 : p.bound();
        w.begin(n, d, p.bound());
        for (String name : new String[] {"A1", "A2", "A3", "E"}) {
            w.matrix(name, n, d, (r, row) -> fill(rnd, row, b));
        }
        if (p.weights()) {
            w.matrix("WQ", d, d, (r, row) -> fill(rnd, row, b));
            w.matrix("WK", d, d, (r, row) -> fill(rnd, row, b));
        } else {
            w.matrix("X", d * d, d * d, (r, row) -> fill(rnd, row, b));
        }
        w.matrix("WV", d, d, (r, row) -> fill(rnd, row, b));
        switch (p.family()) {
            case ROPE:
                w.ropeFamily(RopeFamily.DEFAULT_BASE, RopeFamily.Layout.INTERLEAVED);
                break;
            case ROPE_HALF:
                w.ropeFamily(RopeFamily.DEFAULT_BASE, RopeFamily.Layout.HALF_SPLIT);
                break;
            case IDENTITY:
                w.identityFamily();
                break;
            default:
                boolean[][] mask = new boolean[d][d];
                mask[rnd.nextInt(d)][rnd.nextInt(d)] = true;
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        mask[i][j] |= rnd.nextInt(3) == 0;
                    }
                }
                Support s = Support.ofMask(mask);
                w.explicitFamily(n, d, (m, row, out) -> {
                    for (int e = 0; e < d; e++) {
                        out[e] = mask[row][e] ? dyadic(rnd, 1.0) : 0.0;
                    }
                }, s);
        }
        w.end();
    }

    /** The instance {@code p} describes, in memory (through the same writer and reader as files). */
    public static RopeInstance build(Params p) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (InstanceWriter w = new InstanceWriter(bytes)) {
            write(p, w);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return InstanceReader.read(new ByteArrayInputStream(bytes.toByteArray()), "generated " + p);
    }

    private static void fill(SplittableRandom rnd, double[] row, double bound) {
        for (int c = 0; c < row.length; c++) {
            row[c] = dyadic(rnd, bound);
        }
    }

    /** A uniform dyadic rational {@code k / 2^12} with {@code |value| <= bound}. */
    public static double dyadic(SplittableRandom rnd, double bound) {
        long kmax = (long) Math.floor(bound * (1L << FRACTION_BITS));
        long k = kmax == 0 ? 0 : rnd.nextLong(-kmax, kmax + 1);
        return (double) k / (1L << FRACTION_BITS);
    }
}
