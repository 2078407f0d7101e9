package dev.ropecheck.io;

import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import java.util.Set;

/**
 * The content of a {@code tensor-attention-result/1} document (specs/format-tensor-instance.md): the engine, {@code n,
 * d}, some {@link TensorQuantity quantities} and string metadata — the tensor counterpart of {@link ResultDocument}
 * (doubles, and for the reference decimal text with its trusted digits).
 */
public final class TensorResultDocument extends QuantityDocument<TensorQuantity, TensorResultDocument> {

    public TensorResultDocument(String engine, int n, int d) {
        super(TensorQuantity.class, engine, n, d);
    }

    /** The non-quadratic quantities of {@code result} that are in {@code keep} (all when null) and its metadata. */
    public static TensorResultDocument of(TensorResult result, int n, int d, Set<TensorQuantity> keep) {
        TensorResultDocument doc = new TensorResultDocument(result.engine(), n, d);
        for (TensorQuantity q : result.quantities()) {
            if (keep == null || keep.contains(q)) {
                doc.put(q, result.get(q));
            }
        }
        result.metadata().forEach(doc::meta);
        return doc;
    }

    @Override
    int[] shape(TensorQuantity q) {
        TensorQuantity.Shape s = q.shape();
        return new int[] {s.rows(n(), d()), s.cols(n(), d()), s == TensorQuantity.Shape.ONE ? 0 : s == TensorQuantity.Shape.N_1 ? 1 : 2};
    }

    /** The doubles as a {@link TensorResult}. */
    public TensorResult toResult() {
        TensorResult.Builder b = TensorResult.builder(engine());
        grids().forEach((q, g) -> b.put(q, g.toMatrix()));
        meta().forEach(b::meta);
        return b.build();
    }
}
