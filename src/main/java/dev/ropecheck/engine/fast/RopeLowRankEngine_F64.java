package dev.ropecheck.engine.fast;

import dev.ropecheck.approx.ExpApproximations;
import dev.ropecheck.approx.ExpPolynomial;
import dev.ropecheck.approx.Method;
import dev.ropecheck.approx.ScoreBound;
import dev.ropecheck.bounds.FastForwardBound;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * The RoPE low-rank variant (MATH §5, beyond RoPE-fwd; AS23's factorisation): rotate {@code Q, K} by
 * position ({@link RopeFamily#rotate}), so {@code s_ij = <Q'_i, K'_j>/d}, then over the
 * {@code r = C(d+g, g)} monomials of {@code [d]},
 * {@code Ã = U1 U2^T} with {@code U1[i,κ] = γ_κ Π Q'[i,b]^{κ_b}}, {@code U2[j,κ] = Π K'[j,b]^{κ_b}}, and
 * {@code Att~ = diag(U1 (U2^T 1))^{-1} U1 (U2^T h)}: {@code O(n r d)} time. The columns of
 * {@code U1, U2} are generated one monomial at a time, so memory is {@code O(n (g + d))}; no
 * {@code n x n} matrix and no FFT.
 *
 * <p>RoPE and identity families with {@code W_Q, W_K} only. {@code beta = ScoreBound.betaRotated}
 * (pair norms are rotation invariant). Error: {@link FastForwardBound} with
 * {@link FastForwardBound#lowRankRounding} and {@link FastForwardBound#rotatedScoreRounding}.
 *
 * <p>Kernel conventions (MATH §9, {@code proofs-notes/causal-fast.md}): {@code s_ij = sigma <Q'_i, K'_j>}
 * with the instance's scale (in {@code γ_κ} and {@code beta}); under the causal mask
 * {@code (Ã v)_i = U1_i S_i}, {@code S_i = Σ_{j <= i} U2_j^T v_j}, a running sum per monomial and
 * right-hand side ({@code O(n r d)} as before), with the rounding charged by
 * {@link FastForwardBound#causalRounding}.
 */
public final class RopeLowRankEngine_F64 extends PolynomialEngine {
    public static final String NAME = "fast-lowrank";
    public static final long DEFAULT_RANK_CAP = 100_000;

    public RopeLowRankEngine_F64(double eps, Method method) {
        this(eps, method, DEFAULT_RANK_CAP);
    }

    /**
     * @param eps target {@code max |P(z) - e^z|} on {@code [-beta, beta]}, in {@code (0, 1)}
     * @param rankCap largest {@code r = C(d+g, g)} accepted
     */
    public RopeLowRankEngine_F64(double eps, Method method, long rankCap) {
        super(eps, method, "rankCap", rankCap);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    FastGradient gradient(RopeInstance in, boolean wantG, GradientFactors.Rule rule) {
        FastForward fwd = forward(in);
        DMatrixRMaj[] qk = rotated(in);
        return LowRankGradient.compute(in, fwd, qk[0], qk[1], fwd.polynomial(), wantG, rule);
    }

    /** Rejects families and parameterisations this variant cannot absorb. */
    static void requireApplicable(RopeInstance in) {
        if (!(in.family() instanceof RopeFamily) && !(in.family() instanceof IdentityFamily)) {
            throw new IllegalArgumentException("fast-lowrank needs the RoPE or identity family (the rotation is "
                    + "absorbed into Q and K); family " + in.family().name() + " is not a rotation: use fast-fft");
        }
        if (!in.hasWeights()) {
            throw new IllegalArgumentException("fast-lowrank needs W_Q and W_K (rows of Q = A1 W_Q are rotated); "
                    + "the instance gives a general X: use fast-fft");
        }
    }

    /** The polynomial used for {@code in} ({@code beta = ScoreBound.betaRotated}). */
    public ExpPolynomial polynomial(RopeInstance in) {
        requireApplicable(in);
        double beta = RopeFftEngine_F64.roundUp(Math.max(ScoreBound.betaRotated(in), RopeFftEngine_F64.MIN_BETA));
        return ExpApproximations.minimalDegree(method, beta, eps, ExpApproximations.Scope.POLYNOMIAL);
    }

    /** Rank {@code C(d+g, g)} for {@code in}, after the cap check. */
    public long rank(RopeInstance in) {
        ExpPolynomial p = polynomial(in);
        long r = Binomial.multisets(in.d(), p.degree());
        requireCap(in, p, r);
        return r;
    }

    private void requireCap(RopeInstance in, ExpPolynomial p, long r) {
        if (r > cap) {
            throw new IllegalArgumentException("fast-lowrank: rank C(d+g, g) = " + (r == Long.MAX_VALUE ? "overflow"
                    : String.valueOf(r)) + " (d = " + in.d() + ", degree g = " + p.degree() + ", beta = " + p.beta()
                    + ", B = " + in.entryBound() + ") exceeds the rank cap " + cap);
        }
    }

    /** Rotated {@code Q', K'} (identity family: unrotated). */
    static DMatrixRMaj[] rotated(RopeInstance in) {
        DMatrixRMaj q = in.q();
        DMatrixRMaj k = in.k();
        if (in.family() instanceof RopeFamily) {
            RopeFamily r = (RopeFamily) in.family();
            return new DMatrixRMaj[] {r.rotate(q), r.rotate(k)};
        }
        return new DMatrixRMaj[] {q, k};
    }

    public FastForward forward(RopeInstance in) {
        int n = in.n();
        int d = in.d();
        ExpPolynomial p = polynomial(in);
        long rank = Binomial.multisets(d, p.degree());
        requireCap(in, p, rank);
        DMatrixRMaj[] qk = rotated(in);
        DMatrixRMaj h = in.h();
        double[][] rhs = new double[d + 1][];
        rhs[0] = RopeFftEngine_F64.ones(n);
        for (int l = 0; l < d; l++) {
            rhs[l + 1] = ExpansionTerms.column(h, l);
        }
        double[][] out = applyKernel(qk[0], qk[1], p, in.scale(), in.causal(), rhs);
        double[] hs = FastForward.hStats(in, h);
        double omega = RopeFftEngine_F64.omega(in);
        double epsRound = FastForwardBound.lowRankRounding(n, rank, p.degree());
        FastForwardBound bound = new FastForwardBound(p.beta(), p.deltaPolynomial(), p.absSum(),
                FastForwardBound.rotatedScoreRounding(d, p.beta(), omega),
                in.causal() ? FastForwardBound.causalRounding(epsRound, n) : epsRound, hs[0], hs[1],
                FastForward.maxAbs(in.upstream()));
        double[][] numer = new double[d][];
        System.arraycopy(out, 1, numer, 0, d);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("eps", eps);
        if (in.causal()) {
            meta.put("causal", true);
        }
        meta.put("rank", rank);
        meta.put("rankCap", cap);
        meta.put("flops", (double) rank * n * (d + 1) * 4 + (double) rank * n * 2);
        return new FastForward(in, p, bound, out[0], numer, h, meta);
    }

    /**
     * {@code Ã v = U1 (U2^T v)} for each vector, {@code Ã_ij = P(<Q'_i, K'_j>/d)} (test hook and core):
     * per monomial one inner product {@code U2[:,κ]^T v} and one update {@code += U1[:,κ] (·)}.
     */
    public static double[][] applyKernel(DMatrixRMaj qRot, DMatrixRMaj kRot, ExpPolynomial p, double[][] vectors) {
        return applyKernel(qRot, kRot, p, 1.0 / qRot.numCols, false, vectors);
    }

    /**
     * {@code Ã v} with {@code Ã_ij = P(sigma <Q'_i, K'_j>)} (MATH §9); {@code causal}: only {@code j <= i},
     * {@code (Ã v)_i = Σ_κ γ_κ U1[i,κ] Σ_{j <= i} U2[j,κ] v_j} by one running sum per monomial and vector.
     *
     * @param scale the score scale {@code sigma > 0}
     */
    public static double[][] applyKernel(DMatrixRMaj qRot, DMatrixRMaj kRot, ExpPolynomial p, double scale,
            boolean causal, double[][] vectors) {
        int n = qRot.numRows;
        ExpansionTerms terms = ExpansionTerms.rotated(qRot, kRot);
        double[][] out = new double[vectors.length][n];
        new MonomialWalk(terms, p.coefficients(), scale).walk((size, gamma, phi, tau, constant, psi) -> {
            if (causal) {
                CausalSums.prefixApply(gamma, phi, psi, vectors, out);
                return;
            }
            for (int r = 0; r < vectors.length; r++) {
                double[] v = vectors[r];
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += psi[j] * v[j];
                }
                double cs = gamma * s;
                double[] o = out[r];
                for (int i = 0; i < n; i++) {
                    o[i] += cs * phi[i];
                }
            }
        });
        return out;
    }
}
