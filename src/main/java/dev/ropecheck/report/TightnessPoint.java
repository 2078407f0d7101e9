package dev.ropecheck.report;

/**
 * One measured case of a bound: {@code measured / allowed} at one value of a parameter. The report's
 * small multiples draw these, one panel per {@link #bound}, one figure per {@link Axis}.
 *
 * @param bound the {@code specs/} id of the bound (the panel)
 * @param series a sub-group inside the panel (an engine, a family, a field); may be empty
 * @param axis which parameter {@link #x} is
 * @param x the parameter's value
 * @param measured the measured error ({@code max |value - trusted|})
 * @param allowed the bound at this case
 * @param replay what rebuilds the case (a {@code make-instance} line, or the polynomial's parameters)
 */
public record TightnessPoint(String bound, String series, Axis axis, double x, double measured, double allowed,
        String replay) {

    /** The parameter a point varies. */
    public enum Axis {
        N("n", "n", true), B("B", "entry bound B", false), EPS("eps", "eps", true), D("d", "d", true),
        BETA("beta", "score bound beta", false);

        private final String key;
        private final String label;
        private final boolean logScale;

        Axis(String key, String label, boolean logScale) {
            this.key = key;
            this.label = label;
            this.logScale = logScale;
        }

        public String key() {
            return key;
        }

        public String label() {
            return label;
        }

        /** True when the axis is drawn on a log scale (n, eps, d); B and beta are linear. */
        public boolean logScale() {
            return logScale;
        }
    }

    /**
     * {@code measured / allowed}; 0 for an exact 0 (drawn on the axis floor and counted in the caption),
     * {@code +inf} for a NaN error or a positive error against a zero bound.
     */
    public double ratio() {
        if (Double.isNaN(measured) || Double.isNaN(allowed)) {
            return Double.POSITIVE_INFINITY;
        }
        if (allowed == 0) {
            return measured == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return measured / allowed;
    }
}
