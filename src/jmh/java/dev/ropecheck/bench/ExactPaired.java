package dev.ropecheck.bench;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * The in-engine side of {@code bench/paired.sh}: the exact engine on a RoPE instance (entries uniform
 * in {@code [-1, 1]}), either the forward ({@code fwd}: attention and loss) or the training step
 * ({@code train}: forward, loss and the three weight gradients), repeated after warm-up; prints one
 * line per repetition (wall and process CPU milliseconds) and the medians. The forward line also
 * gives the useful GFLOP/s, counting {@code 4 n^2 d} flops (scores and {@code f h}), per wall and per CPU second.
 *
 * <p>Run: {@code java -cp target/ropecheck.jar dev.ropecheck.bench.ExactPaired n d threads fwd|train reps}.
 */
public final class ExactPaired {
    private ExactPaired() {
    }

    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        int d = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        boolean train = "train".equals(args[3]);
        int reps = Integer.parseInt(args[4]);
        Set<Quantity> wanted = train
                ? EnumSet.of(Quantity.ATTENTION, Quantity.LOSS, Quantity.GRAD_WQ, Quantity.GRAD_WK, Quantity.GRAD_WV)
                : EnumSet.of(Quantity.ATTENTION, Quantity.LOSS);
        SplittableRandom rnd = new SplittableRandom(20261202L);
        RopeInstance inst = RopeInstance.builder().a1(random(rnd, n, d)).a2(random(rnd, n, d)).a3(random(rnd, n, d))
                .e(random(rnd, n, d)).wq(random(rnd, d, d)).wk(random(rnd, d, d)).wv(random(rnd, d, d))
                .family(new RopeFamily(d)).build();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        RopeExactEngine_F64 engine = new RopeExactEngine_F64(threads);
        int warm = Math.max(2, reps / 2);
        for (int r = 0; r < warm; r++) {
            engine.compute(inst, wanted);
        }
        double[] wall = new double[reps];
        double[] cpu = new double[reps];
        for (int r = 0; r < reps; r++) {
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            engine.compute(inst, wanted);
            wall[r] = (System.nanoTime() - t0) / 1e6;
            cpu[r] = (os.getProcessCpuTime() - c0) / 1e6;
            System.out.printf("rep %d wall_ms %.1f cpu_ms %.1f%n", r, wall[r], cpu[r]);
        }
        double mw = median(wall);
        double mc = median(cpu);
        System.out.printf("java exact %s n=%d d=%d threads=%d kernels %s median wall_ms %.1f cpu_ms %.1f",
                train ? "train" : "fwd", n, d, threads, RopeExactEngine_F64.kernels(), mw, mc);
        if (!train) {
            System.out.printf(" useful_gflops_per_s wall %.2f cpu %.2f", 4.0 * n * n * d / (mw * 1e6),
                    4.0 * n * n * d / (mc * 1e6));
        }
        System.out.println();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
    }

    private static DMatrixRMaj random(SplittableRandom rnd, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextDouble(-1, 1);
        }
        return m;
    }
}
