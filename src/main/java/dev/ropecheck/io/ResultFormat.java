package dev.ropecheck.io;

/** Names of the result format {@code rope-attention-result/1} (specs/format-result.md). */
public final class ResultFormat {
    /** The format tag every result file starts with. */
    public static final String TAG = "rope-attention-result/1";

    private ResultFormat() {
    }
}
