package dev.ropecheck.engine.exact;

/**
 * Whether the exact engine's rotated route runs its products on {@link SimdKernels}: when the JVM
 * has the {@code jdk.incubator.vector} module ({@code java --add-modules jdk.incubator.vector ...})
 * and the system property {@code ropecheck.simd} is not {@code false}. Either way every result is
 * the same, bit for bit; only the speed differs.
 */
final class Simd {
    /** Read once, when the class is first used. */
    static final boolean ENABLED = detect();

    private Simd() {
    }

    private static boolean detect() {
        if ("false".equals(System.getProperty("ropecheck.simd"))) {
            return false;
        }
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && SimdKernels.LANES >= 2;
    }

    /** A human-readable name of the kernels in use, for reports: {@code "simd x8"} or {@code "scalar"}. */
    static String describe(boolean simd) {
        return simd ? "simd x" + SimdKernels.LANES : "scalar";
    }
}
