package dev.ropecheck.bench;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
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
 * The exact engine's forward pass (attention and loss only) on {@link FastForwardBench}'s instance, for
 * the crossover with the fast engines; {@code n} stops where one pass would exceed ~60 s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
@Warmup(iterations = 1)
@Measurement(iterations = 2)
public class FastForwardExactBench {

    @Param({"1024", "4096", "16384", "32768"})
    public int n;

    private RopeInstance instance;
    private final RopeExactEngine_F64 exact = new RopeExactEngine_F64();

    @Setup
    public void setup() {
        instance = FastForwardBench.instance(n, 4, 20250601L);
    }

    @Benchmark
    public RopeResult forward() {
        return exact.compute(instance, EnumSet.of(Quantity.ATTENTION, Quantity.LOSS));
    }
}
