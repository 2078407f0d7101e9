package dev.ropecheck.report;

import dev.ropecheck.io.TensorInstanceWriter;
import dev.ropecheck.bounds.Deviation;
import dev.ropecheck.bounds.TensorExactRounding;
import dev.ropecheck.bounds.TensorFastErrorBound;
import dev.ropecheck.bounds.TensorQuantityBound;
import dev.ropecheck.engine.TensorAttentionEngine;
import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.engine.exact.TensorExactEngine_F64;
import dev.ropecheck.engine.fast.TensorFastEngine_F64;
import dev.ropecheck.model.TensorInstance;
import dev.ropecheck.engine.reference.TensorReferenceEngine_AP;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Tensor attention (MATH §8): a double engine against {@link TensorReferenceEngine_AP} on random instances
 * ({@code n <= 4} quick, {@code <= 6} full; {@code d ∈ {1, 2, 3}}; weights and dense {@code X, Y}; entries
 * {@code k/2^12} in {@code [-B, B]}), on a chosen set of quantities.
 *
 * <p>Bounds: the exact engine by its rounding model {@link TensorExactRounding} ({@code proofs-notes/tensor-rounding.md});
 * the fast engine ({@code eps = 1e-6}, Taylor) by {@link TensorFastErrorBound#certified} of its own result
 * ({@code proofs-notes/tensor-fast-error.md}: MATH §5 error transfer from the certified {@code delta}). Both bound the
 * error against the true value; comparing with the reference rounded to double adds
 * {@link TensorExactRounding#comparisonSlack}{@code (max |ref|)}.
 */
public final class TensorAgreementVerification implements Verification {
    /** {@code eps} of the fast engine. */
    static final double FAST_EPS = 1e-6;
    private final String id;
    private final String title;
    private final boolean fast;
    private final Set<TensorQuantity> quantities;
    private final TensorAttentionEngine engine;

    /** The check of the project's exact ({@code fast = false}) or fast ({@code eps = 1e-6}) tensor engine. */
    public TensorAgreementVerification(String id, String title, boolean fast, Set<TensorQuantity> quantities) {
        this(id, title, fast, quantities, fast ? new TensorFastEngine_F64(FAST_EPS) : new TensorExactEngine_F64());
    }

    /**
     * The check of {@code engine}, held to the bound of its class ({@code fast}: the certified bound from its result's
     * metadata; else the exact rounding model).
     */
    public TensorAgreementVerification(String id, String title, boolean fast, Set<TensorQuantity> quantities,
            TensorAttentionEngine engine) {
        this.id = id;
        this.title = title;
        this.fast = fast;
        this.quantities = EnumSet.copyOf(quantities);
        this.engine = engine;
    }

    /** Tensor attention's definition: {@code alpha, f, attention} of the exact engine. */
    public static TensorAgreementVerification definition() {
        return new TensorAgreementVerification("tensor-attention-def",
                "tensor attention (MATH §8): exact engine alpha, f, attention vs reference, rounding model", false,
                EnumSet.of(TensorQuantity.ALPHA, TensorQuantity.F, TensorQuantity.ATTENTION));
    }

    /** Tensor loss: {@code c, L} of the exact engine. */
    public static TensorAgreementVerification loss() {
        return new TensorAgreementVerification("tensor-loss", "tensor loss (MATH §8): exact engine c, L vs reference, rounding model",
                false, EnumSet.of(TensorQuantity.C, TensorQuantity.LOSS));
    }

    /** Tensor gradient closed form: {@code ∇_X L, ∇_Y L} and weight gradients of the exact engine. */
    public static TensorAgreementVerification gradient() {
        return new TensorAgreementVerification("tensor-gradient-closed-form",
                "tensor gradient (MATH §8): exact engine gradX, gradY, weight gradients vs reference, rounding model", false,
                EnumSet.of(TensorQuantity.P, TensorQuantity.GRAD_X, TensorQuantity.GRAD_Y, TensorQuantity.GRAD_WQ,
                        TensorQuantity.GRAD_WK1, TensorQuantity.GRAD_WK2, TensorQuantity.GRAD_WV1, TensorQuantity.GRAD_WV2));
    }

    /** The tensor main theorem: every quantity of the fast engine within its certified bound. */
    public static TensorAgreementVerification fastTheorem() {
        return new TensorAgreementVerification("tensor-main-theorem",
                "fast tensor attention (main theorem): alpha, attention, c, L, r, gradX, gradY, weight gradients vs"
                        + " reference, certified TensorFastErrorBound (eps 1e-6)", true,
                EnumSet.range(TensorQuantity.A, TensorQuantity.GRAD_WV2));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title() {
        return title;
    }

    /** One random instance with the {@code make-instance --family tensor} line that rebuilds it. */
    record Case(String label, TensorInstance instance) {
    }

    static List<Case> cases(VerificationCases cases) {
        List<Case> out = new ArrayList<>();
        int maxN = cases.extended() ? 6 : 4;
        for (int n = 1; n <= maxN; n++) {
            for (int d = 1; d <= 3; d++) {
                for (int s = 0; s < 2; s++) {
                    long seed = 101L * n + 13L * d + s;
                    boolean weights = s == 0;
                    double bound = s == 0 ? 1.0 : 0.5;
                    out.add(new Case("make-instance --family tensor --n " + n + " --d " + d + " --bound " + bound
                            + " --seed " + seed + (weights ? "" : " --x"),
                            TensorInstanceWriter.random(n, d, bound, seed, weights, false)));
                }
            }
        }
        return out;
    }

    @Override
    public VerificationResult run(VerificationCases cases, Progress progress) {
        TensorReferenceEngine_AP ref = new TensorReferenceEngine_AP();
        TensorAttentionEngine eng = engine;
        List<Case> list = cases(cases);
        WorstCase w = new WorstCase();
        int done = 0;
        for (Case c : list) {
            progress.step(id + ": " + c.label(), done++, list.size());
            TensorInstance in = c.instance();
            Set<TensorQuantity> wanted = EnumSet.copyOf(quantities);
            wanted.retainAll(eng.supported(in));
            TensorResult e = eng.compute(in, wanted);
            Set<TensorQuantity> trusted = EnumSet.of(TensorQuantity.A, TensorQuantity.ALPHA, TensorQuantity.F,
                    TensorQuantity.H, TensorQuantity.ATTENTION, TensorQuantity.C, TensorQuantity.GRAD_X,
                    TensorQuantity.GRAD_Y);
            trusted.addAll(wanted);
            TensorResult r = ref.compute(in, trusted);
            TensorQuantityBound bound = fast ? TensorFastErrorBound.certified(e) : new TensorExactRounding();
            w.countCase();
            for (TensorQuantity q : wanted) {
                Deviation err = Deviation.measure(e.get(q), r.get(q), 0);
                double allowed = bound.allowed(q, in, r) + TensorExactRounding.comparisonSlack(err.maxAbsTrusted());
                w.add(err.maxAbsError(), allowed, q.key() + " on " + c.label(), in.n());
            }
        }
        progress.step(id, list.size(), list.size());
        return w.result(this, Plot.ERROR_VS_N, (fast ? "tensor fast" : "tensor exact") + " vs reference (" + id + ")");
    }
}
