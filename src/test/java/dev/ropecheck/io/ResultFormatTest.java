package dev.ropecheck.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.Quantity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** specs/format-result.md. */
class ResultFormatTest {

    private static ResultDocument roundTrip(ResultDocument doc) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ResultWriter.write(doc, out);
        return ResultReader.read(new ByteArrayInputStream(out.toByteArray()), "r.json");
    }

    @Test
    @DisplayName("doubles (shortest round-trip text), decimal strings (verbatim), vectors, scalars and meta round-trip")
    @dev.ropecheck.specs.Spec("format-result")
    void roundTrip() throws IOException {
        ResultDocument doc = new ResultDocument("exact", 2, 1);
        doc.put(Quantity.ATTENTION, new DMatrixRMaj(2, 1, true, 1.0 / 3, -Double.MIN_VALUE));
        doc.put(Quantity.ALPHA, new DMatrixRMaj(2, 1, true, 2.5, Double.NaN));
        doc.putDecimal(Quantity.LOSS, new String[][] {{"0.333333333333333333333333333333333333"}});
        doc.meta("time_ms", "1.5");
        ResultDocument back = roundTrip(doc);
        assertEquals("exact", back.engine());
        assertEquals(1.0 / 3, back.grid(Quantity.ATTENTION).get(0, 0), 0.0);
        assertEquals(-Double.MIN_VALUE, back.grid(Quantity.ATTENTION).get(1, 0), 0.0);
        assertTrue(Double.isNaN(back.grid(Quantity.ALPHA).get(1, 0)));
        assertEquals(1, back.grid(Quantity.ALPHA).dims());
        assertEquals("0.333333333333333333333333333333333333", back.grid(Quantity.LOSS).text(0, 0));
        assertEquals(1.0 / 3, back.grid(Quantity.LOSS).get(0, 0), 0.0);
        assertEquals(0, back.grid(Quantity.LOSS).dims());
        assertEquals("1.5", back.meta().get("time_ms"));
    }

    @Test
    @DisplayName("shapes are checked against n and d; unknown fields and tags are rejected")
    @dev.ropecheck.specs.Spec("format-result")
    void validation() {
        String head = "{\"format\":\"rope-attention-result/1\",\"engine\":\"x\",\"n\":2,\"d\":1,";
        FormatException shape = assertThrows(FormatException.class, () -> ResultReader.read(
                new ByteArrayInputStream((head + "\"c\":[[1],[2],[3]]}").getBytes(StandardCharsets.UTF_8)), "r.json"));
        assertTrue(shape.getMessage().contains("c has shape 3x1 but must be 2x1"), shape.getMessage());
        FormatException rank = assertThrows(FormatException.class, () -> ResultReader.read(
                new ByteArrayInputStream((head + "\"alpha\":[[1],[2]]}").getBytes(StandardCharsets.UTF_8)), "r.json"));
        assertTrue(rank.getMessage().contains("alpha is a matrix but must be a vector"), rank.getMessage());
        FormatException unknown = assertThrows(FormatException.class, () -> ResultReader.read(
                new ByteArrayInputStream((head + "\"gradY\":1}").getBytes(StandardCharsets.UTF_8)), "r.json"));
        assertTrue(unknown.getMessage().contains("unknown field \"gradY\""), unknown.getMessage());
        FormatException tag = assertThrows(FormatException.class, () -> ResultReader.read(
                new ByteArrayInputStream("{\"format\":\"rope-attention-result/2\"}".getBytes(StandardCharsets.UTF_8)), "r.json"));
        assertTrue(tag.getMessage().contains("rope-attention-result/2"), tag.getMessage());
    }
}
