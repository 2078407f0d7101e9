package dev.ropecheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input through the command line: each case ends with one message on stderr naming the field or
 * file, a non-zero exit, no stack trace and no output file (not even a partial or temporary one).
 */
class BadInputTest {
    @TempDir
    Path dir;

    private final CliContext ctx = CliRunner.stubContext();
    private String valid;

    @BeforeEach
    void makeValid() {
        valid = CliRunner.validInstanceText(ctx);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** {@code json} with {@code edit} applied to its tree. */
    private static String edit(String json, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> edit)
            throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(json);
        edit.accept(root);
        return JSON.writeValueAsString(root);
    }

    private static com.fasterxml.jackson.databind.node.ArrayNode row(com.fasterxml.jackson.databind.node.ObjectNode root,
            String field, int r) {
        return (com.fasterxml.jackson.databind.node.ArrayNode) root.get(field).get(r);
    }

    /** Runs compute on {@code json} and asserts the failure contract; returns stderr. */
    private String computeFails(String json, String... mustMention) throws IOException {
        Path in = dir.resolve("in.json");
        Files.writeString(in, json, StandardCharsets.UTF_8);
        return fails(new String[] {"compute", "--engine", "exact", "--in", in.toString(), "--out",
                dir.resolve("out.json").toString()}, mustMention);
    }

