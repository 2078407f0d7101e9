package dev.ropecheck.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the case with the largest error/bound ratio over a check's cases, and the error per {@code n} for the
 * plot. A NaN error or a positive error against a zero bound counts as an infinite ratio (it can never pass).
 */
final class WorstCase {
    private double ratio = -1;
    private double error = Double.NaN;
    private double bound = Double.NaN;
    private String label = "";
    private int cases;
    private final List<Double> xs = new ArrayList<>();
    private final List<Double> ys = new ArrayList<>();

    /** Records one measurement ({@code x} is the plot abscissa, e.g. {@code n}). */
    void add(double err, double allowed, String where, double x) {
        double r = Double.isNaN(err) ? Double.POSITIVE_INFINITY
                : allowed == 0 ? (err == 0 ? 0 : Double.POSITIVE_INFINITY) : err / allowed;
        if (r > ratio) {
            ratio = r;
            error = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
            bound = allowed;
            label = where;
        }
        xs.add(x);
        ys.add(Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
    }

    /** Counts one case (an instance, or a polynomial). */
    void countCase() {
        cases++;
    }

    CheckResult result(LemmaCheck check, Plot plot, String series) {
        if (cases == 0) {
            return CheckResult.skipped(check, "no case in this run");
        }
        return new CheckResult(check.id(), check.title(), cases, error, bound, ratio <= 1 ? Verdict.PASS : Verdict.FAIL,
                "worst: " + label, List.of(Checks.maxByX(plot, series, xs, ys)));
    }
}
