package dev.ropecheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.io.InstanceGenerator;
import dev.ropecheck.io.InstanceWriter;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 cases that need a process of their own: standard output on a full device or closed, SIGTERM during a
 * write, the heap limit, and the time to refuse a 10^6-digit decimal in a fresh JVM. Each runs
 * {@link Main} (or {@link RejectTiming}) in a child JVM on the test class path.
 */
class ChildProcessTest {
    @TempDir
    Path dir;

    private static List<String> java(String... jvmArgsThenMain) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(List.of(jvmArgsThenMain));
        return cmd;
    }

    private record Done(int exit, String out, String err) {
    }

    private static Done run(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.start();
        String out = pb.redirectOutput() == ProcessBuilder.Redirect.PIPE
                ? new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8) : "";
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Done(p.exitValue(), out, err);
    }

    private static void assertOneLine(Done d, String... mention) {
        assertEquals(1, d.err().strip().lines().count(), d.toString());
        assertTrue(!d.err().contains("\tat ") && !d.err().contains("Exception"), d.toString());
        for (String m : mention) {
            assertTrue(d.err().contains(m), m + " in " + d);
        }
    }

    @Test
    void aFullStandardOutputIsAnErrorNotSuccess() throws Exception {
        File full = new File("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(full.exists(), "needs /dev/full");
        for (String[] args : new String[][] {{"make-instance", "--n", "64", "--d", "2", "--family", "rope", "--bound", "1"}}) {
            List<String> cmd = java("dev.ropecheck.cli.Main");
            cmd.addAll(List.of(args));
            Done d = run(new ProcessBuilder(cmd).redirectOutput(full));
            assertEquals(2, d.exit(), d.toString());
            assertOneLine(d, "cannot write standard output", "No space left on device");
        }
        List<String> closed = java("dev.ropecheck.cli.Main", "make-instance", "--n", "4", "--d", "2", "--family", "rope",
                "--bound", "1");
        StringBuilder sh = new StringBuilder();
        for (String c : closed) {
            sh.append('\'').append(c.replace("'", "'\\''")).append("' ");
        }
        Done c = run(new ProcessBuilder("sh", "-c", sh + ">&-"));
        assertEquals(2, c.exit(), c.toString());
        assertOneLine(c, "cannot write standard output");
    }

    @Test
    void sigtermDuringAWriteLeavesNothingBehind() throws Exception {
        Path out = dir.resolve("R.json");
        Process p = new ProcessBuilder(java("dev.ropecheck.cli.Main", "make-instance", "--n", "65536", "--d", "16",
                "--family", "rope", "--bound", "1", "--out", out.toString())).redirectErrorStream(true).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean sawTemp = false;
        while (System.nanoTime() < deadline && p.isAlive() && !sawTemp) {
            try (Stream<Path> s = Files.list(dir)) {
                sawTemp = s.anyMatch(f -> f.getFileName().toString().endsWith(".tmp"));
            }
            Thread.sleep(20);
        }
        assertTrue(sawTemp, "the write started");
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> left = s.toList();
            assertTrue(left.isEmpty() || left.equals(List.of(out)), "left behind: " + left);
        }
    }

    @Test
    void anInstanceBeyondTheHeapIsRefusedFromItsHeader() throws Exception {
        Path in = dir.resolve("big.json");
        try (OutputStream o = Files.newOutputStream(in); InstanceWriter w = new InstanceWriter(o)) {
            InstanceGenerator.write(new InstanceGenerator.Params(1 << 15, 8, InstanceGenerator.Family.ROPE, 1, 3), w);
        }
        Done d = run(new ProcessBuilder(java("-Xmx16m", "dev.ropecheck.cli.Main", "compute", "--engine", "exact", "--in",
                in.toString(), "--out", dir.resolve("out.json").toString())));
        assertEquals(3, d.exit(), d.toString());
        assertOneLine(d, "n = 32768, d = 8", "-Xmx");
        assertTrue(!Files.exists(dir.resolve("out.json")));
    }

    @Test
    void aMillionDigitDecimalIsRefusedQuicklyInAFreshJvm() throws Exception {
        String valid;
        try (java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(); InstanceWriter w = new InstanceWriter(b)) {
            InstanceGenerator.write(new InstanceGenerator.Params(4, 2, InstanceGenerator.Family.ROPE, 1, 5), w);
            w.close();
            valid = b.toString(StandardCharsets.UTF_8);
        }
        Path in = dir.resolve("million.json");
        Files.writeString(in, valid.replaceFirst("\"A1\":\\[\\[[^,\\]]*", "\"A1\":[[\"0." + "7".repeat(999_998) + "\""));
        Done t = run(new ProcessBuilder(java("dev.ropecheck.cli.RejectTiming", in.toString())));
        System.out.println("[measured] fresh JVM, 10^6-digit decimal string: " + t.out().strip() + " (shared machine)");
        double readMs = Double.parseDouble(t.out().replaceAll("(?s).*read_ms=([0-9.]+).*", "$1"));
        assertTrue(readMs < 2_000, t.toString());
        long w0 = System.nanoTime();
        Done d = run(new ProcessBuilder(java("dev.ropecheck.cli.Main", "compute", "--engine", "exact", "--in", in.toString())));
        System.out.printf("[measured] the whole command (JVM start to exit): %.0f ms (shared machine)%n",
                (System.nanoTime() - w0) / 1e6);
        assertEquals(2, d.exit(), d.toString());
        assertOneLine(d, "million.json", "A1[0][0]", "65536 characters");
    }
}
