package dev.ropecheck.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.bounds.Deviation;
import dev.ropecheck.bounds.QuantityBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.reference.ReferenceEngine;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.quicktheories.core.Gen;

/**
 * The one contract suite every RoPE attention engine runs (as EJML's generic checks do): each
 * quantity the engine supports must match the arbitrary-precision reference within the engine's
 * {@link QuantityBound} (a rounding model for the exact engine, a proved approximation bound for the
 * fast ones). Failures print the replayable {@link InstanceSpec} and the error as a multiple of the
 * bound; every case's {@code measured / bound} goes to {@code target/tightness/<engine>.csv}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EngineContract {
    private TightnessLog log;

    /** The engine under test. */
    protected abstract RopeAttentionEngine engine();

    /** Its bound on {@code |engine - truth|}, per quantity. */
    protected abstract QuantityBound bound();

    /** The trusted values: the reference at {@link #referenceDigits()} digits. */
    protected RopeAttentionEngine reference() {
        return ReferenceEngine.withDigits(referenceDigits());
    }

    protected long referenceDigits() {
        return 40;
    }

    protected int maxN() {
        return 8;
    }

    protected int maxD() {
        return 4;
    }

    protected int examples() {
        return 30;
    }

    /** The instances this engine accepts (fast engines narrow the families or the bound). */
    protected Gen<InstanceSpec> specs() {
        return Generators.instances(maxN(), maxD());
    }

    private TightnessLog log() {
        if (log == null) {
            log = new TightnessLog(getClass().getSimpleName());
        }
        return log;
    }

    @AfterAll
    void printTightness() {
        if (log != null) {
            log.flush();
        }
    }

    /** Checks every quantity both engines compute; returns the engine's result. */
    protected RopeResult checkAgainstReference(String caseId, RopeInstance inst) {
        Comparison c = compare(engine(), reference(), bound(), inst);
        for (java.util.Map.Entry<Quantity, Deviation> e : c.deviations().entrySet()) {
            log().record(caseId, e.getKey().key(), e.getValue());
        }
        assertTrue(c.failures().isEmpty(), () -> engine().name() + " vs reference outside the bound for " + caseId
                + c.failures() + "\n" + inst);
        return c.result();
    }

    /**
     * The outcome of one comparison: the engine's result, each quantity's deviation and the failure
     * lines (empty when every quantity is within its bound).
     */
    public record Comparison(RopeResult result, java.util.Map<Quantity, Deviation> deviations, String failures) {
    }

    /** Compares every quantity {@code engine} supports on {@code inst} with {@code reference}. */
    public static Comparison compare(RopeAttentionEngine engine, RopeAttentionEngine reference, QuantityBound b,
            RopeInstance inst) {
        Set<Quantity> wanted = EnumSet.copyOf(engine.supported(inst));
        RopeResult got = engine.compute(inst, wanted);
        RopeResult ref = reference.compute(inst, wanted);
        java.util.Map<Quantity, Deviation> devs = new java.util.EnumMap<>(Quantity.class);
        StringBuilder failures = new StringBuilder();
        for (Quantity q : wanted) {
            if (!got.has(q)) {
                failures.append("\n  ").append(q.key()).append(": requested but not returned");
                continue;
            }
            Deviation dev = Deviation.measure(got.get(q), ref.get(q), b.allowed(q, inst, ref));
            devs.put(q, dev);
            if (!dev.holds()) {
                failures.append("\n  ").append(dev.describe(q.key()));
            }
        }
        return new Comparison(got, devs, failures.toString());
    }

    @Test
    @DisplayName("Defs. 3.12-3.17, Lemmas 5.1-5.3: every supported quantity is within its bound of the reference")
    void everyQuantityWithinItsBoundOfTheReference() {
        qt().withExamples(examples()).forAll(specs()).checkAssert(spec -> checkAgainstReference(spec.toString(),
                spec.build()));
    }

    @Test
    @DisplayName("edge cases: n = 1, d = 2, zero inputs, E = Att (zero loss and gradient)")
    void edgeCases() {
        for (FamilyKind f : FamilyKind.values()) {
            checkAgainstReference("n=1 " + f, new InstanceSpec(1, 2, f, 1.0, true, 11L).build());
            checkAgainstReference("d=2 " + f, new InstanceSpec(5, 2, f, 2.0, true, 12L).build());
        }
        RopeInstance base = new InstanceSpec(6, 4, FamilyKind.ROPE_INTERLEAVED, 1.0, true, 13L).build();
        DMatrixRMaj zero = new DMatrixRMaj(6, 4);
        checkAgainstReference("zero A1, A2", base.toBuilder().a1(zero).a2(zero).build());
        checkAgainstReference("zero A3, E", base.toBuilder().a3(zero).e(zero).build());
        RopeInstance matched = base.toBuilder().e(reference().compute(base, EnumSet.of(Quantity.ATTENTION))
                .get(Quantity.ATTENTION)).build();
        RopeResult r = checkAgainstReference("E = Att", matched);
        assertTrue(r.loss() < 1e-25, "E = Att must give a loss of rounding size, got " + r.loss());
    }

    @Test
    @DisplayName("Def. 3.14 with scores near +-700: double evaluation neither overflows nor loses the softmax")
    void scoresNearSevenHundred() {
        DMatrixRMaj a = new DMatrixRMaj(new double[][] {{26, 26}, {-26, -26}, {26, -26}, {26, 26}});
        RopeInstance inst = RopeInstance.builder().a1(a).a2(a).a3(a).e(new DMatrixRMaj(4, 2))
                .wq(identity(2)).wk(identity(2)).wv(identity(2)).family(new IdentityFamily(2)).build();
        RopeResult got = checkAgainstReference("scores +-676", inst);
        for (Quantity q : got.quantities()) {
            DMatrixRMaj m = got.get(q);
            for (double v : m.data) {
                if (q != Quantity.A && q != Quantity.ALPHA) {
                    assertTrue(Double.isFinite(v), q.key() + " has a non-finite entry");
                }
            }
        }
    }

    @Test
    @DisplayName("the engine rejects a quantity it does not support, naming it")
    void rejectsUnsupportedQuantities() {
        RopeInstance viaX = new InstanceSpec(3, 2, FamilyKind.IDENTITY, 1.0, false, 5L).build();
        Set<Quantity> unsupported = EnumSet.complementOf(EnumSet.copyOf(engine().supported(viaX)));
        assertTrue(unsupported.contains(Quantity.GRAD_WQ), "gradWQ needs W_Q and W_K");
        for (Quantity q : unsupported) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> engine().compute(viaX, EnumSet.of(q)));
            assertTrue(ex.getMessage().contains(q.key()), ex.getMessage());
        }
        assertEquals(engine().name(), engine().compute(viaX, EnumSet.of(Quantity.LOSS)).engine());
    }

    static DMatrixRMaj identity(int d) {
        DMatrixRMaj m = new DMatrixRMaj(d, d);
        for (int i = 0; i < d; i++) {
            m.set(i, i, 1);
        }
        return m;
    }
}
