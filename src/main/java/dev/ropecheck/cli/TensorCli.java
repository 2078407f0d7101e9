package dev.ropecheck.cli;

import dev.ropecheck.io.TensorResultDocument;
import dev.ropecheck.report.TextTable;
import dev.ropecheck.bounds.TensorExactRounding;
import dev.ropecheck.bounds.TensorFastErrorBound;
import dev.ropecheck.bounds.TensorQuantityBound;
import dev.ropecheck.engine.TensorAttentionEngine;
import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.engine.exact.TensorExactEngine_F64;
import dev.ropecheck.engine.fast.TensorFastEngine_F64;
import dev.ropecheck.model.TensorInstance;
import dev.ropecheck.engine.reference.ApInputs;
import dev.ropecheck.engine.reference.TensorReferenceEngine_AP;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;

/**
 * Tensor attention (MATH §8) in {@code compute} and {@code check}: runs the engines of {@code dev.ropecheck.tensor}
 * on a {@code tensor-attention-instance/1} and judges a {@code tensor-attention-result/1}.
 *
 * <p>Engines: {@code reference} ({@link TensorReferenceEngine_AP}, decimal strings with trusted digits),
 * {@code exact} ({@link TensorExactEngine_F64}), {@code fast} ({@link TensorFastEngine_F64} with {@code eps}, Chebyshev: the same meaning of {@code eps} as the RoPE fast engines).
 *
 * <p>Tolerances of {@code check}: for class exact, the rounding model {@link TensorExactRounding}; for class fast, the
 * certified bound {@link TensorFastErrorBound#certified} of the fast engine at the same {@code eps} (same polynomial
 * construction). Both are bounds on {@code |candidate - true|}; the reference is rounded to double, so
 * {@link TensorExactRounding#comparisonSlack} ({@code u |value|} plus the reference's own error) is added.
 */
final class TensorCli {
    /** The quantities {@code compute} writes (when the engine computes them for the instance). */
    static final Set<TensorQuantity> WRITTEN = EnumSet.of(TensorQuantity.ATTENTION, TensorQuantity.ALPHA,
            TensorQuantity.C, TensorQuantity.LOSS, TensorQuantity.GRAD_X, TensorQuantity.GRAD_Y,
            TensorQuantity.GRAD_WQ, TensorQuantity.GRAD_WK1, TensorQuantity.GRAD_WK2, TensorQuantity.GRAD_WV1,
            TensorQuantity.GRAD_WV2);

    /** Extra digits of the second reference evaluation that measures the trusted digits. */
    static final long CHECK_DIGITS = 20;

    private TensorCli() {
    }

    /** The engine called {@code name}: reference, exact or fast. */
    static TensorAttentionEngine engine(String name, long digits, double eps) {
        switch (name) {
            case "reference":
                return new TensorReferenceEngine_AP(digits);
            case "exact":
                return new TensorExactEngine_F64();
            case "fast":
                return new TensorFastEngine_F64(eps);
            default:
                throw new IllegalArgumentException("--engine " + name + " is not a tensor engine; tensor instances take"
                        + " reference, exact or fast");
        }
    }

    /** Runs engine {@code name} and returns the document {@code compute} writes (without timing). */
    static TensorResultDocument compute(String name, long digits, double eps, TensorInstance in) {
        int n = in.n();
        int d = in.d();
        if (name.equals("reference")) {
            double work = (double) n * n * n * d * d;
            if (work > TensorReferenceEngine_AP.MAX_WORK) {
                throw new IllegalArgumentException("n^3 d^2 = " + (long) work + " exceeds the tensor reference engine's limit "
                        + TensorReferenceEngine_AP.MAX_WORK + "; use --engine exact");
            }
            return reference(in, digits);
        }
        TensorAttentionEngine e = engine(name, digits, eps);
        Set<TensorQuantity> wanted = EnumSet.copyOf(WRITTEN);
        wanted.retainAll(e.supported(in));
        TensorResult r = e.compute(in, wanted);
        TensorResultDocument doc = TensorResultDocument.of(r, n, d, WRITTEN);
        doc.meta("engine_name", e.name());
        if (name.equals("fast")) {
            doc.meta("eps", Double.toString(eps));
        }
        return doc;
    }

    /**
     * The reference at {@code digits} and again at {@code digits + CHECK_DIGITS}; entry {@code v} of quantity {@code q}
     * keeps the significant digits down to the exponent of {@code err_q = max |v_P - v_{P+20}|} (all {@code digits}
     * when they agree exactly), as {@link ReferenceDecimals#text(Apfloat, Apfloat, long)} does for RoPE.
     */
    static TensorResultDocument reference(TensorInstance in, long digits) {
        TensorReferenceEngine_AP lo = new TensorReferenceEngine_AP(digits);
        TensorReferenceEngine_AP hi = new TensorReferenceEngine_AP(digits + CHECK_DIGITS);
        TensorReferenceEngine_AP.Values v = lo.evaluate(ApInputs.of(in, digits));
        TensorReferenceEngine_AP.Values w = hi.evaluate(ApInputs.of(in, digits + CHECK_DIGITS));
        TensorResultDocument doc = new TensorResultDocument("reference", in.n(), in.d());
        put(doc, TensorQuantity.ATTENTION, v.att, w.att, digits);
        put(doc, TensorQuantity.ALPHA, column(v.alpha), column(w.alpha), digits);
        put(doc, TensorQuantity.C, v.c, w.c, digits);
        put(doc, TensorQuantity.LOSS, new Apfloat[][] {{v.loss}}, new Apfloat[][] {{w.loss}}, digits);
        put(doc, TensorQuantity.GRAD_X, v.gradX, w.gradX, digits);
        put(doc, TensorQuantity.GRAD_Y, v.gradY, w.gradY, digits);
        for (TensorQuantity q : TensorAttentionEngine.weightQuantities(in)) {
            put(doc, q, lo.weightGradient(q, in, v), hi.weightGradient(q, in, w), digits);
        }
        doc.meta("precision", Long.toString(digits));
        doc.meta("checkPrecision", Long.toString(digits + CHECK_DIGITS));
        return doc;
    }

