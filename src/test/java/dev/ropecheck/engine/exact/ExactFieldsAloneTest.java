package dev.ropecheck.engine.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * "Compute only what is asked" must not change what is computed: every field the exact engine supports,
 * asked for alone and together with {@code gradX} (which sends every field through the offset-grouped
 * {@code G} path), equals the same field of {@code computeAll}. A flag that skips a dependency (such as
 * {@code dV} for {@code gradWV}) returns zeros or a stale buffer and fails here.
 */
class ExactFieldsAloneTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = FamilyKind.class)
    @DisplayName("each field alone, and with gradX, equals computeAll's (relative 1e-12 of the field's largest entry)")
    void eachFieldAloneMatchesComputeAll(FamilyKind kind) {
        RopeInstance inst = new InstanceSpec(11, 4, kind, 1.0, true, 17L).build();
        RopeExactEngine_F64 engine = new RopeExactEngine_F64();
        RopeResult all = engine.computeAll(inst);
        Set<Quantity> supported = engine.supported(inst);
        assertTrue(supported.contains(Quantity.GRAD_WV) && supported.contains(Quantity.GRAD_X), supported.toString());
        int checked = 0;
        for (Quantity q : supported) {
            DMatrixRMaj expected = all.get(q);
            for (Set<Quantity> wanted : java.util.List.of(EnumSet.of(q), EnumSet.of(q, Quantity.GRAD_X))) {
                RopeResult one = engine.compute(inst, wanted);
                DMatrixRMaj got = one.get(q);
                assertEquals(expected.numRows, got.numRows, q + " rows");
                assertEquals(expected.numCols, got.numCols, q + " cols");
                double scale = 0;
                for (double v : expected.data) {
                    scale = Math.max(scale, Math.abs(v));
                }
                assertTrue(scale > 0, q + " is not all zero in computeAll");
                for (int i = 0; i < expected.data.length; i++) {
                    assertEquals(expected.data[i], got.data[i], 1e-12 * scale,
                            kind + ": " + q + " alone (with " + wanted + ") entry " + i);
                }
                checked++;
            }
        }
        assertEquals(2 * supported.size(), checked);
    }
}
