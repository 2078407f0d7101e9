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
import dev.ropecheck.report.FastForwardCheck;
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

    /**
     * A fast engine's own certificate (its metadata bounds, {@link FastForwardCheck#certified}); {@code h}
     * by the exact rounding model; nothing else.
     */
    private static ToleranceSource ownCertificate(RopeResult got) {
        return new ToleranceSource() {
            @Override
            public java.util.OptionalDouble allowed(EngineClass cls, RopeInstance instance, RopeResult reference,
                    boolean trusted, double eps, Quantity q) {
                double v = q == Quantity.H ? new dev.ropecheck.bounds.ExactRoundingModel().allowed(q, instance, reference)
                        : FastForwardCheck.certified(got, q, reference);
                return Double.isFinite(v) ? java.util.OptionalDouble.of(v) : java.util.OptionalDouble.empty();
            }

            @Override
            public String describe(EngineClass cls) {
                return "the fast engine's certified FastForwardBound";
            }

            @Override
            public boolean supports(EngineClass cls) {
                return true;
            }
        };
    }

    @Test
    @DisplayName("every double engine reproduces every golden reference field within its bound (exact: ExactRoundingModel; fast: its certified FastForwardBound)")
    void everyEngineReproducesTheCorpus() throws Exception {
        JsonNode m = manifest();
        long digits = m.get("precision_digits").asLong();
        CliContext ctx = CliContext.standard();
        List<String> failures = new ArrayList<>();
        int checkedEngines = 0;
        int fields = 0;
        double worst = 0;
        String worstWhere = "";
        for (EngineRegistry.Entry entry : ctx.engines().available()) {
            if (entry.engineClass() == EngineClass.REFERENCE) {
                continue;
            }
            checkedEngines++;
            RopeAttentionEngine engine = entry.factory().create(EngineRegistry.Options.defaults());
            for (JsonNode c : m.get("cases")) {
                RopeInstance inst = InstanceReader.read(DIR.resolve(c.get("instance").asText()));
                ResultDocument refDoc = ResultReader.read(DIR.resolve(c.get("result").asText()));
                RopeResult ref = refDoc.toResult();
                Set<Quantity> wanted = EnumSet.copyOf(engine.supported(inst));
                wanted.retainAll(refDoc.quantities());
                RopeResult got;
                try {
                    got = engine.compute(inst, wanted);
                } catch (IllegalArgumentException refused) {
                    System.out.println("golden: " + entry.name() + " refuses " + c.get("name").asText() + ": " + refused.getMessage());
                    continue;
                }
                ToleranceSource tol = entry.engineClass() == EngineClass.EXACT ? ctx.tolerances() : ownCertificate(got);
                ResultComparator.Outcome o = ResultComparator.compare(inst, got, ref, "golden reference", digits,
                        entry.engineClass(), EngineRegistry.Options.DEFAULT_EPS, tol);
                for (ResultComparator.Row r : o.rows()) {
                    if (r.verdict() == ResultComparator.Verdict.FAIL) {
                        failures.add(entry.name() + " on " + c.get("name").asText() + ": " + r.quantity().key() + " error "
                                + r.error().maxAbs() + " = " + r.ratio() + " x allowed " + r.allowed());
                    }
                    if (r.verdict() != ResultComparator.Verdict.UNCHECKED) {
                        fields++;
                        if (r.ratio() > worst) {
                            worst = r.ratio();
                            worstWhere = entry.name() + " " + r.quantity().key() + " on " + c.get("name").asText();
                        }
                    }
                }
            }
        }
        System.out.printf("golden: %d engine(s), %d fields checked, worst error/allowed %.3g (%s)%n", checkedEngines, fields,
                worst, worstWhere);
        assertTrue(checkedEngines >= 1, "at least the exact engine must be judged");
        assertTrue(fields >= 100, "fields checked: " + fields);
        if (!failures.isEmpty()) {
            fail(String.join("\n", failures));
        }
    }
}
