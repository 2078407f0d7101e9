package dev.ropecheck.cli;

import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.io.ResultDocument;

/**
 * Puts the reference engine's full decimal values (all trusted digits) into a result document via
 * {@link ResultDocument#putDecimal}, when the engine's result exposes them. Until the reference
 * result exposes its arbitrary-precision matrices, the document keeps the correctly rounded doubles
 * the engine reported.
 */
final class ReferenceDecimals {
    private ReferenceDecimals() {
    }

    static void attach(RopeResult result, ResultDocument doc) {
        // The reference result type is not in this build yet; the doubles stay.
    }
}
