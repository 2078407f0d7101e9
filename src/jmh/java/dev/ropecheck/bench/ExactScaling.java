package dev.ropecheck.bench;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.lang.management.ManagementFactory;
import java.util.EnumSet;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * Scaling of the exact engine measured in process CPU time as well as wall time, so that the
 * {@code n^2} law (Theorem 5.7) can be read off on a shared, loaded machine where {@link ExactBench}'s
 * wall-clock numbers fluctuate. Same workload as {@link ExactBench}: RoPE, {@code d = 8}, forward +
 * loss + {@code G} + weight gradients. Prints the minimum over repetitions and the log-log slope.
 *
 * <p>Run: {@code java -cp target/ropecheck.jar dev.ropecheck.bench.ExactScaling [n ...]}.
 */
public final class ExactScaling {
    private ExactScaling() {
    }

    public static void main(String[] args) {
        int[] ns = args.length == 0 ? new int[] {256, 512, 1024, 2048, 4096} : new int[args.length];
        for (int t = 0; t < args.length; t++) {
            ns[t] = Integer.parseInt(args[t]);
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        EnumSet<Quantity> wanted = EnumSet.of(Quantity.ATTENTION, Quantity.LOSS, Quantity.GRAD_X, Quantity.GRAD_WQ,
                Quantity.GRAD_WK, Quantity.GRAD_WV);
        RopeExactEngine_F64 engine = new RopeExactEngine_F64();
        int d = 8;
        // Warm-up (JIT) on a mid-sized instance.
        RopeInstance warm = RopeInstance.builder().a1(random(new SplittableRandom(1), 512, d))
                .a2(random(new SplittableRandom(2), 512, d)).a3(random(new SplittableRandom(3), 512, d))
                .e(random(new SplittableRandom(4), 512, d)).wq(random(new SplittableRandom(5), d, d))
                .wk(random(new SplittableRandom(6), d, d)).wv(random(new SplittableRandom(7), d, d))
                .family(new RopeFamily(d)).build();
        for (int r = 0; r < 15; r++) {
            engine.compute(warm, wanted);
        }
        double prevN = 0;
        double prevCpu = 0;
        for (int n : ns) {
            SplittableRandom rnd = new SplittableRandom(20240601L);
            RopeInstance inst = RopeInstance.builder().a1(random(rnd, n, d)).a2(random(rnd, n, d))
                    .a3(random(rnd, n, d)).e(random(rnd, n, d)).wq(random(rnd, d, d)).wk(random(rnd, d, d))
                    .wv(random(rnd, d, d)).family(new RopeFamily(d)).build();
            int reps = n <= 1024 ? 10 : 4;
            double wall = Double.POSITIVE_INFINITY;
            double cpu = Double.POSITIVE_INFINITY;
            for (int r = 0; r < reps; r++) {
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                engine.compute(inst, wanted);
                wall = Math.min(wall, (System.nanoTime() - t0) / 1e6);
                cpu = Math.min(cpu, (os.getProcessCpuTime() - c0) / 1e6);
            }
            String slope = prevN == 0 ? "" : String.format("  cpu slope %.2f", Math.log(cpu / prevCpu) / Math.log(n / prevN));
            System.out.printf("n=%5d d=%d workers=%d  wall(min)=%8.1f ms  cpu(min)=%8.1f ms%s%n", n, d,
                    RopeExactEngine_F64.workers(n), wall, cpu, slope);
            prevN = n;
            prevCpu = cpu;
        }
    }

    private static DMatrixRMaj random(SplittableRandom rnd, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextDouble(-1, 1);
        }
        return m;
    }
}
