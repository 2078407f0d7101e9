package dev.ropecheck.bench;

import dev.ropecheck.approx.Method;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.engine.fast.RopeFftEngine_F64;
import dev.ropecheck.engine.fast.RopeLowRankEngine_F64;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Paired timing of the fast engines under the causal mask (MATH §9, {@code proofs-notes/causal-fast.md}):
 * RoPE interleaved, {@code d = 4}, entries uniform in {@code [-0.4, 0.4]} with row 0 of {@code A1, A2} at
 * {@code 0.4} and the weights drawn from a seed of their own, so that {@code beta}, and with it the degree
 * and the monomial count, is the same at every {@code n} ({@link #instance}); {@code eps = 1e-3}
 * Chebyshev; the mask set; forward ({@code attention, loss})
 * and forward + gradient ({@link FastGradientBench#WANTED}) of both engines and of the exact engine, all three
 * on the same causal instances (the exact engine runs every row to {@code j <= i}). Best of {@code reps} calls
 * after one warm-up (wall and calling-thread CPU time); prints one CSV row per measurement, the least-squares
 * log-log slopes of the CPU times over {@code n >= 2^12}, and per fast engine and pass the crossover in CPU time:
 * the smallest measured {@code n} from which on the fast engine is faster than the exact one at every measured
 * size where both ran. Run it with {@code -XX:ActiveProcessorCount=1} so that the exact engine computes on the
 * calling thread.
 *
 * <p>Run: {@code mvn -B -q -Pbench -DskipTests package && java -Xmx6g -XX:ActiveProcessorCount=1 -cp
 * target/ropecheck.jar dev.ropecheck.bench.CausalFastBench 3 16384 16384 128 256 512 1024 2048 4096 8192 16384
 * 32768 65536}
 * (reps, largest n for the exact forward, largest n for the exact gradient, then the sizes).
 */
public final class CausalFastBench {
    static final Set<Quantity> FORWARD = EnumSet.of(Quantity.ATTENTION, Quantity.LOSS);

    private CausalFastBench() {
    }

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * Best wall time of {@code reps} calls, in seconds; {@code meta[2]} gets the best CPU time of the calling thread
     * (every engine here computes on the calling thread when it is given one processor, so this is the engine's CPU
     * time, unaffected by other load on the machine).
     */
    static double best(RopeAttentionEngine e, RopeInstance in, Set<Quantity> wanted, int reps, String[] meta) {
        double best = Double.POSITIVE_INFINITY;
        double bestCpu = Double.POSITIVE_INFINITY;
        RopeResult r = null;
        for (int k = 0; k < reps; k++) {
            long c0 = CPU.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            r = e.compute(in, wanted);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            bestCpu = Math.min(bestCpu, (CPU.getCurrentThreadCpuTime() - c0) / 1e9);
        }
        meta[0] = String.valueOf(r.metadata().get("degree"));
        meta[1] = String.valueOf(r.metadata().getOrDefault("rank", r.metadata().get("monomials")));
        meta[2] = String.format(java.util.Locale.ROOT, "%.4f", bestCpu);
        return best;
    }

    /** Least-squares log-log slope over the points with {@code n >= 2^12} ({@link TensorScalingHarness#slope}). */
    static double slope(List<double[]> pts) {
        long m = pts.stream().filter(p -> p[0] >= 4096).count();
        return m < 2 ? Double.NaN : TensorScalingHarness.slope(pts, 4096, Double.POSITIVE_INFINITY);
    }

    /**
     * The instance at size {@code n}: weights from seed 7 (independent of {@code n}), rows from seed
     * {@code 20241224}, row 0 of {@code A1} and {@code A2} all {@code 0.4} (it attains every column bound
     * {@code Q̄_b}, {@code K̄_e}, so {@code beta} does not grow with {@code n}).
     */
    static RopeInstance instance(int n, boolean causal) {
        java.util.SplittableRandom w = new java.util.SplittableRandom(7);
        java.util.SplittableRandom r = new java.util.SplittableRandom(20241224L);
        org.ejml.data.DMatrixRMaj wq = random(w, 4, 4);
        org.ejml.data.DMatrixRMaj wk = random(w, 4, 4);
        org.ejml.data.DMatrixRMaj wv = random(w, 4, 4);
        org.ejml.data.DMatrixRMaj a1 = random(r, n, 4);
        org.ejml.data.DMatrixRMaj a2 = random(r, n, 4);
        for (int c = 0; c < 4; c++) {
            a1.set(0, c, 0.4);
            a2.set(0, c, 0.4);
        }
        return RopeInstance.builder().a1(a1).a2(a2).a3(random(r, n, 4)).e(random(r, n, 4)).wq(wq).wk(wk).wv(wv)
                .family(new dev.ropecheck.model.RopeFamily(4)).causal(causal).build();
    }

    private static org.ejml.data.DMatrixRMaj random(java.util.SplittableRandom rnd, int rows, int cols) {
        org.ejml.data.DMatrixRMaj m = new org.ejml.data.DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextDouble(-0.4, 0.4);
        }
        return m;
    }

    public static void main(String[] args) {
        int reps = Integer.parseInt(args[0]);
        int exactFwdMax = Integer.parseInt(args[1]);
        int exactGradMax = Integer.parseInt(args[2]);
        String[] names = {"fast-lowrank", "fast-fft", "exact"};
        RopeAttentionEngine[] engines = {new RopeLowRankEngine_F64(1e-3, Method.CHEBYSHEV),
            new RopeFftEngine_F64(1e-3, Method.CHEBYSHEV), new RopeExactEngine_F64()};
        List<List<double[]>> fwd = new ArrayList<>();
        List<List<double[]>> grad = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            fwd.add(new ArrayList<>());
            grad.add(new ArrayList<>());
        }
        String[] meta = new String[3];
        RopeInstance warm = instance(512, true);
        for (int k = 0; k < 2; k++) {
            best(engines[k], warm, FastGradientBench.WANTED, 1, meta);
        }
        best(engines[2], instance(512, true), FastGradientBench.WANTED, 1, meta);
        System.out.println("engine,pass,n,causal,seconds,cpu_seconds,degree,size");
        for (int a = 3; a < args.length; a++) {
            int n = Integer.parseInt(args[a]);
            RopeInstance causal = instance(n, true);
            for (int k = 0; k < 3; k++) {
                boolean exact = k == 2;
                RopeInstance in = causal;
                if (!exact || n <= exactFwdMax) {
                    double t = best(engines[k], in, FORWARD, reps, meta);
                    fwd.get(k).add(new double[] {n, Double.parseDouble(meta[2])});
                    System.out.printf("%s,forward,%d,%s,%.4f,%s,%s,%s%n", names[k], n, true, t, meta[2], meta[0], meta[1]);
                }
                if (!exact || n <= exactGradMax) {
                    double t = best(engines[k], in, FastGradientBench.WANTED, reps, meta);
                    grad.get(k).add(new double[] {n, Double.parseDouble(meta[2])});
                    System.out.printf("%s,gradient,%d,%s,%.4f,%s,%s,%s%n", names[k], n, true, t, meta[2], meta[0], meta[1]);
                }
            }
        }
        for (int k = 0; k < 3; k++) {
            System.out.printf("slope %s: forward %.3f gradient %.3f%n", names[k], slope(fwd.get(k)),
                    slope(grad.get(k)));
        }
        for (int k = 0; k < 2; k++) {
            System.out.printf("crossover %s: forward %s gradient %s%n", names[k], crossover(fwd.get(k), fwd.get(2)),
                    crossover(grad.get(k), grad.get(2)));
        }
    }

    /**
     * The smallest measured {@code n} from which on {@code fast} beats {@code exact} at every size both ran, as
     * text ("<= n" when it already wins at the smallest, "none" when it never wins on the last shared size).
     */
    static String crossover(List<double[]> fast, List<double[]> exact) {
        String from = "none";
        boolean first = true;
        for (int i = exact.size() - 1; i >= 0; i--) {
            double n = exact.get(i)[0];
            double tf = Double.NaN;
            for (double[] p : fast) {
                if (p[0] == n) {
                    tf = p[1];
                }
            }
            if (!(tf < exact.get(i)[1])) {
                break;
            }
            from = (i == 0 ? "<= " : "") + (long) n;
            first = false;
        }
        return first ? "none" : from;
    }
}
