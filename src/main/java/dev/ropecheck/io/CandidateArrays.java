package dev.ropecheck.io;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.ProblemSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.ejml.data.DMatrixRMaj;

/**
 * A result given as an NPZ file (specs/format-npz.md): one array per field, named by the field's key
 * ({@code attention}, {@code dQrot}, {@code lse}, ...), of shape {@code [batch, heads] + s} or, for
 * one problem, {@code s}, where {@code s} is the field's shape per problem ({@code [n, d]},
 * {@code [n]} or {@code [n, 1]}, {@code []} or {@code [1]}, {@code [n, n]}, {@code [d, d]}). Values are
 * read exactly ({@link NpzArrays}); {@code uint16} arrays are bfloat16 bits when the file's
 * {@code dtype} entry is {@code "bf16"}.
 */
public final class CandidateArrays {
    private CandidateArrays() {
    }

    /** The candidate's result for every problem of {@code set}, batch-major. */
    public static List<RopeResult> read(Path file, ProblemSet set) {
        Map<String, NpzArrays.Array> raw = NpzArrays.read(file);
        String declared = raw.containsKey("dtype") ? raw.get("dtype").text() : null;
        int n = set.first().n();
        int d = set.first().d();
        int p = set.problems().size();
        List<RopeResult.Builder> out = new ArrayList<>();
        for (int k = 0; k < p; k++) {
            out.add(RopeResult.builder("candidate"));
        }
        for (NpzArrays.Array a : raw.values()) {
            if (a.name().equals("dtype") || a.name().equals("engine")) {
                continue;
            }
            Quantity q;
            try {
                q = Quantity.byKey(a.name());
            } catch (IllegalArgumentException e) {
                throw new FormatException(file + ": unknown array " + InputText.quote(a.name()) + "; a result's arrays are "
                        + Arrays.stream(Quantity.values()).map(Quantity::key).collect(Collectors.joining(", ")));
            }
            int rows = q.shape().rows(n, d);
            int cols = q.shape().cols(n, d);
            int[] s = a.shape();
            boolean batched = s.length >= 2 && s[0] == set.batch() && s[1] == set.heads()
                    && matches(Arrays.copyOfRange(s, 2, s.length), q.shape(), rows, cols);
            boolean single = p == 1 && matches(s, q.shape(), rows, cols);
            if (!batched && !single) {
                throw new FormatException(file + ": array " + a.name() + " has shape " + Arrays.toString(s) + " but must be "
                        + "[batch, heads] + " + perProblem(q.shape(), rows, cols) + " = [" + set.batch() + ", " + set.heads()
                        + "] + " + perProblem(q.shape(), rows, cols) + (p == 1 ? " or " + perProblem(q.shape(), rows, cols) : ""));
            }
            double[] v = a.data();
            if (a.npyType().equals("u2")) {
                if (!"bf16".equals(declared)) {
                    throw new FormatException(file + ": array " + a.name() + " is uint16, which holds bfloat16 bits only"
                            + " with a dtype entry \"bf16\"");
                }
                v = NpzArrays.bf16Values(v);
            }
            int size = rows * cols;
            for (int k = 0; k < p; k++) {
                DMatrixRMaj m = new DMatrixRMaj(rows, cols);
                System.arraycopy(v, k * size, m.data, 0, size);
                out.get(k).put(q, m);
            }
        }
        List<RopeResult> results = new ArrayList<>();
        for (RopeResult.Builder b : out) {
            results.add(b.build());
        }
        return results;
    }

    /**
     * Writes {@code results} (one per problem, batch-major) as a result NPZ (specs/format-npz.md): per field of
     * {@code fields} one float64 array of shape {@code [batch, heads] + s}, or {@code s} alone when
     * {@code leading} is false (one problem); a {@code dtype} entry {@code "fp64"} and an {@code engine} entry.
     */
    public static void write(Path file, List<RopeResult> results, int batch, int heads, int n, int d,
            java.util.Set<Quantity> fields, String engine, boolean leading) {
        if (!leading && results.size() != 1) {
            throw new IllegalArgumentException("a result NPZ without leading dimensions holds one problem, not "
                    + results.size());
        }
        Map<String, NpzArrays.Array> arrays = new java.util.LinkedHashMap<>();
        for (Quantity q : fields) {
            int size = results.get(0).get(q).data.length;
            double[] all = new double[size * results.size()];
            for (int k = 0; k < results.size(); k++) {
                System.arraycopy(results.get(k).get(q).data, 0, all, k * size, size);
            }
            int rows = q.shape().rows(n, d);
            int cols = q.shape().cols(n, d);
            int[] per = q.shape() == Quantity.Shape.ONE ? new int[0]
                    : q.shape() == Quantity.Shape.N_1 ? new int[] {rows} : new int[] {rows, cols};
            int[] shape = per;
            if (leading) {
                shape = new int[per.length + 2];
                shape[0] = batch;
                shape[1] = heads;
                System.arraycopy(per, 0, shape, 2, per.length);
            }
            arrays.put(q.key(), new NpzArrays.Array(q.key(), shape, all, "f8", null));
        }
        NpzArrays.write(file, arrays, new java.util.TreeMap<>(Map.of("dtype", "fp64", "engine", engine)), false);
    }

    private static boolean matches(int[] s, Quantity.Shape shape, int rows, int cols) {
        switch (shape) {
            case ONE:
                return s.length == 0 || s.length == 1 && s[0] == 1;
            case N_1:
                return s.length == 1 && s[0] == rows || s.length == 2 && s[0] == rows && s[1] == 1;
            default:
                return s.length == 2 && s[0] == rows && s[1] == cols;
        }
    }

    private static String perProblem(Quantity.Shape shape, int rows, int cols) {
        switch (shape) {
            case ONE:
                return "[]";
            case N_1:
                return "[" + rows + "]";
            default:
                return "[" + rows + ", " + cols + "]";
        }
    }
}
