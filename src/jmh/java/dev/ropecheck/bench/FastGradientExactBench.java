package dev.ropecheck.bench;

import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.model.RopeInstance;
import java.util.concurrent.TimeUnit;
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
 * The exact engine (Theorem 5.7) on {@link FastGradientBench}'s instances, for the crossover with the
 * fast gradients: forward + loss + {@code G} + weight gradients, {@code n <= 16384} (one call under
 * 60 s; beyond, extrapolate with the measured slope of about 2).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx6g"})
@Warmup(iterations = 1)
@Measurement(iterations = 2)
public class FastGradientExactBench {

    @Param({"1024", "2048", "4096", "8192", "16384"})
    public int n;

    private RopeInstance instance;
    private final RopeExactEngine_F64 engine = new RopeExactEngine_F64();

    @Setup
    public void setup() {
        instance = FastGradientBench.instance(n, 4, 20241224L);
    }

    @Benchmark
    public RopeResult forwardAndGradient() {
        return engine.compute(instance, FastGradientBench.WANTED);
    }
}
