package dev.ropecheck.report;

/**
 * {@code t = c n^k}, fitted by least squares on {@code (log n, log t)}: the per-n cost model the phase-transition
 * figure extrapolates with (a model fitted over several n, rather than one timing).
 *
 * @param c the constant
 * @param k the exponent
 * @param rmsLog the RMS residual of {@code ln t} (0.1 is about 10 %)
 */
public record PowerLaw(double c, double k, double rmsLog) {

    /** The fit through {@code (n[i], t[i])}; at least two distinct {@code n}, every {@code t > 0}. */
    public static PowerLaw fit(double[] n, double[] t) {
        if (n.length != t.length || n.length < 2) {
            throw new IllegalArgumentException("a power law needs at least two points, got " + n.length);
        }
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n.length; i++) {
            if (!(n[i] > 0) || !(t[i] > 0)) {
                throw new IllegalArgumentException("power-law points must be positive: n = " + n[i] + ", t = " + t[i]);
            }
            mx += Math.log(n[i]);
            my += Math.log(t[i]);
        }
        mx /= n.length;
        my /= n.length;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n.length; i++) {
            double dx = Math.log(n[i]) - mx;
            sxy += dx * (Math.log(t[i]) - my);
            sxx += dx * dx;
        }
        if (sxx == 0) {
            throw new IllegalArgumentException("a power law needs two distinct n");
        }
        double k = sxy / sxx;
        double lc = my - k * mx;
        double ss = 0;
        for (int i = 0; i < n.length; i++) {
            double r = Math.log(t[i]) - (lc + k * Math.log(n[i]));
            ss += r * r;
        }
        return new PowerLaw(Math.exp(lc), k, Math.sqrt(ss / n.length));
    }

    /** {@code c n^k}. */
    public double at(double n) {
        return c * Math.pow(n, k);
    }

    /**
     * The {@code n} above which {@code this} (scaled by {@code factor}) is below {@code other}: {@code +inf} when it
     * never is for large n (its exponent is larger, or equal with a constant that is not smaller), {@code 0} when it
     * is below everywhere (equal exponents, smaller constant).
     */
    public double crossover(PowerLaw other, double factor) {
        if (k > other.k) {
            return Double.POSITIVE_INFINITY;
        }
        if (k == other.k) {
            return c * factor < other.c ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.pow(c * factor / other.c, 1 / (other.k - k));
    }
}
