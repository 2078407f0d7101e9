package dev.ropecheck.bounds;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.Workers;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.ejml.data.DMatrixRMaj;

/**
 * The first-order probabilistic rounding bound ({@code check --bound first-order};
 * {@code proofs-notes/first-order-rounding.md}): per entry of every field, a bound on
 * {@code |computed - exact|} for any correct floating-point evaluation of RoPE attention and its
 * gradient (MATH §1–3, §9), in the model where every rounding is {@code (1 + δ_k)} with
 * {@code |δ_k| <= u} and the {@code δ_k} are mean independent (Higham and Mary, SIAM J. Sci. Comput. 41
 * (2019), Model 2.1), to first order in {@code u}.
 *
 * <p>To first order the error of an output {@code o} is {@code L_o = Σ_k c_k δ_k} with
 * {@code c_k} fixed by the exact values, and by Azuma–Hoeffding
 * {@code P(|L_o| >= λ ||c ∘ u||_2) <= 2 exp(-λ^2/2)}. Every rounding belongs to exactly one
 * intermediate {@code x} (a score, a probability, a row sum, ...), so
 * {@code ||c ∘ u||_2^2 = Σ_x G_{o,x}^2 ||c^x ∘ u||_2^2 <= Σ_x G_{o,x}^2 φ_x^2}, with {@code G_{o,x}}
 * the exact derivative of {@code o} in {@code x} and {@code φ_x} a bound on the roundings of
 * {@code x} in any evaluation order (for a sum of terms {@code t_j}, every partial sum in any order is a
 * subset sum, at most {@code W = max(Σ t^+, Σ t^-)}: {@code φ^2 = k u_a^2 W^2 + u_s^2 x^2}, {@code k} the
 * roundings that can touch it). The sum
 * {@code Σ_x G^2 φ^2} keeps every cancellation of the exact derivative — this is what the stage-by-stage
 * bound of {@link ComponentwiseRoundingBound} loses — and it is the variance of
 * {@code Σ_x G_{o,x} φ_x z_x} for independent standard normal {@code z_x}. It is measured by
 * {@link #PROBES} evaluations of the exact formulas in binary64 with every intermediate moved by
 * {@code φ_x z_x} ({@code z} from a fixed seed). Each entry's own final rounding (derivative 1, {@code φ}
 * known from the exact values) is taken out of the probes' sum {@code S} and added back exactly as
 * {@code W_o}; the bound is {@code sqrt(c^2 S/K + λ^2 W_o)}, with {@code λ} and {@code c} from
 * {@link #ownFactor2} and {@link #sampledFactor2}.
 *
 * <p>Intermediates that an implementation may compute once or several times (the RoPE tables, used by
 * up to six rotations; the scores, exponentials and probabilities of a FlashAttention-style backward
 * that recomputes them) are moved independently in each use, with {@code φ} multiplied by the square
 * root of the number of uses ({@code (Σ_m a_m)^2 <= M Σ_m a_m^2}), so one bound covers both.
 * Roundings shared by everything ({@code θ_k} of the RoPE tables, an inexact score scale) are moved
 * once per probe and keep their exact, signed, derivative.
 *
 * <p>Preconditions (else {@link #unsupportedReason} is not empty): RoPE (either layout) or identity
 * family, {@code W_Q, W_K} or {@code q, k, v} given directly, {@code E} or {@code dO} (then {@code c = dO}
 * exactly, and no loss), every input exact in the storage format.
 * The bound is first order (terms in {@code u^2} are outside it; the probes, which evaluate the
 * nonlinear formulas with perturbations of the size of the roundings, include their effect at that
 * size) and ignores gradual underflow. It fails with probability at most its share of the class's
 * failure probability ({@link RoundingClass#componentFailureProbability}), {@code P/N} per entry:
 * Azuma–Hoeffding averaged over the probes' chi-square distribution
 * ({@code proofs-notes/first-order-rounding.md} §3).
 */
public final class FirstOrderRoundingBound {
    /** Probes: evaluations of the perturbed formulas. */
    public static final int PROBES = 32;
    /** The fields this bound covers (others keep {@link ComponentwiseRoundingBound}'s). */
    public static final Set<Quantity> FIELDS = EnumSet.of(Quantity.ATTENTION, Quantity.C, Quantity.R, Quantity.LOSS,
            Quantity.DQ, Quantity.DK, Quantity.DV, Quantity.DQROT, Quantity.DKROT, Quantity.GRAD_WQ, Quantity.GRAD_WK,
            Quantity.GRAD_WV);
    /** Factor on the final bound: the binary64 evaluation of the probes and of the bound itself. */
    static final double SAFETY = 1 + 0x1p-10;
    private static final long SEED = 0x5DEECE66DL;

    private final RoundingClass cls;
    private final int threads;