    private String fails(String[] args, String... mustMention) throws IOException {
        CliRunner.Run r = CliRunner.run(ctx, args);
        assertNotEquals(0, r.exit(), r::toString);
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "exactly one message line expected:\n" + r);
        assertFalse(err.contains("Exception") || err.contains("\tat ") || err.contains("at dev."), "stack trace leaked:\n" + r);
        for (String m : mustMention) {
            assertTrue(err.contains(m), "message should mention \"" + m + "\":\n" + r);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains("out.json")),
                    "no output file (or temporary file) may be left behind");
        }
        return err;
    }

    @Test
    void malformedJson() throws IOException {
        computeFails(valid.substring(0, valid.indexOf("\"A3\"")), "in.json", "malformed JSON", "line");
    }

    @Test
    void unknownFormatTag() throws IOException {
        computeFails(valid.replace("rope-attention-instance/1", "rope-attention-instance/9"), "format", "rope-attention-instance/9");
    }

    @Test
    void wrongShapeOfA2() throws IOException {
        computeFails(edit(valid, root -> ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("A2")).remove(0)),
                "A2", "3x2", "4x2");
    }

    @Test
    void nanToken() throws IOException {
        computeFails(valid.replaceFirst("\"A1\":\\[\\[[^,\\]]*", "\"A1\":[[NaN"), "A1[0][0]", "NaN", "not a finite number");
    }

    @Test
    void nanAndInfinityStrings() throws IOException {
        computeFails(valid.replaceFirst("\"A1\":\\[\\[[^,\\]]*", "\"A1\":[[\"NaN\""), "A1[0][0]", "not a finite number");
        computeFails(valid.replaceFirst("\"A3\":\\[\\[[^,\\]]*", "\"A3\":[[\"-Infinity\""), "A3[0][0]", "not a finite number");
    }

    @Test
    void nonNumericString() throws IOException {
        computeFails(valid.replaceFirst("\"E\":\\[\\[[^,\\]]*", "\"E\":[[\"twelve\""), "E[0][0]", "not a decimal number");
    }

    @Test
    @dev.ropecheck.specs.Spec("format-instance")
    void valueNotExactlyRepresentableInBinary64() throws IOException {
        String json = edit(valid, root -> row(root, "A1", 3).set(1, new java.math.BigDecimal("0.1")));
        String err = computeFails(json, "A1[3][1] = 0.1 is not exactly representable in binary64");
        assertTrue(err.contains("dyadic"), err);
    }

    @Test
    void exactDecimalStringsAreAccepted() throws IOException {
        // 0.1's exact binary64 expansion and a dyadic written as a string are read exactly.
        String exact = new java.math.BigDecimal(0.1).toPlainString();
        String json = edit(valid, root -> {
            row(root, "A1", 3).set(1, exact);
            row(root, "E", 0).set(0, "0.125");
        });
        Path in = dir.resolve("in.json");
        Files.writeString(in, json);
        CliRunner.Run r = CliRunner.run(ctx, "compute", "--engine", "exact", "--in", in.toString());
        assertEquals(0, r.exit(), r::toString);
        var inst = dev.ropecheck.io.InstanceReader.read(in);
        assertEquals(0.1, inst.a1().get(3, 1), 0.0);
        assertEquals(0.125, inst.e().get(0, 0), 0.0);
    }

    @Test
    void oddDWithRope() throws IOException {
        CliRunner.Run r = CliRunner.run(ctx, "make-instance", "--n", "3", "--d", "3", "--family", "identity", "--bound", "1");
        String json = r.out().replace("{\"kind\":\"identity\"}", "{\"kind\":\"rope\",\"base\":10000,\"layout\":\"interleaved\"}");
        computeFails(json, "family", "d must be even", "d = 3");
        fails(new String[] {"make-instance", "--n", "3", "--d", "3", "--family", "rope", "--bound", "1", "--out",
                dir.resolve("out.json").toString()}, "--d = 3", "even");
    }

    @Test
    void nBeyondTheEngineNamesTheEngineThatCan() throws IOException {
        CliRunner.Run r = CliRunner.run(ctx, "make-instance", "--n", "100", "--d", "2", "--family", "rope", "--bound", "1");
        computeFails(r.out(), "n = 100", "exact", "n <= 64", "--engine fast-stub");
    }

    @Test
    void missingInstanceFile() throws IOException {
        fails(new String[] {"compute", "--engine", "exact", "--in", dir.resolve("nope.json").toString(), "--out",
                dir.resolve("out.json").toString()}, "nope.json", "does not exist");
    }

    @Test
    void missingCandidateFile() throws IOException {
        Path in = dir.resolve("in.json");
        Files.writeString(in, valid);
        fails(new String[] {"check", "--instance", in.toString(), "--candidate", dir.resolve("nope.json").toString()},
                "nope.json", "does not exist");
    }

    @Test
    void outputDirectoryMissing() throws IOException {
        Path in = dir.resolve("in.json");
        Files.writeString(in, valid);
        fails(new String[] {"compute", "--engine", "exact", "--in", in.toString(), "--out",
                dir.resolve("no/such/dir/out.json").toString()}, "does not exist");
    }

    @Test
    void badOptionValuesAndMissingOptions() throws IOException {
        fails(new String[] {"make-instance", "--n", "many", "--d", "2", "--family", "rope", "--bound", "1", "--out",
                dir.resolve("out.json").toString()}, "--n", "many");
        fails(new String[] {"make-instance", "--n", "0", "--d", "2", "--family", "rope", "--bound", "1", "--out",
                dir.resolve("out.json").toString()}, "--n = 0", "[1, 2^24]");
        fails(new String[] {"compute", "--engine", "exact"}, "--in");
        fails(new String[] {"compute", "--engine", "exact", "--in", "x.json", "--eps", "0.5"}, "--eps = 0.5", "(0, 0.1)");
    }

    @Test
    void unknownEngine() throws IOException {
        Path in = dir.resolve("in.json");
        Files.writeString(in, valid);
        fails(new String[] {"compute", "--engine", "magic", "--in", in.toString()}, "--engine magic", "reference, exact");
    }

    @Test
    void unknownAndDuplicateFieldsAndMissingFamily() throws IOException {
        computeFails(valid.replace("\"n\":4", "\"n\":4,\"m\":4"), "unknown field \"m\"");
        computeFails(valid.replace("\"n\":4", "\"n\":4,\"n\":4"), "\"n\" appears twice");
        computeFails(valid.replaceFirst(",?\"family\":\\{[^}]*\\}", ""), "\"family\" is missing");
    }

    @Test
    void explicitFamilyWithTheWrongNumberOfMatrices() throws IOException {
        CliRunner.Run r = CliRunner.run(ctx, "make-instance", "--n", "3", "--d", "2", "--family", "explicit", "--bound", "1");
        String json = edit(r.out(), root -> ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("family").get("W")).remove(0));
        computeFails(json, "family.W holds 4 matrices", "2n-1 = 5");
    }

    @Test
    void candidateWithTheWrongShape() throws IOException {
        Path in = dir.resolve("in.json");
        Files.writeString(in, valid);
        Path cand = dir.resolve("cand.json");
        Files.writeString(cand, "{\"format\":\"rope-attention-result/1\",\"engine\":\"x\",\"n\":4,\"d\":2,"
                + "\"attention\":[[1,2],[3,4]],\"meta\":{}}");
        fails(new String[] {"check", "--instance", in.toString(), "--candidate", cand.toString()}, "attention", "2x2", "4x2");
    }
}
