package dev.ropecheck.engine.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link ChunkMerge}: partials merged in chunk order whatever order they finish in. */
class ChunkMergeTest {
    @Test
    @DisplayName("ChunkMerge: chunk 0, then + chunk 1, ..., whatever the finishing order")
    void mergesInChunkOrder() {
        SplittableRandom rnd = new SplittableRandom(1413);
        for (int k : new int[] {1, 2, 3, 8}) {
            for (int rep = 0; rep < 20; rep++) {
                List<Integer> order = new ArrayList<>();
                for (int c = 0; c < k; c++) {
                    order.add(c);
                }
                Collections.shuffle(order, new java.util.Random(rnd.nextLong()));
                StringBuilder log = new StringBuilder();
                ChunkMerge<StringBuilder> m = new ChunkMerge<>(k, (sum, part) -> sum.append('+').append(part));
                for (int c : order) {
                    m.finish(c, new StringBuilder().append(c));
                    log.append(c);
                }
                StringBuilder expect = new StringBuilder("0");
                for (int c = 1; c < k; c++) {
                    expect.append('+').append(c);
                }
                assertEquals(expect.toString(), m.sum().toString(), "finished in order " + log);
            }
        }
        ChunkMerge<StringBuilder> part = new ChunkMerge<>(2, (a, b) -> a.append(b));
        part.finish(1, new StringBuilder("1"));
        assertThrows(IllegalStateException.class, part::sum);
    }

    @Test
    @DisplayName("addRows: sum += part in every row and every entry (the fast-fft forward's chunk merge)")
    void addRowsAddsEveryEntry() {
        double[][] sum = {{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}};
        double[][] part = {{0.5, -0.25, 8.0}, {-16.0, 0.125, 1e-3}};
        ChunkMerge.addRows(sum, part);
        assertEquals(java.util.Arrays.deepToString(new double[][] {{1.5, 1.75, 11.0}, {-12.0, 5.125, 6.001}}),
                java.util.Arrays.deepToString(sum));
        assertEquals(java.util.Arrays.deepToString(new double[][] {{0.5, -0.25, 8.0}, {-16.0, 0.125, 1e-3}}),
                java.util.Arrays.deepToString(part), "part is left as it was");
    }
}
