package dev.ropecheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.io.InstanceReader;
import dev.ropecheck.io.ResultDocument;
import dev.ropecheck.io.ResultReader;
import dev.ropecheck.model.RopeInstance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The committed golden corpus ({@code src/test/resources/golden}, written by {@code ropecheck golden}
 * with the 50-digit reference): its checksums still match, and every double engine of this build
 * whose class has a bound in {@link StandardTolerances} still reproduces every reference field within
 * that bound (plus the reference's rounding to double; {@link ResultComparator}).
 */
class GoldenCorpusTest {
    private static final Path DIR = Path.of("src/test/resources/golden");

    private static JsonNode manifest() throws Exception {
        return new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile());
    }

    @Test
    @DisplayName("every file of the golden corpus has the SHA-256 its manifest records")
    void checksumsMatch() throws Exception {
        JsonNode m = manifest();
        assertEquals(GoldenCommand.MANIFEST_TAG, m.get("format").asText());
        int files = 0;
        for (JsonNode c : m.get("cases")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = c.get("sha256").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                assertEquals(e.getValue().asText(), GoldenCommand.sha256(Files.readAllBytes(DIR.resolve(e.getKey()))),
                        "checksum of " + e.getKey());
                files++;
            }
        }
        assertEquals(2 * GoldenCommand.cases().size(), files, "the corpus holds every case of GoldenCommand.cases()");
    }

    @Test
    @DisplayName("every double engine reproduces every golden reference field within its bound (exact: ExactRoundingModel)")
    void everyEngineReproducesTheCorpus() throws Exception {
        JsonNode m = manifest();
        long digits = m.get("precision_digits").asLong();
        CliContext ctx = CliContext.standard();
        List<String> failures = new ArrayList<>();
        int checkedEngines = 0;
        int fields = 0;
        double worst = 0;
        for (EngineRegistry.Entry entry : ctx.engines().available()) {
            if (entry.engineClass() == EngineClass.REFERENCE) {
                continue;
            }
            if (!ctx.tolerances().supports(entry.engineClass())) {
                System.out.println("golden: engine " + entry.name() + " not judged: " + ctx.tolerances().describe(entry.engineClass()));
                continue;
            }
            checkedEngines++;
            RopeAttentionEngine engine = entry.factory().create(EngineRegistry.Options.defaults());
            for (JsonNode c : m.get("cases")) {
                RopeInstance inst = InstanceReader.read(DIR.resolve(c.get("instance").asText()));
                ResultDocument ref = ResultReader.read(DIR.resolve(c.get("result").asText()));
                Set<Quantity> wanted = EnumSet.copyOf(engine.supported(inst));
                wanted.retainAll(ref.quantities());
                RopeResult got = engine.compute(inst, wanted);
                ResultComparator.Outcome o = ResultComparator.compare(inst, got, ref.toResult(), "golden reference", digits,
                        entry.engineClass(), EngineRegistry.Options.DEFAULT_EPS, ctx.tolerances());
                for (ResultComparator.Row r : o.rows()) {
                    if (r.verdict() == ResultComparator.Verdict.FAIL) {
                        failures.add(entry.name() + " on " + c.get("name").asText() + ": " + r.quantity().key() + " error "
                                + r.error().maxAbs() + " = " + r.ratio() + " x allowed " + r.allowed());
                    }
                    if (r.verdict() != ResultComparator.Verdict.UNCHECKED) {
                        fields++;
                        worst = Math.max(worst, r.ratio());
                    }
                }
            }
        }
        System.out.printf("golden: %d engine(s), %d fields checked, worst error/allowed %.3g%n", checkedEngines, fields, worst);
        assertTrue(checkedEngines >= 1, "at least the exact engine must be judged");
        assertTrue(fields >= 100, "fields checked: " + fields);
        if (!failures.isEmpty()) {
            fail(String.join("\n", failures));
        }
    }
}
