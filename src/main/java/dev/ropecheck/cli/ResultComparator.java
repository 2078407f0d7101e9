package dev.ropecheck.cli;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.report.FieldError;
import dev.ropecheck.report.TextTable;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Compares a candidate result field by field with a reference result, each field against the error
 * it is allowed.
 *
 * <p>Allowed error of field {@code q} ({@code max |cand - ref_double|}), by the triangle inequality
 * over {@code cand - exact} and {@code exact - ref_double}:
 * <ul>
 *   <li>{@code T_cls(q)}, the candidate class's bound on {@code |cand - exact|} (from the
 *       {@link ToleranceSource});</li>
 *   <li>plus, when the reference is the arbitrary-precision engine with {@code P} digits, its
 *       rounding to double: {@code |ref_double - exact| <= (2^-53 + 10^(1-P)) |exact|
 *       <= (2^-53 + 10^(1-P)) (1 + 2^-52) max|ref_double|} (relative error {@code 10^(1-P)} of a
 *       {@code P}-digit value, then round-to-nearest);</li>
 *   <li>or, when the exact engine stands in for the reference (large {@code n}), the exact class's
 *       own bound {@code T_exact(q)}.</li>
 * </ul>
 */
public final class ResultComparator {

    /** What a field's comparison concluded. */
    public enum Verdict {
        PASS, FAIL, UNCHECKED
    }

    /** One field's comparison. */
    public record Row(Quantity quantity, String shape, FieldError error, double allowed, Verdict verdict, String note) {
        /** {@code maxAbs / allowed}: below 1 passes; the tightness of the bound when it passes. */
        public double ratio() {
            return error.maxAbs() / allowed;
        }
    }

    /** The whole comparison. */
    public record Outcome(List<Row> rows, String referenceName, boolean standIn) {
        /** True when at least one field was checked and every checked field passed. */
        public boolean passed() {
            boolean any = false;
            for (Row r : rows) {
                if (r.verdict() == Verdict.FAIL) {
                    return false;
                }
                any |= r.verdict() == Verdict.PASS;
            }
            return any;
        }

        public TextTable table() {
            TextTable t = new TextTable("field", "shape", "max abs err", "max rel err", "allowed", "err/allowed", "verdict");
            for (Row r : rows) {
                boolean checked = r.verdict() != Verdict.UNCHECKED;
                t.row(r.quantity().key(), r.shape(), TextTable.num(r.error().maxAbs()), TextTable.num(r.error().maxRel()),
                        checked ? TextTable.num(r.allowed()) : "-", checked ? TextTable.num(r.ratio()) : "-",
                        r.verdict() + (r.note().isEmpty() ? "" : " (" + r.note() + ")"));
            }
            return t;
        }
    }

    private ResultComparator() {
    }

    /**
     * Compares every field {@code candidate} holds that {@code reference} also holds.
     *
     * @param referenceDigits decimal digits of the reference ({@code <= 0} when the reference is the
     *     exact engine standing in)
     */
    public static Outcome compare(RopeInstance instance, RopeResult candidate, RopeResult reference, String referenceName,
            long referenceDigits, EngineClass cls, double eps, ToleranceSource tolerances) {
        boolean standIn = referenceDigits <= 0;
        List<Row> rows = new ArrayList<>();
        for (Quantity q : candidate.quantities()) {
            if (!reference.has(q)) {
                continue;
            }
            int n = instance.n();
            int d = instance.d();
            org.ejml.data.DMatrixRMaj cand = candidate.get(q);
            org.ejml.data.DMatrixRMaj ref = reference.get(q);
            if (cand.numRows != q.shape().rows(n, d) || cand.numCols != q.shape().cols(n, d)) {
                throw new IllegalArgumentException("candidate field " + q.key() + " has shape " + cand.numRows + "x"
                        + cand.numCols + " but the instance (n = " + n + ", d = " + d + ") needs "
                        + q.shape().rows(n, d) + "x" + q.shape().cols(n, d));
            }
            FieldError err = FieldError.of(cand, ref);
            String shape = cand.numRows + "x" + cand.numCols;
            OptionalDouble tol = tolerances.allowed(cls, instance, reference, !standIn, eps, q);
            if (tol.isEmpty()) {
                rows.add(new Row(q, shape, err, Double.NaN, Verdict.UNCHECKED, "no bound for this field"));
                continue;
            }
            double allowed = tol.getAsDouble();
            String note = "";
            if (standIn) {
                OptionalDouble own = tolerances.allowed(EngineClass.EXACT, instance, reference, false, eps, q);
                if (own.isEmpty()) {
                    rows.add(new Row(q, shape, err, Double.NaN, Verdict.UNCHECKED, "no bound for the stand-in's own error"));
                    continue;
                }
                allowed += own.getAsDouble();
                note = "incl. exact stand-in's bound";
            } else {
                allowed += (0x1.0p-53 + Math.pow(10, 1 - referenceDigits)) * (1 + 0x1.0p-52) * err.refMax();
            }
            Verdict v = err.maxAbs() <= allowed ? Verdict.PASS : Verdict.FAIL;
            rows.add(new Row(q, shape, err, allowed, v, note));
        }
        return new Outcome(rows, referenceName, standIn);
    }
}
