package dev.ropecheck.report;

import java.util.List;

/**
 * Least-squares fit of minimal certified degrees to AA22's form (Lemma 3.4, MATH §4):
 * {@code g ≈ max(a · L / ln(L / B), b · B)} with {@code L = ln(1/eps)} and {@code B = 2 beta} (the interval
 * {@code [-beta, beta]} shifted to {@code [0, 2 beta]}); where {@code L / B <= e} the log-ratio is replaced by
 * 1, as in the specs table. The two constants are found by a deterministic pattern search (steps halved from
 * 0.5 down to {@code 1e-7}) from {@code a = b = 1}; the objective is the sum of squared residuals.
 */
public final class DegreeFit {
    /** One grid point: {@code beta}, {@code eps}, the measured minimal degree. */
    public record Point(double beta, double eps, int degree) {
    }

    /**
     * The fit.
     *
     * @param a constant of the {@code L / ln(L/B)} branch
     * @param b constant of the {@code B} branch
     * @param rms root-mean-square residual (degrees)
     * @param maxAbs largest {@code |g - fit|}
     * @param maxRel largest {@code |g - fit| / g}
     * @param ratio the one-constant alternative {@code g ≈ c · AA22(B, eps)} (least squares)
     * @param ratioRms its RMS residual
     */
    public record Fit(double a, double b, double rms, double maxAbs, double maxRel, double ratio, double ratioRms) {
        /** The fitted degree at a point. */
        public double predict(double beta, double eps) {
            return DegreeFit.predict(a, b, beta, eps);
        }
    }

    private DegreeFit() {
    }

    /** AA22's expression with unit constants, {@code max(L / ln(L/B), B)}, {@code B = 2 beta}. */
    public static double aa22(double beta, double eps) {
        return predict(1, 1, beta, eps);
    }

    static double predict(double a, double b, double beta, double eps) {
        double l = Math.log(1 / eps);
        double bb = 2 * beta;
        double ratio = l / bb;
        double first = ratio > Math.E ? l / Math.log(ratio) : l;
        return Math.max(a * first, b * bb);
    }

    public static Fit fit(List<Point> pts) {
        if (pts.isEmpty()) {
            throw new IllegalArgumentException("no points to fit");
        }
        double a = 1;
        double b = 1;
        double best = sse(pts, a, b);
        for (double step = 0.5; step >= 1e-7; ) {
            boolean moved = false;
            for (double[] d : new double[][] {{step, 0}, {-step, 0}, {0, step}, {0, -step}}) {
                double na = a + d[0];
                double nb = b + d[1];
                if (na <= 0 || nb <= 0) {
                    continue;
                }
                double v = sse(pts, na, nb);
                if (v < best) {
                    best = v;
                    a = na;
                    b = nb;
                    moved = true;
                }
            }
            if (!moved) {
                step /= 2;
            }
        }
        double maxAbs = 0;
        double maxRel = 0;
        double num = 0;
        double den = 0;
        for (Point p : pts) {
            double r = Math.abs(p.degree() - predict(a, b, p.beta(), p.eps()));
            maxAbs = Math.max(maxAbs, r);
            maxRel = Math.max(maxRel, r / p.degree());
            double x = aa22(p.beta(), p.eps());
            num += p.degree() * x;
            den += x * x;
        }
        double c = num / den;
        double ratioSse = 0;
        for (Point p : pts) {
            double r = p.degree() - c * aa22(p.beta(), p.eps());
            ratioSse += r * r;
        }
        return new Fit(a, b, Math.sqrt(best / pts.size()), maxAbs, maxRel, c, Math.sqrt(ratioSse / pts.size()));
    }

    private static double sse(List<Point> pts, double a, double b) {
        double s = 0;
        for (Point p : pts) {
            double r = p.degree() - predict(a, b, p.beta(), p.eps());
            s += r * r;
        }
        return s;
    }
}
