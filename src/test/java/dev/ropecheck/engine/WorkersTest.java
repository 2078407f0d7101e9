package dev.ropecheck.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link Workers}: every task once, worker indices in range, results in task order, failures rethrown. */
class WorkersTest {

    @Test
    @DisplayName("every task runs exactly once, on a worker index below the thread count, for 1 to 7 threads")
    void everyTaskOnceWithWorkerInRange() {
        for (int threads = 1; threads <= 7; threads++) {
            int tasks = 50;
            AtomicInteger[] runs = new AtomicInteger[tasks];
            for (int k = 0; k < tasks; k++) {
                runs[k] = new AtomicInteger();
            }
            int nt = threads;
            Workers.run(threads, tasks, "test", (worker, k) -> {
                assertTrue(worker >= 0 && worker < nt, "worker " + worker);
                runs[k].incrementAndGet();
            });
            for (int k = 0; k < tasks; k++) {
                assertEquals(1, runs[k].get(), "task " + k + " on " + threads + " threads");
            }
        }
    }

    @Test
    @DisplayName("results reach the sink in task order whatever the thread count")
    void resultsInTaskOrder() {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            int v = k;
            tasks.add(() -> {
                Thread.sleep((40 - v) % 3);
                return v * v;
            });
        }
        for (int threads : new int[] {1, 2, 5}) {
            List<Integer> got = new ArrayList<>();
            Workers.run(tasks, threads, "test", got::add);
            int[] want = new int[40];
            for (int k = 0; k < 40; k++) {
                want[k] = k * k;
            }
            assertArrayEquals(want, got.stream().mapToInt(Integer::intValue).toArray(), threads + " threads");
        }
    }

    @Test
    @DisplayName("a task's unchecked exception is rethrown as it is, a checked one wrapped")
    void failuresRethrown() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Workers.run(2, 10, "test", (w, k) -> {
                    if (k == 7) {
                        throw new IllegalArgumentException("task 7");
                    }
                }));
        assertEquals("task 7", e.getMessage());
        List<Callable<Integer>> tasks = List.of(() -> 1, () -> {
            throw new IOException("disk");
        });
        IllegalStateException w = assertThrows(IllegalStateException.class, () -> Workers.run(tasks, 2, "test", v -> { }));
        assertTrue(w.getCause() instanceof IOException);
    }

    @Test
    @DisplayName("with 3 threads, 3 tasks that wait for each other all run at once, on three distinct threads")
    void threadsReallyRunConcurrently() {
        CyclicBarrier barrier = new CyclicBarrier(3);
        Set<String> names = ConcurrentHashMap.newKeySet();
        Workers.run(3, 3, "test", (w, k) -> {
            names.add(Thread.currentThread().getName());
            try {
                barrier.await(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("task " + k + " did not meet the other two: the workers did not run at once", e);
            }
        });
        assertEquals(3, names.size(), names.toString());
    }
}
