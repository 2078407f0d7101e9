package dev.ropecheck.cli;

import dev.ropecheck.io.FormatException;
import dev.ropecheck.io.InstanceReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Run in a fresh JVM by {@link ChildProcessTest}: reads the instance {@code args[0]} (expected to be refused) and
 * prints how long the refusal took, from the read call and from the JVM's start.
 */
public final class RejectTiming {
    private RejectTiming() {
    }

    public static void main(String[] args) {
        for (int k = 1; k < args.length; k++) {
            // warm-up reads of other files first (the marginal cost of the refusal, JIT and class loading done)
            try {
                InstanceReader.read(Path.of(args[k]));
            } catch (FormatException ignored) {
                // expected for refused files
            }
        }
        long t0 = System.nanoTime();
        String message = "accepted";
        try {
            InstanceReader.read(Path.of(args[0]));
        } catch (FormatException e) {
            message = e.getMessage();
        }
        long t1 = System.nanoTime();
        long sinceStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.printf(java.util.Locale.ROOT, "read_ms=%.1f since_jvm_start_ms=%d message_chars=%d%n", (t1 - t0) / 1e6,
                sinceStart, message.length());
    }
}
