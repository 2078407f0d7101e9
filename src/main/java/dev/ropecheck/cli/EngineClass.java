package dev.ropecheck.cli;

/**
 * What kind of implementation a result comes from, which decides the tolerance it is held to:
 * {@link #EXACT} (the quadratic formulas of MATH §2–3 in binary64, judged by a rounding model) or
 * {@link #FAST} (the polynomial method of MATH §5–6, judged by the proved approximation bound plus
 * rounding).
 */
public enum EngineClass {
    /** Arbitrary precision; its error is below every double tolerance. */
    REFERENCE,
    /** Exact formulas in binary64. */
    EXACT,
    /** Polynomial-method approximation with parameter {@code eps}. */
    FAST;

    /** Parses {@code exact} or {@code fast} (case-insensitive). */
    public static EngineClass parse(String s) {
        for (EngineClass c : values()) {
            if (c.name().equalsIgnoreCase(s)) {
                return c;
            }
        }
        throw new IllegalArgumentException("engine class \"" + s + "\" must be exact or fast");
    }
}
