package dev.ropecheck.report;

/**
 * One line of a {@link Plot}: points {@code (x[k], y[k])}.
 *
 * @param plot which plot
 * @param name legend text
 */
public record Series(Plot plot, String name, double[] x, double[] y) {
    public Series {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length + " y values");
        }
        x = x.clone();
        y = y.clone();
    }
}
