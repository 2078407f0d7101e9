package dev.ropecheck.gen;

import dev.ropecheck.model.TensorInstance;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * A replayable description of a generated {@link TensorInstance} (mirrors {@link InstanceSpec}): what
 * QuickTheories shrinks ({@code n, d, B}, the parameterisation) and the seed of the entries. Entries are
 * dyadic {@code k / 2^12} with {@code |entry| <= B} ({@link InstanceSpec#dyadic}), so every engine sees the
 * same numbers; {@code X} and {@code Y} built from dyadic weights are exact in double (products of at most
 * three 15-bit numerators, summed {@code d <= 8} times, stay below 2^53). {@link #toString()} is a Java
 * expression rebuilding the same spec.
 *
 * @param n tokens
 * @param d features
 * @param bound entry bound {@code B}
 * @param keyWeights {@code X = W_Q (W_K1 ⊘' W_K2)^T} when true, a dense {@code X} when false
 * @param valueWeights {@code Y = W_V1 ⊘' W_V2} when true, a dense {@code Y} when false
 * @param seed seed of the entries
 */
public record TensorInstanceSpec(int n, int d, double bound, boolean keyWeights, boolean valueWeights, long seed) {

    public TensorInstance build() {
        SplittableRandom rnd = new SplittableRandom(seed);
        TensorInstance.Builder b = TensorInstance.builder()
                .a1(m(rnd, n, d)).a2(m(rnd, n, d)).a3(m(rnd, n, d)).a4(m(rnd, n, d)).a5(m(rnd, n, d)).e(m(rnd, n, d))
                .entryBound(bound);
        if (keyWeights) {
            b.wq(m(rnd, d, d)).wk1(m(rnd, d, d)).wk2(m(rnd, d, d));
        } else {
            b.x(m(rnd, d, d * d));
        }
        if (valueWeights) {
            b.wv1(m(rnd, d, d)).wv2(m(rnd, d, d));
        } else {
            b.y(m(rnd, d * d, d));
        }
        return b.build();
    }

    private DMatrixRMaj m(SplittableRandom rnd, int rows, int cols) {
        return InstanceSpec.matrix(rnd, rows, cols, bound);
    }

    @Override
    public String toString() {
        return "new TensorInstanceSpec(" + n + ", " + d + ", " + bound + ", " + keyWeights + ", " + valueWeights + ", "
                + seed + "L)";
    }
}
