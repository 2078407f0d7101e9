package dev.ropecheck.report;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.io.InstanceGenerator;
import dev.ropecheck.model.RopeInstance;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The project's measured timings, generated into one Markdown file ({@code docs/figures.md}, written
 * by {@code verify --figures FILE}) that the README and {@code specs/} link to instead of typing
 * numbers by hand. Three workloads, each time vs {@code n} with its log–log slope:
 * <ul>
 *   <li>{@code theorem-5.7}: the exact engine, RoPE, {@code d = 8}, forward + loss + {@code G} +
 *       weight gradients (the workload of the bench harness {@code ExactScaling});</li>
 *   <li>{@code forward}: exact, fast-fft, fast-lowrank, RoPE, {@code d = 4}, {@code alpha, attention,
 *       c, loss}, {@code eps = 1e-3} ({@code FastForwardBench});</li>
 *   <li>{@code gradient}: the same engines, forward + loss + {@code G} + weight gradients
 *       ({@code FastGradientBench}).</li>
 * </ul>
 * Entries {@code k/2^12} in {@code [-0.5, 0.5]} ({@link InstanceGenerator}); after a one-second
 * warm-up on the first size, and one untimed call per size, the best of three batches (each repeats the call for at least 0.2 s) of the wall
 * time and process CPU time per call.
 */
public final class MeasuredFigures {
    /** The file the README and specs link to, relative to the project root. */
    public static final String FILE = "docs/figures.md";
    /** The first line of a generated file. */
    public static final String HEADER = "# Measured figures (generated)";
    /** {@code eps} of the fast engines in these workloads. */
    public static final double EPS = 1e-3;

    /** How long the first size of each series is run before anything is timed. */
    private static final long WARM_UP_NANOS = 1_000_000_000L;
    /** The least time one batch of calls runs. */
    private static final long BATCH_NANOS = 200_000_000L;

    private static final Set<Quantity> FORWARD = EnumSet.of(Quantity.ALPHA, Quantity.ATTENTION, Quantity.C,
            Quantity.LOSS);
    private static final Set<Quantity> GRADIENT = EnumSet.of(Quantity.ATTENTION, Quantity.LOSS, Quantity.GRAD_X,
            Quantity.GRAD_WQ, Quantity.GRAD_WK, Quantity.GRAD_WV);

    /** One timed size. */
    public record Point(int n, double wallMs, double cpuMs) {
    }

    /** One engine's times on one workload. */
    public record Timings(String engine, List<Point> points) {
        /** Least-squares log–log slope of CPU time against {@code n} over the sizes {@code >= 1024} (all sizes when fewer than two). */
        public double slope() {
            List<Point> use = points.stream().filter(p -> p.n() >= 1024).toList();
            if (use.size() < 2) {
                use = points;
            }
            if (use.size() < 2) {
                return Double.NaN;
            }
            double sx = 0;
            double sy = 0;
            double sxx = 0;
            double sxy = 0;
            for (Point p : use) {
                double x = Math.log(p.n());
                double y = Math.log(Math.max(p.cpuMs(), 1e-3));
                sx += x;
                sy += y;
                sxx += x * x;
                sxy += x * y;
            }
            int k = use.size();
            return (k * sxy - sx * sy) / (k * sxx - sx * sx);
        }
    }

    /** One workload: what is computed, and each engine's series. */
    public record Workload(String id, String what, List<Timings> timings) {
    }

    /** The sizes of one run. */
    public record Sizes(int[] exactScaling, int[] forward, int[] gradient, int exactCap) {
        public static Sizes quick() {
            return new Sizes(new int[] {256, 512, 1024, 2048}, new int[] {256, 1024, 4096},
                    new int[] {256, 1024, 4096}, 4096);
        }

        public static Sizes full() {
            return new Sizes(new int[] {256, 512, 1024, 2048, 4096}, new int[] {256, 1024, 4096, 16384},
                    new int[] {256, 1024, 4096, 16384}, 4096);
        }
    }

    private MeasuredFigures() {
    }

