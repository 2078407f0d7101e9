package dev.ropecheck.engine.fast;

import java.util.function.BiConsumer;

/**
 * Merges the partial sums of the {@link MonomialWalk#chunks} chunks in chunk order as they finish:
 * the result is chunk 0's partial, then {@code += chunk 1}, ..., {@code += chunk K-1}, whatever order
 * the chunks finish in, so it does not depend on the thread count or the scheduling. A partial is merged
 * (and dropped) as soon as every earlier chunk has been, so only the partials of the chunks running or
 * finished ahead of their turn are live, not all {@code K}.
 *
 * @param <T> the partial sums
 */
final class ChunkMerge<T> {
    private final Object[] waiting;
    private final BiConsumer<T, T> add;
    private int next;
    private T sum;

    /**
     * @param chunks {@code K}
     * @param add {@code add(sum, part)}: {@code sum += part}, entry by entry
     */
    ChunkMerge(int chunks, BiConsumer<T, T> add) {
        this.waiting = new Object[chunks];
        this.add = add;
    }

    /** Chunk {@code c} is done with partial sums {@code part} (called once per chunk, from any thread). */
    synchronized void finish(int c, T part) {
        waiting[c] = part;
        while (next < waiting.length && waiting[next] != null) {
            @SuppressWarnings("unchecked")
            T p = (T) waiting[next];
            waiting[next] = null;
            if (next == 0) {
                sum = p;
            } else {
                add.accept(sum, p);
            }
            next++;
        }
    }

    /**
     * {@code sum += part}, entry by entry, for partials held as rows ({@code part} has {@code sum}'s
     * shape): the merge of the fast-fft forward and of each array of {@link GradientSums}.
     */
    static void addRows(double[][] sum, double[][] part) {
        for (int r = 0; r < sum.length; r++) {
            double[] o = sum[r];
            double[] x = part[r];
            for (int i = 0; i < o.length; i++) {
                o[i] += x[i];
            }
        }
    }

    /** The merged sums, once every chunk has finished. */
    synchronized T sum() {
        if (next != waiting.length) {
            throw new IllegalStateException(next + " of " + waiting.length + " chunks merged");
        }
        return sum;
    }
}
