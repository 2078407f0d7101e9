package dev.ropecheck.io;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;

/**
 * The content of a {@code rope-attention-result/1} document (specs/format-result.md): the engine's
 * name, {@code n, d}, some {@link Quantity quantities} and string metadata.
 *
 * <p>Each quantity is a {@link Grid}: doubles, and optionally per-entry decimal text. Double
 * engines fill only the doubles (written with {@link ExactDecimal#shortestText}, the shortest text that
 * reads back to the same double); an arbitrary-precision engine puts its decimal strings with
 * {@link #putDecimal} (written verbatim, all trusted digits), the doubles then being their correctly
 * rounded values.
 */
public final class ResultDocument extends QuantityDocument<Quantity, ResultDocument> {

    public ResultDocument(String engine, int n, int d) {
        super(Quantity.class, engine, n, d);
    }

    /**
     * The quantities of {@code result} (n x n ones only when {@code includeQuadratic}) and its
     * metadata.
     */
    public static ResultDocument of(RopeResult result, int n, int d, boolean includeQuadratic) {
        ResultDocument doc = new ResultDocument(result.engine(), n, d);
        for (Quantity q : result.quantities()) {
            if (q.isQuadratic() && !includeQuadratic) {
                continue;
            }
            doc.put(q, result.get(q));
        }
        result.metadata().forEach(doc::meta);
        return doc;
    }

    @Override
    int[] shape(Quantity q) {
        Quantity.Shape s = q.shape();
        return new int[] {s.rows(n(), d()), s.cols(n(), d()), s == Quantity.Shape.ONE ? 0 : s == Quantity.Shape.N_1 ? 1 : 2};
    }

    /** The doubles as a {@link RopeResult}. */
    public RopeResult toResult() {
        RopeResult.Builder b = RopeResult.builder(engine());
        grids().forEach((q, g) -> b.put(q, g.toMatrix()));
        meta().forEach(b::meta);
        return b.build();
    }
}
