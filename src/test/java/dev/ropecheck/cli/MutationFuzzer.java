package dev.ropecheck.cli;

import dev.ropecheck.io.FormatException;
import dev.ropecheck.io.ResultReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A seeded mutation fuzzer over instance and result files (issue 13). Each run applies one to three mutations
 * (byte flips, inserted bytes from a list of troublesome ones, deleted, duplicated or truncated ranges, a number or
 * a field name replaced by a hostile token, blanks inserted after punctuation) to a valid seed file, then:
 * <ul>
 *   <li>instances go through {@code compute --engine exact --in F --out O} (stub engines, in process): the exit code
 *       must be 0, 2, or 3 with an engine-capacity or heap message; on failure stderr is exactly one line naming
 *       {@code F}, with no stack trace, no raw control character, and neither {@code O} nor a temporary file is left;
 *       on success {@code O} reads back;</li>
 *   <li>results go through {@link ResultReader#read(Path)}: it returns, or throws a {@link FormatException} /
 *       {@link UncheckedIOException} whose message is one line naming {@code F} (counted as exit 0 / 2).</li>
 * </ul>
 * Anything else is "flagged", with the mutated file kept as text in the report.
 */
final class MutationFuzzer {
    private static final byte[] TROUBLE = {0, '\n', '\r', 0x1b, '"', '\\', '[', ']', '{', '}', ',', ':', '-', '+', '.', 'e',
        'E', '9', '0', ' ', (byte) 0xff, (byte) 0xc3, (byte) 0x80, (byte) 0xe2, 'N'};
    private static final String[] TOKENS = {"NaN", "Infinity", "-Infinity", "1e2147483648", "1e-400", "-0", "0x10",
        "\"\u0660.\u0665\"", "\"\uff10.\uff15\"", "\"1e99999\"", "null", "true", "[]", "{}", "[[]]", "\"\\u001b[32mPASS\"",
        "1.0000000000000002", "4.9e-324", "0.1", "\"0.5\"", "1" + "0".repeat(2000), "\"" + "7".repeat(70_000) + "\"",
        "-1e308", "2e308", "[[0.5]]", "65", "16777217", "\"\\n\"", "1E+5", "0.000244140625"};
    private static final String[] NAMES = {"A1", "n", "d", "format", "dtype", "bound", "family", "kind", "W", "support",
        "alpha", "meta", "engine", "x\\ny", "\\u001b[2J", "comment", "WQ", "X", "Y"};

    /** Counts of one fuzzing campaign. */
    static final class Counts {
        int runs;
        final Map<Integer, Integer> exits = new TreeMap<>();
        final List<String> flagged = new ArrayList<>();

        @Override
        public String toString() {
            return runs + " runs, exit codes " + exits + ", flagged " + flagged.size();
        }
    }

    private final SplittableRandom rnd;

    MutationFuzzer(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /** One to three mutations of {@code seed}. */
    byte[] mutate(byte[] seed) {
        byte[] b = seed.clone();
        int k = 1 + rnd.nextInt(3);
        for (int i = 0; i < k && b.length > 0; i++) {
            b = once(b);
        }
        return b;
    }

    private byte[] once(byte[] b) {
        int at = rnd.nextInt(b.length);
        switch (rnd.nextInt(8)) {
            case 7:
                return insertBlankAfterPunctuation(b);
            case 0: {
                byte[] c = b.clone();
                c[at] = (byte) rnd.nextInt(256);
                return c;
            }
            case 1:
                return splice(b, at, at, new byte[] {TROUBLE[rnd.nextInt(TROUBLE.length)]});
            case 2:
                return splice(b, at, Math.min(b.length, at + 1 + rnd.nextInt(20)), new byte[0]);
            case 3: {
                int end = Math.min(b.length, at + 1 + rnd.nextInt(40));
                return splice(b, at, at, java.util.Arrays.copyOfRange(b, at, end));
            }
            case 4:
                return java.util.Arrays.copyOf(b, at);
            case 5:
                return replaceToken(b, TOKENS[rnd.nextInt(TOKENS.length)]);
            default:
                return replaceName(b, NAMES[rnd.nextInt(NAMES.length)]);
        }
    }

    /** Inserts blanks after a random comma or colon (a mutation that keeps the document valid). */
    private byte[] insertBlankAfterPunctuation(byte[] b) {
        int at = rnd.nextInt(b.length);
        for (int i = 0; i < b.length; i++) {
            int p = (at + i) % b.length;
            if (b[p] == ',' || b[p] == ':') {
                return splice(b, p + 1, p + 1, new byte[] {' ', '\n', '\t'});
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] with) {
        byte[] c = new byte[b.length - (to - from) + with.length];
        System.arraycopy(b, 0, c, 0, from);
        System.arraycopy(with, 0, c, from, with.length);
        System.arraycopy(b, to, c, from + with.length, b.length - to);
        return c;
    }

    /** Replaces the number (a run of number characters) at a random place by {@code token}. */
    private byte[] replaceToken(byte[] b, String token) {
        int at = rnd.nextInt(b.length);
        for (int i = 0; i < b.length; i++) {
            int p = (at + i) % b.length;
            if (b[p] >= '0' && b[p] <= '9') {
                int s = p;
                while (s > 0 && isNumberChar(b[s - 1])) {
                    s--;
                }
                int e = p;
                while (e < b.length && isNumberChar(b[e])) {
                    e++;
                }
                return splice(b, s, e, token.getBytes(StandardCharsets.UTF_8));
            }
        }
        return b;
    }

    private static boolean isNumberChar(byte c) {
        return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
    }

    /** Replaces the field name at a random place by {@code name}. */
    private byte[] replaceName(byte[] b, String name) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([A-Za-z_.0-9]+)\":").matcher(s);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(1), m.end(1)});
        }
        if (spans.isEmpty()) {
            return b;
        }
        int[] sp = spans.get(rnd.nextInt(spans.size()));
        return splice(b, sp[0], sp[1], name.getBytes(StandardCharsets.UTF_8));
    }

    /** Fuzzes {@code compute} on mutations of {@code seeds} for {@code runs} runs in {@code dir}. */
    Counts instances(CliContext ctx, List<byte[]> seeds, int runs, Path dir) throws IOException {
        Counts c = new Counts();
        Path in = dir.resolve("fuzz-instance.json");
        Path out = dir.resolve("fuzz-result.json");
        for (int r = 0; r < runs; r++) {
            byte[] m = mutate(seeds.get(rnd.nextInt(seeds.size())));
            Files.write(in, m);
            CliRunner.Run run = CliRunner.run(ctx, "compute", "--engine", "exact", "--in", in.toString(), "--out",
                    out.toString());
            c.runs++;
            c.exits.merge(run.exit(), 1, Integer::sum);
            String problem = instanceProblem(run, in, out, dir);
            if (problem != null) {
                c.flagged.add(problem + "\n" + run + "\n--- input (first 300 chars)\n"
                        + new String(m, StandardCharsets.ISO_8859_1).substring(0, Math.min(300, m.length)));
            }
            Files.deleteIfExists(out);
        }
        return c;
    }

    private static String instanceProblem(CliRunner.Run run, Path in, Path out, Path dir) throws IOException {
        String err = run.err().strip();
        List<String> left;
        try (Stream<Path> s = Files.list(dir)) {
            left = s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(in.getFileName().toString())
                    && !n.equals(out.getFileName().toString())).toList();
        }
        if (!left.isEmpty()) {
            return "files left behind: " + left;
        }
        if (run.exit() == 0) {
            if (!Files.exists(out)) {
                return "exit 0 without the result file";
            }
            if (dev.ropecheck.io.TensorFormat.RESULT_TAG.equals(dev.ropecheck.io.TensorFormat.formatOf(out))) {
                dev.ropecheck.io.TensorResultIO.read(out);
            } else {
                ResultReader.read(out);
            }
            return err.lines().count() == 1 && err.startsWith("wrote ") ? null : "exit 0 with stderr: " + err;
        }
        if (Files.exists(out)) {
            return "exit " + run.exit() + " left the output file";
        }
        if (run.exit() != 2 && run.exit() != 3) {
            return "exit code " + run.exit();
        }
        if (run.exit() == 3 && !(err.contains("beyond what engine") || err.contains("-Xmx") || err.contains("cannot compute"))) {
            return "exit 3 without an engine or heap reason";
        }
        return lineProblem(err, in);
    }

    private static String lineProblem(String err, Path file) {
        if (err.lines().count() != 1) {
            return "not exactly one line";
        }
        if (!err.contains(file.toString())) {
            return "the file is not named";
        }
        if (err.contains("Exception") || err.contains("\tat ") || err.contains("Source: REDACTED")) {
            return "internal text";
        }
        if (err.chars().anyMatch(ch -> ch < 0x20 && ch != '\t')) {
            return "raw control character";
        }
        if (err.length() > 1200) {
            return "message of " + err.length() + " characters";
        }
        return null;
    }

    /** Fuzzes {@link ResultReader} on mutations of {@code seeds} for {@code runs} runs in {@code dir}. */
    Counts results(List<byte[]> seeds, int runs, Path dir) throws IOException {
        Counts c = new Counts();
        Path f = dir.resolve("fuzz-candidate.json");
        for (int r = 0; r < runs; r++) {
            byte[] m = mutate(seeds.get(rnd.nextInt(seeds.size())));
            Files.write(f, m);
            c.runs++;
            String problem;
            int exit;
            try {
                ResultReader.read(f);
                exit = 0;
                problem = null;
            } catch (FormatException e) {
                exit = 2;
                problem = lineProblem(e.getMessage(), f);
            } catch (UncheckedIOException e) {
                exit = 2;
                problem = lineProblem(e.getCause().getMessage(), f);
            } catch (RuntimeException | StackOverflowError e) {
                exit = 70;
                problem = "threw " + e;
            }
            c.exits.merge(exit, 1, Integer::sum);
            if (problem != null) {
                c.flagged.add(problem + "\n--- input (first 300 chars)\n"
                        + new String(m, StandardCharsets.ISO_8859_1).substring(0, Math.min(300, m.length)));
            }
        }
        return c;
    }
}
