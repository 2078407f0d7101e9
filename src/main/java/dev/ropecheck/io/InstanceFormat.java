package dev.ropecheck.io;

/**
 * Names of the instance format {@code rope-attention-instance/1} (specs/format-instance.md).
 */
public final class InstanceFormat {
    /** The format tag every instance file starts with. */
    public static final String TAG = "rope-attention-instance/1";

    private InstanceFormat() {
    }
}
