package dev.ropecheck.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the case with the largest error/bound ratio over a check's cases, the error per {@code n} for the
 * plot, and every case's tightness ({@link TightnessPoint}). A NaN error or a positive error against a zero
 * bound counts as an infinite ratio (it can never pass).
 */
final class WorstCase {
    private double ratio = -1;
    private double error = Double.NaN;
    private double bound = Double.NaN;
    private String label = "";
    private int cases;
    private final List<Double> xs = new ArrayList<>();
    private final List<Double> ys = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();

    private record Pending(String series, TightnessPoint.Axis axis, double x, double err, double allowed, String where) {
    }

    /** Records one measurement ({@code x} is {@code n}, the plot abscissa). */
    void add(double err, double allowed, String where, double x) {
        add(err, allowed, where, TightnessPoint.Axis.N, x, "");
    }

    /** Records one measurement at parameter value {@code x} of {@code axis}, in the panel's sub-group {@code series}. */
    void add(double err, double allowed, String where, TightnessPoint.Axis axis, double x, String series) {
        double r = Double.isNaN(err) ? Double.POSITIVE_INFINITY
                : allowed == 0 ? (err == 0 ? 0 : Double.POSITIVE_INFINITY) : err / allowed;
        if (r > ratio) {
            ratio = r;
            error = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
            bound = allowed;
            label = where;
        }
        if (axis == TightnessPoint.Axis.N) {
            xs.add(x);
            ys.add(Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
        }
        pending.add(new Pending(series, axis, x, err, allowed, where));
    }

    /** Records the tightness of one measurement without letting it set the worst case (a second view of a case). */
    void alsoAt(double err, double allowed, String where, TightnessPoint.Axis axis, double x, String series) {
        pending.add(new Pending(series, axis, x, err, allowed, where));
    }

    /** Counts one case (an instance, or a polynomial). */
    void countCase() {
        cases++;
    }

    /** The largest ratio so far ({@code -1} before any case). */
    double ratio() {
        return ratio;
    }

    List<TightnessPoint> points(String id) {
        List<TightnessPoint> out = new ArrayList<>(pending.size());
        for (Pending p : pending) {
            out.add(new TightnessPoint(id, p.series(), p.axis(), p.x(), p.err(), p.allowed(), p.where()));
        }
        return out;
    }

    VerificationResult result(Verification check, Plot plot, String series) {
        if (cases == 0) {
            return VerificationResult.skipped(check, "no case in this run");
        }
        return new VerificationResult(check.id(), check.title(), cases, error, bound, ratio <= 1 ? Verdict.PASS : Verdict.FAIL,
                "worst: " + label, xs.isEmpty() ? List.of() : List.of(VerificationMath.maxByX(plot, series, xs, ys)),
                points(check.id()));
    }
}
