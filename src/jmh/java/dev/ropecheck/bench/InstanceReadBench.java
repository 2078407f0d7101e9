package dev.ropecheck.bench;

import dev.ropecheck.io.InstanceReader;
import dev.ropecheck.model.RopeInstance;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Instance read throughput (issue 14 item 5): reads a {@code rope-attention-instance/1} JSON file
 * {@code reps} times with the exact reader ({@link InstanceReader#read}) and prints wall and CPU time
 * per read and the median MB/s (file bytes / wall time).
 *
 * <p>Run: {@code java -cp target/ropecheck.jar dev.ropecheck.bench.InstanceReadBench FILE [reps]}.
 */
public final class InstanceReadBench {
    private InstanceReadBench() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        double mb = Files.size(file) / 1e6;
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[] wall = new double[reps];
        double[] cpu = new double[reps];
        for (int r = 0; r < reps; r++) {
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            RopeInstance inst = InstanceReader.read(file);
            wall[r] = (System.nanoTime() - t0) / 1e9;
            cpu[r] = (os.getProcessCpuTime() - c0) / 1e9;
            System.out.printf("read %d: n=%d d=%d %.1f MB wall %.2f s cpu %.2f s (%.1f MB/s)%n", r, inst.n(), inst.d(), mb,
                    wall[r], cpu[r], mb / wall[r]);
        }
        double w = ExactPaired.median(wall);
        System.out.printf("java InstanceReader %s: %.1f MB, median wall %.2f s cpu %.2f s = %.1f MB/s%n", file, mb, w,
                ExactPaired.median(cpu), mb / w);
    }
}
