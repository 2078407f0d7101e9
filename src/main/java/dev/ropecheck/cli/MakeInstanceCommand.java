package dev.ropecheck.cli;

import dev.ropecheck.bounds.FloatFormat;
import dev.ropecheck.io.AtomicFile;
import dev.ropecheck.io.InstanceGenerator;
import dev.ropecheck.io.InstanceWriter;
import dev.ropecheck.io.KernelInstanceWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code make-instance}: writes a random instance with exact dyadic entries (streamed). */
@Command(name = "make-instance", mixinStandardHelpOptions = true,
        description = "Writes a random instance: entries k/2^12 in [-B, B], reproducible from the seed; streamed, "
                + "so n = 2^18 and more are fine.")
final class MakeInstanceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--n", required = true, description = "Tokens n, in [1, 2^24].")
    int n;

    @Option(names = "--d", required = true, description = "Features d, in [1, 256] (even for RoPE).")
    int d;

    @Option(names = "--family", required = true, paramLabel = "KIND",
            description = "rope (interleaved), rope-half (half-split), identity, explicit, or tensor (a tensor-attention-instance/1,"
                    + " d <= 64; with WQ, WK1, WK2, WV1, WV2 unless --x).")
    String family;

    @Option(names = "--bound", required = true, paramLabel = "B", description = "Entry bound B: every entry lies in [-B, B].")
    double bound;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--x", description = "Give a dense random X (d^2 x d^2; tensor: X d x d^2 and Y d^2 x d) instead of the weights.")
    boolean denseX;

    @Option(names = "--out", paramLabel = "FILE", description = "Output file (written atomically); stdout when absent.")
    Path out;

    @Option(names = "--dtype", defaultValue = "fp64", paramLabel = "FORMAT",
            description = "fp64, fp32, bf16 or fp16: every entry is a value of this format (rounded to nearest after"
                    + " drawing; recorded as the header's \"dtype\"). Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--scale", paramLabel = "S",
            description = "Score scale (MATH §9): 1/d (the papers), 1/sqrt(d) (PyTorch, FlashAttention) or a positive"
                    + " number. Any of --scale, --causal, --qkv, --batch, --heads writes a rope-attention-instance/2:"
                    + " a JSON header at --out and its arrays in an NPZ beside it.")
    String scale;

    @Option(names = "--causal", description = "Causal mask: row i sees only j <= i (MATH §9).")
    boolean causal;

    @Option(names = "--qkv", description = "Give q, k, v directly (no weights); the gradients are dQ, dK, dV (MATH §9).")
    boolean qkv;

    @Option(names = "--upstream", defaultValue = "E", paramLabel = "E|dO",
            description = "E (the target of the loss; the default) or dO: write the upstream gradient dO = Att - E in"
                    + " place of E, what a kernel's backward takes (MATH §9; the loss is then undefined). dO writes a"
                    + " rope-attention-instance/2.")
    String upstream;

    @Option(names = "--batch", defaultValue = "0", paramLabel = "B", description = "Leading batch dimension (arrays [B, H, n, d]).")
    int batch;

    @Option(names = "--heads", defaultValue = "0", paramLabel = "H", description = "Heads dimension (arrays [B, H, n, d]).")
    int heads;

    @Override
    public Integer call() throws IOException {
        FloatFormat format = parseDtype();
        requireTensorOptions(format);
        if (!(bound > 0)) {
            throw new IllegalArgumentException("--bound = " + bound + " must lie in (0, 2^20]");
        }
        InstanceGenerator.requireNonZeroEntries(bound, format);
        Main.workload("make-instance n = " + n + ", d = " + d);
        if (family.equals("tensor")) {
            writeTensor();
            return Main.EXIT_OK;
        }
        InstanceGenerator.Params p = new InstanceGenerator.Params(n, d, InstanceGenerator.Family.parse(family), bound, seed,
                !denseX, false, format);
        boolean dO = parseUpstream();
        if (scale != null || causal || qkv || batch != 0 || heads != 0 || dO) {
            writeVersion2(p, dO);
        } else {
            writeVersion1(p);
        }
        return Main.EXIT_OK;
    }

    /** {@code --dtype} as a format. */
    private FloatFormat parseDtype() {
        try {
            return FloatFormat.parse(dtype);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dtype " + dev.ropecheck.io.InputText.quote(dtype)
                    + " must be fp64, fp32, bf16 or fp16");
        }
    }

    /** Refuses {@code --upstream} and a {@code --dtype} other than fp64 for {@code --family tensor}. */
    private void requireTensorOptions(FloatFormat format) {
        if (family.equals("tensor") && !"E".equals(upstream)) {
            throw new IllegalArgumentException("--upstream " + dev.ropecheck.io.InputText.quote(upstream) + " is for RoPE"
                    + " instances; tensor instances hold E (drop --upstream)");
        }
        if (family.equals("tensor") && format != FloatFormat.FP64) {
            throw new IllegalArgumentException("--dtype " + format.label() + " is for RoPE instances; tensor instances"
                    + " are fp64 (drop --dtype)");
        }
    }

    /** True for {@code --upstream dO}, false for {@code E}. */
    private boolean parseUpstream() {
        switch (upstream) {
            case "E":
                return false;
            case "dO":
                return true;
            default:
                throw new IllegalArgumentException("--upstream " + dev.ropecheck.io.InputText.quote(upstream)
                        + " must be E (the target) or dO (the upstream gradient)");
        }
    }

    /** A tensor-attention-instance/1 to {@code --out} (atomically) or stdout. */
    private void writeTensor() throws IOException {
        dev.ropecheck.model.TensorInstance t = dev.ropecheck.io.TensorInstanceWriter.random(n, d, bound, seed,
                !denseX, false);
        if (out == null) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            dev.ropecheck.io.TensorInstanceWriter.write(t, bytes);
            PrintWriter w = spec.commandLine().getOut();
            w.print(bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
            StandardOutput.finish(w);
        } else {
            AtomicFile.write(out, o -> dev.ropecheck.io.TensorInstanceWriter.write(t, o));
        }
    }

    /** A rope-attention-instance/2: the JSON header at {@code --out}, its NPZ beside it. */
    private void writeVersion2(InstanceGenerator.Params p, boolean dO) {
        if (out == null) {
            throw new IllegalArgumentException("a rope-attention-instance/2 (--scale, --causal, --qkv, --batch, --heads,"
                    + " --upstream dO)"
                    + " is a JSON header and an NPZ beside it: give --out FILE.json");
        }
        if (batch < 0 || heads < 0) {
            throw new IllegalArgumentException("--batch and --heads must be >= 1");
        }
        KernelInstanceWriter.write(new KernelInstanceWriter.Spec(p, scale, causal, qkv, batch, heads, dO), out);
    }

    /** A rope-attention-instance/1 to {@code --out} (atomically) or stdout, streamed. */
    private void writeVersion1(InstanceGenerator.Params p) throws IOException {
        if (out == null) {
            PrintWriter w = spec.commandLine().getOut();
            try (InstanceWriter iw = new InstanceWriter(w)) {
                InstanceGenerator.write(p, iw);
            }
            StandardOutput.finish(w);
        } else {
            AtomicFile.write(out, o -> {
                try (InstanceWriter iw = new InstanceWriter(o)) {
                    InstanceGenerator.write(p, iw);
                }
            });
        }
    }
}
