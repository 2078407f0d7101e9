package dev.ropecheck.io;

import com.fasterxml.jackson.core.JsonToken;
import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.ProblemSet;
import dev.ropecheck.model.RopeInstance;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.ejml.data.DMatrixRMaj;

/**
 * Reads a {@code rope-attention-instance/2} document (specs/format-instance.md, "Version 2"): the
 * kernel conventions of MATH §9 ({@code scale}, {@code causal}, {@code q, k, v} given directly, the
 * self-attention shortcut {@code A}, leading {@code batch} and {@code heads}) and the bulk arrays either
 * inline (one problem, a hand-written case) or in the NPZ file the header names in {@code arrays}
 * (relative to the header's directory), read exactly ({@link NpzArrays}). Every failure is one
 * {@link FormatException} naming the file, the field and, for an entry, its index.
 */
public final class KernelInstanceReader {
    /** The format tag. */
    public static final String TAG = "rope-attention-instance/2";
    /** Per-token fields: {@code n x d} per problem. */
    static final List<String> TOKEN_FIELDS = List.of("q", "k", "v", "A", "A1", "A2", "A3", "E", "dO");
    /** Parameter fields: {@code d x d} ({@code X}: {@code d^2 x d^2}), shared by every problem. */
    static final List<String> WEIGHT_FIELDS = List.of("WQ", "WK", "WV", "X", "Y");
    private static final Set<String> FIELDS = Set.of("format", "n", "d", "bound", "dtype", "comment", "batch", "heads",
            "scale", "causal", "family", "arrays", "q", "k", "v", "A", "A1", "A2", "A3", "E", "dO", "WQ", "WK", "WV", "X", "Y");
    /** Largest {@code batch * heads}. */
    static final int MAX_PROBLEMS = 1 << 16;

    private KernelInstanceReader() {
    }

    /** Reads {@code file} (and the NPZ it names). */
    public static ProblemSet read(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        return JsonFiles.read(file, "instance", (in, source) -> read(in, source, dir));
    }

    /** Reads one document; {@code dir} resolves its {@code arrays} file. */
    public static ProblemSet read(InputStream stream, String source, Path dir) {
        try (JsonIn json = new JsonIn(stream, source, JsonIn.Kind.INSTANCE)) {
            return parse(json, dir);
        }
    }

    private static ProblemSet parse(JsonIn json, Path dir) {
        InstanceHeader header = new InstanceHeader(TAG);
        Conventions c = readFields(json, header);
        header.finish(json, 1 << 24, 256);
        int n = (int) header.n();
        int d = (int) header.d();
        c.requireProblemCount(json);
        InstanceReader.FamilyText family = InstanceReader.FamilyText.require(json, c.family);
        Map<String, Tensor> arrays = c.arrays(json, dir, header.dtype());
        double sigma = c.sigma(d);
        PositionFamily fam = family.buildChecked(n, d);
        Assembly a = new Assembly(json, arrays, (int) c.batch, (int) c.heads, n, d, header.dtype());
        a.requireKnownShapes();
        return a.problems(fam, sigma, c.causal, header.bound(json));
    }

    /** Reads every field of the document: the header's into {@code header}, the rest into the returned conventions. */
    private static Conventions readFields(JsonIn json, InstanceHeader header) {
        Conventions c = new Conventions();
        json.startDocument();
        while (json.next() != JsonToken.END_OBJECT) {
            String field = header.knownField(json, FIELDS, "a version-2 instance");
            if (!header.read(json, field)) {
                c.read(json, header, field);
            }
        }
        return c;
    }

    /** The version-2 fields beyond the header, as read: the kernel conventions, the family and the inline arrays. */
    private static final class Conventions {
        InstanceReader.FamilyText family;
        long batch = 1;
        long heads = 1;
        /** {@code "1/d"} or {@code "1/sqrt(d)"} when named so, else null. */
        String scale;
        double scaleValue = Double.NaN;
        boolean causal;
        String arraysFile;
        Map<String, Tensor> inline = new HashMap<>();

