package dev.ropecheck.bench;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
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
 * Time of the exact engine (RoPE-grad Theorem 5.7's algorithms in double): RoPE family, {@code d = 8},
 * forward + loss + {@code G} + weight gradients (no {@code n x n} outputs). Expected
 * {@code Θ(n^2)}: a log-log slope of about 2 over {@code n = 256..4096}.
 *
 * <p>Run: {@code mvn -B -q -Pbench -DskipTests package && java -cp target/ropecheck.jar
 * org.openjdk.jmh.Main ExactBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ExactBench {

    @Param({"256", "512", "1024", "2048", "4096"})
    public int n;

    @Param({"8"})
    public int d;

    private RopeInstance instance;
    private final RopeExactEngine_F64 engine = new RopeExactEngine_F64();
    private static final EnumSet<Quantity> WANTED = EnumSet.of(Quantity.ATTENTION, Quantity.LOSS, Quantity.GRAD_X,
            Quantity.GRAD_WQ, Quantity.GRAD_WK, Quantity.GRAD_WV);

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(20240601L);
        instance = RopeInstance.builder().a1(random(rnd, n, d)).a2(random(rnd, n, d)).a3(random(rnd, n, d))
                .e(random(rnd, n, d)).wq(random(rnd, d, d)).wk(random(rnd, d, d)).wv(random(rnd, d, d))
                .family(new RopeFamily(d)).build();
    }

    private static DMatrixRMaj random(SplittableRandom rnd, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextDouble(-1, 1);
        }
        return m;
    }

    @Benchmark
    public RopeResult forwardLossGradients() {
        return engine.compute(instance, WANTED);
    }
}
