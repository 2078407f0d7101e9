package dev.ropecheck.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ropecheck.model.TensorInstance;
import java.io.IOException;
import java.io.OutputStream;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;

/**
 * Writes a {@link TensorInstance} as {@code tensor-attention-instance/1} (specs/format-tensor-instance.md), every
 * entry as its exact decimal ({@link ExactDecimal#exactText}), so reading it back gives the same doubles. Weights
 * are written when the instance was built from them ({@code WQ, WK1, WK2}, {@code WV1, WV2}), else {@code X},
 * {@code Y}. Also makes random instances with dyadic entries ({@link #random}).
 */
public final class TensorInstanceWriter {
    private static final JsonFactory FACTORY = new JsonFactory();

    private TensorInstanceWriter() {
    }

    /** Writes {@code instance} to {@code out} (does not close it). */
    public static void write(TensorInstance instance, OutputStream out) throws IOException {
        try (JsonGenerator gen = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            gen.writeStartObject();
            gen.writeStringField("format", TensorFormat.INSTANCE_TAG);
            gen.writeNumberField("n", instance.n());
            gen.writeNumberField("d", instance.d());
            if (!Double.isNaN(instance.entryBound())) {
                gen.writeFieldName("bound");
                gen.writeNumber(ExactDecimal.exactText(instance.entryBound()));
            }
            gen.writeRaw('\n');
            matrix(gen, "A1", instance.a1());
            matrix(gen, "A2", instance.a2());
            matrix(gen, "A3", instance.a3());
            matrix(gen, "A4", instance.a4());
            matrix(gen, "A5", instance.a5());
            matrix(gen, "E", instance.e());
            if (instance.hasKeyWeights()) {
                matrix(gen, "WQ", instance.wq());
                matrix(gen, "WK1", instance.wk1());
                matrix(gen, "WK2", instance.wk2());
            } else {
                matrix(gen, "X", instance.x());
            }
            if (instance.hasValueWeights()) {
                matrix(gen, "WV1", instance.wv1());
                matrix(gen, "WV2", instance.wv2());
            } else {
                matrix(gen, "Y", instance.y());
            }
            gen.writeEndObject();
            gen.writeRaw('\n');
            gen.flush();
        }
    }

    private static void matrix(JsonGenerator gen, String field, DMatrixRMaj m) throws IOException {
        gen.writeFieldName(field);
        gen.writeStartArray();
        for (int r = 0; r < m.numRows; r++) {
            gen.writeStartArray();
            for (int c = 0; c < m.numCols; c++) {
                gen.writeNumber(ExactDecimal.exactText(m.unsafe_get(r, c)));
            }
            gen.writeEndArray();
            if (m.numRows > 1) {
                gen.writeRaw('\n');
            }
        }
        gen.writeEndArray();
        gen.writeRaw('\n');
    }

    /**
     * A random tensor instance, reproducible from {@code seed}: every entry a dyadic {@code k/2^12} in
     * {@code [-bound, bound]} ({@link InstanceGenerator#dyadic}), with declared entry bound {@code bound}.
     *
     * @param weights true: {@code WQ, WK1, WK2, WV1, WV2} ({@code d x d}); false: dense {@code X} and {@code Y}
     * @param zero true: every entry 0 (an edge case: uniform {@code f}, {@code c = -E = 0})
     */
    public static TensorInstance random(int n, int d, double bound, long seed, boolean weights, boolean zero) {
        if (n < 1 || n > TensorInstance.MAX_N) {
            throw new IllegalArgumentException("--n = " + n + " must lie in [1, " + TensorInstance.MAX_N + "]");
        }
        if (d < 1 || d > TensorInstance.MAX_D) {
            throw new IllegalArgumentException("--d = " + d + " must lie in [1, " + TensorInstance.MAX_D + "]");
        }
        if (!(bound > 0 && bound <= 1e6)) {
            throw new IllegalArgumentException("--bound = " + bound + " must lie in (0, 1e6]");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        TensorInstance.Builder b = TensorInstance.builder().entryBound(bound);
        b.a1(rand(rnd, n, d, bound, zero)).a2(rand(rnd, n, d, bound, zero)).a3(rand(rnd, n, d, bound, zero))
                .a4(rand(rnd, n, d, bound, zero)).a5(rand(rnd, n, d, bound, zero)).e(rand(rnd, n, d, bound, zero));
        if (weights) {
            b.wq(rand(rnd, d, d, bound, zero)).wk1(rand(rnd, d, d, bound, zero)).wk2(rand(rnd, d, d, bound, zero))
                    .wv1(rand(rnd, d, d, bound, zero)).wv2(rand(rnd, d, d, bound, zero));
        } else {
            b.x(rand(rnd, d, d * d, bound, zero)).y(rand(rnd, d * d, d, bound, zero));
        }
        return b.build();
    }

    private static DMatrixRMaj rand(SplittableRandom rnd, int rows, int cols, double bound, boolean zero) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        if (!zero) {
            for (int k = 0; k < m.data.length; k++) {
                m.data[k] = InstanceGenerator.dyadic(rnd, bound);
            }
        }
        return m;
    }
}
