package dev.ropecheck.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.gen.Generators;
import dev.ropecheck.model.RopeInstance;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** specs/format-instance.md: the instance format round-trips bit for bit and reads numbers exactly. */
class InstanceFormatTest {

    static byte[] write(RopeInstance inst) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            InstanceWriter.write(inst, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static RopeInstance read(String json) {
        return InstanceReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
    }

    @Test
    @DisplayName("write then read gives the same instance bit for bit, every family and parameterisation")
    @dev.ropecheck.specs.Spec("format-instance")
    void roundTripIsBitExact() {
        qt().withExamples(40).forAll(Generators.instances(7, 4)).checkAssert(spec -> {
            RopeInstance a = spec.build();
            RopeInstance b = InstanceReader.read(new ByteArrayInputStream(write(a)), spec.toString());
            assertEquals(a.n(), b.n());
            assertEquals(a.hasWeights(), b.hasWeights(), spec::toString);
            assertEquals(a.family().name(), b.family().name(), spec::toString);
            assertEquals(Double.doubleToLongBits(a.entryBound()), Double.doubleToLongBits(b.entryBound()));
            same(spec + " A1", a.a1(), b.a1());
            same(spec + " E", a.e(), b.e());
            same(spec + " X", a.x(), b.x());
            same(spec + " Y", a.y(), b.y());
            for (int m = -(a.n() - 1); m <= a.n() - 1; m++) {
                same(spec + " W_" + m, a.family().matrix(m), b.family().matrix(m));
            }
            assertEquals(a.family().support().toString(), b.family().support().toString(), spec::toString);
        });
    }

    @Test
    @DisplayName("doubles that are not short decimals (1/3, 2^-1074, 0.1) are written as their exact expansion and read back identical")
    void awkwardDoublesRoundTrip() {
        for (double v : new double[] {1.0 / 3, Double.MIN_VALUE, 0.1, -Double.MAX_VALUE, 1e-300, Math.PI}) {
            String text = ExactDecimal.exactText(v);
            assertEquals(0, new BigDecimal(text).compareTo(new BigDecimal(v)), text);
            assertEquals(v, ExactDecimal.exactDouble(new BigDecimal(text), "v"), 0.0);
        }
        assertEquals("0.5", ExactDecimal.exactText(0.5));
    }

    @Test
    @DisplayName("a number that is not a binary64 value is rejected with the field, the index and the remedy")
    @dev.ropecheck.specs.Spec("format-instance")
    void inexactNumbersAreRejected() {
        FormatException e = assertThrows(FormatException.class,
                () -> ExactDecimal.exactDouble(new BigDecimal("0.1"), "A1[3][1]"));
        assertEquals("A1[3][1] = 0.1 is not exactly representable in binary64; the reference and double engines would see"
                + " different inputs — give a dyadic value or a double's exact decimal expansion", e.getMessage());
        assertThrows(FormatException.class, () -> ExactDecimal.exactDouble(new BigDecimal("1e400"), "x"));
        assertThrows(FormatException.class, () -> ExactDecimal.exactDouble(new BigDecimal("1e-400"), "x"));
        // One more digit than the exact expansion of 0.1 is not 0.1.
        String exact = new BigDecimal(0.1).toPlainString();
        assertThrows(FormatException.class, () -> ExactDecimal.exactDouble(new BigDecimal(exact + "1"), "x"));
        assertEquals(0.1, ExactDecimal.exactDouble(new BigDecimal(exact), "x"), 0.0);
    }

    @Test
    @DisplayName("numbers may be JSON numbers or decimal strings, identity and explicit families, X and Y instead of weights")
    @dev.ropecheck.specs.Spec("format-instance")
    void minimalDocumentsInEveryForm() {
        RopeInstance a = read("{\"format\":\"rope-attention-instance/1\",\"n\":1,\"d\":1,\"A1\":[[\"0.5\"]],\"A2\":[[1]],"
                + "\"A3\":[[\"-2.25e0\"]],\"E\":[[0]],\"X\":[[\"3\"]],\"Y\":[[1.5]],\"family\":{\"kind\":\"identity\"}}");
        assertEquals(0.5, a.a1().get(0, 0), 0.0);
        assertEquals(-2.25, a.a3().get(0, 0), 0.0);
        assertEquals(3.0, a.x().get(0, 0), 0.0);
        assertTrue(!a.hasWeights() && !a.hasValueWeight());
        RopeInstance b = read("{\"format\":\"rope-attention-instance/1\",\"n\":2,\"d\":1,\"bound\":2,"
                + "\"A1\":[[1],[2]],\"A2\":[[1],[2]],\"A3\":[[1],[2]],\"E\":[[1],[2]],\"WQ\":[[1]],\"WK\":[[0.5]],\"WV\":[[1]],"
                + "\"family\":{\"kind\":\"explicit\",\"W\":[[[0.25]],[[1]],[[0]]]}}");
        assertEquals(0.25, b.family().weight(-1, 0, 0), 0.0);
        assertEquals(0.0, b.family().weight(1, 0, 0), 0.0);
        assertEquals(1, b.family().support().size(), "default support: the non-zero pattern");
        assertEquals(2.0, b.entryBound(), 0.0);
        FormatException e = assertThrows(FormatException.class, () -> read("{\"format\":\"rope-attention-instance/1\",\"n\":2,"
                + "\"d\":1,\"bound\":1,\"A1\":[[1],[2]],\"A2\":[[1],[2]],\"A3\":[[1],[2]],\"E\":[[1],[2]],\"WQ\":[[1]],"
                + "\"WK\":[[0.5]],\"WV\":[[1]],\"family\":{\"kind\":\"identity\"}}"));
        assertTrue(e.getMessage().contains("A1[1][0] = 2.0 exceeds the declared entry bound B = 1.0"), e.getMessage());
    }

    @Test
    @DisplayName("an explicit support must contain the non-zero pattern and lie inside d x d")
    @dev.ropecheck.specs.Spec("format-instance")
    void explicitSupportIsValidated() {
        String head = "{\"format\":\"rope-attention-instance/1\",\"n\":1,\"d\":2,\"A1\":[[1,0]],\"A2\":[[1,0]],"
                + "\"A3\":[[1,0]],\"E\":[[1,0]],\"WQ\":[[1,0],[0,1]],\"WK\":[[1,0],[0,1]],\"WV\":[[1,0],[0,1]],";
        FormatException out = assertThrows(FormatException.class,
                () -> read(head + "\"family\":{\"kind\":\"explicit\",\"W\":[[[1,0],[0,0]]],\"support\":[[0,2]]}}"));
        assertTrue(out.getMessage().contains("family.support[0] = [0,2]"), out.getMessage());
        FormatException outside = assertThrows(FormatException.class,
                () -> read(head + "\"family\":{\"kind\":\"explicit\",\"W\":[[[1,1],[0,0]]],\"support\":[[0,0]]}}"));
        assertTrue(outside.getMessage().contains("outside the declared support"), outside.getMessage());
    }

    private static void same(String what, DMatrixRMaj a, DMatrixRMaj b) {
        assertEquals(a.numRows, b.numRows, what);
        assertEquals(a.numCols, b.numCols, what);
        for (int k = 0; k < a.getNumElements(); k++) {
            assertEquals(Double.doubleToLongBits(a.data[k]), Double.doubleToLongBits(b.data[k]), what + "[" + k + "]");
        }
    }
}
