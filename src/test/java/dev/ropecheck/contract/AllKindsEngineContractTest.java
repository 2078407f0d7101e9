package dev.ropecheck.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.approx.Method;
import dev.ropecheck.engine.Engine;
import dev.ropecheck.engine.NamedQuantity;
import dev.ropecheck.engine.Result;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.engine.exact.StandardExactEngine_F64;
import dev.ropecheck.engine.exact.TensorExactEngine_F64;
import dev.ropecheck.engine.fast.RopeFftEngine_F64;
import dev.ropecheck.engine.fast.RopeLowRankEngine_F64;
import dev.ropecheck.engine.fast.TensorFastEngine_F64;
import dev.ropecheck.engine.reference.RopeReferenceEngine_DD;
import dev.ropecheck.engine.reference.RopeReferenceEngine_AP;
import dev.ropecheck.engine.reference.StandardReferenceEngine_AP;
import dev.ropecheck.engine.reference.TensorReferenceEngine_AP;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.gen.TensorInstanceSpec;
import dev.ropecheck.model.AttentionInstance;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.StandardInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kind-independent part of the engine contract ({@link Engine}), run on every engine of every
 * kind of attention (RoPE, tensor, standard): the engine has a name; {@link Engine#computeAll} returns
 * every {@link Engine#supported supported} quantity in the shape its {@link NamedQuantity#shape()}
 * states for the instance's {@code n, d}, finite, labelled with the engine's name and with
 * {@link Result#loss()} equal to the {@code loss} entry; a single requested quantity is returned;
 * every quantity of the kind that is not supported is refused with an {@link IllegalArgumentException}.
 * The accuracy part of the contract is kind-specific ({@link EngineContract} for RoPE attention,
 * {@code tensor.TensorEngineContractTest} for tensor attention).
 */
class AllKindsEngineContractTest {

    /** One engine of some kind, the quantity enum of its kind, and instances to run it on. */
    record Case<I extends AttentionInstance, Q extends Enum<Q> & NamedQuantity>(Engine<I, Q> engine, Class<Q> type,
            List<I> instances) {
        @Override
        public String toString() {
            return engine.name();
        }
    }

    static Stream<Arguments> engines() {
        List<RopeInstance> rope = List.of(
                new InstanceSpec(5, 2, FamilyKind.ROPE_INTERLEAVED, 0.5, true, 11).build(),
                new InstanceSpec(4, 4, FamilyKind.IDENTITY, 1.0, false, 12).build(),
                new InstanceSpec(3, 2, FamilyKind.EXPLICIT, 0.25, false, 13).build());
        // the fast engines' polynomial degree grows with the score bound, and low rank needs W_Q, W_K
        List<RopeInstance> small = List.of(
                new InstanceSpec(5, 2, FamilyKind.ROPE_INTERLEAVED, 0.25, true, 14).build(),
                new InstanceSpec(4, 2, FamilyKind.IDENTITY, 0.25, true, 15).build());
        List<dev.ropecheck.model.TensorInstance> tensor = List.of(
                new TensorInstanceSpec(3, 2, 0.5, true, true, 21).build(),
                new TensorInstanceSpec(2, 3, 0.25, false, false, 22).build());
        List<StandardInstance> standard = new ArrayList<>();
        for (RopeInstance r : rope) {
            SplittableRandom rnd = new SplittableRandom(r.n() * 31L + r.d());
            standard.add(StandardInstance.of(r, InstanceSpec.matrix(rnd, r.d(), r.d(), 0.5)));
        }
        List<Case<?, ?>> cases = List.of(
                new Case<>(RopeReferenceEngine_AP.withDigits(30), dev.ropecheck.engine.Quantity.class, rope),
                new Case<>(new RopeReferenceEngine_DD(), dev.ropecheck.engine.Quantity.class, rope),
                new Case<>(new RopeExactEngine_F64(), dev.ropecheck.engine.Quantity.class, rope),
                new Case<>(new RopeFftEngine_F64(1e-6, Method.CHEBYSHEV), dev.ropecheck.engine.Quantity.class, small),
                new Case<>(new RopeLowRankEngine_F64(1e-6, Method.CHEBYSHEV), dev.ropecheck.engine.Quantity.class, small),
                new Case<>(new TensorReferenceEngine_AP(30), dev.ropecheck.engine.TensorQuantity.class, tensor),
                new Case<>(new TensorExactEngine_F64(), dev.ropecheck.engine.TensorQuantity.class, tensor),
                new Case<>(new TensorFastEngine_F64(1e-6), dev.ropecheck.engine.TensorQuantity.class, tensor),
                new Case<>(new StandardReferenceEngine_AP(30), dev.ropecheck.engine.StandardQuantity.class, standard),
                new Case<>(new StandardExactEngine_F64(), dev.ropecheck.engine.StandardQuantity.class, standard));
        return cases.stream().map(c -> Arguments.of(c.engine().name(), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    @DisplayName("every engine of every kind: computeAll returns each supported quantity in its stated shape, finite")
    void computeAllReturnsEverySupportedQuantityInItsShape(String name, Case<?, ?> c) {
        shapes(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    @DisplayName("every engine of every kind: a single requested quantity is returned; an unsupported one is refused")
    void singleQuantitiesAndRefusals(String name, Case<?, ?> c) {
        requests(c);
    }

    private static <I extends AttentionInstance, Q extends Enum<Q> & NamedQuantity> void shapes(Case<I, Q> c) {
        Engine<I, Q> engine = c.engine();
        assertFalse(engine.name().isBlank(), "an engine has a name");
        for (I in : c.instances()) {
            Set<Q> supported = engine.supported(in);
            assertFalse(supported.isEmpty(), engine.name() + " supports some quantity");
            Result<Q> all = engine.computeAll(in);
            assertEquals(engine.name(), all.engine(), "the result names its engine");
            for (Q q : supported) {
                assertTrue(all.has(q), engine.name() + " computeAll lacks " + q.key());
                DMatrixRMaj m = all.get(q);
                assertEquals(q.shape().rows(in.n(), in.d()), m.numRows, engine.name() + " " + q.key() + " rows");
                assertEquals(q.shape().cols(in.n(), in.d()), m.numCols, engine.name() + " " + q.key() + " cols");
                for (double v : m.data) {
                    assertTrue(Double.isFinite(v), engine.name() + " " + q.key() + " has a non-finite entry");
                }
                if (q.key().equals("loss")) {
                    assertEquals(m.get(0, 0), all.loss(), engine.name() + " loss()");
                }
            }
        }
    }

    private static <I extends AttentionInstance, Q extends Enum<Q> & NamedQuantity> void requests(Case<I, Q> c) {
        Engine<I, Q> engine = c.engine();
        I in = c.instances().get(0);
        Set<Q> supported = engine.supported(in);
        Q first = supported.iterator().next();
        assertTrue(engine.compute(in, EnumSet.of(first)).has(first), engine.name() + " returns a requested " + first.key());
        Set<Q> unsupported = EnumSet.complementOf(EnumSet.copyOf(supported));
        for (Q q : unsupported) {
            assertThrows(IllegalArgumentException.class, () -> engine.compute(in, EnumSet.of(q)),
                    engine.name() + " must refuse the unsupported " + q.key());
        }
    }
}
