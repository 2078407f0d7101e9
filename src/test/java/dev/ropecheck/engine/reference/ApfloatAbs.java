package dev.ropecheck.engine.reference;

import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;

/** {@code |v|} (a one-line helper so the tests read as the formulas). */
final class ApfloatAbs {
    private ApfloatAbs() {
    }

    static Apfloat abs(Apfloat v) {
        return ApfloatMath.abs(v);
    }
}
