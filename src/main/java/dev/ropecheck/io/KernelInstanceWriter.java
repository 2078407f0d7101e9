package dev.ropecheck.io;

import dev.ropecheck.bounds.FloatFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a random {@code rope-attention-instance/2} (specs/format-instance.md, "Version 2"): a JSON header
 * with the kernel conventions and, beside it, the NPZ file of its arrays ({@code [batch, heads, n, d]} when
 * the dimensions are asked for, else {@code [n, d]}). Entries are {@code k / 2^12} in {@code [-B, B]}
 * rounded to the dtype ({@link InstanceGenerator}), drawn problem after problem from one seeded stream;
 * the arrays are float64 ({@code float32} for fp32), with a {@code dtype} entry naming the format.
 */
public final class KernelInstanceWriter {
    private KernelInstanceWriter() {
    }

    /**
     * What to write.
     *
     * @param base {@code n, d}, family (not explicit), bound, seed, weights or dense X, dtype
     * @param scale {@code "1/d"}, {@code "1/sqrt(d)"}, a positive decimal, or null for the default
     * @param causal the causal mask
     * @param qkv give {@code q, k, v} directly (no weights)
     * @param batch leading batch dimension, or 0 when not asked for
     * @param heads heads dimension, or 0 when not asked for
     * @param upstreamGradient write the upstream gradient {@code dO} in place of the target {@code E} (MATH §9;
     *     the same draws under the name {@code dO})
     */
    public record Spec(InstanceGenerator.Params base, String scale, boolean causal, boolean qkv, int batch, int heads,
            boolean upstreamGradient) {
        /** A spec that writes {@code E}. */
        public Spec(InstanceGenerator.Params base, String scale, boolean causal, boolean qkv, int batch, int heads) {
            this(base, scale, causal, qkv, batch, heads, false);
        }

        public Spec {
            if (base.family() == InstanceGenerator.Family.EXPLICIT) {
                throw new IllegalArgumentException("--family explicit is written as a version-1 instance only; drop"
                        + " --scale, --causal, --qkv, --batch and --heads, or use rope, rope-half or identity");
            }
            if (batch < 0 || heads < 0 || (long) Math.max(batch, 1) * Math.max(heads, 1) > KernelInstanceReader.MAX_PROBLEMS) {
                throw new IllegalArgumentException("--batch = " + batch + ", --heads = " + heads + ": each >= 1, batch x"
                        + " heads <= " + KernelInstanceReader.MAX_PROBLEMS);
            }
            if (qkv && !base.weights()) {
                throw new IllegalArgumentException("--qkv gives q, k, v directly: it takes no --x");
            }
            if (scale != null && !scale.equals("1/d") && !scale.equals("1/sqrt(d)")) {
                double s;
                try {
                    s = ExactDecimal.exactDouble(ExactDecimal.parse(scale, "--scale"), "--scale");
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--scale " + InputText.quote(scale) + " must be 1/d, 1/sqrt(d) or a"
                            + " positive number exact in binary64 (" + e.getMessage() + ")");
                }
                if (!(s > 0) || Double.isInfinite(s)) {
                    throw new IllegalArgumentException("--scale " + scale + " must be positive");
                }
            }
        }

        int problems() {
            return Math.max(batch, 1) * Math.max(heads, 1);
        }

