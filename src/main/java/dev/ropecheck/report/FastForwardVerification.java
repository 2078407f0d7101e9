package dev.ropecheck.report;

import dev.ropecheck.bounds.Deviation;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.io.InstanceGenerator;
import dev.ropecheck.model.Matrices;
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
public final class FastForwardVerification implements Verification {
    private static final Set<Quantity> FIELDS = EnumSet.of(Quantity.ALPHA, Quantity.ATTENTION, Quantity.C, Quantity.LOSS);
    private final Engines engines;
    private final String engineName;
    private final String id;
    private final boolean ropeOnly;

    /**
     * @param ropeOnly true for engines that take only RoPE and identity families (low rank)
     */
    public FastForwardVerification(Engines engines, String engineName, String id, boolean ropeOnly) {
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

    /** Exact-engine results per instance label, shared by the fast engines' checks (one exact run per case). */
    private static final java.util.Map<String, RopeResult> EXACT = new java.util.concurrent.ConcurrentHashMap<>();
    /** Instances by parameters, shared by the fast engines' checks (building one at n = 2^16 takes seconds). */
    private static final java.util.Map<InstanceGenerator.Params, RopeInstance> INSTANCES =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** The eps of the eps sweep. */
    static final double[] EPS_SWEEP = {1e-2, 1e-4, 1e-6, 1e-8, 1e-10};
    /** The d of the d sweep. */
    static final int[] D_SWEEP = {2, 4, 8};

    @Override
    public VerificationResult run(VerificationCases cases, Progress progress) {
        Optional<RopeAttentionEngine> fast = engines.engine(engineName);
        Optional<RopeAttentionEngine> exact = engines.engine("exact");
        if (fast.isEmpty() || exact.isEmpty()) {
            return VerificationResult.skipped(this, "needs engines " + engineName + " and exact");
        }
        List<Sweep> plan = plan(cases);
        WorstCase w = new WorstCase();
        int done = 0;
        for (Sweep c : plan) {
            progress.step(engineName + " vs exact: " + c.label(), done++, plan.size());
            RopeAttentionEngine f = c.eps() == 0 ? fast.get() : engines.engine(engineName, c.eps()).orElseThrow();
            String skip = judge(f, exact.get(), c, w);
            if (skip != null) {
                return VerificationResult.skipped(this, skip);
            }
        }
        progress.step(engineName + " vs exact", plan.size(), plan.size());
        VerificationResult r = w.result(this, Plot.ERROR_VS_N, engineName + " attention vs exact");
        return r.verdict() == Verdict.SKIPPED ? VerificationResult.skipped(this, engineName + " refused every case") : r;
    }

    /**
     * One case of the plan: an instance, the eps of the engine ({@code 0}: the run's), and the axis it belongs to
     * (a small-n case is drawn against n; a sweep case against its parameter).
     */
    record Sweep(InstanceGenerator.Params params, double eps, TightnessPoint.Axis axis) {
        String label() {
            return "make-instance --n " + params.n() + " --d " + params.d() + " --family " + params.family().label()
                    + " --bound " + params.bound() + " --seed " + params.seed() + (eps == 0 ? "" : " (compute --eps " + eps + ")");
        }

        double x() {
            switch (axis) {
                case B:
                    return params.bound();
                case EPS:
                    return eps;
                case D:
                    return params.d();
                default:
                    return params.n();
            }
        }
    }

    /**
     * The cases: every family and {@code B in {0.5, 1}} at the run's small sizes and 8 times the largest; RoPE with
     * {@code d = 2} at {@code n = 2^9 .. scaleMaxN} ({@code --quick}: {@code B = 0.5}; {@code --full}: {@code B = 0.5}
     * and {@code 1}); at {@code n = 256} the B sweep (the run's bounds), the eps sweep ({@link #EPS_SWEEP}, {@code B = 1}) and
     * the d sweep ({@link #D_SWEEP}, {@code B = 0.5}).
     */
    List<Sweep> plan(VerificationCases cases) {
        List<Sweep> out = new ArrayList<>();
        java.util.TreeSet<Integer> small = new java.util.TreeSet<>(cases.sizes());
        small.add(cases.maxN() * 8);
        for (int n : small) {
            for (InstanceGenerator.Family fam : List.of(InstanceGenerator.Family.ROPE, InstanceGenerator.Family.IDENTITY,
                    InstanceGenerator.Family.EXPLICIT)) {
                if (ropeOnly && fam == InstanceGenerator.Family.EXPLICIT) {
                    continue;
                }
                for (double bound : new double[] {0.5, 1.0}) {
                    long seed = 11L * n + fam.ordinal() + (long) (bound * 4);
                    out.add(new Sweep(new InstanceGenerator.Params(n, 2, fam, bound, seed), 0, TightnessPoint.Axis.N));
                }
            }
        }
        for (int n = 1 << 9; n <= cases.scaleMaxN(); n *= 2) {
            if (small.contains(n)) {
                continue;
            }
            double[] bounds = cases.extended() ? new double[] {0.5, 1.0} : new double[] {0.5};
            for (double bound : bounds) {
                out.add(new Sweep(new InstanceGenerator.Params(n, 2, InstanceGenerator.Family.ROPE, bound, 13L * n
                        + (long) (bound * 4)), 0, TightnessPoint.Axis.N));
            }
        }
        int n0 = Math.min(256, cases.scaleMaxN());
        for (double b : cases.bounds()) {
            out.add(new Sweep(new InstanceGenerator.Params(n0, 2, InstanceGenerator.Family.ROPE, b, 500L + (long) (b * 8)),
                    0, TightnessPoint.Axis.B));
        }
        for (double e : EPS_SWEEP) {
            out.add(new Sweep(new InstanceGenerator.Params(n0, 2, InstanceGenerator.Family.ROPE, 1.0, 600), e,
                    TightnessPoint.Axis.EPS));
        }
        for (int d : D_SWEEP) {
            out.add(new Sweep(new InstanceGenerator.Params(n0, d, InstanceGenerator.Family.ROPE, 0.5, 700L + d), 0,
                    TightnessPoint.Axis.D));
        }
        return out;
    }

    /** Judges one case into {@code w}; returns why the check cannot judge at all (no bound), else null. */
    private String judge(RopeAttentionEngine fast, RopeAttentionEngine exact, Sweep c, WorstCase w) {
        RopeInstance inst = INSTANCES.computeIfAbsent(c.params(), InstanceGenerator::build);
        RopeResult f;
        try {
            f = fast.compute(inst, FIELDS);
        } catch (IllegalArgumentException e) {
            return null; // refused (e.g. monomial or rank cap), which the engine's own tests cover
        }
        String key = c.params().n() + "|" + c.params().d() + "|" + c.params().family() + "|" + c.params().bound() + "|"
                + c.params().seed();
        RopeResult x = EXACT.computeIfAbsent(key, k -> exact.compute(inst, FIELDS));
        w.countCase();
        for (Quantity q : FIELDS) {
            double own = certified(f, q, x);
            OptionalDouble ex = engines.allowed("exact", inst, x, false, q);
            if (Double.isNaN(own) || ex.isEmpty()) {
                return "no bound for " + q.key() + " ("
                        + (Double.isNaN(own) ? engineName + " reports none" : engines.whyNoBound("exact")) + ")";
            }
            Deviation err = Deviation.measure(f.get(q), x.get(q), 0);
            double allowed = own + ex.getAsDouble();
            String where = q.key() + " on " + c.label() + " (degree " + f.metadata().get("degree") + ")";
            w.add(err.maxAbsError(), allowed, where, c.axis(), c.x(), q.key());
        }
        return null;
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
            return b * Matrices.maxAbs(exact.get(Quantity.ALPHA)) * (1 + 0x1.0p-40);
        }
        return b;
    }
}
