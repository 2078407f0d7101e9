package dev.ropecheck.engine;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The one parallel runner of the engines and the bounds: a fixed list of independent tasks on up to
 * {@code threads} daemon threads, the calling thread being worker 0. Tasks are handed out in index order;
 * each writes only its own outputs (or returns its result, handed on in task order), and callers merge
 * partial sums in task order, so results do not depend on the thread count or on scheduling (the
 * engines' bitwise reproducibility rests on this and on fixed summation orders inside each task).
 *
 * <p>The first exception of a task stops the handing out and is rethrown on the calling thread: an
 * unchecked exception or an error as it is, a checked one wrapped in {@link IllegalStateException}.
 */
public final class Workers {
    /** One task; {@code worker} indexes the caller's per-worker scratch ({@code 0 <= worker < threads}). */
    @FunctionalInterface
    public interface Task {
        void run(int worker, int task);
    }

    private Workers() {
    }

    /** The default thread count: the processors the JVM sees (follows {@code -XX:ActiveProcessorCount}). */
    public static int available() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Runs tasks {@code 0..tasks-1} on at most {@code threads} threads.
     *
     * @param threads at least 1 (values above {@code tasks} start no idle threads)
     * @param name the worker threads' name prefix
     */
    public static void run(int threads, int tasks, String name, Task task) {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int nt = Math.max(1, Math.min(threads, tasks));
        Thread[] ts = new Thread[nt - 1];
        for (int w = 1; w < nt; w++) {
            int worker = w;
            ts[w - 1] = new Thread(() -> loop(worker, tasks, task, next, failure), name + "-" + w);
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

    /** Runs every part once on at most {@code threads} threads. */
    public static void run(Runnable[] parts, int threads, String name) {
        run(threads, parts.length, name, (worker, k) -> parts[k].run());
    }

    /** Runs every task on at most {@code threads} threads and hands their results to {@code sink} in task order. */
    public static <T> void run(List<? extends Callable<T>> tasks, int threads, String name, Consumer<? super T> sink) {
        Object[] results = new Object[tasks.size()];
        run(threads, tasks.size(), name, (worker, k) -> {
            try {
                results[k] = tasks.get(k).call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        for (Object r : results) {
            @SuppressWarnings("unchecked")
            T t = (T) r;
            sink.accept(t);
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
