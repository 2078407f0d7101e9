package dev.ropecheck.bounds;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs a bound's independent tasks on up to {@code threads} daemon threads and hands their results
 * to {@code sink} in task order, so the bound does not depend on the thread count; a task's
 * unchecked exception is rethrown as it is.
 */
final class BoundWorkers {
    private BoundWorkers() {
    }

    static <T> void run(List<Callable<T>> tasks, int threads, String name, Consumer<T> sink) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, tasks.size())), r -> {
            Thread th = new Thread(r, name);
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<T>> fs = new ArrayList<>();
            for (Callable<T> t : tasks) {
                fs.add(pool.submit(t));
            }
            for (Future<T> f : fs) {
                sink.accept(f.get());
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        } catch (ExecutionException ex) {
            Throwable cause = ex.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IllegalStateException(cause);
        } finally {
            pool.shutdownNow();
        }
    }
}