        /** Reads the value of {@code field} (not a header field). */
        void read(JsonIn json, InstanceHeader header, String field) {
            switch (field) {
                case "batch":
                    batch = json.readInteger("batch");
                    break;
                case "heads":
                    heads = json.readInteger("heads");
                    break;
                case "causal":
                    causal = readCausal(json);
                    break;
                case "scale":
                    readScale(json);
                    break;
                case "arrays":
                    arraysFile = json.readString("arrays");
                    break;
                case "family":
                    header.bulkStarted();
                    family = InstanceReader.parseFamily(json);
                    break;
                default:
                    header.bulkStarted();
                    inline.put(field, Tensor.of(json.readMatrix(field, JsonIn.Numbers.EXACT)));
            }
        }

        private static boolean readCausal(JsonIn json) {
            JsonToken t = json.next();
            if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                throw json.error("causal: expected true or false, found " + JsonIn.describe(t));
            }
            return t == JsonToken.VALUE_TRUE;
        }

        /** {@code "1/d"}, {@code "1/sqrt(d)"} or a positive finite number, exact in binary64. */
        private void readScale(JsonIn json) {
            json.next();
            if (json.current() == JsonToken.VALUE_STRING
                    && (json.text("scale").equals("1/d") || json.text("scale").equals("1/sqrt(d)"))) {
                scale = json.text("scale");
            } else {
                scaleValue = ExactDecimal.exactDouble(json.decimalOfCurrent("scale"), json.source() + ": scale");
                if (!(scaleValue > 0) || Double.isInfinite(scaleValue)) {
                    throw json.error("scale = " + scaleValue + " must be a positive number, \"1/d\" or \"1/sqrt(d)\"");
                }
            }
        }

        void requireProblemCount(JsonIn json) {
            if (batch < 1 || heads < 1 || batch * heads > MAX_PROBLEMS) {
                throw json.error("batch = " + batch + ", heads = " + heads + ": each must be >= 1 and batch x heads <= "
                        + MAX_PROBLEMS);
            }
        }

        /**
         * The arrays: those of the NPZ named by {@code arrays} (resolved against {@code dir}), else the inline ones,
         * which hold one problem only.
         */
        Map<String, Tensor> arrays(JsonIn json, Path dir, FloatFormat dtype) {
            if (arraysFile == null) {
                if (batch * heads > 1) {
                    throw json.error("batch x heads = " + batch * heads + " problems need their arrays in an NPZ file"
                            + " named by \"arrays\" (inline matrices hold one problem)");
                }
                return inline;
            }
            if (!inline.isEmpty()) {
                throw json.error("give the arrays inline or in \"arrays\" = " + InputText.quote(arraysFile) + ", not both ("
                        + new TreeSet<>(inline.keySet()) + " inline)");
            }
            Path npz = dir == null ? Path.of(arraysFile) : dir.resolve(arraysFile);
            return fromNpz(json, npz, dtype);
        }

