package dev.ropecheck.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.model.RopeInstance;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reading speed of one n = 2^18, d = 16 instance as version-1 JSON and as a version-2 header with
 * its arrays in an NPZ (specs/format-npz.md): MB of input per second (JSON: one read; NPZ: best of three), and the
 * two readings equal bit for bit. {@code mvn -B -o test -Dtest=NpzReadSpeedLongTest -DexcludedGroups=none}.
 */
@Tag("long")
class NpzReadSpeedLongTest {
    @Test
    @DisplayName("format-npz: a 2^18 x 16 instance reads from NPZ at disk speed, far faster than from JSON, to the same doubles")
    void npzReadsFasterThanJson(@TempDir Path dir) throws Exception {
        int n = 1 << 18;
        int d = 16;
        Path json = dir.resolve("v1.json");
        InstanceGenerator.Params p = new InstanceGenerator.Params(n, d, InstanceGenerator.Family.ROPE, 0.5, 11);
        AtomicFile.write(json, o -> {
            try (InstanceWriter w = new InstanceWriter(o)) {
                InstanceGenerator.write(p, w);
            }
        });
        RopeInstance v1 = InstanceReader.read(json);
        Map<String, NpzArrays.Array> arrays = new LinkedHashMap<>();
        put(arrays, "A1", v1.a1().data, n, d);
        put(arrays, "A2", v1.a2().data, n, d);
        put(arrays, "A3", v1.a3().data, n, d);
        put(arrays, "E", v1.e().data, n, d);
        put(arrays, "WQ", v1.wq().data, d, d);
        put(arrays, "WK", v1.wk().data, d, d);
        put(arrays, "WV", v1.wv().data, d, d);
        Path npz = dir.resolve("v2.npz");
        NpzArrays.write(npz, arrays, Map.of("dtype", "fp64"), false);
        Path header = dir.resolve("v2.json");
        String h = "{\"format\": \"rope-attention-instance/2\", \"n\": " + n + ", \"d\": " + d + ", \"bound\": 0.5,"
                + " \"family\": {\"kind\": \"rope\"}, \"arrays\": \"v2.npz\"}";
        try (OutputStream o = Files.newOutputStream(header)) {
            o.write(h.getBytes(StandardCharsets.UTF_8));
        }
        double jsonMb = Files.size(json) / 1e6;
        double npzMb = (Files.size(npz) + Files.size(header)) / 1e6;
        double tJson = Double.MAX_VALUE;
        double tNpz = Double.MAX_VALUE;
        RopeInstance fromNpz = null;
        long tj = System.nanoTime();
        InstanceReader.read(json);
        tJson = (System.nanoTime() - tj) / 1e9;
        double tLib = Double.MAX_VALUE;
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            fromNpz = Instances.read(header).first();
            tNpz = Math.min(tNpz, (System.nanoTime() - t0) / 1e9);
            t0 = System.nanoTime();
            for (String a : new String[] {"A1.npy", "A2.npy", "A3.npy", "E.npy"}) {
                org.openlca.npy.Npz.read(npz.toFile(), a).asDoubleArray();
            }
            tLib = Math.min(tLib, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf("the four n x d float64 arrays through org.openlca:npy's element reader: %.3f s (%.1f MB/s)%n",
                tLib, npzMb / tLib);
        long t0 = System.nanoTime();
        byte[] raw = Files.readAllBytes(npz);
        double tRaw = (System.nanoTime() - t0) / 1e9;
        System.out.printf("n = 2^18, d = 16: JSON %.1f MB in %.2f s (%.1f MB/s); NPZ %.1f MB in %.3f s (%.1f MB/s);"
                + " raw file read %.3f s (%.0f MB/s); NPZ %.1fx faster per instance%n", jsonMb, tJson, jsonMb / tJson, npzMb,
                tNpz, npzMb / tNpz, tRaw, raw.length / 1e6 / tRaw, tJson / tNpz);
        assertArrayEquals(v1.a1().data, fromNpz.a1().data, 0.0);
        assertArrayEquals(v1.e().data, fromNpz.e().data, 0.0);
        assertArrayEquals(v1.wk().data, fromNpz.wk().data, 0.0);
        assertTrue(tNpz < tJson, "NPZ " + tNpz + " s is not faster than JSON " + tJson + " s");
    }

    private static void put(Map<String, NpzArrays.Array> m, String name, double[] v, int rows, int cols) {
        m.put(name, new NpzArrays.Array(name, new int[] {rows, cols}, v, "f8", null));
    }
}
