package dev.ropecheck.report;

import java.util.List;

/**
 * What one {@link Verification} measured.
 *
 * @param id the specs/ entry id
 * @param title one line
 * @param cases how many instances (or points) were measured
 * @param maxError the measured error at the worst case (the case with the largest error/bound)
 * @param bound the bound that applies at that case
 * @param verdict pass, fail or skipped
 * @param detail the worst case (instance, seed) or why it was skipped
 * @param series plot data
 * @param points the tightness of every measured case (for the small multiples and {@code report.json})
 */
public record VerificationResult(String id, String title, int cases, double maxError, double bound, Verdict verdict, String detail,
        List<Series> series, List<TightnessPoint> points) {

    public VerificationResult {
        series = List.copyOf(series);
        points = List.copyOf(points);
    }

    /** A result without tightness points. */
    public VerificationResult(String id, String title, int cases, double maxError, double bound, Verdict verdict, String detail,
            List<Series> series) {
        this(id, title, cases, maxError, bound, verdict, detail, series, List.of());
    }

    /** {@code maxError / bound}: at most 1 when passing; near 1 means the bound is tight. */
    public double tightness() {
        return maxError / bound;
    }

    public static VerificationResult skipped(Verification check, String why) {
        return new VerificationResult(check.id(), check.title(), 0, Double.NaN, Double.NaN, Verdict.SKIPPED, why, List.of());
    }
}
