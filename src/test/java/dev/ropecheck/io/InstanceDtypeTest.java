package dev.ropecheck.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.model.RopeInstance;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** {@code make-instance --dtype} (specs/format-instance.md, {@code dtype}): entries are values of the format. */
class InstanceDtypeTest {
    private static byte[] bytes(InstanceGenerator.Params p) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InstanceWriter w = new InstanceWriter(out)) {
            InstanceGenerator.write(p, w);
        }
        return out.toByteArray();
    }

    private static InstanceGenerator.Params params(double bound, FloatFormat f, boolean weights) {
        return new InstanceGenerator.Params(16, 4, InstanceGenerator.Family.ROPE, bound, 42, weights, false, f);
    }

    @Test
    @dev.ropecheck.specs.Spec("format-instance")
    void everyEntryIsAValueOfTheFormatAndWithinTheBound() throws IOException {
        for (FloatFormat f : new FloatFormat[] {FloatFormat.FP32, FloatFormat.BF16, FloatFormat.FP16}) {
            for (double bound : new double[] {1.0, 0.3, 3.7, 1e5}) {
                byte[] b = bytes(params(bound, f, bound != 0.3));
                RopeInstance inst = InstanceReader.read(new ByteArrayInputStream(b), "gen");
                InstanceReader.Header h = InstanceReader.readHeader(new ByteArrayInputStream(b), "gen");
                assertEquals(Optional.of(f), h.dtype());
                int inexactInFp16 = 0;
                int nonZero = 0;
                for (DMatrixRMaj m : new DMatrixRMaj[] {inst.a1(), inst.a2(), inst.a3(), inst.e()}) {
                    for (double v : m.data) {
                        assertTrue(f.isExact(v), f + ": " + v);
                        assertTrue(Math.abs(v) <= bound, v + " > " + bound);
                        nonZero += v != 0 ? 1 : 0;
                        inexactInFp16 += FloatFormat.BF16.isExact(v) ? 0 : 1;
                    }
                }
                assertTrue(nonZero > 200, "entries are drawn, not zeros: " + nonZero);
                if (f == FloatFormat.BF16) {
                    assertEquals(0, inexactInFp16);
                }
                assertArrayEquals(b, bytes(params(bound, f, bound != 0.3)), "reproducible from the seed");
            }
        }
    }

    @Test
    void coarserFormatsReallyRound() throws IOException {
        RopeInstance fp64 = InstanceGenerator.build(params(3.7, FloatFormat.FP64, true));
        RopeInstance bf16 = InstanceGenerator.build(params(3.7, FloatFormat.BF16, true));
        int notBf16 = 0;
        for (double v : fp64.a1().data) {
            notBf16 += FloatFormat.BF16.isExact(v) ? 0 : 1;
        }
        assertTrue(notBf16 > 10, "k/2^12 draws are mostly not bf16 values: " + notBf16);
        for (int i = 0; i < fp64.a1().data.length; i++) {
            double want = FloatFormat.BF16.round(fp64.a1().data[i]);
            // bound 3.7 is not a bf16 value: bf16 draws use the largest bf16 value <= 3.7, a different k range
            assertTrue(Math.abs(bf16.a1().data[i]) <= 3.7 && Math.abs(want) <= 4);
        }
    }

    @Test
    void fp64FilesAreUnchangedAndCarryNoDtype() throws IOException {
        byte[] b = bytes(params(1.0, FloatFormat.FP64, true));
        String s = new String(b, StandardCharsets.UTF_8);
        assertFalse(s.contains("dtype"), s.substring(0, 80));
        assertEquals(Optional.empty(), InstanceReader.readHeader(new ByteArrayInputStream(b), "gen").dtype());
        assertEquals(FloatFormat.FP64, InstanceReader.readHeader(new ByteArrayInputStream(b), "gen").format());
        assertArrayEquals(b, bytes(new InstanceGenerator.Params(16, 4, InstanceGenerator.Family.ROPE, 1.0, 42, true, false)));
    }

    @Test
    void formatBoundIsTheLargestFormatValueBelow() {
        assertEquals(1.0, InstanceGenerator.formatBound(1.0, FloatFormat.BF16), 0.0);
        assertEquals(3.6875, InstanceGenerator.formatBound(3.7, FloatFormat.BF16), 0.0);
        assertEquals(65504.0, InstanceGenerator.formatBound(1e5, FloatFormat.FP16), 0.0);
        assertEquals((double) Math.nextDown((float) 0.1), InstanceGenerator.formatBound(0.1, FloatFormat.FP32), 0.0);
        assertEquals(0.1, InstanceGenerator.formatBound(0.1, FloatFormat.FP64), 0.0);
    }

    @Test
    void boundsWhoseEntriesAllRoundToZeroAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InstanceGenerator.requireNonZeroEntries(1e-10, FloatFormat.FP64));
        assertTrue(e.getMessage().contains("--bound = 1.0E-10") && e.getMessage().contains("2^-12"), e.getMessage());
        InstanceGenerator.requireNonZeroEntries(Math.scalb(1.0, -12), FloatFormat.FP16);
        assertThrows(IllegalArgumentException.class,
                () -> InstanceGenerator.requireNonZeroEntries(Math.nextDown(Math.scalb(1.0, -12)), FloatFormat.FP64));
    }

    @Test
    @dev.ropecheck.specs.Spec("format-instance")
    void aDeclaredDtypeIsEnforcedAndMustPrecedeTheMatrices() {
        String body = "\"n\":1,\"d\":1,\"A1\":[[0.1]],\"A2\":[[0]],\"A3\":[[0]],\"E\":[[0]],\"WQ\":[[0]],\"WK\":[[0]],"
                + "\"WV\":[[0]],\"family\":{\"kind\":\"identity\"}}";
        String fp16 = "{\"format\":\"rope-attention-instance/1\",\"dtype\":\"fp16\"," + body.replace("0.1", "0.5");
        assertEquals(0.5, InstanceReader.read(new ByteArrayInputStream(fp16.getBytes(StandardCharsets.UTF_8)), "i.json")
                .a1().get(0, 0), 0.0);
        String bad = "{\"format\":\"rope-attention-instance/1\",\"dtype\":\"fp16\","
                + body.replace("0.1", "0.100006103515625");
        FormatException e = assertThrows(FormatException.class,
                () -> InstanceReader.read(new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8)), "i.json"));
        assertTrue(e.getMessage().startsWith("i.json: A1[0][0] = 0.100006103515625 is not a value of dtype fp16"),
                e.getMessage());
        String late = "{\"format\":\"rope-attention-instance/1\"," + body.replace("0.1", "0.5").replace("}}", "},\"dtype\":\"fp32\"}");
        FormatException l = assertThrows(FormatException.class,
                () -> InstanceReader.read(new ByteArrayInputStream(late.getBytes(StandardCharsets.UTF_8)), "i.json"));
        assertTrue(l.getMessage().contains("dtype must come before the matrices"), l.getMessage());
        String unknown = "{\"format\":\"rope-attention-instance/1\",\"dtype\":\"fp8\"," + body;
        FormatException u = assertThrows(FormatException.class,
                () -> InstanceReader.read(new ByteArrayInputStream(unknown.getBytes(StandardCharsets.UTF_8)), "i.json"));
        assertTrue(u.getMessage().contains("dtype = \"fp8\" must be"), u.getMessage());
    }
}