    /** Runs the three workloads on the engines of {@code engines} that are in this build. */
    public static List<Workload> measure(Engines engines, Sizes sizes, Progress progress) {
        List<Workload> out = new ArrayList<>();
        List<Timings> exact = new ArrayList<>();
        engines.engine("exact").ifPresent(e -> exact.add(series("exact", e, 8, GRADIENT, sizes.exactScaling(),
                Integer.MAX_VALUE, progress)));
        out.add(new Workload("theorem-5.7", "exact engine, RoPE, d = 8, forward + loss + G + weight gradients", exact));
        out.add(new Workload("forward", "RoPE, d = 4, alpha, attention, c, loss; fast engines at eps = 1e-3",
                engineSeries(engines, FORWARD, sizes.forward(), sizes.exactCap(), progress)));
        out.add(new Workload("gradient", "RoPE, d = 4, forward + loss + G + weight gradients; fast engines at eps = 1e-3",
                engineSeries(engines, GRADIENT, sizes.gradient(), sizes.exactCap(), progress)));
        return out;
    }

    private static List<Timings> engineSeries(Engines engines, Set<Quantity> wanted, int[] ns, int exactCap,
            Progress progress) {
        List<Timings> out = new ArrayList<>();
        for (String name : List.of("exact", "fast-fft", "fast-lowrank")) {
            Optional<RopeAttentionEngine> e = name.equals("exact") ? engines.engine(name) : engines.engine(name, EPS);
            e.ifPresent(eng -> out.add(series(name, eng, 4, wanted, ns,
                    name.equals("exact") ? exactCap : Integer.MAX_VALUE, progress)));
        }
        return out;
    }

    private static Timings series(String name, RopeAttentionEngine engine, int d, Set<Quantity> wanted, int[] ns,
            int cap, Progress progress) {
        List<Point> points = new ArrayList<>();
        boolean warm = false;
        for (int n : ns) {
            if (n > cap) {
                continue;
            }
            progress.step("figures " + name + " n=" + n, points.size(), ns.length);
            RopeInstance in = InstanceGenerator.build(new InstanceGenerator.Params(n, d, InstanceGenerator.Family.ROPE,
                    0.5, 20240601L, true, false));
            Set<Quantity> q = EnumSet.copyOf(wanted);
            q.retainAll(engine.supported(in));
            if (!warm) {
                // JIT warm-up on the first size: compilation runs on other threads and counts as CPU time
                long w0 = System.nanoTime();
                do {
                    engine.compute(in, q);
                } while (System.nanoTime() - w0 < WARM_UP_NANOS);
                warm = true;
            } else {
                engine.compute(in, q);
            }
            double wall = Double.POSITIVE_INFINITY;
            double cpu = Double.POSITIVE_INFINITY;
            for (int batch = 0; batch < 3; batch++) {
                // a batch repeats the call until it has run BATCH_NANOS (the CPU clock ticks in 10 ms)
                long c0 = processCpuNanos();
                long t0 = System.nanoTime();
                int calls = 0;
                do {
                    engine.compute(in, q);
                    calls++;
                } while (System.nanoTime() - t0 < BATCH_NANOS);
                wall = Math.min(wall, (System.nanoTime() - t0) / 1e6 / calls);
                cpu = Math.min(cpu, (processCpuNanos() - c0) / 1e6 / calls);
            }
            points.add(new Point(n, wall, cpu));
        }
        return new Timings(name, points);
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /** The Markdown file: header, how it was generated, the host, one table per workload. */
    public static String markdown(List<Workload> workloads, String command) {
        StringBuilder sb = new StringBuilder(HEADER).append("\n\n");
        sb.append("Written by `").append(command).append("`; do not edit by hand. The README and `specs/`\n")
                .append("link here instead of repeating timings (`MeasuredFiguresTest` checks that `specs/` types none).\n\n");
        sb.append(String.format(Locale.ROOT, "Host: %d processors, Java %s, load average %.1f at the end; %s.%n%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        sb.append("Times are per call in milliseconds, the best of three batches (each repeats the call for at least\n")
                .append("0.2 s) after a one-second warm-up and one untimed call; the slope is the least-squares\n")
                .append("log-log slope of CPU time over the sizes n >= 1024. Wall times on a shared machine vary;\n")
                .append("read the CPU times and the slopes.\n");
        for (Workload w : workloads) {
            sb.append("\n## ").append(w.id()).append("\n\n").append(w.what()).append(".\n\n");
            sb.append("| engine | n | wall ms | CPU ms |\n|---|---|---|---|\n");
            for (Timings s : w.timings()) {
                for (Point p : s.points()) {
                    sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f |%n", s.engine(), p.n(), p.wallMs(),
                            p.cpuMs()));
                }
            }
            sb.append('\n');
            for (Timings s : w.timings()) {
                sb.append(String.format(Locale.ROOT, "- %s: log-log slope %.2f%n", s.engine(), s.slope()));
            }
        }
        return sb.toString();
    }
}
