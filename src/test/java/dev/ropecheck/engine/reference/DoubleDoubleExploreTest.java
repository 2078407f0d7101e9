package dev.ropecheck.engine.reference;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DoubleDoubleExploreTest {
    @Test
    void explore() {
        ReferenceRopeAttention ap = new ReferenceRopeAttention(50);
        for (FamilyKind fk : FamilyKind.values()) {
            for (boolean w : new boolean[] {true, false}) {
                for (double b : new double[] {0.5, 4.0}) {
                    InstanceSpec spec = new InstanceSpec(9, 4, fk, b, w, 17L);
                    RopeInstance inst = spec.build();
                    RopeResult r = new DoubleDoubleEngine(2).computeAll(inst);
                    ReferenceRopeAttention.Evaluation ev = ap.evaluate(ap.prepare(inst));
                    Map<Quantity, Double> m = DdAgreement.all(r, ev, 0);
                    Map<Quantity, Double> m2 = DdAgreement.all(r, ev, 1e-6);
                    System.out.println(spec + " raw " + m + "\n   floor " + m2);
                }
            }
        }
    }
}
