package dev.ropecheck.candidates;

import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.io.InstanceReader;
import dev.ropecheck.io.ResultDocument;
import dev.ropecheck.io.ResultWriter;
import dev.ropecheck.model.RopeInstance;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a {@link CandidateAttention} result as a {@code rope-attention-result/1} file, for running
 * {@code ropecheck check} on the candidates by hand:
 *
 * <pre>
 * java -cp target/test-classes:target/classes:CLASSPATH dev.ropecheck.candidates.CandidateMain \
 *     --in I.json --out R.json [--dtype fp64|fp32|bf16|fp16] [--order naive|pairwise|blocked_online_softmax]
 *     [--bug NAME] [--block BC] [--entry I,J]
 * </pre>
 *
 * Exit 0 written, 2 bad arguments or input.
 */
public final class CandidateMain {
    private CandidateMain() {
    }

    public static void main(String[] args) throws Exception {
        String in = null;
        String out = null;
        FloatFormat fmt = FloatFormat.FP64;
        Summation order = Summation.NAIVE;
        Bug bug = Bug.NONE;
        int block = CandidateAttention.DEFAULT_BLOCK;
        int row = -1;
        int col = -1;
        try {
            for (int a = 0; a < args.length; a += 2) {
                if (a + 1 >= args.length) {
                    throw new IllegalArgumentException(args[a] + " needs a value");
                }
                String v = args[a + 1];
                switch (args[a]) {
                    case "--in":
                        in = v;
                        break;
                    case "--out":
                        out = v;
                        break;
                    case "--dtype":
                        fmt = FloatFormat.parse(v);
                        break;
                    case "--order":
                        order = Summation.valueOf(v.toUpperCase(Locale.ROOT));
                        break;
                    case "--bug":
                        bug = Bug.valueOf(v.toUpperCase(Locale.ROOT));
                        break;
                    case "--block":
                        block = Integer.parseInt(v);
                        break;
                    case "--entry":
                        String[] ij = v.split(",");
                        row = Integer.parseInt(ij[0].trim());
                        col = Integer.parseInt(ij[1].trim());
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + args[a]);
                }
            }
            if (in == null || out == null) {
                throw new IllegalArgumentException("--in and --out are required");
            }
            RopeInstance inst = InstanceReader.read(Path.of(in));
            RopeResult r = CandidateAttention.compute(inst, fmt, order, bug, block, row, col);
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(Path.of(out)))) {
                ResultWriter.write(ResultDocument.of(r, inst.n(), inst.d(), false), os);
            }
            System.out.println("wrote " + out + " (candidate " + fmt.label() + " " + order + " " + bug + ", "
                    + r.metadata().get("time_ms") + " ms)");
        } catch (IllegalArgumentException e) {
            System.err.println("candidate: " + e.getMessage());
            System.exit(2);
        }
    }
}
