package dev.ropecheck.candidates;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Wall time of the fp64 and fp32 candidates, forward and backward, at the issue-9 sizes
 * {@code (n, d) = (4096, 8), (512, 64), (2048, 64)}; one call each (after one small warm-up), printed
 * with the calling thread's CPU time (the machine is shared, so wall time overstates). {@code long} profile only.
 */
@Tag("long")
class CandidateTimingTest {
    /** A generous ceiling per call (a shared 2-core machine); the measured times are printed. */
    private static final double LIMIT_S = 60;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    @Test
    @DisplayName("fp64/fp32 candidates at (4096, 8), (512, 64), (2048, 64): every order within the ceiling")
    void timings() {
        int[][] sizes = {{4096, 8}, {512, 64}, {2048, 64}};
        RopeInstance warm = new InstanceSpec(256, 16, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 1L).build();
        for (FloatFormat fmt : new FloatFormat[] {FloatFormat.FP64, FloatFormat.FP32}) {
            for (Summation order : Summation.values()) {
                CandidateAttention.compute(warm, fmt, order, Bug.NONE);
            }
        }
        for (int[] nd : sizes) {
            RopeInstance inst = new InstanceSpec(nd[0], nd[1], FamilyKind.ROPE_INTERLEAVED, 0.5, true, 42L).build();
            for (FloatFormat fmt : new FloatFormat[] {FloatFormat.FP64, FloatFormat.FP32}) {
                for (Summation order : Summation.values()) {
                    long c0 = CPU.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    RopeResult r = CandidateAttention.compute(inst, fmt, order, Bug.NONE);
                    double s = (System.nanoTime() - t0) / 1e9;
                    double cpu = (CPU.getCurrentThreadCpuTime() - c0) / 1e9;
                    System.out.println(String.format(Locale.ROOT,
                            "candidate n=%d d=%d %s %s: wall %.2f s, thread cpu %.2f s (loss %.6g)", nd[0], nd[1],
                            fmt.label(), order, s, cpu, r.get(Quantity.LOSS).get(0, 0)));
                    assertTrue(s < LIMIT_S, nd[0] + "x" + nd[1] + " " + fmt + " " + order + " took " + s + " s");
                }
            }
        }
    }
}
