package dev.ropecheck.bench;

import dev.ropecheck.approx.Method;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.ExactEngine;
import dev.ropecheck.engine.fast.FftEngine;
import dev.ropecheck.engine.fast.LowRankEngine;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Paired timing of the fast engines under the causal mask (MATH §9, {@code proofs-notes/causal-fast.md}):
 * {@link FastGradientBench}'s instances (RoPE interleaved, {@code d = 4}, entries uniform in
 * {@code [-0.5, 0.5]}, {@code eps = 1e-3} Chebyshev) with the mask set; forward ({@code attention, loss})
 * and forward + gradient ({@link FastGradientBench#WANTED}) of both engines, and the exact engine on
 * the same instances without the mask as the {@code O(n^2)} proxy (on this branch it does not implement
 * the mask; a causal exact pass would skip about half the pairs). Best of {@code reps} calls after one
 * warm-up; prints one CSV row per measurement and the least-squares log-log slopes over
 * {@code n >= 2^12}.
 *
 * <p>Run: {@code mvn -B -q -Pbench -DskipTests package && java -Xmx6g -cp target/ropecheck.jar
 * dev.ropecheck.bench.CausalFastBench 2 16384 8192 1024 2048 4096 8192 16384 32768 65536}
 * (reps, largest n for the exact forward, largest n for the exact gradient, then the sizes).
 */
public final class CausalFastBench {
    static final Set<Quantity> FORWARD = EnumSet.of(Quantity.ATTENTION, Quantity.LOSS);

    private CausalFastBench() {
    }

    static double best(RopeAttentionEngine e, RopeInstance in, Set<Quantity> wanted, int reps, String[] meta) {
        double best = Double.POSITIVE_INFINITY;
        RopeResult r = null;
        for (int k = 0; k < reps; k++) {
            long t0 = System.nanoTime();
            r = e.compute(in, wanted);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        meta[0] = String.valueOf(r.metadata().get("degree"));
        meta[1] = String.valueOf(r.metadata().getOrDefault("rank", r.metadata().get("monomials")));
        return best;
    }

    /** Least-squares slope of {@code log t} against {@code log n} over the points with {@code n >= 4096}. */
    static double slope(List<double[]> pts) {
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int m = 0;
        for (double[] p : pts) {
            if (p[0] < 4096) {
                continue;
            }
            double x = Math.log(p[0]);
            double y = Math.log(p[1]);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            m++;
        }
        return m < 2 ? Double.NaN : (m * sxy - sx * sy) / (m * sxx - sx * sx);
    }

    public static void main(String[] args) {
        int reps = Integer.parseInt(args[0]);
        int exactFwdMax = Integer.parseInt(args[1]);
        int exactGradMax = Integer.parseInt(args[2]);
        String[] names = {"fast-lowrank", "fast-fft", "exact(unmasked)"};
        RopeAttentionEngine[] engines = {new LowRankEngine(1e-3, Method.CHEBYSHEV),
            new FftEngine(1e-3, Method.CHEBYSHEV), new ExactEngine()};
        List<List<double[]>> fwd = new ArrayList<>();
        List<List<double[]>> grad = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            fwd.add(new ArrayList<>());
            grad.add(new ArrayList<>());
        }
        String[] meta = new String[2];
        RopeInstance warm = FastGradientBench.instance(512, 4, 1L).toBuilder().causal(true).build();
        for (int k = 0; k < 2; k++) {
            best(engines[k], warm, FastGradientBench.WANTED, 1, meta);
        }
        best(engines[2], FastGradientBench.instance(512, 4, 1L), FastGradientBench.WANTED, 1, meta);
        System.out.println("engine,pass,n,causal,seconds,degree,size");
        for (int a = 3; a < args.length; a++) {
            int n = Integer.parseInt(args[a]);
            RopeInstance plain = FastGradientBench.instance(n, 4, 20241224L);
            RopeInstance causal = plain.toBuilder().causal(true).build();
            for (int k = 0; k < 3; k++) {
                boolean exact = k == 2;
                RopeInstance in = exact ? plain : causal;
                if (!exact || n <= exactFwdMax) {
                    double t = best(engines[k], in, FORWARD, reps, meta);
                    fwd.get(k).add(new double[] {n, t});
                    System.out.printf("%s,forward,%d,%s,%.4f,%s,%s%n", names[k], n, !exact, t, meta[0], meta[1]);
                }
                if (!exact || n <= exactGradMax) {
                    double t = best(engines[k], in, FastGradientBench.WANTED, reps, meta);
                    grad.get(k).add(new double[] {n, t});
                    System.out.printf("%s,gradient,%d,%s,%.4f,%s,%s%n", names[k], n, !exact, t, meta[0], meta[1]);
                }
            }
        }
        for (int k = 0; k < 3; k++) {
            System.out.printf("slope %s: forward %.3f gradient %.3f%n", names[k], slope(fwd.get(k)),
                    slope(grad.get(k)));
        }
    }
}
