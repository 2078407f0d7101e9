package dev.ropecheck.engine.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.gen.TensorInstanceSpec;
import dev.ropecheck.model.TensorInstance;
import java.util.EnumSet;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tensor exact engine computes only what is asked without changing it: every supported field asked
 * alone equals {@code computeAll}'s, to 1e-12 of the field's largest entry (a flag that skips a dependency
 * returns zeros or nothing and fails here).
 */
class TensorExactFieldsAloneTest {

    @ParameterizedTest(name = "key weights {0}, value weights {1}")
    @CsvSource({"false, false", "true, true"})
    @DisplayName("each tensor field alone equals computeAll's")
    void eachFieldAloneMatchesComputeAll(boolean keyWeights, boolean valueWeights) {
        TensorInstance inst = new TensorInstanceSpec(6, 2, 0.5, keyWeights, valueWeights, 9L).build();
        TensorExactEngine_F64 engine = new TensorExactEngine_F64();
        TensorResult all = engine.computeAll(inst);
        Set<TensorQuantity> supported = engine.supported(inst);
        for (TensorQuantity q : supported) {
            DMatrixRMaj expected = all.get(q);
            DMatrixRMaj got = engine.compute(inst, EnumSet.of(q)).get(q);
            assertEquals(expected.getNumElements(), got.getNumElements(), q.toString());
            double scale = 0;
            for (double v : expected.data) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertTrue(scale > 0, q + " is not all zero in computeAll");
            for (int i = 0; i < expected.data.length; i++) {
                assertEquals(expected.data[i], got.data[i], 1e-12 * scale, q + " alone, entry " + i);
            }
        }
    }
}
