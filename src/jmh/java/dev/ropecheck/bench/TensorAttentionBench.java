package dev.ropecheck.bench;

import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.engine.exact.TensorExactEngine_F64;
import dev.ropecheck.engine.fast.TensorFastEngine_F64;
import dev.ropecheck.model.TensorInstance;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Tensor attention loss + {@code ∇_X L}: exact {@code Θ(n^3)} against the polynomial method (Tensor-grad), d = 2,
 * entries uniform dyadic in [-0.5, 0.5], general {@code X} and {@code Y}, eps = 1e-3. Run with
 * {@code java -cp target/ropecheck.jar org.openjdk.jmh.Main TensorAttentionBench}; the full sweep to n = 4096 with a
 * 60 s cap on the exact engine is {@link TensorScalingHarness}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class TensorAttentionBench {
    static final Set<TensorQuantity> WANTED = EnumSet.of(TensorQuantity.LOSS, TensorQuantity.GRAD_X);

    @Param({"16", "32", "64", "128", "256"})
    public int n;

    TensorInstance instance;
    final TensorExactEngine_F64 exact = new TensorExactEngine_F64();
    final TensorFastEngine_F64 fast = new TensorFastEngine_F64(1e-3);

    @Setup(Level.Trial)
    public void setUp() {
        instance = instance(n, 2, 0.5, 42L);
    }

    /** The benchmark instance: {@code A1..A5, E, X, Y} dyadic uniform in {@code [-bound, bound]}. */
    static TensorInstance instance(int n, int d, double bound, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return TensorInstance.builder().a1(matrix(rnd, n, d, bound)).a2(matrix(rnd, n, d, bound))
                .a3(matrix(rnd, n, d, bound)).a4(matrix(rnd, n, d, bound))
                .a5(matrix(rnd, n, d, bound)).e(matrix(rnd, n, d, bound))
                .x(matrix(rnd, d, d * d, bound)).y(matrix(rnd, d * d, d, bound))
                .entryBound(bound).build();
    }

    /** {@code k / 2^12} uniform with {@code |k / 2^12| <= bound} (as the test generators). */
    static org.ejml.data.DMatrixRMaj matrix(SplittableRandom rnd, int rows, int cols, double bound) {
        org.ejml.data.DMatrixRMaj m = new org.ejml.data.DMatrixRMaj(rows, cols);
        long kmax = (long) Math.floor(bound * 4096);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextLong(-kmax, kmax + 1) / 4096.0;
        }
        return m;
    }

    @Benchmark
    public TensorResult exact() {
        return exact.compute(instance, WANTED);
    }

    @Benchmark
    public TensorResult fast() {
        return fast.compute(instance, WANTED);
    }
}
