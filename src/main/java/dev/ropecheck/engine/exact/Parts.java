package dev.ropecheck.engine.exact;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a fixed list of independent parts on up to {@code threads} threads. The parts, not the
 * threads, own the partial sums, and callers merge them in part order, so results do not depend on
 * the thread count or on which thread ran which part.
 */
final class Parts {
    private Parts() {
    }

    /** Runs every part once; the calling thread takes part too. Rethrows a part's runtime exception. */
    static void run(Runnable[] parts, int threads) {
        int nt = Math.max(1, Math.min(threads, parts.length));
        if (nt == 1) {
            for (Runnable p : parts) {
                p.run();
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable drain = () -> {
            for (int k = next.getAndIncrement(); k < parts.length; k = next.getAndIncrement()) {
                parts[k].run();
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(nt - 1, r -> {
            Thread th = new Thread(r, "exact-engine-worker");
            th.setDaemon(true);
            return th;
        });
        try {
            Future<?>[] fs = new Future<?>[nt - 1];
            for (int t = 0; t < nt - 1; t++) {
                fs[t] = pool.submit(drain);
            }
            drain.run();
            for (Future<?> f : fs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) {
                throw (RuntimeException) c;
            }
            if (c instanceof Error) {
                throw (Error) c;
            }
            throw new IllegalStateException(c);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The default thread count: the processors the JVM sees (follows {@code -XX:ActiveProcessorCount}). */
    static int available() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
