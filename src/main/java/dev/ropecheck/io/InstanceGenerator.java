package dev.ropecheck.io;

import dev.ropecheck.bounds.FloatFormat;
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
 *
 * <p>With a {@code dtype} other than fp64 ({@code make-instance --dtype}), every entry is then rounded to nearest in
 * that format ({@link FloatFormat#round}), after drawing from {@code [-B', B']} with {@code B'} the largest value of
 * the format {@code <= B} ({@link #formatBound}); so the entries are values of the format, still lie in
 * {@code [-B, B]}, and the draws (hence the file) depend only on the seed. For fp64 the file is what it always was.
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
     * @param dtype the storage format every entry is a value of (fp64, fp32, bf16 or fp16)
     */
    public record Params(int n, int d, Family family, double bound, long seed, boolean weights, boolean zero,
            FloatFormat dtype) {
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
            if (dtype == null) {
                dtype = FloatFormat.FP64;
            }
            if (dtype == FloatFormat.DOUBLE_DOUBLE) {
                throw new IllegalArgumentException("--dtype " + dtype.label() + " is not a storage format; use fp64, fp32,"
                        + " bf16 or fp16");
            }
            if (family == Family.EXPLICIT && (2L * n - 1) * d * d > 1L << 28) {
                throw new IllegalArgumentException("--family explicit with n = " + n + ", d = " + d + " needs (2n-1) d^2 = "
                        + (2L * n - 1) * d * d + " weights, more than 2^28; use rope, rope-half or identity");
            }
        }

        public Params(int n, int d, Family family, double bound, long seed, boolean weights, boolean zero) {
            this(n, d, family, bound, seed, weights, zero, FloatFormat.FP64);
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
        FloatFormat f = p.dtype();
        double b = p.zero() ? 0 : formatBound(p.bound(), f);
        w.begin(n, d, p.bound(), f);
        for (String name : new String[] {"A1", "A2", "A3", "E"}) {
            w.matrix(name, n, d, (r, row) -> fill(rnd, row, b, f));
        }
        if (p.weights()) {
            w.matrix("WQ", d, d, (r, row) -> fill(rnd, row, b, f));
            w.matrix("WK", d, d, (r, row) -> fill(rnd, row, b, f));
        } else {
            w.matrix("X", d * d, d * d, (r, row) -> fill(rnd, row, b, f));
        }
        w.matrix("WV", d, d, (r, row) -> fill(rnd, row, b, f));
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
                        out[e] = mask[row][e] ? f.round(dyadic(rnd, 1.0)) : 0.0;
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

    static void fill(SplittableRandom rnd, double[] row, double bound, FloatFormat f) {
        for (int c = 0; c < row.length; c++) {
            row[c] = f.round(dyadic(rnd, bound));
        }
    }

    /**
     * The largest value of {@code f} that is {@code <= bound} ({@code bound > 0}): {@code bound} itself for fp64,
     * else {@code bound} rounded down on the format's grid (spacing {@code 2^(e - p + 1)} in the binade
     * {@code [2^e, 2^(e+1))}, subnormal spacing below the smallest normal) and capped at the largest finite value.
     * Since rounding to nearest is monotone, every entry drawn in {@code [-B', B']} rounds to a value in
     * {@code [-B', B']}.
     */
    public static double formatBound(double bound, FloatFormat f) {
        if (f == FloatFormat.FP64 || f == FloatFormat.DOUBLE_DOUBLE) {
            return bound;
        }
        if (bound >= f.maxFinite()) {
            return f.maxFinite();
        }
        int e = Math.max(Math.getExponent(bound), Math.getExponent(f.minNormal()));
        double ulp = Math.scalb(1.0, e - f.precision() + 1);
        return Math.floor(bound / ulp) * ulp;
    }

    /**
     * An {@link IllegalArgumentException} naming {@code --bound} and the limit when every entry drawn for
     * {@code bound} in format {@code f} would be 0: the smallest non-zero entry is {@code 2^-12} (a value of every
     * format), so {@code B' = formatBound(bound, f)} must be at least {@code 2^-12}.
     */
    public static void requireNonZeroEntries(double bound, FloatFormat f) {
        if (Math.floor(formatBound(bound, f) * (1L << FRACTION_BITS)) == 0) {
            throw new IllegalArgumentException("--bound = " + bound + " is below 2^-12 = " + Math.scalb(1.0, -FRACTION_BITS)
                    + ", the smallest non-zero entry k/2^12" + (f == FloatFormat.FP64 ? "" : " in " + f.label())
                    + "; every entry would be 0 — give --bound >= 2^-12");
        }
    }

    /** A uniform dyadic rational {@code k / 2^12} with {@code |value| <= bound}. */
    public static double dyadic(SplittableRandom rnd, double bound) {
        long kmax = (long) Math.floor(bound * (1L << FRACTION_BITS));
        long k = kmax == 0 ? 0 : rnd.nextLong(-kmax, kmax + 1);
        return (double) k / (1L << FRACTION_BITS);
    }
}
