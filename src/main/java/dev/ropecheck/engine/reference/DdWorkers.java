package dev.ropecheck.engine.reference;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs {@code tasks} independent tasks on a fixed number of threads. Tasks are handed out in index
 * order; each writes only its own outputs, so the results do not depend on the thread count or on
 * scheduling (the double-double engine's determinism rests on this and on fixed summation orders
 * inside each task).
 */
final class DdWorkers {
    /** One task; {@code worker} indexes the caller's per-worker scratch ({@code 0 <= worker < threads}). */
    @FunctionalInterface
    interface Task {
        void run(int worker, int task);
    }

    private DdWorkers() {
    }

    /** Runs tasks {@code 0..tasks-1} on {@code threads >= 1} threads (the caller's thread is worker 0). */
    static void run(int threads, int tasks, Task task) {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int nt = Math.max(1, Math.min(threads, tasks));
        Thread[] ts = new Thread[nt - 1];
        for (int w = 1; w < nt; w++) {
            int worker = w;
            ts[w - 1] = new Thread(() -> loop(worker, tasks, task, next, failure), "reference-dd-worker-" + w);
            ts[w - 1].setDaemon(true);
            ts[w - 1].start();
        }
        loop(0, tasks, task, next, failure);
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while computing", e);
            }
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException) {
            throw (RuntimeException) f;
        }
        if (f instanceof Error) {
            throw (Error) f;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    private static void loop(int worker, int tasks, Task task, AtomicInteger next, AtomicReference<Throwable> failure) {
        try {
            for (int t = next.getAndIncrement(); t < tasks && failure.get() == null; t = next.getAndIncrement()) {
                task.run(worker, t);
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }
}
