package dev.ropecheck.io;

import com.fasterxml.jackson.core.JsonToken;
import dev.ropecheck.model.ExplicitFamily;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.ropecheck.bounds.FloatFormat;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * Reads and validates a {@code rope-attention-instance/1} document (specs/format-instance.md) into
 * a {@link RopeInstance}. Streaming: memory is the instance's doubles plus {@code O(n)} overhead, so
 * {@code n = 2^18} instances read in a few seconds.
 *
 * <p>Every number must be exactly a binary64 value (no rounding happens on the way in); every
 * failure is a {@link FormatException} naming the file and the field.
 */
public final class InstanceReader {
    private static final Set<String> FIELDS = Set.of("format", "n", "d", "bound", "A1", "A2", "A3", "E", "WQ",
            "WK", "WV", "X", "Y", "family", "comment", "dtype");
    private static final Set<String> FAMILY_FIELDS = Set.of("kind", "base", "layout", "W", "support");

    private InstanceReader() {
    }

    /** Reads {@code file}; a missing file is a {@link FormatException} naming it. */
    public static RopeInstance read(Path file) {
        return JsonFiles.read(file, "instance", InstanceReader::read);
    }

    /** Reads one instance document from {@code in}; {@code source} names it in messages. */
    public static RopeInstance read(InputStream in, String source) {
        try (JsonIn json = new JsonIn(in, source, JsonIn.Kind.INSTANCE)) {
            return parse(json);
        }
    }

    /**
     * What an instance file's header says, read without its bulk.
     *
     * @param n tokens, in {@code [1, 2^24]}
     * @param d features, in {@code [1, 256]}
     * @param bound the declared entry bound, when given
     * @param dtype the declared storage format (specs/format-instance.md, {@code dtype}); empty means fp64
     */
    public record Header(int n, int d, Optional<Double> bound, Optional<FloatFormat> dtype) {
        /** The storage format the entries are values of: {@link #dtype} or fp64. */
        public FloatFormat format() {
            return dtype.orElse(FloatFormat.FP64);
        }
    }

    /**
     * Reads the header of {@code file}: {@code format}, {@code n}, {@code d}, {@code bound}, {@code dtype}, as far as
     * they precede the matrices (as {@code make-instance} writes them) — so a caller can refuse a size before the
     * bulk is read. When {@code n} or {@code d} come after the matrices, those are skipped (token by token,
     * linear, without converting numbers) until they are found. The matrices are not validated here.
     *
     * @throws FormatException naming the file and field when the header is missing or malformed
     */
    public static Header readHeader(Path file) {
        return JsonFiles.read(file, "instance", InstanceReader::readHeader);
    }

    /** {@link #readHeader(Path)} from a stream; {@code source} names it in messages. */
    public static Header readHeader(InputStream in, String source) {
        try (JsonIn json = new JsonIn(in, source, JsonIn.Kind.INSTANCE)) {
            InstanceHeader header = new InstanceHeader(InstanceFormat.TAG);
            json.startDocument();
            while (json.next() != JsonToken.END_OBJECT) {
                String field = header.knownField(json, FIELDS, "an instance");
                if (header.read(json, field)) {
                    continue;
                }
                if (header.complete()) {
                    break;
                }
                header.bulkStarted();
                json.next();
                json.skipValue();
            }
            header.requireFormat(json);
            header.requireSize(json, 1 << 24, 256);
            return new Header((int) header.n(), (int) header.d(), Optional.ofNullable(header.bound(json)),
                    Optional.ofNullable(header.dtype()));
        }
    }

    private static RopeInstance parse(JsonIn json) {
        InstanceHeader header = new InstanceHeader(InstanceFormat.TAG);
        Map<String, Grid> matrices = new HashMap<>();
        FamilyText family = readFields(json, header, matrices);
        header.finish(json, 1 << 24, 256);
        int nn = (int) header.n();
        int dd = (int) header.d();
        for (String name : new String[] {"A1", "A2", "A3", "E"}) {
            InstanceHeader.requireShape(json, matrices, name, nn, dd, "n x d");
        }
        FamilyText.require(json, family);
        for (Map.Entry<String, Grid> m : new java.util.TreeMap<>(matrices).entrySet()) {
            header.requireDtype(json, m.getKey(), m.getValue());
        }
        RopeInstance.Builder b = RopeInstance.builder();
        b.a1(matrices.get("A1").toMatrix()).a2(matrices.get("A2").toMatrix()).a3(matrices.get("A3").toMatrix())
                .e(matrices.get("E").toMatrix());
        keyWeights(json, matrices, dd, b);
        valueWeight(json, matrices, dd, b);
        b.family(family.buildChecked(nn, dd));
        Double bound = header.bound(json);
        if (bound != null) {
            b.entryBound(bound);
        }
        return InstanceHeader.build(json, b::build);
    }

