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
import dev.ropecheck.report.FastForwardVerification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.bounds.RoundingClass;
import dev.ropecheck.check.CheckReport;
import dev.ropecheck.check.FieldCheck;
import dev.ropecheck.check.FieldVerdict;
import dev.ropecheck.check.ResultCheck;
import dev.ropecheck.check.RoundingTolerance;
import dev.ropecheck.check.ToleranceModel;
import dev.ropecheck.check.TrustedReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The committed golden corpus ({@code src/test/resources/golden}, written by {@code ropecheck golden}
 * with the 50-digit reference): its checksums still match, and every double engine of this build
 * whose class has a bound in {@link StandardTolerances} still reproduces every reference field within
 * that bound, through the one checking core ({@link ResultCheck}): the exact engine by the componentwise
 * fp64 rounding model, the fast engines by their certified forward bound. Every judged field must PASS
 * (not merely "not fail").
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
    @DisplayName("every NPZ copy of the golden corpus has the SHA-256 its manifest records; every RoPE case has one")
    void npzChecksumsMatch() throws Exception {
        int files = 0;
        for (JsonNode c : manifest().get("cases")) {
            JsonNode z = c.get("npz");
            assertTrue(z != null, c.get("name").asText() + " has no NPZ copy");
            for (Iterator<Map.Entry<String, JsonNode>> it = z.get("sha256").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                assertEquals(e.getValue().asText(), GoldenCommand.sha256(Files.readAllBytes(DIR.resolve(e.getKey()))),
                        "checksum of " + e.getKey());
                files++;
            }
        }
        assertEquals(3 * GoldenCommand.cases().size(), files, "header, arrays and result of every case");
    }

    @dev.ropecheck.specs.Spec("format-npz")
    @Test
    @DisplayName("format-npz: every NPZ copy of the golden corpus reads as its JSON case bit for bit (every input, the family, the flags; every reference field's doubles)")
    void npzCopiesReplayTheJsonBitForBit() throws Exception {
        int fields = 0;
        for (JsonNode c : manifest().get("cases")) {
            String name = c.get("name").asText();
            RopeInstance json = InstanceReader.read(DIR.resolve(c.get("instance").asText()));
            dev.ropecheck.model.ProblemSet set = dev.ropecheck.io.Instances.read(DIR.resolve(c.get("npz").get("instance").asText()));
            assertTrue(set.isSingle(), name);
            RopeInstance npz = set.first();
            assertSameInstance(name, json, npz);
            RopeResult ref = ResultReader.read(DIR.resolve(c.get("result").asText())).toResult();
            RopeResult got = dev.ropecheck.io.CandidateArrays.read(DIR.resolve(c.get("npz").get("result").asText()), set).get(0);
            assertEquals(ref.quantities(), got.quantities(), name + ": fields");
            for (Quantity q : ref.quantities()) {
                assertBits(name + " " + q.key(), ref.get(q).data, got.get(q).data);
                fields++;
            }
        }
        assertTrue(fields >= 150, "fields compared: " + fields);
    }

    @Test
    @DisplayName("the committed NPZ copies are what golden --add-npz writes from the committed JSON files (same bytes, same manifest)")
    void npzCopiesAreWhatGoldenWrites(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path copy = tmp.resolve("golden");
        Files.createDirectories(copy);
        try (java.util.stream.Stream<Path> s = Files.list(DIR)) {
            for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        GoldenCommand.addNpz(copy, new java.io.PrintWriter(java.io.Writer.nullWriter()));
        assertEquals(Files.readString(DIR.resolve("manifest.json")), Files.readString(copy.resolve("manifest.json")));
        for (JsonNode c : manifest().get("cases")) {
            for (Iterator<String> it = c.get("npz").get("sha256").fieldNames(); it.hasNext();) {
                String f = it.next();
                org.junit.jupiter.api.Assertions.assertArrayEquals(Files.readAllBytes(DIR.resolve(f)),
                        Files.readAllBytes(copy.resolve(f)), f);
            }
        }
    }

    static void assertSameInstance(String name, RopeInstance a, RopeInstance b) {
        assertEquals(a.n(), b.n(), name);
        assertEquals(a.d(), b.d(), name);
        assertBits(name + " A1", a.a1().data, b.a1().data);
        assertBits(name + " A2", a.a2().data, b.a2().data);
        assertBits(name + " A3", a.a3().data, b.a3().data);
        assertBits(name + " E", a.e().data, b.e().data);
        assertBits(name + " X", a.x().data, b.x().data);
        assertBits(name + " Y", a.y().data, b.y().data);
        assertEquals(a.hasWeights(), b.hasWeights(), name);
        if (a.hasWeights()) {
            assertBits(name + " WQ", a.wq().data, b.wq().data);
            assertBits(name + " WK", a.wk().data, b.wk().data);
        }
        assertEquals(a.hasValueWeight(), b.hasValueWeight(), name);
        assertEquals(Double.doubleToRawLongBits(a.entryBound()), Double.doubleToRawLongBits(b.entryBound()), name);
        assertEquals(a.hasDefaultScale(), b.hasDefaultScale(), name);
        assertEquals(Double.doubleToRawLongBits(a.scale()), Double.doubleToRawLongBits(b.scale()), name);
        assertEquals(a.causal(), b.causal(), name);
        assertEquals(a.hasQkv(), b.hasQkv(), name);
        assertEquals(a.hasUpstreamGradient(), b.hasUpstreamGradient(), name);
        assertEquals(a.family().name(), b.family().name(), name);
        var sa = a.family().support();
        var sb = b.family().support();
        assertEquals(sa.size(), sb.size(), name + " support");
        for (int k = 0; k < sa.size(); k++) {
            assertEquals(sa.row(k), sb.row(k), name);
            assertEquals(sa.col(k), sb.col(k), name);
        }
        int n = a.n();
        int d = a.d();
        for (int m = -(n - 1); m <= n - 1; m++) {
            for (int r = 0; r < d; r++) {
                for (int e = 0; e < d; e++) {
                    assertEquals(Double.doubleToRawLongBits(a.family().weight(m, r, e)),
                            Double.doubleToRawLongBits(b.family().weight(m, r, e)), name + " W_" + m);
                }
            }
        }
    }

    static void assertBits(String what, double[] a, double[] b) {
        assertEquals(a.length, b.length, what);
        for (int k = 0; k < a.length; k++) {
            if (Double.doubleToRawLongBits(a[k]) != Double.doubleToRawLongBits(b[k])) {
                fail(what + "[" + k + "]: " + a[k] + " (JSON) vs " + b[k] + " (NPZ)");
            }
        }
    }

    /**
     * A fast engine's own certificate (its metadata bounds, {@link FastForwardVerification#certified}); {@code h}
     * by the exact rounding model; nothing else.
     */
    private static ToleranceSource ownCertificate(RopeResult got) {
        return new ToleranceSource() {
            @Override
            public java.util.OptionalDouble allowed(EngineClass cls, RopeInstance instance, RopeResult reference,
                    boolean trusted, double eps, Quantity q) {
                double v = q == Quantity.H ? new dev.ropecheck.bounds.ExactRoundingModel().allowed(q, instance, reference)
                        : FastForwardVerification.certified(got, q, reference);
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
        int zeroFields = 0;
        double worst = 0;
        String worstWhere = "";
        for (EngineRegistry.Entry entry : ctx.engines().entries()) {
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
                ToleranceModel model = entry.engineClass() == EngineClass.EXACT
                        ? new RoundingTolerance(RoundingClass.worstCase(FloatFormat.FP64))
                        : ToleranceModel.perField((q, i, r) -> {
                            var v = ownCertificate(got).allowed(EngineClass.FAST, i, r, true, 0, q);
                            return v.isPresent() ? v.getAsDouble() : Double.NaN;
                        }, "the fast engine's certified FastForwardBound");
                Set<Quantity> required = EnumSet.noneOf(Quantity.class);
                for (Quantity q : wanted) {
                    if (entry.engineClass() == EngineClass.EXACT || (q == Quantity.ALPHA || q == Quantity.ATTENTION || q == Quantity.C || q == Quantity.LOSS || q == Quantity.H)) {
                        required.add(q);
                    }
                }
                CheckReport o = ResultCheck.run(inst, got, required, TrustedReference.arbitraryPrecision(ref), model,
                        List.of());
                for (FieldCheck r : o.fields()) {
                    if (!required.contains(Quantity.byKey(r.field()))) {
                        continue;
                    }
                    if (r.verdict() == FieldVerdict.VACUOUS && allZero(ref.get(Quantity.byKey(r.field())))) {
                        zeroFields++;
                        continue; // the true field is zero: no bound can tell a zero answer from a right one
                    }
                    if (r.verdict() != FieldVerdict.PASS) {
                        failures.add(entry.name() + " on " + c.get("name").asText() + ": " + r.field() + " " + r.verdict()
                                + " error " + r.maxAbsError() + " = " + r.maxRatio() + " x allowed " + r.allowed()
                                + (r.note().isEmpty() ? "" : " (" + r.note() + ")"));
                        continue;
                    }
                    fields++;
                    if (r.maxRatio() > worst) {
                        worst = r.maxRatio();
                        worstWhere = entry.name() + " " + r.field() + " on " + c.get("name").asText();
                    }
                }
            }
        }
        System.out.printf("golden: %d engine(s), %d fields checked, worst error/allowed %.3g (%s); %d identically zero"
                + " fields (vacuous by nature)%n", checkedEngines, fields, worst, worstWhere, zeroFields);
        assertTrue(checkedEngines >= 1, "at least the exact engine must be judged");
        assertTrue(fields >= 100, "fields checked: " + fields);
        if (!failures.isEmpty()) {
            fail(String.join("\n", failures));
        }
    }

    private static boolean allZero(org.ejml.data.DMatrixRMaj m) {
        for (double v : m.data) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    @DisplayName("MATH §8: every tensor file of the golden corpus has the SHA-256 its manifest records")
    void tensorChecksumsMatch() throws Exception {
        int files = 0;
        for (JsonNode c : manifest().get("tensor_cases")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = c.get("sha256").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                assertEquals(e.getValue().asText(), GoldenCommand.sha256(Files.readAllBytes(DIR.resolve(e.getKey()))),
                        "checksum of " + e.getKey());
                files++;
            }
        }
        assertEquals(2 * GoldenCommand.tensorCases().size(), files, "the corpus holds every case of GoldenCommand.tensorCases()");
    }

    /**
     * MATH §8: the tensor exact engine within {@code TensorExactRounding}, the tensor fast engine within its certified
     * {@code TensorFastErrorBound} (eps 1e-6), both against the committed reference values (plus u |reference|); the
     * bounds' magnitudes come from a fresh reference run, which must itself agree with the committed digits to
     * {@code 1e-30} relative (the committed text carries its trusted digits, far more than 30).
     */
    @Test
    @DisplayName("MATH §8: tensor exact and fast engines reproduce every golden tensor reference field within their bounds")
    void tensorEnginesReproduceTheCorpus() throws Exception {
        List<String> failures = new ArrayList<>();
        int fields = 0;
        double worst = 0;
        String worstWhere = "";
        for (JsonNode c : manifest().get("tensor_cases")) {
            var inst = dev.ropecheck.io.TensorInstanceReader.read(DIR.resolve(c.get("instance").asText()));
            var golden = dev.ropecheck.io.TensorResultIO.read(DIR.resolve(c.get("result").asText()));
            var ref = golden.toResult();
            var trusted = new dev.ropecheck.engine.reference.TensorReferenceEngine_AP()
                    .computeAll(inst);
            for (var q : golden.quantities()) {
                var a = ref.get(q);
                var b = trusted.get(q);
                for (int k = 0; k < a.data.length; k++) {
                    if (!(Math.abs(a.data[k] - b.data[k]) <= 1e-30 * Math.abs(b.data[k]) + 1e-300)) {
                        failures.add(c.get("name").asText() + ": committed " + q.key() + " differs from a fresh reference run");
                    }
                }
            }
            for (EngineClass cls : new EngineClass[] {EngineClass.EXACT, EngineClass.FAST}) {
                var engine = TensorCli.engine(cls == EngineClass.EXACT ? "exact" : "fast", 50, 1e-6);
                Set<dev.ropecheck.engine.TensorQuantity> wanted = EnumSet.copyOf(golden.quantities());
                wanted.retainAll(engine.supported(inst));
                var got = engine.compute(inst, wanted);
                TensorCli.Outcome o = TensorCli.compare(inst, got, ref, trusted, TensorCli.bound(cls, 1e-6, inst), wanted);
                fields += wanted.size();
                if (!o.passed()) {
                    failures.add(engine.name() + " on " + c.get("name").asText() + ":\n" + o.table().render());
                }
                if (o.worstRatio() > worst) {
                    worst = o.worstRatio();
                    worstWhere = engine.name() + " on " + c.get("name").asText();
                }
            }
        }
        System.out.printf("golden tensor: %d fields checked, worst error/allowed %.3g (%s)%n", fields, worst, worstWhere);
        assertTrue(fields >= 50, "fields checked: " + fields);
        if (!failures.isEmpty()) {
            fail(String.join("\n", failures));
        }
    }
}
