package dev.ropecheck.cli;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.io.ResultDocument;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.Set;

/**
 * Runs one engine of the registry on one RoPE instance into a {@code rope-attention-result/1} document
 * (specs/format-result.md), for {@code compute} and {@code golden}: which quantities to ask for, the
 * refusals of an engine as limits (exit 3), the reference's residual digits and its metadata.
 * Precondition: the instance was read and validated.
 */
final class EngineRun {
    /** Largest {@code d} at which {@code gradX} ({@code d^2 x d^2}) is computed without being asked for. */
    static final int GRAD_X_DEFAULT_MAX_D = 16;

    /** Largest n for which n x n fields are written. */
    static final int MAX_QUADRATIC_N = 4096;

    private EngineRun() {
    }

    /** {@link #compute(EngineRegistry, String, EngineRegistry.Options, RopeInstance, boolean, Set)} with the default fields. */
    static ResultDocument compute(EngineRegistry registry, String name, EngineRegistry.Options options,
            RopeInstance instance, boolean includeQuadratic) {
        return compute(registry, name, options, instance, includeQuadratic, null);
    }

    /**
     * The quantities {@code compute} asks of an engine: {@code fields} when given (every one must be
     * supported), else every supported one except the {@code n x n} ones (unless {@code includeQuadratic})
     * and except {@code gradX} when {@code d > 16}.
     */
    static Set<Quantity> wanted(Set<Quantity> supported, RopeInstance instance, boolean includeQuadratic,
            Set<Quantity> fields) {
        Set<Quantity> wanted = EnumSet.noneOf(Quantity.class);
        if (fields != null) {
            for (Quantity q : fields) {
                if (!supported.contains(q)) {
                    throw new IllegalArgumentException("--fields " + q.key() + ": the engine does not compute it for this"
                            + " instance");
                }
                wanted.add(q);
            }
            return wanted;
        }
        for (Quantity q : supported) {
            if ((includeQuadratic || !q.isQuadratic()) && (q != Quantity.GRAD_X || instance.d() <= GRAD_X_DEFAULT_MAX_D)) {
                wanted.add(q);
            }
        }
        return wanted;
    }

    /**
     * Runs engine {@code name} on {@code instance}: the {@link #wanted} quantities ({@code fields}, or null
     * for the default).
     */
    static ResultDocument compute(EngineRegistry registry, String name, EngineRegistry.Options options,
            RopeInstance instance, boolean includeQuadratic, Set<Quantity> fields) {
        registry.requireCapacity(name, instance.n());
        boolean quadraticField = false;
        if (fields != null) {
            for (Quantity q : fields) {
                quadraticField |= q.isQuadratic();
                String why = RopeAttentionEngine.undefinedReason(q, instance);
                if (why != null) {
                    throw new IllegalArgumentException("--fields " + q.key() + ": " + why);
                }
            }
        }
        includeQuadratic |= quadraticField;
        if (includeQuadratic && instance.n() > MAX_QUADRATIC_N) {
            throw new IllegalArgumentException("--include-quadratic at n = " + instance.n() + " would write n^2 = "
                    + (long) instance.n() * instance.n() + " entries per n x n field; it is limited to n <= " + MAX_QUADRATIC_N);
        }
        EngineRegistry.Entry entry = registry.require(name);
        long t0 = System.nanoTime();
        ResultDocument doc;
        try {
            RopeAttentionEngine e = registry.create(name, options);
            if (e instanceof dev.ropecheck.engine.reference.RopeReferenceEngine_AP) {
                if (fields != null) {
                    throw new IllegalArgumentException("--fields is not available with the apfloat reference (it writes"
                            + " every field); use reference-dd");
                }
                doc = ReferenceDecimals.compute(instance, options.precisionDigits(), includeQuadratic);
            } else {
                Set<Quantity> wanted = wanted(e.supported(instance), instance, includeQuadratic, fields);
                RopeResult r = e.compute(instance, wanted);
                doc = ResultDocument.of(r, instance.n(), instance.d(), includeQuadratic);
                if (entry.engineClass() == EngineClass.REFERENCE) {
                    withResiduals(doc, r, includeQuadratic);
                    doc.meta("precision", r.metadata().getOrDefault("precision", Long.toString(options.precisionDigits())));
                    if (r.metadata().containsKey("trustedDigits")) {
                        doc.meta("trustedDigits", r.metadata().get("trustedDigits"));
                    }
                }
            }
        } catch (dev.ropecheck.io.FormatException ex) {
            throw ex;
        } catch (IllegalArgumentException ex) {
            // The instance was read and validated: what the engine refuses now is a limit of the engine (exit 3).
            throw new Main.Unavailable(EngineRefusal.explain(name, instance, ex.getMessage()));
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        if (entry.engineClass() == EngineClass.FAST) {
            doc.meta("eps", Double.toString(options.eps()));
        }
        doc.meta("time_ms", String.format(java.util.Locale.ROOT, "%.3f", ms));
        return doc;
    }

    /**
     * Writes each field that carries a residual (a reference more accurate than double) as decimal
     * strings of {@code hi + lo} to 34 significant digits, so the file keeps the extra accuracy.
     */
    private static void withResiduals(ResultDocument doc, RopeResult r, boolean includeQuadratic) {
        java.math.MathContext mc = new java.math.MathContext(34);
        for (Quantity q : r.quantities()) {
            org.ejml.data.DMatrixRMaj lo = r.residual(q);
            if (lo == null || (q.isQuadratic() && !includeQuadratic)) {
                continue;
            }
            org.ejml.data.DMatrixRMaj hi = r.get(q);
            String[][] text = new String[hi.numRows][hi.numCols];
            boolean finite = true;
            for (int k = 0; k < hi.data.length && finite; k++) {
                finite = Double.isFinite(hi.data[k]) && Double.isFinite(lo.data[k]);
                if (finite) {
                    text[k / hi.numCols][k % hi.numCols] = new java.math.BigDecimal(hi.data[k])
                            .add(new java.math.BigDecimal(lo.data[k])).round(mc).toString();
                }
            }
            if (finite) {
                doc.putDecimal(q, text);
            }
        }
    }
}
