package dev.ropecheck.engine.fast;

import dev.ropecheck.approx.Method;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeInstance;
import java.util.Set;

/**
 * What the polynomial-method engines ({@link RopeFftEngine_F64}, {@link RopeLowRankEngine_F64}) share (MATH §5, §6): the
 * validated parameters {@code eps, method} and a size cap, the supported quantities of {@link FastGradient},
 * and the dispatch of {@link #compute} to the forward pass or, when a gradient quantity is wanted, to the
 * forward-and-gradient pass. Both kernel conventions of MATH §9 (score scale {@code sigma}, causal mask)
 * are implemented by the two engines ({@code proofs-notes/causal-fast.md}).
 */
abstract class PolynomialEngine implements RopeAttentionEngine {
    /** Target {@code max |P(z) - e^z|} on {@code [-beta, beta]}, in {@code (0, 1)}. */
    final double eps;
    final Method method;
    /** Largest expansion size (monomials or rank) accepted. */
    final long cap;

    /**
     * @param capName how the cap is named in the error message ({@code monomialCap}, {@code rankCap})
     * @throws IllegalArgumentException unless {@code 0 < eps < 1}, {@code method} is given and {@code cap >= 1}
     */
    PolynomialEngine(double eps, Method method, String capName, long cap) {
        if (!(eps > 0 && eps < 1)) {
            throw new IllegalArgumentException("eps = " + eps + " must lie in (0, 1)");
        }
        if (method == null) {
            throw new IllegalArgumentException("method is missing");
        }
        if (cap < 1) {
            throw new IllegalArgumentException(capName + " = " + cap + " must be >= 1");
        }
        this.eps = eps;
        this.method = method;
        this.cap = cap;
    }

    @Override
    public Set<Quantity> supported(RopeInstance instance) {
        Set<Quantity> s = FastGradient.supported(instance);
        s.removeIf(q -> !RopeAttentionEngine.isDefined(q, instance));
        return s;
    }

    @Override
    public RopeResult compute(RopeInstance instance, Set<Quantity> wanted) {
        RopeAttentionEngine.requireDefined(wanted, instance);
        FastGradient.requireSupported(name(), instance, wanted);
        if (FastGradient.wantsGradient(wanted)) {
            return gradient(instance, wanted.contains(Quantity.GRAD_X), GradientFactors.AS_BUILT)
                    .toResult(name(), wanted);
        }
        return forward(instance).toResult(name(), wanted);
    }

    /** Forward and gradient pass (MATH §6), {@code G~} included. */
    public FastGradient gradient(RopeInstance in) {
        return gradient(in, true, GradientFactors.AS_BUILT);
    }

    /**
     * Forward and gradient pass; {@code G~} only when {@code wantG}; {@code rule} is applied to Lemma
     * 6.4's factors once built (the engines pass {@link GradientFactors#AS_BUILT}; a package-private
     * seam for the tests' mutants).
     */
    abstract FastGradient gradient(RopeInstance in, boolean wantG, GradientFactors.Rule rule);

    /** The full forward pass with its bound. */
    public abstract FastForward forward(RopeInstance in);
}
