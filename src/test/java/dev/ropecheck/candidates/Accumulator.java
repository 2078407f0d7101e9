package dev.ropecheck.candidates;

import java.util.Arrays;

/**
 * A running sum of {@code width}-wide terms in one {@link Summation} order. A term is given entry by
 * entry ({@link #put}, or {@link #putProducts} for {@code op(g * x_k)}), every one of its
 * {@code width} entries exactly once, and closed by {@link #commit()}; {@link #finish} writes the
 * total. Every product and addition is rounded by {@link Arith#op}. The straight and blocked orders
 * add an entry into the running sum as it arrives (the same result as forming the term first);
 * buffers are allocated once (the pairwise order adds one per level, at most {@code log2} of the
 * term count, the first time each level is reached).
 */
abstract class Accumulator {
    protected final int width;
    protected final Arith ar;
    protected long count;

    protected Accumulator(int width, Arith ar) {
        this.width = width;
        this.ar = ar;
    }

    /**
     * The accumulator for {@code order}: {@link Summation#NAIVE} straight, {@link Summation#PAIRWISE}
     * cascade, {@link Summation#BLOCKED_ONLINE_SOFTMAX} blocked in tiles of {@code block} terms.
     */
    static Accumulator of(Summation order, int width, Arith ar, int block) {
        switch (order) {
            case NAIVE:
                return new Straight(width, ar);
            case PAIRWISE:
                return new Cascade(width, ar);
            default:
                return new Blocked(width, ar, block);
        }
    }

    /** Entry {@code off} of the current term is {@code value} (already rounded). */
    abstract void put(int off, double value);

    /** Entries {@code off .. off+len} of the current term are {@code op(g * x[xo + k])}. */
    abstract void putProducts(int off, double g, double[] x, int xo, int len);

    /** Closes the current term. */
    abstract void commit();

    /** Writes the sum of the committed terms to {@code out[off .. off+width)}; then call {@link #reset()}. */
    abstract void finish(double[] out, int off);

    /** Forgets every term. */
    abstract void reset();

    /** {@code ((t_0 + t_1) + t_2) + ...}. */
    static final class Straight extends Accumulator {
        private final double[] total;

        Straight(int width, Arith ar) {
            super(width, ar);
            total = new double[width];
        }

        @Override
        void put(int off, double value) {
            total[off] = ar.op(total[off] + value);
        }

        @Override
        void putProducts(int off, double g, double[] x, int xo, int len) {
            double[] t = total;
            for (int k = 0; k < len; k++) {
                t[off + k] = ar.op(t[off + k] + ar.op(g * x[xo + k]));
            }
        }

        @Override
        void commit() {
            count++;
        }

        @Override
        void finish(double[] out, int off) {
            System.arraycopy(total, 0, out, off, width);
        }

        @Override
        void reset() {
            Arrays.fill(total, 0);
            count = 0;
        }
    }

    /**
     * Tiles of {@code block} terms summed straight into a partial sum, each tile's partial then added
     * to the running total (FlashAttention-2's accumulation across tiles).
     */
    static final class Blocked extends Accumulator {
        private final int block;
        private final double[] partial;
        private final double[] total;

        Blocked(int width, Arith ar, int block) {
            super(width, ar);
            if (block < 1) {
                throw new IllegalArgumentException("block size must be >= 1, got " + block);
            }
            this.block = block;
            partial = new double[width];
            total = new double[width];
        }

        @Override
        void put(int off, double value) {
            partial[off] = ar.op(partial[off] + value);
        }

        @Override
        void putProducts(int off, double g, double[] x, int xo, int len) {
            double[] t = partial;
            for (int k = 0; k < len; k++) {
                t[off + k] = ar.op(t[off + k] + ar.op(g * x[xo + k]));
            }
        }

        @Override
        void commit() {
            count++;
            if (count % block == 0) {
                flush();
            }
        }

        private void flush() {
            for (int k = 0; k < width; k++) {
                total[k] = ar.op(total[k] + partial[k]);
                partial[k] = 0;
            }
        }

        @Override
        void finish(double[] out, int off) {
            if (count % block != 0) {
                flush();
            }
            System.arraycopy(total, 0, out, off, width);
        }

        @Override
        void reset() {
            Arrays.fill(partial, 0);
            Arrays.fill(total, 0);
            count = 0;
        }
    }

    /**
     * Pairwise summation streamed as a binary counter: level {@code L} holds the sum of a block of
     * {@code 2^L} consecutive terms; a new term merges with the occupied levels below the lowest free
     * one (earlier block + later block). For {@code 2^k} terms this is exactly the balanced pairwise
     * tree; the final total adds the occupied levels from the highest (earliest terms) down.
     */
    static final class Cascade extends Accumulator {
        private final double[][] levels = new double[64][];
        private double[] carry;

        Cascade(int width, Arith ar) {
            super(width, ar);
            carry = new double[width];
        }

        @Override
        void put(int off, double value) {
            carry[off] = value;
        }

        @Override
        void putProducts(int off, double g, double[] x, int xo, int len) {
            double[] t = carry;
            for (int k = 0; k < len; k++) {
                t[off + k] = ar.op(g * x[xo + k]);
            }
        }

        @Override
        void commit() {
            long c = count;
            int lev = 0;
            while ((c & 1) == 1) {
                double[] lower = levels[lev];
                for (int k = 0; k < width; k++) {
                    carry[k] = ar.op(lower[k] + carry[k]);
                }
                c >>>= 1;
                lev++;
            }
            double[] free = levels[lev];
            levels[lev] = carry;
            carry = free == null ? new double[width] : free;
            count++;
        }

        @Override
        void finish(double[] out, int off) {
            if (count == 0) {
                Arrays.fill(out, off, off + width, 0);
                return;
            }
            int hi = 63 - Long.numberOfLeadingZeros(count);
            System.arraycopy(levels[hi], 0, out, off, width);
            for (int lev = hi - 1; lev >= 0; lev--) {
                if ((count >>> lev & 1) == 1) {
                    double[] t = levels[lev];
                    for (int k = 0; k < width; k++) {
                        out[off + k] = ar.op(out[off + k] + t[k]);
                    }
                }
            }
        }

        @Override
        void reset() {
            count = 0;
        }
    }
}