        /** True when {@code batch} or {@code heads} was asked for: the arrays are {@code [batch, heads, n, d]}. */
        boolean hasDimensions() {
            return batch > 0 || heads > 0;
        }
    }

    /** The NPZ file beside {@code header}: its name with {@code .json} (if any) replaced by {@code .npz}. */
    public static Path arraysFile(Path header) {
        String name = header.getFileName().toString();
        String stem = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return header.resolveSibling(stem + ".npz");
    }

    /**
     * Writes one problem {@code inst} as a version-2 header at {@code header} and its arrays, float64 of shape
     * {@code [n, d]} (weights {@code [d, d]}, {@code X} {@code [d^2, d^2]}), in the NPZ beside it
     * ({@link #arraysFile}): {@code q, k, v} or {@code A1, A2, A3}; {@code E} or {@code dO}; {@code WQ, WK} or
     * {@code X}, and {@code WV} or {@code Y}. The family goes in the header (an explicit family inline); the scale
     * when not {@code 1/d}, as its exact decimal. Reads back bit for bit ({@link KernelInstanceReader}).
     */
    public static void write(dev.ropecheck.model.RopeInstance inst, Path header) {
        int n = inst.n();
        int d = inst.d();
        Map<String, NpzArrays.Array> arrays = new LinkedHashMap<>();
        String[] rows = inst.hasQkv() ? new String[] {"q", "k", "v"} : new String[] {"A1", "A2", "A3"};
        put(arrays, rows[0], inst.a1());
        put(arrays, rows[1], inst.a2());
        put(arrays, rows[2], inst.a3());
        put(arrays, inst.upstreamName(), inst.upstream());
        if (!inst.hasQkv()) {
            if (inst.hasWeights()) {
                put(arrays, "WQ", inst.wq());
                put(arrays, "WK", inst.wk());
            } else {
                put(arrays, "X", inst.x());
            }
            put(arrays, inst.hasValueWeight() ? "WV" : "Y", inst.y());
        }
        Path npz = arraysFile(header);
        NpzArrays.write(npz, arrays, Map.of("dtype", FloatFormat.FP64.label()), false);
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        try (InstanceWriter w = new InstanceWriter(text)) {
            w.begin(KernelInstanceReader.TAG, n, d, inst.entryBound(), FloatFormat.FP64);
            if (!inst.hasDefaultScale()) {
                w.exactField("scale", inst.scale());
            }
            w.field("causal", inst.causal());
            w.family(inst.family(), n);
            w.field("arrays", npz.getFileName().toString());
            w.end();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        byte[] bytes = text.toByteArray();
        AtomicFile.write(header, o -> o.write(bytes));
    }

    private static void put(Map<String, NpzArrays.Array> arrays, String name, org.ejml.data.DMatrixRMaj m) {
        arrays.put(name, new NpzArrays.Array(name, new int[] {m.numRows, m.numCols}, m.data, "f8", null));
    }

    /** Writes the header to {@code header} and the arrays beside it ({@link #arraysFile}), each atomically. */
    public static void write(Spec s, Path header) {
        InstanceGenerator.Params p = s.base();
        FloatFormat f = p.dtype();
        double b = InstanceGenerator.formatBound(p.bound(), f);
        SplittableRandom rnd = new SplittableRandom(p.seed());
        Map<String, NpzArrays.Array> arrays = tokenArrays(s, rnd, b);
        if (!s.qkv()) {
            putWeights(arrays, p, rnd, b);
        }
        Path npz = arraysFile(header);
        NpzArrays.write(npz, arrays, Map.of("dtype", f.label()), f == FloatFormat.FP32);
        byte[] text = headerText(s, npz).getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(header, o -> o.write(text));
    }

    /**
     * The per-token arrays ({@code q, k, v} or {@code A1, A2, A3}, then {@code E} or {@code dO}), drawn from
     * {@code rnd} problem after problem, in that order within a problem, row after row.
     */
    private static Map<String, NpzArrays.Array> tokenArrays(Spec s, SplittableRandom rnd, double b) {
        InstanceGenerator.Params p = s.base();
        int n = p.n();
        int d = p.d();
        FloatFormat f = p.dtype();
        int[] tokenShape = s.hasDimensions() ? new int[] {Math.max(s.batch(), 1), Math.max(s.heads(), 1), n, d}
                : new int[] {n, d};
        String up = s.upstreamGradient() ? "dO" : "E";
        String[] tokens = s.qkv() ? new String[] {"q", "k", "v", up} : new String[] {"A1", "A2", "A3", up};
        Map<String, double[]> data = new LinkedHashMap<>();
        for (String t : tokens) {
            data.put(t, new double[s.problems() * n * d]);
        }
        double[] row = new double[d];
        for (int k = 0; k < s.problems(); k++) {
            for (String t : tokens) {
                double[] dst = data.get(t);
                for (int i = 0; i < n; i++) {
                    InstanceGenerator.fill(rnd, row, b, f);
                    System.arraycopy(row, 0, dst, (k * n + i) * d, d);
                }
            }
        }
        Map<String, NpzArrays.Array> arrays = new LinkedHashMap<>();
        for (String t : tokens) {
            arrays.put(t, new NpzArrays.Array(t, tokenShape, data.get(t), "f8", null));
        }
        return arrays;
    }

    /** Adds the weights, {@code WQ, WK, WV} or {@code X} ({@code d^2 x d^2}) and {@code WV}, drawn from {@code rnd}. */
    private static void putWeights(Map<String, NpzArrays.Array> arrays, InstanceGenerator.Params p,
            SplittableRandom rnd, double b) {
        int d = p.d();
        String[] ws = p.weights() ? new String[] {"WQ", "WK", "WV"} : new String[] {"X", "WV"};
        for (String w : ws) {
            int side = w.equals("X") ? d * d : d;
            double[] v = new double[side * side];
            double[] r = new double[side];
            for (int i = 0; i < side; i++) {
                InstanceGenerator.fill(rnd, r, b, p.dtype());
                System.arraycopy(r, 0, v, i * side, side);
            }
            arrays.put(w, new NpzArrays.Array(w, new int[] {side, side}, v, "f8", null));
        }
    }

    /** The JSON header: format, sizes, bound, dtype (when not fp64), scale (when given), causal, family, arrays. */
    private static String headerText(Spec s, Path npz) {
        InstanceGenerator.Params p = s.base();
        FloatFormat f = p.dtype();
        StringBuilder j = new StringBuilder();
        j.append("{\n  \"format\": \"").append(KernelInstanceReader.TAG).append("\",\n");
        j.append("  \"n\": ").append(p.n()).append(",\n  \"d\": ").append(p.d()).append(",\n");
        if (s.hasDimensions()) {
            j.append("  \"batch\": ").append(Math.max(s.batch(), 1)).append(",\n  \"heads\": ")
                    .append(Math.max(s.heads(), 1)).append(",\n");
        }
        j.append("  \"bound\": ").append(ExactDecimal.exactText(p.bound())).append(",\n");
        if (f != FloatFormat.FP64) {
            j.append("  \"dtype\": \"").append(f.label()).append("\",\n");
        }
        if (s.scale() != null) {
            // a named scale (1/d, 1/sqrt(d)) and a number are both written as strings
            j.append("  \"scale\": \"").append(s.scale()).append("\",\n");
        }
        j.append("  \"causal\": ").append(s.causal()).append(",\n");
        j.append("  \"family\": ").append(familyText(p.family())).append(",\n");
        j.append("  \"arrays\": \"").append(npz.getFileName().toString().replace("\\", "\\\\").replace("\"", "\\\""))
                .append("\"\n}\n");
        return j.toString();
    }

    /** The header's family object for a generated family (rope with base 10000, or identity). */
    private static String familyText(InstanceGenerator.Family family) {
        switch (family) {
            case IDENTITY:
                return "{\"kind\": \"identity\"}";
            case ROPE_HALF:
                return "{\"kind\": \"rope\", \"base\": 10000, \"layout\": \"half-split\"}";
            default:
                return "{\"kind\": \"rope\", \"base\": 10000, \"layout\": \"interleaved\"}";
        }
    }
}
