package dev.ropecheck.tensor;

import dev.ropecheck.tensor.engine.TensorQuantity;
import dev.ropecheck.tensor.engine.TensorResult;
import dev.ropecheck.tensor.exact.ExactTensorAttention;
import dev.ropecheck.tensor.fast.FastTensorAttention;
import dev.ropecheck.tensor.model.TensorInstance;
import dev.ropecheck.tensor.reference.ReferenceTensorAttention;
import org.junit.jupiter.api.Test;

class TensorSmokeTest {
    @Test
    void smoke() {
        for (boolean kw : new boolean[] {false, true}) {
            TensorInstance in = new TensorInstanceSpec(4, 3, 0.5, kw, kw, 7L).build();
            TensorResult ref = new ReferenceTensorAttention().computeAll(in);
            TensorResult ex = new ExactTensorAttention().computeAll(in);
            TensorResult fa = new FastTensorAttention(1e-3).computeAll(in);
            System.out.println(fa.metadata());
            for (TensorQuantity q : fa.quantities()) {
                System.out.println(q + " exact " + maxDiff(ex, ref, q) + " fast " + maxDiff(fa, ref, q) + " scale "
                        + ref.get(q).data[0]);
            }
            System.out.println("P exact " + maxDiff(ex, ref, TensorQuantity.P) + " F " + maxDiff(ex, ref, TensorQuantity.F)
                    + " A " + maxDiff(ex, ref, TensorQuantity.A));
        }
    }

    static double maxDiff(TensorResult a, TensorResult b, TensorQuantity q) {
        double[] x = a.get(q).data;
        double[] y = b.get(q).data;
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }
}
