package dev.ropecheck.bench;

import dev.ropecheck.approx.Method;
import dev.ropecheck.engine.fast.FastForward;
import dev.ropecheck.engine.fast.RopeFftEngine_F64;
import dev.ropecheck.engine.fast.RopeLowRankEngine_F64;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
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
 * Forward pass of the fast engines (RoPE-fwd Thm 1.3; MATH §5 low-rank variant): RoPE family,
 * {@code d = 4}, entries of {@code A1, A2, A3, E} uniform in {@code [-0.5, 0.5]}, {@code W_Q = W_K = W_V = I},
 * {@code eps = 1e-3}, Chebyshev. Expected time {@code O(n log n)} (FFT) and {@code O(n)} (low-rank):
 * a log-log slope near 1 over {@code n = 2^12..2^18}. Compare with {@link FastForwardExactBench}.
 *
 * <p>Run: {@code mvn -B -q -Pbench -DskipTests package && java -cp target/ropecheck.jar
 * org.openjdk.jmh.Main FastForward}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
@Warmup(iterations = 1)
@Measurement(iterations = 2)
public class FastForwardBench {

    @Param({"1024", "4096", "16384", "65536", "262144"})
    public int n;

    @Param({"fast-fft", "fast-lowrank"})
    public String engine;

    private RopeInstance instance;
    private RopeFftEngine_F64 fft;
    private RopeLowRankEngine_F64 lowRank;

    @Setup
    public void setup() {
        instance = instance(n, 4, 20250601L);
        fft = new RopeFftEngine_F64(1e-3, Method.CHEBYSHEV);
        lowRank = new RopeLowRankEngine_F64(1e-3, Method.CHEBYSHEV);
    }

    /** The benchmark instance: RoPE, entries in [-0.5, 0.5], identity weights. */
    public static RopeInstance instance(int n, int d, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        DMatrixRMaj eye = CommonOps_DDRM.identity(d);
        return RopeInstance.builder().a1(random(rnd, n, d)).a2(random(rnd, n, d)).a3(random(rnd, n, d))
                .e(random(rnd, n, d)).wq(eye).wk(eye).wv(eye).family(new RopeFamily(d)).build();
    }

    static DMatrixRMaj random(SplittableRandom rnd, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextDouble(-0.5, 0.5);
        }
        return m;
    }

    @Benchmark
    public FastForward forward() {
        return engine.equals("fast-fft") ? fft.forward(instance) : lowRank.forward(instance);
    }
}