    public FirstOrderRoundingBound(RoundingClass cls, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + " must be at least 1");
        }
        this.cls = cls;
        this.threads = threads;
    }

    /** Why this bound does not apply to {@code instance} in {@code format}, or "" when it does. */
    public static String unsupportedReason(RopeInstance instance, FloatFormat format) {
        String why = ComponentwiseRoundingBound.unsupportedReason(instance);
        if (!why.isEmpty()) {
            return why;
        }
        for (DMatrixRMaj m : inputs(instance)) {
            for (double x : m.data) {
                if (!format.isExact(x)) {
                    return "the first-order bound needs every input exact in " + format.label();
                }
            }
        }
        return "";
    }

    private static List<DMatrixRMaj> inputs(RopeInstance in) {
        List<DMatrixRMaj> out = new ArrayList<>(List.of(in.a1(), in.a2(), in.a3(), in.upstream()));
        if (!in.hasQkv()) {
            out.addAll(List.of(in.wq(), in.wk(), in.y()));
        }
        return out;
    }

    /** Per-entry bounds for the fields of {@code fields} that {@link #FIELDS} holds. */
    public Map<Quantity, DMatrixRMaj> allowed(RopeInstance instance, Set<Quantity> fields) {
        String why = unsupportedReason(instance, cls.format());
        if (!why.isEmpty()) {
            throw new IllegalArgumentException(why);
        }
        Set<Quantity> asked = EnumSet.noneOf(Quantity.class);
        for (Quantity q : fields) {
            boolean undefined = instance.hasQkv() && isWeightGradient(q) || instance.hasUpstreamGradient() && q == Quantity.LOSS;
            if (FIELDS.contains(q) && !undefined) {
                asked.add(q);
            }
        }
        Map<Quantity, DMatrixRMaj> out = new EnumMap<>(Quantity.class);
        if (asked.isEmpty()) {
            return out;
        }
        FirstOrderPass exact = new FirstOrderPass(instance, cls, -1);
        FirstOrderOutputs base = exact.run();
        double[][] sq = runProbes(instance, base, exact.mags());
        long entries = 0;
        for (Quantity q : asked) {
            entries += base.size(q);
        }
        double p = cls.componentFailureProbability();
        double lambda2 = ownFactor2(entries, p);
        double c2 = sampledFactor2(entries, p, PROBES);
        for (Quantity q : asked) {
            double[] s = sq[base.slot(q)];
            double[] via = q == Quantity.DQROT ? sq[FirstOrderOutputs.DQROT_VIA]
                    : q == Quantity.DKROT ? sq[FirstOrderOutputs.DKROT_VIA] : null;
            int[] shape = base.shape(q);
            DMatrixRMaj m = new DMatrixRMaj(shape[0], shape[1]);
            int slot = base.slot(q);
            int vs = q == Quantity.DQROT ? FirstOrderOutputs.DQROT_VIA : FirstOrderOutputs.DKROT_VIA;
            for (int t = 0; t < s.length; t++) {
                double b2 = c2 * s[t] / PROBES + lambda2 * base.ownVariance(slot, t);
                if (via != null) {
                    b2 = Math.max(b2, c2 * via[t] / PROBES + lambda2 * base.ownVariance(vs, t));
                }
                m.data[t] = Math.sqrt(b2) * SAFETY;
            }
            out.put(q, m);
        }
        return out;
    }

    /**
     * {@code λ^2 = 2 ln(2N/P)}: the factor on an entry's exactly known own variance {@code W}, for which
     * Azuma–Hoeffding alone gives {@code 2 exp(-λ^2/2) = P/N}.
     */
    static double ownFactor2(long entries, double p) {
        return 2 * Math.log(2.0 * entries / p);
    }

    /**
     * {@code c^2 = K ((2N/P)^(2/K) - 1)}: the factor on {@code S/K}, the sampled variance of the moves an
     * entry inherits. With {@code S = V χ²(K)} independent of the roundings, Azuma–Hoeffding averaged over
     * {@code S} gives {@code P(|L| >= c sqrt(S/K)) <= 2 E exp(-c^2 χ²/(2K)) = 2 (1 + c^2/K)^(-K/2) = P/N}
     * (the chi-square moment generating function), a Student-type tail that needs no separate
     * confidence bound on {@code S}; proofs-notes/first-order-rounding.md §3 shows that adding the own
     * part with {@link #ownFactor2} keeps the same failure probability.
     */
    static double sampledFactor2(long entries, double p, int probes) {
        return probes * Math.expm1(2.0 / probes * Math.log(2.0 * entries / p));
    }

    private static boolean isWeightGradient(Quantity q) {
        return q == Quantity.GRAD_WQ || q == Quantity.GRAD_WK || q == Quantity.GRAD_WV;
    }

    /** Sums over the probes, in probe order, of the squared moves of every output entry. */
    private double[][] runProbes(RopeInstance instance, FirstOrderOutputs base, FirstOrderMags mags) {
        double[][] sq = base.zerosLike();
        List<Callable<FirstOrderOutputs>> probes = new ArrayList<>();
        for (int k = 0; k < PROBES; k++) {
            final int probe = k;
            probes.add(() -> new FirstOrderPass(instance, cls, probe, mags).run());
        }
        Workers.run(probes, threads, "first-order-bound", p -> base.addSquaredMoves(p, sq));
        return sq;
    }

    static long seed() {
        return SEED;
    }
}
