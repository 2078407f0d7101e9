package dev.ropecheck.bench;

import dev.ropecheck.approx.Method;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.engine.fast.RopeFftEngine_F64;
import dev.ropecheck.engine.fast.RopeLowRankEngine_F64;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time of the fast gradients (RoPE-grad Section 6, Theorem 6.7) against the exact engine (Theorem 5.7):
 * RoPE interleaved, {@code d = 4}, entries uniform in {@code [-0.5, 0.5]}, {@code eps = 1e-3}
 * (Chebyshev), forward + loss + {@code G} + weight gradients. Short single-shot runs (the large
 * {@code n} take seconds to minutes per call).
 *
 * <p>Run: {@code mvn -B -q -Pbench -DskipTests package && java -cp target/ropecheck.jar
 * org.openjdk.jmh.Main FastGradient} (this class and {@link FastGradientExactBench}, the exact engine
 * at {@code n <= 16384}, where one call stays under a minute).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx6g"})
@Warmup(iterations = 1)
@Measurement(iterations = 2)
public class FastGradientBench {

    @Param({"1024", "2048", "4096", "8192", "16384", "32768", "65536", "131072", "262144"})
    public int n;

    @Param({"lowrank", "fft"})
    public String engine;

    @Param({"4"})
    public int d;

    private RopeInstance instance;
    private RopeAttentionEngine impl;
    public static final EnumSet<Quantity> WANTED = EnumSet.of(Quantity.ATTENTION, Quantity.LOSS, Quantity.GRAD_X,
            Quantity.GRAD_WQ, Quantity.GRAD_WK, Quantity.GRAD_WV);

    @Setup
    public void setup() {
        instance = instance(n, d, 20241224L);
        impl = engine(engine);
    }

    static RopeAttentionEngine engine(String name) {
        switch (name) {
            case "lowrank":
                return new RopeLowRankEngine_F64(1e-3, Method.CHEBYSHEV);
            case "fft":
                return new RopeFftEngine_F64(1e-3, Method.CHEBYSHEV);
            default:
                return new RopeExactEngine_F64();
        }
    }

    /** The benchmark instance: RoPE, entries uniform in [-0.5, 0.5]. */
    public static RopeInstance instance(int n, int d, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return RopeInstance.builder().a1(random(rnd, n, d)).a2(random(rnd, n, d)).a3(random(rnd, n, d))
                .e(random(rnd, n, d)).wq(random(rnd, d, d)).wk(random(rnd, d, d)).wv(random(rnd, d, d))
                .family(new RopeFamily(d)).build();
    }

    private static DMatrixRMaj random(SplittableRandom rnd, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextDouble(-0.5, 0.5);
        }
        return m;
    }

    @Benchmark
    public RopeResult forwardAndGradient() {
        return impl.compute(instance, WANTED);
    }

    /**
     * Quick timing without JMH (best of {@code reps} calls after one warm-up at the smallest size):
     * {@code java -cp target/ropecheck.jar dev.ropecheck.bench.FastGradientBench lowrank 3 4096 65536}.
     */
    public static void main(String[] args) {
        RopeAttentionEngine e = engine(args[0]);
        int reps = Integer.parseInt(args[1]);
        e.compute(instance(Integer.parseInt(args[2]), 4, 1L), WANTED);
        for (int k = 2; k < args.length; k++) {
            int nn = Integer.parseInt(args[k]);
            RopeInstance in = instance(nn, 4, 20241224L);
            double best = Double.POSITIVE_INFINITY;
            RopeResult r = null;
            for (int rep = 0; rep < reps; rep++) {
                long t0 = System.nanoTime();
                r = e.compute(in, WANTED);
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            System.out.printf("%s n=%d best %.3f s degree=%s monomials=%s%n", args[0], nn, best,
                    r.metadata().get("degree"), r.metadata().getOrDefault("rank", r.metadata().get("monomials")));
        }
    }
}
