package dev.ropecheck.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ropecheck.io.AtomicDirectory;
import dev.ropecheck.io.InstanceGenerator;
import dev.ropecheck.io.InstanceGenerator.Family;
import dev.ropecheck.io.InstanceWriter;
import dev.ropecheck.io.ResultDocument;
import dev.ropecheck.io.ResultWriter;
import dev.ropecheck.model.RopeInstance;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code golden}: writes the golden corpus — instances of every family and the edge cases, each with
 * the reference engine's result — and {@code manifest.json} with the SHA-256 of every file. Tensor cases
 * ({@link #tensorCases}, MATH §8) go to the manifest's {@code tensor_cases} array with the tensor reference's
 * result ({@link TensorCli#reference}; always the tensor reference, whatever {@code --engine} says).
 *
 * <p>Every RoPE case is also published as NPZ (specs/format-npz.md), written here from the same instance and
 * result objects as its JSON files: {@code npz/<name>.instance.json} (a version-2 header) with its arrays
 * {@code npz/<name>.instance.npz}, and {@code npz/<name>.reference.npz} (the reference's values as the doubles
 * nearest to its decimals; an NPZ holds no residual). The case's manifest entry lists them under {@code "npz"}
 * with their SHA-256. Tensor cases have no NPZ form.
 */
@Command(name = "golden", mixinStandardHelpOptions = true,
        description = "Writes a corpus of instances with reference results and a manifest with SHA-256 checksums.")
final class GoldenCommand implements Callable<Integer> {
    /** The format tag of the manifest. */
    static final String MANIFEST_TAG = "ropecheck-golden/1";

    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Directory to write (created when missing; replaced as a whole only when every file is written).")
    Path out;

    @Option(names = "--precision", defaultValue = "50", paramLabel = "DIGITS",
            description = "Reference digits, in [" + ComputeCommand.MIN_PRECISION + ", " + ComputeCommand.MAX_PRECISION
                    + "] (default: ${DEFAULT-VALUE}).")
    long precision;

    @Option(names = "--engine", defaultValue = "reference", hidden = true)
    String engine;

    @Option(names = "--add-npz", hidden = true,
            description = "Add the NPZ copy of every RoPE case to the existing corpus at --out, in place, from its JSON files.")
    boolean addNpzOnly;

    GoldenCommand(CliContext context) {
        this.context = context;
    }

    /** One corpus entry. */
    record Case(String name, InstanceGenerator.Params params) {
    }

    /** The corpus: every family, n = 1, d = 2, odd d, zero inputs, dense X, a larger bound, several sizes. */
    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("rope-n1-d2", new InstanceGenerator.Params(1, 2, Family.ROPE, 1, 101)));
        c.add(new Case("rope-n2-d2", new InstanceGenerator.Params(2, 2, Family.ROPE, 1, 102)));
        c.add(new Case("rope-n8-d4", new InstanceGenerator.Params(8, 4, Family.ROPE, 1, 103)));
        c.add(new Case("rope-n16-d4", new InstanceGenerator.Params(16, 4, Family.ROPE, 0.5, 104)));
        c.add(new Case("rope-half-n8-d4", new InstanceGenerator.Params(8, 4, Family.ROPE_HALF, 1, 105)));
        c.add(new Case("rope-half-n5-d2-bound4", new InstanceGenerator.Params(5, 2, Family.ROPE_HALF, 4, 106)));
        c.add(new Case("identity-n1-d1", new InstanceGenerator.Params(1, 1, Family.IDENTITY, 1, 107)));
        c.add(new Case("identity-n6-d3", new InstanceGenerator.Params(6, 3, Family.IDENTITY, 1, 108)));
        c.add(new Case("identity-n7-d2-dense-x", new InstanceGenerator.Params(7, 2, Family.IDENTITY, 1, 109, false, false)));
        c.add(new Case("explicit-n4-d2", new InstanceGenerator.Params(4, 2, Family.EXPLICIT, 1, 110)));
        c.add(new Case("explicit-n6-d3", new InstanceGenerator.Params(6, 3, Family.EXPLICIT, 1, 111)));
        c.add(new Case("explicit-n5-d2-dense-x", new InstanceGenerator.Params(5, 2, Family.EXPLICIT, 1, 112, false, false)));
        c.add(new Case("rope-n4-d2-zero", new InstanceGenerator.Params(4, 2, Family.ROPE, 1, 113, true, true)));
        c.add(new Case("identity-n3-d2-zero", new InstanceGenerator.Params(3, 2, Family.IDENTITY, 1, 114, true, true)));
        return c;
    }

    /** One tensor corpus entry (MATH §8): a random instance of {@link dev.ropecheck.io.TensorInstanceWriter#random}. */
    record TensorCase(String name, int n, int d, double bound, long seed, boolean weights, boolean zero) {
        dev.ropecheck.model.TensorInstance instance() {
            return dev.ropecheck.io.TensorInstanceWriter.random(n, d, bound, seed, weights, zero);
        }
    }

    /** The tensor corpus: n = 1, weights and dense X/Y, odd d, a larger bound, zero inputs. */
    static List<TensorCase> tensorCases() {
        List<TensorCase> c = new ArrayList<>();
        c.add(new TensorCase("tensor-n1-d1", 1, 1, 1, 201, true, false));
        c.add(new TensorCase("tensor-n3-d2", 3, 2, 1, 202, true, false));
        c.add(new TensorCase("tensor-n4-d2-dense-xy", 4, 2, 1, 203, false, false));
        c.add(new TensorCase("tensor-n5-d3-bound0.5", 5, 3, 0.5, 204, true, false));
        c.add(new TensorCase("tensor-n3-d2-bound2", 3, 2, 2, 205, false, false));
        c.add(new TensorCase("tensor-n3-d2-zero", 3, 2, 1, 206, true, true));
        return c;
    }

    @Override
    public Integer call() throws IOException {
        EngineRegistry.Options options = ComputeCommand.options(precision, 1e-6);
        if (addNpzOnly) {
            PrintWriter pw = spec.commandLine().getOut();
            addNpz(out, pw);
            StandardOutput.finish(pw);
            return Main.EXIT_OK;
        }
        AtomicDirectory.requireWritableTarget(out, "--out");
        if (context.engines().find(engine).isEmpty()) {
            throw new Main.Unavailable("golden needs the " + engine + " engine: not registered");
        }
        PrintWriter pw = spec.commandLine().getOut();
        // Everything goes to a temporary directory that replaces --out only when complete (issue 13: a full disk
        // must not leave part of a corpus without its manifest).
        AtomicDirectory.write(out, dir -> writeCorpus(dir, options, pw));
        pw.println("wrote " + out.resolve("manifest.json") + " (" + cases().size() + " cases, " + tensorCases().size()
                + " tensor cases)");
        StandardOutput.finish(pw);
        return Main.EXIT_OK;
    }

    private void writeCorpus(Path dir, EngineRegistry.Options options, PrintWriter pw) throws IOException {
        ByteArrayOutputStream manifest = new ByteArrayOutputStream();
        try (JsonGenerator gen = new JsonFactory().createGenerator(manifest, JsonEncoding.UTF8)) {
            gen.useDefaultPrettyPrinter();
            gen.writeStartObject();
            gen.writeStringField("format", MANIFEST_TAG);
            gen.writeStringField("engine", engine);
            gen.writeNumberField("precision_digits", options.precisionDigits());
            gen.writeArrayFieldStart("cases");
            for (Case c : cases()) {
                RopeInstance inst = InstanceGenerator.build(c.params());
                ByteArrayOutputStream ib = new ByteArrayOutputStream();
                try (InstanceWriter w = new InstanceWriter(ib)) {
                    InstanceGenerator.write(c.params(), w);
                }
                ResultDocument doc = EngineRun.compute(context.engines(), engine, options, inst, true);
                ResultDocument stable = new ResultDocument(doc.engine(), doc.n(), doc.d());
                copyWithoutTime(doc, stable);
                ByteArrayOutputStream rb = new ByteArrayOutputStream();
                ResultWriter.write(stable, rb);
                writeCase(dir, gen, pw, c.name(), ib.toByteArray(), rb.toByteArray(),
                        (g, name) -> writeNpz(dir, pw, name, inst, stable).writeTo(g));
            }
            gen.writeEndArray();
            gen.writeArrayFieldStart("tensor_cases");
            for (TensorCase c : tensorCases()) {
                dev.ropecheck.model.TensorInstance inst = c.instance();
                ByteArrayOutputStream ib = new ByteArrayOutputStream();
                dev.ropecheck.io.TensorInstanceWriter.write(inst, ib);
                ByteArrayOutputStream rb = new ByteArrayOutputStream();
                dev.ropecheck.io.TensorResultIO.write(TensorCli.reference(inst, options.precisionDigits()), rb);
                writeCase(dir, gen, pw, c.name(), ib.toByteArray(), rb.toByteArray(), null);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }
        Files.write(dir.resolve("manifest.json"), manifest.toByteArray());
    }

    /** Writes a case's extra files and their manifest fields (the NPZ copy of a RoPE case). */
    @FunctionalInterface
    interface Extra {
        void write(JsonGenerator gen, String name) throws IOException;
    }

    /** The NPZ directory of the corpus, relative to it. */
    static final String NPZ_DIR = "npz";

    /**
     * The NPZ copy of one RoPE case (specs/format-npz.md): the instance as a version-2 header and its arrays
     * ({@link dev.ropecheck.io.KernelInstanceWriter#write(RopeInstance, Path)}), the result's doubles as a result
     * NPZ ({@link dev.ropecheck.io.CandidateArrays#write}); the manifest's {@code "npz"} object names them.
     */
    static NpzCopy writeNpz(Path dir, PrintWriter pw, String name, RopeInstance inst, ResultDocument result)
            throws IOException {
        Files.createDirectories(dir.resolve(NPZ_DIR));
        String header = NPZ_DIR + "/" + name + ".instance.json";
        String arrays = NPZ_DIR + "/" + dev.ropecheck.io.KernelInstanceWriter.arraysFile(Path.of(header)).getFileName();
        String res = NPZ_DIR + "/" + name + ".reference.npz";
        dev.ropecheck.io.KernelInstanceWriter.write(inst, dir.resolve(header));
        dev.ropecheck.io.CandidateArrays.write(dir.resolve(res), List.of(result.toResult()), 1, 1, inst.n(), inst.d(),
                result.quantities(), result.engine(), false);
        java.util.Map<String, String> sums = new java.util.LinkedHashMap<>();
        for (String f : new String[] {header, arrays, res}) {
            sums.put(f, sha256(Files.readAllBytes(dir.resolve(f))));
        }
        pw.println("wrote " + header + ", " + arrays + ", " + res);
        return new NpzCopy(header, arrays, res, sums);
    }

    /** The files of one case's NPZ copy (paths relative to the corpus) and their SHA-256. */
    record NpzCopy(String instance, String arrays, String result, java.util.Map<String, String> sha256) {
        /** The manifest's {@code "npz"} field of the case. */
        void writeTo(JsonGenerator gen) throws IOException {
            gen.writeObjectFieldStart("npz");
            gen.writeStringField("instance", instance);
            gen.writeStringField("arrays", arrays);
            gen.writeStringField("result", result);
            gen.writeObjectFieldStart("sha256");
            for (java.util.Map.Entry<String, String> e : sha256.entrySet()) {
                gen.writeStringField(e.getKey(), e.getValue());
            }
            gen.writeEndObject();
            gen.writeEndObject();
        }
    }

    /**
     * Adds the NPZ copy of every RoPE case to the corpus at {@code dir} in place ({@code golden --add-npz}), from
     * its own JSON files (so a committed corpus gains its NPZ copy without recomputing the reference), through
     * {@link #writeNpz}; the manifest's cases gain their {@code "npz"} field, every other byte of it as written.
     */
    static void addNpz(Path dir, PrintWriter pw) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        Path manifestFile = dir.resolve("manifest.json");
        com.fasterxml.jackson.databind.JsonNode m = mapper.readTree(manifestFile.toFile());
        if (!m.path("format").asText().equals(MANIFEST_TAG)) {
            throw new IllegalArgumentException(manifestFile + ": not a " + MANIFEST_TAG + " manifest");
        }
        ByteArrayOutputStream manifest = new ByteArrayOutputStream();
        try (JsonGenerator gen = new JsonFactory().createGenerator(manifest, JsonEncoding.UTF8)) {
            gen.useDefaultPrettyPrinter();
            gen.writeStartObject();
            for (java.util.Iterator<String> it = m.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!f.equals("cases")) {
                    gen.writeFieldName(f);
                    mapper.writeTree(gen, m.get(f));
                    continue;
                }
                gen.writeArrayFieldStart("cases");
                for (com.fasterxml.jackson.databind.JsonNode c : m.get("cases")) {
                    gen.writeStartObject();
                    for (java.util.Iterator<String> ct = c.fieldNames(); ct.hasNext();) {
                        String k = ct.next();
                        if (!k.equals("npz")) {
                            gen.writeFieldName(k);
                            mapper.writeTree(gen, c.get(k));
                        }
                    }
                    RopeInstance inst = dev.ropecheck.io.InstanceReader.read(dir.resolve(c.get("instance").asText()));
                    ResultDocument res = dev.ropecheck.io.ResultReader.read(dir.resolve(c.get("result").asText()));
                    writeNpz(dir, pw, c.get("name").asText(), inst, res).writeTo(gen);
                    gen.writeEndObject();
                }
                gen.writeEndArray();
            }
            gen.writeEndObject();
        }
        dev.ropecheck.io.AtomicFile.write(manifestFile, o -> o.write(manifest.toByteArray()));
    }

    private static void writeCase(Path dir, JsonGenerator gen, PrintWriter pw, String name, byte[] instBytes,
            byte[] resBytes, Extra extra) throws IOException {
        String instFile = name + ".instance.json";
        String resFile = name + ".reference.json";
        Files.write(dir.resolve(instFile), instBytes);
        Files.write(dir.resolve(resFile), resBytes);
        gen.writeStartObject();
        gen.writeStringField("name", name);
        gen.writeStringField("instance", instFile);
        gen.writeStringField("result", resFile);
        gen.writeObjectFieldStart("sha256");
        gen.writeStringField(instFile, sha256(instBytes));
        gen.writeStringField(resFile, sha256(resBytes));
        gen.writeEndObject();
        if (extra != null) {
            extra.write(gen, name);
        }
        gen.writeEndObject();
        pw.println("wrote " + instFile + ", " + resFile);
    }

    private static void copyWithoutTime(ResultDocument from, ResultDocument to) {
        for (var q : from.quantities()) {
            var g = from.grid(q);
            if (g.hasText()) {
                String[][] t = new String[g.rows()][g.cols()];
                for (int r = 0; r < g.rows(); r++) {
                    for (int c = 0; c < g.cols(); c++) {
                        String s = g.text(r, c);
                        t[r][c] = s != null ? s : Double.toString(g.get(r, c));
                    }
                }
                to.putDecimal(q, t);
            } else {
                to.put(q, g.toMatrix());
            }
        }
        from.meta().forEach((k, v) -> {
            if (!k.equals("time_ms")) {
                to.meta(k, v);
            }
        });
    }

    /** Hex SHA-256 of {@code bytes}. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
