package dev.ropecheck.cli;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeInstance;
import java.util.OptionalDouble;

/**
 * TEST-ONLY tolerance for the command-line tests that run on stub engines (the proved bounds of
 * {@code dev.ropecheck.bounds}, which {@link StandardTolerances} supplies, need real engines): a field may
 * differ from the reference by {@code 2^-40 max|ref| + 2^-60}. It is NOT a derived bound; it only
 * serves to exercise the {@code check} machinery: the foreign results in these tests differ from the
 * stub reference by at most {@code 2^-50} relative per entry (well inside) and the perturbed ones by
 * {@code 1e-6} relative (2^20 times outside).
 */
final class ProvisionalTolerances implements ToleranceSource {
    @Override
    public OptionalDouble allowed(EngineClass cls, RopeInstance instance, RopeResult reference, boolean trusted, double eps,
            Quantity q) {
        if (!reference.has(q)) {
            return OptionalDouble.empty();
        }
        double max = 0;
        for (double v : reference.get(q).data) {
            max = Math.max(max, Math.abs(v));
        }
        return OptionalDouble.of(0x1.0p-40 * max + 0x1.0p-60);
    }

    @Override
    public String describe(EngineClass cls) {
        return "provisional test rule 2^-40 max|ref| + 2^-60 (not a derived bound)";
    }

    @Override
    public boolean supports(EngineClass cls) {
        return true;
    }
}
