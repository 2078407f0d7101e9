package dev.ropecheck.candidates;

/**
 * A running sum of {@code width}-wide terms in one {@link Summation} order. The caller writes each
 * term (already rounded by {@link Arith#op}) into {@link #slot()} and calls {@link #commit()};
 * {@link #finish} writes the total. Every addition is rounded by {@link Arith#op}. Buffers are
 * allocated once (the pairwise order adds one per level, at most {@code log2} of the term count).
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

    /** The buffer the next term is written into (fully, all {@code width} entries). */
    abstract double[] slot();

    /** Adds the term in {@link #slot()}. */
    abstract void commit();

    /** Writes the sum of the committed terms to {@code out[off .. off+width)}; then call {@link #reset()}. */
    abstract void finish(double[] out, int off);

    /** Forgets every term. */
    abstract void reset();

    /** {@code ((t_0 + t_1) + t_2) + ...}. */
    static final class Straight extends Accumulator {
        private final double[] term;
        private final double[] total;

        Straight(int width, Arith ar) {
            super(width, ar);
            term = new double[width];
            total = new double[width];
        }

        @Override
        double[] slot() {
            return term;
        }

        @Override
        void commit() {
            for (int k = 0; k < width; k++) {
                total[k] = ar.op(total[k] + term[k]);
            }
            count++;
        }

        @Override
        void finish(double[] out, int off) {
            System.arraycopy(total, 0, out, off, width);
        }

        @Override
        void reset() {
            java.util.Arrays.fill(total, 0);
            count = 0;
        }
    }

    /**
     * Tiles of {@code block} terms summed straight into a partial sum, each tile's partial then added
     * to the running total (FlashAttention-2's accumulation across tiles).
     */
    static final class Blocked extends Accumulator {
        private final int block;
        private final double[] term;
        private final double[] partial;
        private final double[] total;

        Blocked(int width, Arith ar, int block) {
            super(width, ar);
            if (block < 1) {
                throw new IllegalArgumentException("block size must be >= 1, got " + block);
            }
            this.block = block;
            term = new double[width];
            partial = new double[width];
            total = new double[width];
        }

        @Override
        double[] slot() {
            return term;
        }

        @Override
        void commit() {
            for (int k = 0; k < width; k++) {
                partial[k] = ar.op(partial[k] + term[k]);
            }
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
            java.util.Arrays.fill(partial, 0);
            java.util.Arrays.fill(total, 0);
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
        double[] slot() {
            return carry;
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
                java.util.Arrays.fill(out, off, off + width, 0);
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
