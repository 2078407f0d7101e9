package dev.ropecheck.report;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.io.InstanceGenerator;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * A fast forward engine (MATH §5; RoPE-fwd Thm 1.3, RoPE-grad Lemma 6.1) against the exact engine on
 * random instances: {@code attention, c, alpha, loss}. Allowed:
 * {@code |fast - exact_double| <= |fast - true| + |exact_double - true|}, the first term the
 * engine's own certified bound ({@code FastForwardBound}, reported in its result metadata as
 * {@code boundAttention, boundC, boundAlphaRelative, boundLoss}), the second the exact engine's
 * rounding model with instance magnitudes only ({@link Engines#allowed} with {@code trusted = false}).
 */
public final class FastForwardCheck implements LemmaCheck {
    private static final Set<Quantity> FIELDS = EnumSet.of(Quantity.ALPHA, Quantity.ATTENTION, Quantity.C, Quantity.LOSS);
    private final Engines engines;
    private final String engineName;
    private final String id;
    private final boolean ropeOnly;

    /**
     * @param ropeOnly true for engines that take only RoPE and identity families (low rank)
     */
    public FastForwardCheck(Engines engines, String engineName, String id, boolean ropeOnly) {
        this.engines = engines;
        this.engineName = engineName;
        this.id = id;
        this.ropeOnly = ropeOnly;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title() {
        return engineName + " forward (alpha, attention, c, loss) vs exact, against its certified bound (MATH §5)";
    }

    @Override
    public CheckResult run(CheckCases cases, Progress progress) {
        Optional<RopeAttentionEngine> fast = engines.engine(engineName);
        Optional<RopeAttentionEngine> exact = engines.engine("exact");
        if (fast.isEmpty() || exact.isEmpty()) {
            return CheckResult.skipped(this, "needs engines " + engineName + " and exact");
        }
        List<Integer> ns = new ArrayList<>(cases.sizes());
        ns.add(cases.maxN() * 8); // one larger n: 256 in --quick, 1024 in --full
        double worstRatio = -1;
        double worstErr = 0;
        double worstBound = 1;
        String worst = "";
        int count = 0;
        int total = ns.size() * 3 * 2;
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int n : ns) {
            for (InstanceGenerator.Family fam : List.of(InstanceGenerator.Family.ROPE, InstanceGenerator.Family.IDENTITY,
                    InstanceGenerator.Family.EXPLICIT)) {
                for (double bound : new double[] {0.5, 1.0}) {
                    progress.step(engineName + " vs exact n=" + n + " " + fam.label(), count, total);
                    if (ropeOnly && fam == InstanceGenerator.Family.EXPLICIT) {
                        continue;
                    }
                    long seed = 11L * n + fam.ordinal() + (long) (bound * 4);
                    RopeInstance inst = InstanceGenerator.build(new InstanceGenerator.Params(n, 2, fam, bound, seed));
                    RopeResult f;
                    try {
                        f = fast.get().compute(inst, FIELDS);
                    } catch (IllegalArgumentException e) {
                        continue; // refused (e.g. monomial or rank cap), which the engine's own tests cover
                    }
                    RopeResult x = exact.get().compute(inst, FIELDS);
                    count++;
                    double caseErr = 0;
                    for (Quantity q : FIELDS) {
                        double own = certified(f, q, x);
                        OptionalDouble ex = engines.allowed("exact", inst, x, false, q);
                        if (Double.isNaN(own) || ex.isEmpty()) {
                            return CheckResult.skipped(this, "no bound for " + q.key() + " ("
                                    + (Double.isNaN(own) ? engineName + " reports none" : engines.whyNoBound("exact")) + ")");
                        }
                        FieldError err = FieldError.of(f.get(q), x.get(q));
                        double allowed = own + ex.getAsDouble();
                        double ratio = err.maxAbs() / allowed;
                        if (Double.isNaN(ratio)) {
                            ratio = Double.POSITIVE_INFINITY;
                        }
                        if (ratio > worstRatio) {
                            worstRatio = ratio;
                            worstErr = err.maxAbs();
                            worstBound = allowed;
                            worst = q.key() + " on make-instance --n " + n + " --d 2 --family " + fam.label() + " --bound "
                                    + bound + " --seed " + seed + " (degree " + f.metadata().get("degree") + ")";
                        }
                        if (q == Quantity.ATTENTION) {
                            caseErr = err.maxAbs();
                        }
                    }
                    xs.add((double) n);
                    ys.add(caseErr);
                }
            }
        }
        progress.step(engineName + " vs exact", total, total);
        if (count == 0) {
            return CheckResult.skipped(this, engineName + " refused every case");
        }
        return new CheckResult(id, title(), count, worstErr, worstBound, worstRatio <= 1 ? Verdict.PASS : Verdict.FAIL,
                "worst: " + worst, List.of(Checks.maxByX(Plot.ERROR_VS_N, engineName + " attention vs exact", xs, ys)));
    }

    /**
     * The engine's certified bound on {@code max |value - true|} for {@code q} from its metadata
     * ({@code alpha}: the relative bound times {@code max alpha} of {@code exact}), NaN when absent.
     */
    public static double certified(RopeResult r, Quantity q, RopeResult exact) {
        String key;
        switch (q) {
            case ATTENTION:
                key = "boundAttention";
                break;
            case C:
                key = "boundC";
                break;
            case LOSS:
                key = "boundLoss";
                break;
            case ALPHA:
                key = "boundAlphaRelative";
                break;
            default:
                return Double.NaN;
        }
        String v = r.metadata().get(key);
        if (v == null) {
            return Double.NaN;
        }
        double b;
        try {
            b = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
        if (q == Quantity.ALPHA) {
            // relative per entry: |alpha~ - alpha| <= b alpha <= b (max alpha_exact_double)(1 + 2^-40 slack for its rounding)
            double max = 0;
            for (double a : exact.get(Quantity.ALPHA).data) {
                max = Math.max(max, Math.abs(a));
            }
            return b * max * (1 + 0x1.0p-40);
        }
        return b;
    }
}
