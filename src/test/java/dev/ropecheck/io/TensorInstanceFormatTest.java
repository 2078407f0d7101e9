package dev.ropecheck.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.model.TensorInstance;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The {@code tensor-attention-instance/1} and {@code tensor-attention-result/1} formats (MATH §8). */
class TensorInstanceFormatTest {

    private static String text(TensorInstance t) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        TensorInstanceWriter.write(t, b);
        return b.toString(StandardCharsets.UTF_8);
    }

    private static TensorInstance read(String json) {
        return TensorInstanceReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
    }

    private static void assertSame(DMatrixRMaj a, DMatrixRMaj b) {
        assertEquals(a.numRows, b.numRows);
        assertEquals(a.numCols, b.numCols);
        assertArrayEquals(a.data, b.data, 0.0);
    }

    @Test
    @DisplayName("MATH §8: weights instance round-trips bit for bit (A1..A5, E, WQ, WK1, WK2, WV1, WV2, X, Y)")
    @dev.ropecheck.specs.Spec("format-tensor-instance")
    void roundTripWithWeights() throws IOException {
        TensorInstance t = TensorInstanceWriter.random(3, 2, 1.0, 7, true, false);
        TensorInstance back = read(text(t));
        assertTrue(back.hasKeyWeights() && back.hasValueWeights());
        assertSame(t.a1(), back.a1());
        assertSame(t.a5(), back.a5());
        assertSame(t.e(), back.e());
        assertSame(t.wk2(), back.wk2());
        assertSame(t.wv1(), back.wv1());
        assertSame(t.x(), back.x());
        assertSame(t.y(), back.y());
        assertEquals(1.0, back.entryBound());
    }

    @Test
    @DisplayName("MATH §8: dense X (d x d^2) and Y (d^2 x d) round-trip bit for bit")
    @dev.ropecheck.specs.Spec("format-tensor-instance")
    void roundTripDense() throws IOException {
        TensorInstance t = TensorInstanceWriter.random(2, 3, 0.5, 8, false, false);
        String json = text(t);
        assertTrue(json.contains("\"X\"") && !json.contains("\"WQ\""), json);
        TensorInstance back = read(json);
        assertSame(t.x(), back.x());
        assertSame(t.y(), back.y());
        assertSame(t.a3(), back.a3());
    }

    @Test
    @DisplayName("decimal strings are read exactly; 0.1 is rejected naming the field and index")
    @dev.ropecheck.specs.Spec("format-tensor-instance")
    void exactness() throws IOException {
        TensorInstance t = TensorInstanceWriter.random(2, 1, 1.0, 9, true, false);
        String json = text(t);
        String a2 = "\"A2\":[[" + t.a2().get(0, 0) + "]";
        assertTrue(json.contains(a2), json);
        TensorInstance s = read(json.replace(a2, "\"A2\":[[\"0.25\"]"));
        assertEquals(0.25, s.a2().get(0, 0));
        FormatException e = assertThrows(FormatException.class, () -> read(json.replace(a2, "\"A2\":[[0.1]")));
        assertTrue(e.getMessage().contains("A2[0][0]") && e.getMessage().contains("not exactly representable"),
                e.getMessage());
    }

    @Test
    @DisplayName("bad shapes, NaN, non-numeric entries, missing weights and wrong tags are rejected by name")
    @dev.ropecheck.specs.Spec("format-tensor-instance")
    void badInput() throws IOException {
        TensorInstance t = TensorInstanceWriter.random(2, 2, 1.0, 10, false, false);
        String json = text(t);
        int x = json.indexOf("\"X\":[[");
        String badRow = json.substring(0, x) + "\"X\":[[1,2],"  + json.substring(x + 6);
        assertThrows(FormatException.class, () -> read(badRow));
        String xShape = json.replace("\"Y\"", "\"WV1\"");
        assertMessage(xShape, "WV1");
        String nan = json.replaceFirst("\"E\":\\[\\[[^,\\]]*", "\"E\":[[\"NaN\"");
        assertMessage(nan, "E[0][0]");
        String word = json.replaceFirst("\"A4\":\\[\\[[^,\\]]*", "\"A4\":[[\"abc\"");
        assertMessage(word, "A4[0][0]");
        assertMessage(json.replace("tensor-attention-instance/1", "rope-attention-instance/1"), "format");
        assertMessage(json.replaceFirst("\"A5\":", "\"A6\":"), "A6");
        assertMessage(json.replaceFirst("\"n\":2", "\"n\":3"), "A1 has shape 2x2 but must be n x d = 3x2");
    }

    private static void assertMessage(String json, String mention) {
        FormatException e = assertThrows(FormatException.class, () -> read(json));
        assertTrue(e.getMessage().contains(mention), "message should mention " + mention + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("test.json"), e.getMessage());
    }

    @Test
    @DisplayName("tensor-attention-result/1: doubles and decimal strings round-trip; shapes checked against n, d")
    @dev.ropecheck.specs.Spec("format-tensor-instance")
    void resultRoundTrip() throws IOException {
        TensorResultDocument doc = new TensorResultDocument("tensor-exact", 2, 1);
        doc.put(TensorQuantity.ATTENTION, new DMatrixRMaj(new double[][] {{0.1}, {-3.5e-300}}));
        doc.putDecimal(TensorQuantity.LOSS, new String[][] {{"0.12345678901234567890123"}});
        doc.put(TensorQuantity.GRAD_X, new DMatrixRMaj(new double[][] {{Double.NaN}}));
        doc.meta("k", "v");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        TensorResultIO.write(doc, b);
        TensorResultDocument back = TensorResultIO.read(new ByteArrayInputStream(b.toByteArray()), "r.json");
        assertEquals(0.1, back.grid(TensorQuantity.ATTENTION).get(0, 0));
        assertEquals(-3.5e-300, back.grid(TensorQuantity.ATTENTION).get(1, 0));
        assertEquals("0.12345678901234567890123", back.grid(TensorQuantity.LOSS).text(0, 0));
        assertTrue(Double.isNaN(back.grid(TensorQuantity.GRAD_X).get(0, 0)));
        assertEquals("v", back.meta().get("k"));
        assertThrows(IllegalArgumentException.class, () -> doc.put(TensorQuantity.C, new DMatrixRMaj(3, 1)));
    }
}
