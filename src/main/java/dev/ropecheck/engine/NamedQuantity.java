package dev.ropecheck.engine;

/** A quantity an engine reports, with the name used in reports and JSON results. */
public interface NamedQuantity {
    /** The name used in reports and the JSON result formats (e.g. {@code "gradX"}). */
    String key();
}
