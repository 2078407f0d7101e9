package dev.ropecheck.bench;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.engine.reference.RopeReferenceEngine_DD;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.lang.management.ManagementFactory;
import java.util.EnumSet;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * Wall and process CPU time of the double-double reference ({@code reference-dd}) against the exact
 * double engine on the same instances: RoPE (interleaved), entries {@code k/2^12} in
 * {@code [-0.5, 0.5]}, every forward field except the {@code n x n} ones plus
 * {@code dQ, dK, dV} and the weight gradients. Best of {@code k} runs after one warm-up run.
 *
 * <p>Run: {@code java -cp target/ropecheck.jar dev.ropecheck.bench.DoubleDoubleScaling n:d[:k] ...}
 * (default {@code 1024:64:2 4096:64:1}); {@code -Dexact=false} skips the exact engine.
 */
public final class DoubleDoubleScaling {
    private DoubleDoubleScaling() {
    }

    public static void main(String[] args) {
        String[] cases = args.length == 0 ? new String[] {"1024:64:2", "4096:64:1"} : args;
        boolean exact = !"false".equals(System.getProperty("exact"));
        EnumSet<Quantity> wanted = EnumSet.of(Quantity.ALPHA, Quantity.H, Quantity.ATTENTION, Quantity.C,
                Quantity.LOSS, Quantity.R, Quantity.DQ, Quantity.DK, Quantity.DV, Quantity.GRAD_WQ, Quantity.GRAD_WK,
                Quantity.GRAD_WV);
        RopeReferenceEngine_DD dd = new RopeReferenceEngine_DD();
        System.out.println("reference-dd workers: " + dd.threads());
        time(dd, instance(256, 16), wanted, 1);
        for (String c : cases) {
            String[] p = c.split(":");
            int n = Integer.parseInt(p[0]);
            int d = Integer.parseInt(p[1]);
            int k = p.length > 2 ? Integer.parseInt(p[2]) : 1;
            RopeInstance inst = instance(n, d);
            double[] tdd = time(dd, inst, wanted, k);
            String line = String.format("n = %d, d = %d: reference-dd wall %.2f s, cpu %.2f s", n, d, tdd[0] / 1e3,
                    tdd[1] / 1e3);
            if (exact) {
                RopeExactEngine_F64 ex = new RopeExactEngine_F64();
                time(ex, instance(256, 16), wanted, 1);
                double[] tex = time(ex, inst, wanted, k);
                line += String.format("; exact wall %.3f s, cpu %.3f s; ratio wall %.1fx, cpu %.1fx", tex[0] / 1e3,
                        tex[1] / 1e3, tdd[0] / tex[0], tdd[1] / tex[1]);
            }
            System.out.println(line);
        }
    }

    /** {@code {best wall ms, best cpu ms}} over {@code k} runs. */
    private static double[] time(RopeAttentionEngine e, RopeInstance inst, EnumSet<Quantity> wanted, int k) {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double wall = Double.POSITIVE_INFINITY;
        double cpu = Double.POSITIVE_INFINITY;
        for (int r = 0; r < k; r++) {
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            e.compute(inst, wanted);
            wall = Math.min(wall, (System.nanoTime() - t0) / 1e6);
            cpu = Math.min(cpu, (os.getProcessCpuTime() - c0) / 1e6);
        }
        return new double[] {wall, cpu};
    }

    private static RopeInstance instance(int n, int d) {
        SplittableRandom rnd = new SplittableRandom(20261201L + n + 31L * d);
        return RopeInstance.builder().a1(random(rnd, n, d)).a2(random(rnd, n, d)).a3(random(rnd, n, d))
                .e(random(rnd, n, d)).wq(random(rnd, d, d)).wk(random(rnd, d, d)).wv(random(rnd, d, d))
                .family(new RopeFamily(d)).entryBound(0.5).build();
    }

    private static DMatrixRMaj random(SplittableRandom rnd, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextLong(-2048, 2049) / 4096.0;
        }
        return m;
    }
}