    /**
     * Reads every field of the document: the header's into {@code header}, the matrices into {@code matrices};
     * returns the family, or null when there is none.
     */
    private static FamilyText readFields(JsonIn json, InstanceHeader header, Map<String, Grid> matrices) {
        json.startDocument();
        FamilyText family = null;
        while (json.next() != JsonToken.END_OBJECT) {
            String field = header.knownField(json, FIELDS, "an instance");
            if (header.read(json, field)) {
                continue;
            }
            header.bulkStarted();
            if (field.equals("family")) {
                family = parseFamily(json);
            } else {
                matrices.put(field, json.readMatrix(field, JsonIn.Numbers.EXACT));
            }
        }
        return family;
    }

    /** Gives {@code b} the key weights: {@code X} ({@code d^2 x d^2}), or {@code WQ} and {@code WK} ({@code d x d}). */
    private static void keyWeights(JsonIn json, Map<String, Grid> m, int d, RopeInstance.Builder b) {
        if (InstanceHeader.denseKeyWeight(json, m.containsKey("X"), m.containsKey("WQ"), m.containsKey("WK"),
                "give X, or both WQ and WK")) {
            InstanceHeader.requireShape(json, m, "X", d * d, d * d, "d^2 x d^2");
            b.x(m.get("X").toMatrix());
        } else {
            InstanceHeader.requireShape(json, m, "WQ", d, d, "d x d");
            InstanceHeader.requireShape(json, m, "WK", d, d, "d x d");
            b.wq(m.get("WQ").toMatrix()).wk(m.get("WK").toMatrix());
        }
    }

    /** Gives {@code b} the value weight: {@code Y} or {@code WV} ({@code d x d}). */
    private static void valueWeight(JsonIn json, Map<String, Grid> m, int d, RopeInstance.Builder b) {
        boolean hasY = InstanceHeader.denseValueWeight(json, m.containsKey("Y"), m.containsKey("WV"));
        InstanceHeader.requireShape(json, m, hasY ? "Y" : "WV", d, d, "d x d");
        if (hasY) {
            b.y(m.get("Y").toMatrix());
        } else {
            b.wv(m.get("WV").toMatrix());
        }
    }

    /** The family object as read, turned into a {@link PositionFamily} once {@code n, d} are known. */
    static final class FamilyText {
        String kind;
        double base = RopeFamily.DEFAULT_BASE;
        boolean hasBase;
        String layout = "interleaved";
        boolean hasLayout;
        List<Grid> w;
        int[][] support;
        JsonIn json;

        /** A {@link FormatException} when the document had no {@code family} ({@code family} is null). */
        static FamilyText require(JsonIn json, FamilyText family) {
            if (family == null) {
                throw json.error("field \"family\" is missing");
            }
            return family;
        }

        /** {@link #build}, with a family constructor's refusal turned into a {@link FormatException} "family: ...". */
        PositionFamily buildChecked(int n, int d) {
            try {
                return build(n, d);
            } catch (FormatException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw json.error("family: " + e.getMessage());
            }
        }

        PositionFamily build(int n, int d) {
            switch (kind) {
                case "rope":
                    if (w != null || support != null) {
                        throw json.error("family: kind \"rope\" takes only base and layout, not W or support");
                    }
                    if (d % 2 != 0) {
                        throw json.error("family: RoPE rotates dimensions in pairs, so d must be even, but d = " + d);
                    }
                    return new RopeFamily(d, base, RopeFamily.Layout.parse(layout));
                case "identity":
                    if (w != null || support != null || hasBase || hasLayout) {
                        throw json.error("family: kind \"identity\" takes no other fields");
                    }
                    return new IdentityFamily(d);
                default:
                    return explicit(n, d);
            }
        }

        private PositionFamily explicit(int n, int d) {
            if (w == null) {
                throw json.error("family.W is missing (kind \"explicit\" needs 2n-1 = " + (2 * n - 1) + " matrices)");
            }
            if (hasBase || hasLayout) {
                throw json.error("family: kind \"explicit\" takes W and support, not base or layout");
            }
            if (w.size() != 2 * n - 1) {
                throw json.error("family.W holds " + w.size() + " matrices but n = " + n + " needs 2n-1 = " + (2 * n - 1)
                        + " (W[k] is W_m for m = k-(n-1))");
            }
            DMatrixRMaj[] mats = new DMatrixRMaj[w.size()];
            boolean[][] mask = new boolean[d][d];
            for (int k = 0; k < mats.length; k++) {
                Grid g = w.get(k);
                if (g.rows() != d || g.cols() != d) {
                    throw json.error("family.W[" + k + "] has shape " + g.rows() + "x" + g.cols() + " but must be d x d = "
                            + d + "x" + d);
                }
                mats[k] = g.toMatrix();
                for (int b = 0; b < d; b++) {
                    for (int e = 0; e < d; e++) {
                        mask[b][e] |= g.get(b, e) != 0.0;
                    }
                }
            }
            if (support != null) {
                mask = new boolean[d][d];
                for (int k = 0; k < support.length; k++) {
                    int b = support[k][0];
                    int e = support[k][1];
                    if (b < 0 || b >= d || e < 0 || e >= d) {
                        throw json.error("family.support[" + k + "] = [" + b + "," + e + "] lies outside [0," + d
                                + ") x [0," + d + ")");
                    }
                    mask[b][e] = true;
                }
            }
            return new ExplicitFamily(mats, Support.ofMask(mask));
        }
    }

