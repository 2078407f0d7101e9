package dev.ropecheck.bench;

import dev.ropecheck.approx.Method;
import dev.ropecheck.engine.fast.FastForward;
import dev.ropecheck.engine.fast.RopeFftEngine_F64;
import dev.ropecheck.engine.fast.RopeLowRankEngine_F64;
import dev.ropecheck.model.RopeInstance;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Peak heap of one fast forward pass at {@code n} (default {@code 2^18}) on {@link FastForwardBench}'s
 * instance: the sum of the heap pools' peak usage after a pass, minus the same after building the
 * instance. Run: {@code java -cp target/ropecheck.jar dev.ropecheck.bench.FastForwardMemory [n] [fast-fft|fast-lowrank] [threads]}
 * (one engine per JVM so the peaks do not mix; fast-fft on {@code threads} threads, default 1: each further
 * thread holds its own walk, buffers and partial sums).
 */
public final class FastForwardMemory {
    private FastForwardMemory() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 18;
        String engine = args.length > 1 ? args[1] : "fast-fft";
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        RopeInstance in = FastForwardBench.instance(n, 4, 20250601L);
        System.gc();
        long base = peakHeap(true);
        long t0 = System.nanoTime();
        FastForward f = engine.equals("fast-fft") ? RopeFftEngine_F64.withThreads(1e-3, Method.CHEBYSHEV, threads).forward(in)
                : new RopeLowRankEngine_F64(1e-3, Method.CHEBYSHEV).forward(in);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long peak = peakHeap(false);
        System.out.printf("%s n=%d time=%d ms peak-heap-above-instance=%.1f MB (n*8 bytes = %.1f MB) meta=%s%n", engine,
                n, ms, (peak - base) / 1e6, n * 8 / 1e6, f.metadata());
    }

    private static long peakHeap(boolean reset) {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                if (reset) {
                    p.resetPeakUsage();
                    sum += p.getUsage().getUsed();
                } else {
                    sum += p.getPeakUsage().getUsed();
                }
            }
        }
        return sum;
    }
}
