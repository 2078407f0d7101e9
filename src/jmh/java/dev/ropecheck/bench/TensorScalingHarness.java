package dev.ropecheck.bench;

import dev.ropecheck.engine.TensorAttentionEngine;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.engine.exact.TensorExactEngine_F64;
import dev.ropecheck.engine.fast.TensorFastEngine_F64;
import dev.ropecheck.model.TensorInstance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Warm scaling sweep of tensor attention loss + {@code ∇_X L} (the {@link TensorAttentionBench} set-up) for
 * n = 16..4096: calls under 50 ms are timed as the median of 7 batch averages (batches of at least 0.2 s, after 1 s
 * of warm-up); longer calls are warmed up (at least 3 runs and 2 s, unless a run takes over 10 s) and timed as the
 * median of {@code max(1, min(5, 20 s / first run))} runs. The exact engine is
 * skipped once a run has exceeded 60 s or its cubic extrapolation {@code 8 t(n)} would. Prints a table, the first
 * {@code n} where fast beats exact, and least-squares log-log slopes of the fast engine.
 *
 * <p>{@code java -cp target/ropecheck.jar dev.ropecheck.bench.TensorScalingHarness [maxN [fastMaxN]]}: the exact
 * engine runs up to {@code maxN} (default 4096), the fast one up to {@code fastMaxN} (default {@code maxN}).
 */
public final class TensorScalingHarness {
    private TensorScalingHarness() {
    }

    static double seconds(TensorAttentionEngine e, TensorInstance in) {
        long t0 = System.nanoTime();
        TensorResult r = e.compute(in, TensorAttentionBench.WANTED);
        long t1 = System.nanoTime();
        if (!Double.isFinite(r.loss())) {
            throw new IllegalStateException("non-finite loss");
        }
        return (t1 - t0) / 1e9;
    }

    /**
     * Per-call time: runs short calls in batches of at least 0.2 s (after 1 s of warm-up) and returns the median of 7
     * batch averages; long calls go through {@link #timed}.
     */
    static double batched(TensorAttentionEngine e, TensorInstance in) {
        double first = seconds(e, in);
        if (first > 0.05) {
            return timed(e, in);
        }
        long warmEnd = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            seconds(e, in);
        }
        double[] avg = new double[7];
        for (int b = 0; b < avg.length; b++) {
            long t0 = System.nanoTime();
            int calls = 0;
            do {
                seconds(e, in);
                calls++;
            } while (System.nanoTime() - t0 < 200_000_000L);
            avg[b] = (System.nanoTime() - t0) / 1e9 / calls;
        }
        Arrays.sort(avg);
        return avg[avg.length / 2];
    }

    static double timed(TensorAttentionEngine e, TensorInstance in) {
        double first = seconds(e, in);
        if (first < 10) {
            long warmEnd = System.nanoTime() + 2_000_000_000L;
            for (int k = 0; k < 3 || System.nanoTime() < warmEnd; k++) {
                if (seconds(e, in) > 10) {
                    break;
                }
            }
        }
        int runs = (int) Math.max(1, Math.min(5, 20 / Math.max(first, 1e-9)));
        double[] t = new double[runs];
        for (int k = 0; k < runs; k++) {
            t[k] = k == 0 && runs == 1 ? first : seconds(e, in);
        }
        Arrays.sort(t);
        return t[runs / 2];
    }

    public static void main(String[] args) {
        int maxN = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int fastMaxN = args.length > 1 ? Integer.parseInt(args[1]) : maxN;
        TensorExactEngine_F64 exact = new TensorExactEngine_F64();
        TensorFastEngine_F64 fast = new TensorFastEngine_F64(1e-3);
        List<double[]> fastPoints = new ArrayList<>();
        double lastExact = 0;
        boolean exactOn = true;
        Integer crossover = null;
        System.out.println("n, exact_s, fast_s, fast_degree, fast_rank");
        for (int n = 16; n <= fastMaxN; n *= 2) {
            TensorInstance in = TensorAttentionBench.instance(n, 2, 0.5, 42L);
            if (exactOn && (lastExact * 8 > 60 || n > maxN)) {
                exactOn = false;
            }
            double te = Double.NaN;
            if (exactOn) {
                te = batched(exact, in);
                lastExact = te;
                if (te > 60) {
                    exactOn = false;
                }
            }
            double tf = batched(fast, in);
            fastPoints.add(new double[] {n, tf});
            if (crossover == null && !Double.isNaN(te) && tf < te) {
                crossover = n;
            }
            TensorResult meta = fast.compute(in, TensorAttentionBench.WANTED);
            System.out.printf("%d, %s, %.6f, %s, %s%n", n, Double.isNaN(te) ? "skipped" : String.format("%.6f", te), tf,
                    meta.metadata().get("degree"), meta.metadata().get("rank"));
        }
        System.out.println("first n (power of 2 from 16) with fast < exact: " + crossover);
        System.out.printf("fast log-log slope, n = 16..%d: %.3f%n", maxN, slope(fastPoints, 0, maxN));
        System.out.printf("fast log-log slope, n = 256..%d: %.3f%n", maxN, slope(fastPoints, 256, maxN));
        if (fastMaxN > maxN) {
            System.out.printf("fast log-log slope, n = 1024..%d: %.3f%n", fastMaxN, slope(fastPoints, 1024, fastMaxN));
        }
    }

    static double slope(List<double[]> pts, double fromN, double toN) {
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int k = 0;
        for (double[] p : pts) {
            if (p[0] < fromN || p[0] > toN) {
                continue;
            }
            double x = Math.log(p[0]);
            double y = Math.log(p[1]);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            k++;
        }
        return (k * sxy - sx * sy) / (k * sxx - sx * sx);
    }
}