    static FamilyText parseFamily(JsonIn json) {
        JsonToken t = json.next();
        if (t != JsonToken.START_OBJECT) {
            throw json.error("family: expected an object {\"kind\": ...}, found " + JsonIn.describe(t));
        }
        FamilyText f = new FamilyText();
        f.json = json;
        Set<String> seen = new HashSet<>();
        while ((t = json.next()) != JsonToken.END_OBJECT) {
            String field = json.fieldName();
            if (!seen.add(field)) {
                throw json.error("family: field " + InputText.quote(field) + " appears twice");
            }
            if (!FAMILY_FIELDS.contains(field)) {
                throw json.error("family: unknown field " + InputText.quote(field) + "; a family has the fields "
                        + new java.util.TreeSet<>(FAMILY_FIELDS));
            }
            switch (field) {
                case "kind":
                    f.kind = json.readString("family.kind");
                    if (!Set.of("rope", "identity", "explicit").contains(f.kind)) {
                        throw json.error("family.kind = " + InputText.quote(f.kind) + " must be \"rope\", \"identity\" or \"explicit\"");
                    }
                    break;
                case "base":
                    f.base = json.readExact("family.base");
                    f.hasBase = true;
                    if (!(f.base > 1)) {
                        throw json.error("family.base = " + f.base + " must be > 1");
                    }
                    break;
                case "layout":
                    f.layout = json.readString("family.layout");
                    f.hasLayout = true;
                    if (!f.layout.equals("interleaved") && !f.layout.equals("half-split")) {
                        throw json.error("family.layout = " + InputText.quote(f.layout) + " must be \"interleaved\" or \"half-split\"");
                    }
                    break;
                case "W":
                    f.w = readMatrices(json);
                    break;
                default:
                    f.support = readSupport(json);
            }
        }
        if (f.kind == null) {
            throw json.error("family.kind is missing (\"rope\", \"identity\" or \"explicit\")");
        }
        return f;
    }

    private static List<Grid> readMatrices(JsonIn json) {
        JsonToken t = json.next();
        if (t != JsonToken.START_ARRAY) {
            throw json.error("family.W: expected an array of 2n-1 matrices, found " + JsonIn.describe(t));
        }
        List<Grid> list = new ArrayList<>();
        // Peek-free reading: each element must itself be a matrix; JsonIn.readMatrix consumes its START_ARRAY.
        while (true) {
            Grid g = readMatrixOrEnd(json, "family.W[" + list.size() + "]");
            if (g == null) {
                return list;
            }
            list.add(g);
        }
    }

    /** Reads the next matrix, or returns null at the end of the enclosing array. */
    private static Grid readMatrixOrEnd(JsonIn json, String name) {
        JsonToken t = json.next();
        if (t == JsonToken.END_ARRAY) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw json.error(name + ": expected a matrix (an array of rows), found " + JsonIn.describe(t));
        }
        return json.readMatrixBody(name, JsonIn.Numbers.EXACT);
    }

    private static int[][] readSupport(JsonIn json) {
        JsonToken t = json.next();
        if (t != JsonToken.START_ARRAY) {
            throw json.error("family.support: expected an array of [b,e] pairs, found " + JsonIn.describe(t));
        }
        List<int[]> pairs = new ArrayList<>();
        while ((t = json.next()) != JsonToken.END_ARRAY) {
            String where = "family.support[" + pairs.size() + "]";
            if (t != JsonToken.START_ARRAY) {
                throw json.error(where + ": expected a pair [b,e], found " + JsonIn.describe(t));
            }
            long b = json.readInteger(where + "[0]");
            long e = json.readInteger(where + "[1]");
            if (json.next() != JsonToken.END_ARRAY) {
                throw json.error(where + ": expected a pair [b,e] of exactly two indices");
            }
            if (b < 0 || e < 0 || b > Integer.MAX_VALUE || e > Integer.MAX_VALUE) {
                throw json.error(where + " = [" + b + "," + e + "] has a negative or huge index");
            }
            pairs.add(new int[] {(int) b, (int) e});
        }
        return pairs.toArray(new int[0][]);
    }
}
