package dev.ropecheck.report;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.reference.ApMatrix;
import dev.ropecheck.engine.reference.ReferenceResult;
import dev.ropecheck.engine.reference.ReferenceRopeAttention;
import dev.ropecheck.engine.reference.StandardReferenceEngine_AP;
import dev.ropecheck.io.InstanceGenerator;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.StandardInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;

/**
 * RoPE-grad Section 7 (MATH §7): with the identity family and {@code X = vec(X0) vec(I_d)^T / d},
 * RoPE attention is standard attention: the loss agrees and
 * {@code G[(a,c),(b,e)] = ∇L_std[a,c] [b = e]}. Both sides are computed by the two independent
 * arbitrary-precision references ({@link ReferenceRopeAttention}, {@link StandardReferenceEngine_AP})
 * at 40 digits; {@code d} is a power of two so {@code X0 / d} is exact.
 *
 * <p><b>Bound.</b> An identity: both sides agree to the references' precision. Each reference
 * carries at least 40 digits (the RoPE reference's own two-precision disagreement on {@code G} and
 * {@code L} must be at most {@code 1e-30 (1 + max |G|)}, else the case fails); the bound is {@code 1e-25 (1 + max |G|)} per
 * entry, {@code 1e5} times the larger precision-level error, so a true discrepancy of one part in
 * {@code 10^25} or more is reported.
 */
public final class Section7ReductionVerification implements Verification {
    private static final long DIGITS = 40;

    @Override
    public String id() {
        return "section-7-reduction";
    }

    @Override
    public String title() {
        return "Section 7 reduction: identity family, X = vec(X0) vec(I)^T / d gives standard attention (loss, G)";
    }

    @Override
    public VerificationResult run(VerificationCases cases, Progress progress) {
        int[] ds = {1, 2, 4};
        int[] ns = cases.extended() ? new int[] {1, 2, 5, 8, 12} : new int[] {1, 2, 5, 8};
        int total = ds.length * ns.length;
        int done = 0;
        double worstRatio = -1;
        double worstErr = 0;
        double worstBound = 1;
        String worst = "";
        List<TightnessPoint> points = new ArrayList<>();
        for (int d : ds) {
            for (int n : ns) {
                progress.step("Section 7 reduction n=" + n + " d=" + d, done++, total);
                long seed = 700L + 10L * n + d;
                Agreement r = agreement(n, d, seed);
                double bound = 1e-25 * (1 + r.scale());
                boolean precise = r.selfError() <= 1e-30 * (1 + r.scale());
                double ratio = precise ? r.error() / bound : Double.POSITIVE_INFINITY;
                if (ratio > worstRatio) {
                    worstRatio = ratio;
                    worstErr = r.error();
                    worstBound = bound;
                    worst = "n=" + n + " d=" + d + " seed=" + seed + " (reference self-agreement " + r.selfError() + ")";
                }
                String where = "n=" + n + " d=" + d + " seed=" + seed;
                double measured = precise ? r.error() : Double.NaN;
                points.add(new TightnessPoint(id(), "", TightnessPoint.Axis.N, n, measured, bound, where));
                points.add(new TightnessPoint(id(), "", TightnessPoint.Axis.D, d, measured, bound, where));
            }
        }
        progress.step("Section 7 reduction", total, total);
        return new VerificationResult(id(), title(), total, worstErr, worstBound, worstRatio <= 1 ? Verdict.PASS : Verdict.FAIL,
                "worst: " + worst, List.of(), points);
        // No plot series: a 40-digit agreement (about 1e-50) would stretch the double-precision error plot.
    }

    /**
     * One case's agreement: the largest difference of the loss and of every {@code ∇_X L} entry, the largest
     * magnitude among them, and the RoPE reference's own error bound on them.
     */
    private record Agreement(double error, double scale, double selfError) {
    }

    /**
     * The identity-family RoPE instance with {@code X = X0 ⊗ I / d} (every offset weight the identity, so the
     * scores are those of standard attention with {@code X0}) against standard attention on {@code X0}, both at
     * {@link #DIGITS} digits: loss equal, {@code ∇_X L[(a,c),(b,e)] = [b = e] ∇_X0 L[a,c]}.
     */
    private static Agreement agreement(int n, int d, long seed) {
        RopeInstance base = InstanceGenerator.build(new InstanceGenerator.Params(n, d,
                InstanceGenerator.Family.IDENTITY, 1.0, seed, true, false));
        SplittableRandom rnd = new SplittableRandom(seed);
        DMatrixRMaj x0 = new DMatrixRMaj(d, d);
        for (int k = 0; k < x0.data.length; k++) {
            x0.data[k] = InstanceGenerator.dyadic(rnd, 1.0);
        }
        DMatrixRMaj x = new DMatrixRMaj(d * d, d * d);
        for (int a = 0; a < d; a++) {
            for (int c = 0; c < d; c++) {
                for (int b = 0; b < d; b++) {
                    x.set(a * d + c, b * d + b, x0.get(a, c) / d);
                }
            }
        }
        RopeInstance inst = base.toBuilder().clearX().x(x).family(new IdentityFamily(d)).build();
        ReferenceResult rope = new ReferenceRopeAttention(DIGITS).compute(inst);
        StandardReferenceEngine_AP.Values std = new StandardReferenceEngine_AP(DIGITS)
                .evaluate(StandardInstance.of(inst, x0));
        ApMatrix g = rope.get(Quantity.GRAD_X);
        Apfloat err = ApfloatMath.abs(rope.loss().subtract(std.loss()));
        Apfloat scale = ApfloatMath.abs(rope.loss());
        for (int a = 0; a < d; a++) {
            for (int c = 0; c < d; c++) {
                for (int b = 0; b < d; b++) {
                    for (int e = 0; e < d; e++) {
                        Apfloat want = b == e ? std.grad()[a][c] : Apfloat.ZERO;
                        Apfloat got = g.get(a * d + c, b * d + e);
                        err = ApfloatMath.max(err, ApfloatMath.abs(got.subtract(want)));
                        scale = ApfloatMath.max(scale, ApfloatMath.abs(got));
                    }
                }
            }
        }
        double selfErr = Math.max(ApMatrix.toDouble(rope.absoluteError(Quantity.GRAD_X)),
                ApMatrix.toDouble(rope.absoluteError(Quantity.LOSS)));
        return new Agreement(ApMatrix.toDouble(err), ApMatrix.toDouble(scale), selfErr);
    }
}
