package dev.ropecheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeded mutation fuzzer ({@link MutationFuzzer}) over instance and result files: a short campaign in the
 * default suite, a long one under {@code @Tag("long")} ({@code mvn -Plong verify}). The seed is fixed
 * ({@code -Dropecheck.fuzz.seed} overrides it), so every run mutates the same way. Issue 13.
 */
class MutationFuzzTest {
    @TempDir
    Path dir;

    private final CliContext ctx = CliRunner.stubContext();

    private List<byte[]> instanceSeeds() {
        List<byte[]> s = new ArrayList<>();
        String[][] args = {{"--n", "4", "--d", "2", "--family", "rope", "--bound", "1", "--seed", "5"},
            {"--n", "3", "--d", "2", "--family", "explicit", "--bound", "0.5", "--seed", "6"},
            {"--n", "2", "--d", "1", "--family", "identity", "--bound", "2", "--x", "--seed", "7"},
            {"--n", "3", "--d", "2", "--family", "rope-half", "--bound", "1", "--dtype", "bf16", "--seed", "8"},
            {"--n", "2", "--d", "1", "--family", "tensor", "--bound", "1", "--seed", "9"}};
        for (String[] a : args) {
            List<String> cmd = new ArrayList<>(List.of("make-instance"));
            cmd.addAll(List.of(a));
            CliRunner.Run r = CliRunner.run(ctx, cmd.toArray(new String[0]));
            assertEquals(0, r.exit(), r::toString);
            s.add(r.out().getBytes(StandardCharsets.UTF_8));
        }
        return s;
    }

    private List<byte[]> resultSeeds(List<byte[]> instances) throws IOException {
        List<byte[]> s = new ArrayList<>();
        Path in = dir.resolve("seed-instance.json");
        for (byte[] i : instances.subList(0, 2)) {
            Files.write(in, i);
            CliRunner.Run r = CliRunner.run(ctx, "compute", "--engine", "exact", "--in", in.toString());
            assertEquals(0, r.exit(), r::toString);
            s.add(r.out().getBytes(StandardCharsets.UTF_8));
        }
        Files.delete(in);
        s.add(("{\"format\":\"rope-attention-result/1\",\"engine\":\"python\",\"n\":2,\"d\":1,\"alpha\":[NaN, Infinity],"
                + "\"c\":[[\"-Infinity\"],[\"0.125\"]],\"loss\":\"4e40478336916\",\"meta\":{\"k\":\"v\"}}")
                .getBytes(StandardCharsets.UTF_8));
        return s;
    }

    private void campaign(int runs, long defaultSeed) throws IOException {
        long seed = Long.getLong("ropecheck.fuzz.seed", defaultSeed);
        List<byte[]> inst = instanceSeeds();
        List<byte[]> res = resultSeeds(inst);
        MutationFuzzer fuzzer = new MutationFuzzer(seed);
        long t0 = System.nanoTime();
        MutationFuzzer.Counts ci = fuzzer.instances(ctx, inst, runs, dir);
        long t1 = System.nanoTime();
        MutationFuzzer.Counts cr = fuzzer.results(res, runs, dir);
        System.out.printf("[measured] mutation fuzzer seed %d: instances (compute): %s, %.1f s; results (reader): %s,"
                + " %.1f s (shared machine)%n", seed, ci, (t1 - t0) / 1e9, cr, (System.nanoTime() - t1) / 1e9);
        assertTrue(ci.flagged.isEmpty(), () -> ci.flagged.size() + " flagged, first:\n" + ci.flagged.get(0));
        assertTrue(cr.flagged.isEmpty(), () -> cr.flagged.size() + " flagged, first:\n" + cr.flagged.get(0));
        // the campaign really exercised both outcomes (a fuzzer whose mutations all fail or all pass checks little)
        assertTrue(ci.exits.getOrDefault(0, 0) > 0 && ci.exits.getOrDefault(2, 0) > runs / 4, ci::toString);
        assertTrue(cr.exits.getOrDefault(0, 0) > 0 && cr.exits.getOrDefault(2, 0) > runs / 4, cr::toString);
    }

    @Test
    @dev.ropecheck.specs.Spec({"format-instance", "format-result"})
    void shortCampaign() throws IOException {
        campaign(250, 13);
    }

    @Test
    @Tag("long")
    void longCampaign() throws IOException {
        campaign(5000, 1313);
    }
}