        /** The score scale {@code sigma}; NaN for {@code 1/d} (the builder's default). */
        double sigma(int d) {
            return scale == null ? scaleValue : scale.equals("1/d") ? Double.NaN : 1.0 / Math.sqrt(d);
        }
    }

    private static Map<String, Tensor> fromNpz(JsonIn json, Path npz, FloatFormat dtype) {
        Map<String, NpzArrays.Array> raw = NpzArrays.read(npz);
        Map<String, Tensor> out = new HashMap<>();
        String declared = raw.containsKey("dtype") ? raw.get("dtype").text() : null;
        boolean bf16 = dtype == FloatFormat.BF16 || "bf16".equals(declared);
        for (NpzArrays.Array x : raw.values()) {
            if (x.name().equals("dtype")) {
                continue;
            }
            if (!FIELDS.contains(x.name()) || !(TOKEN_FIELDS.contains(x.name()) || WEIGHT_FIELDS.contains(x.name()))) {
                throw json.error(npz + ": unknown array " + InputText.quote(x.name()) + "; the arrays are "
                        + TOKEN_FIELDS + " and " + WEIGHT_FIELDS);
            }
            double[] v = x.data();
            if (x.npyType().equals("u2")) {
                if (!bf16) {
                    throw json.error(npz + ": array " + x.name() + " is uint16, which holds bfloat16 bits only with"
                            + " dtype \"bf16\" (in the header or as a dtype entry)");
                }
                v = NpzArrays.bf16Values(v);
            }
            out.put(x.name(), new Tensor(x.shape(), v, npz + ": " + x.name()));
        }
        return out;
    }

    /** A field's values with their shape ({@code (rows, cols)}, or {@code (B, H, n, d)}). */
    record Tensor(int[] shape, double[] data, String where) {
        static Tensor of(Grid g) {
            double[] v = new double[g.rows() * g.cols()];
            for (int r = 0; r < g.rows(); r++) {
                for (int c = 0; c < g.cols(); c++) {
                    v[r * g.cols() + c] = g.get(r, c);
                }
            }
            return new Tensor(new int[] {g.rows(), g.cols()}, v, null);
        }
    }

    /** Turns the read arrays into problems, checking names, shapes and dtype. */
    private static final class Assembly {
        final JsonIn json;
        final Map<String, Tensor> t;
        final int batch;
        final int heads;
        final int n;
        final int d;
        final FloatFormat dtype;

        Assembly(JsonIn json, Map<String, Tensor> t, int batch, int heads, int n, int d, FloatFormat dtype) {
            this.json = json;
            this.t = t;
            this.batch = batch;
            this.heads = heads;
            this.n = n;
            this.d = d;
            this.dtype = dtype;
        }

        void requireKnownShapes() {
            boolean qkv = t.containsKey("q") || t.containsKey("k") || t.containsKey("v");
            boolean self = t.containsKey("A");
            boolean a123 = t.containsKey("A1") || t.containsKey("A2") || t.containsKey("A3");
            if ((qkv ? 1 : 0) + (self ? 1 : 0) + (a123 ? 1 : 0) != 1) {
                throw json.error("give exactly one of q, k, v (projected inputs), A (self-attention: A1 = A2 = A3) or"
                        + " A1, A2, A3; found " + new TreeSet<>(t.keySet()));
            }
            List<String> need = new ArrayList<>(qkv ? List.of("q", "k", "v") : self ? List.of("A") : List.of("A1", "A2", "A3"));
            if (t.containsKey("E") && t.containsKey("dO")) {
                throw json.error("give either E (the target) or dO (the upstream gradient dO = Att - E), not both");
            }
            if (!t.containsKey("E") && !t.containsKey("dO")) {
                throw json.error("field \"E\" is missing (give the target E, or the upstream gradient dO = Att - E in its"
                        + " place; " + shapeText() + ")");
            }
            for (String f : need) {
                if (!t.containsKey(f)) {
                    throw json.error("field \"" + f + "\" is missing (" + shapeText() + ")");
                }
            }
            if (qkv) {
                for (String w : WEIGHT_FIELDS) {
                    if (t.containsKey(w)) {
                        throw json.error(w + " is given, but an instance of q, k, v has no weights");
                    }
                }
            }
            for (Map.Entry<String, Tensor> e : new java.util.TreeMap<>(t).entrySet()) {
                String f = e.getKey();
                int[] s = e.getValue().shape();
                if (TOKEN_FIELDS.contains(f)) {
                    boolean flat = s.length == 2 && s[0] == n && s[1] == d && batch * heads == 1;
                    boolean full = s.length == 4 && s[0] == batch && s[1] == heads && s[2] == n && s[3] == d;
                    if (!flat && !full) {
                        throw json.error(f + " has shape " + java.util.Arrays.toString(s) + " but must be " + shapeText());
                    }
                } else {
                    int side = f.equals("X") ? d * d : d;
                    if (s.length != 2 || s[0] != side || s[1] != side) {
                        throw json.error(f + " has shape " + java.util.Arrays.toString(s) + " but must be [" + side + ", "
                                + side + "] (shared by every problem)");
                    }
                }
                requireDtype(f, e.getValue());
            }
        }

        private String shapeText() {
            return batch * heads == 1 ? "[n, d] = [" + n + ", " + d + "] or [batch, heads, n, d] = [1, 1, " + n + ", " + d + "]"
                    : "[batch, heads, n, d] = [" + batch + ", " + heads + ", " + n + ", " + d + "]";
        }

        private void requireDtype(String f, Tensor x) {
            if (dtype == null || dtype == FloatFormat.FP64) {
                return;
            }
            for (int i = 0; i < x.data().length; i++) {
                if (!dtype.isExact(x.data()[i])) {
                    throw json.error(f + index(x.shape(), i) + " = " + ExactDecimal.exactText(x.data()[i])
                            + " is not a value of dtype " + dtype.label());
                }
            }
        }

        /** {@code [b][h][i][l]} (or {@code [i][l]}) of flat index {@code k} in {@code shape}. */
        static String index(int[] shape, int k) {
            StringBuilder sb = new StringBuilder();
            int[] idx = new int[shape.length];
            for (int a = shape.length - 1; a >= 0; a--) {
                idx[a] = k % shape[a];
                k /= shape[a];
            }
            for (int i : idx) {
                sb.append('[').append(i).append(']');
            }
            return sb.toString();
        }

        DMatrixRMaj token(String f, int b, int h) {
            Tensor x = t.get(f);
            int off = x.shape().length == 2 ? 0 : (b * heads + h) * n * d;
            DMatrixRMaj m = new DMatrixRMaj(n, d);
            System.arraycopy(x.data(), off, m.data, 0, n * d);
            return m;
        }

        DMatrixRMaj weight(String f) {
            Tensor x = t.get(f);
            int side = x.shape()[0];
            return DMatrixRMaj.wrap(side, side, x.data().clone());
        }

        /** Every problem, batch-major: {@code (b, h)} for {@code b < batch}, {@code h < heads}. */
        ProblemSet problems(PositionFamily fam, double sigma, boolean causal, Double bound) {
            List<RopeInstance> problems = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                for (int h = 0; h < heads; h++) {
                    problems.add(problem(b, h, fam, sigma, causal, bound));
                }
            }
            return new ProblemSet(batch, heads, problems);
        }

        RopeInstance problem(int b, int h, PositionFamily fam, double sigma, boolean causal, Double bound) {
            String at = batch * heads == 1 ? "" : "problem (batch " + b + ", head " + h + "): ";
            RopeInstance.Builder bl = RopeInstance.builder().family(fam).causal(causal);
            if (t.containsKey("dO")) {
                bl.dO(token("dO", b, h));
            } else {
                bl.e(token("E", b, h));
            }
            if (!Double.isNaN(sigma)) {
                bl.scale(sigma);
            }
            if (bound != null) {
                bl.entryBound(bound);
            }
            if (t.containsKey("q")) {
                bl.qkv(token("q", b, h), token("k", b, h), token("v", b, h));
            } else {
                if (t.containsKey("A")) {
                    DMatrixRMaj a = token("A", b, h);
                    bl.a1(a).a2(a.copy()).a3(a.copy());
                } else {
                    bl.a1(token("A1", b, h)).a2(token("A2", b, h)).a3(token("A3", b, h));
                }
                if (InstanceHeader.denseKeyWeight(json, t.containsKey("X"), t.containsKey("WQ"), t.containsKey("WK"),
                        "give X, or both WQ and WK; or q, k, v")) {
                    bl.x(weight("X"));
                } else {
                    bl.wq(weight("WQ")).wk(weight("WK"));
                }
                if (InstanceHeader.denseValueWeight(json, t.containsKey("Y"), t.containsKey("WV"))) {
                    bl.y(weight("Y"));
                } else {
                    bl.wv(weight("WV"));
                }
            }
            try {
                return bl.build();
            } catch (IllegalArgumentException e) {
                String m = InstanceHeader.fileNames(e.getMessage());
                if (t.containsKey("q")) {
                    m = m.replace("A1", "q").replace("A2", "k").replace("A3", "v");
                } else if (t.containsKey("A")) {
                    m = m.replace("A1", "A").replace("A2", "A").replace("A3", "A");
                }
                throw json.error(at + m);
            }
        }
    }
}
