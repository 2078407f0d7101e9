package dev.ropecheck.bench;

import dev.ropecheck.io.Instances;
import dev.ropecheck.model.ProblemSet;
import dev.ropecheck.model.RopeInstance;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Instance read throughput (issue 14 item 5): reads an instance file {@code reps} times with the exact
 * readers ({@link Instances#read}: a {@code rope-attention-instance/1} JSON file, or a version-2 header and
 * the NPZ beside it) and prints wall and CPU time per read and the median MB/s (the bytes of the JSON file
 * and of an NPZ named {@code FILE.npz} beside it, per wall and per CPU second).
 *
 * <p>Run: {@code java -cp target/ropecheck.jar dev.ropecheck.bench.InstanceReadBench FILE [reps]}.
 */
public final class InstanceReadBench {
    private InstanceReadBench() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path npz = file.resolveSibling(file.getFileName().toString().replaceFirst("\\.json$", "") + ".npz");
        double mb = (Files.size(file) + (Files.exists(npz) ? Files.size(npz) : 0)) / 1e6;
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[] wall = new double[reps];
        double[] cpu = new double[reps];
        for (int r = 0; r < reps; r++) {
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            ProblemSet set = Instances.read(file);
            RopeInstance inst = set.first();
            wall[r] = (System.nanoTime() - t0) / 1e9;
            cpu[r] = (os.getProcessCpuTime() - c0) / 1e9;
            System.out.printf("read %d: n=%d d=%d %.1f MB wall %.2f s cpu %.2f s (%.1f MB/s)%n", r, inst.n(), inst.d(), mb,
                    wall[r], cpu[r], mb / wall[r]);
        }
        double w = ExactPaired.median(wall);
        double c = ExactPaired.median(cpu);
        System.out.printf("java Instances.read %s: %.1f MB, median wall %.2f s cpu %.2f s = %.1f MB/s (wall), %.1f MB/s (cpu)%n",
                file, mb, w, c, mb / w, mb / c);
    }
}