    private static void put(TensorResultDocument doc, TensorQuantity q, Apfloat[][] v, Apfloat[][] w, long digits) {
        Apfloat err = Apfloat.ZERO;
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v[i].length; j++) {
                Apfloat diff = ApfloatMath.abs(v[i][j].subtract(w[i][j]));
                if (diff.compareTo(err) > 0) {
                    err = diff;
                }
            }
        }
        String[][] t = new String[v.length][];
        for (int i = 0; i < v.length; i++) {
            t[i] = new String[v[i].length];
            for (int j = 0; j < v[i].length; j++) {
                t[i][j] = ReferenceDecimals.text(v[i][j], err, digits);
            }
        }
        doc.putDecimal(q, t);
        doc.meta("absError." + q.key(), Double.toString(TensorReferenceEngine_AP.toDouble(err)));
    }

    private static Apfloat[][] column(Apfloat[] v) {
        Apfloat[][] m = new Apfloat[v.length][1];
        for (int i = 0; i < v.length; i++) {
            m[i][0] = v[i];
        }
        return m;
    }

    /** What {@link #check} found: a table (field, max error, allowed, error/allowed, verdict) and the overall verdict. */
    record Outcome(TextTable table, boolean passed, double worstRatio) {
    }

    /**
     * Judges {@code cand} against the reference on {@code in}: every field of the candidate that the bound covers,
     * {@code max |cand - ref|} against {@code allowed(q) + comparisonSlack(max |ref_q|)}.
     *
     * @throws IllegalArgumentException when the candidate's {@code n, d} differ from the instance's, or it holds no
     *     field the reference computes
     */
    static Outcome check(TensorInstance in, TensorResultDocument cand, EngineClass cls, double eps, long digits) {
        if (cand.n() != in.n() || cand.d() != in.d()) {
            throw new IllegalArgumentException("the candidate has n = " + cand.n() + ", d = " + cand.d()
                    + " but the instance has n = " + in.n() + ", d = " + in.d());
        }
        TensorReferenceEngine_AP ref = new TensorReferenceEngine_AP(digits);
        Set<TensorQuantity> judged = EnumSet.noneOf(TensorQuantity.class);
        for (TensorQuantity q : cand.quantities()) {
            if (ref.supported(in).contains(q)) {
                judged.add(q);
            }
        }
        if (judged.isEmpty()) {
            throw new IllegalArgumentException("the candidate holds no field the tensor reference computes");
        }
        Set<TensorQuantity> trustedSet = EnumSet.of(TensorQuantity.A, TensorQuantity.ALPHA, TensorQuantity.F,
                TensorQuantity.H, TensorQuantity.ATTENTION, TensorQuantity.C, TensorQuantity.GRAD_X, TensorQuantity.GRAD_Y);
        trustedSet.addAll(judged);
        TensorResult trusted = ref.compute(in, trustedSet);
        TensorQuantityBound bound = bound(cls, eps, in);
        return compare(in, cand.toResult(), trusted, trusted, bound, judged);
    }

    /** The bound of class {@code cls}: the exact rounding model, or the fast engine's certificate at {@code eps}. */
    static TensorQuantityBound bound(EngineClass cls, double eps, TensorInstance in) {
        return cls == EngineClass.FAST
                ? TensorFastErrorBound.certified(new TensorFastEngine_F64(eps).compute(in, EnumSet.of(TensorQuantity.LOSS)))
                : new TensorExactRounding();
    }

    /**
     * {@code max |cand_q - ref_q|} against {@code bound.allowed(q, in, trusted) + comparisonSlack(max |ref_q|)} for each
     * {@code q} of {@code judged}.
     *
     * @param ref the reference values rounded to double (fresh, or read from the golden corpus)
     * @param trusted reference values holding what {@code bound} needs ({@code A, ALPHA, F, H, ATTENTION, C, GRAD_X, GRAD_Y})
     */
    static Outcome compare(TensorInstance in, TensorResult cand, TensorResult ref, TensorResult trusted,
            TensorQuantityBound bound, Set<TensorQuantity> judged) {
        TextTable table = new TextTable("field", "max |cand - ref|", "allowed", "error/allowed", "verdict");
        boolean ok = true;
        double worst = 0;
        for (TensorQuantity q : judged) {
            DMatrixRMaj r = ref.get(q);
            DMatrixRMaj g = cand.get(q);
            double err = 0;
            double scale = 0;
            for (int i = 0; i < r.numRows; i++) {
                for (int j = 0; j < r.numCols; j++) {
                    double diff = Math.abs(g.unsafe_get(i, j) - r.unsafe_get(i, j));
                    err = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : Math.max(err, diff);
                    scale = Math.max(scale, Math.abs(r.unsafe_get(i, j)));
                }
            }
            double allowed = bound.allowed(q, in, trusted) + TensorExactRounding.comparisonSlack(scale);
            double ratio = err / allowed;
            boolean pass = err <= allowed;
            ok &= pass;
            worst = Math.max(worst, ratio);
            table.row(q.key(), fmt(err), fmt(allowed), fmt(ratio), pass ? "PASS" : "FAIL");
        }
        return new Outcome(table, ok, worst);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3e", v);
    }
}
