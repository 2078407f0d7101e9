package dev.ropecheck.engine.fast;

import dev.ropecheck.approx.ExpPolynomial;
import dev.ropecheck.bounds.FastGradientBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.Workers;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import org.ejml.data.DMatrixRMaj;

/**
 * Fast RoPE attention gradient by the polynomial method and FFT, any family (RoPE-grad Section 6,
 * Lemmas 6.2–6.6, Theorem 6.7; MATH §6). This class runs the pass and assembles the result; the work
 * is done by one kernel per step of the paper.
 *
 * <p><b>Notation</b> (the paper's, used by every kernel of the pass):
 * <ul>
 *   <li>{@code n} tokens, head dimension {@code d}; {@code A1, A2} the inputs of the scores,
 *       {@code Q = A1 W_Q}, {@code K = A2 W_K} (with weights), {@code sigma} the score scale
 *       ({@code 1/d} by default, MATH §9);</li>
 *   <li>{@code S = {(b_t, e_t)}} the support of the position family and {@code W_m[b,e]} its weight
 *       at offset {@code m = i - j} ({@link SupportKernels});</li>
 *   <li>{@code κ} a monomial (a multiset of support entries, MATH §5) with coefficient {@code γ_κ},
 *       row factors {@code φ_κ(i)}, {@code ψ_κ(j)} and offset factor {@code τ_κ(m)}:
 *       {@code Ã_ij = Σ_κ γ_κ φ_κ(i) τ_κ(i-j) ψ_κ(j)} ({@link MonomialWalk}; never materialised);</li>
 *   <li>{@code x_i = [c~_i, -r~_i] / alpha~_i}, {@code y_j = [h_j, 1]}, {@code l = 0..d} their
 *       columns (Lemma 6.4, {@link GradientFactors}), so
 *       {@code p~_ij = Σ_κ γ_κ τ_κ(i-j) Σ_l (φ_κ(i) x_il)(ψ_κ(j) y_jl)};</li>
 *   <li>{@code L >= 2n - 1} the transform length ({@link FftFrame}); {@code u[l][a]},
 *       {@code v[l][c]} the spectra of {@code φ_κ x_l ∘ A1[:,a]} and {@code ψ_κ y_l ∘ A2[:,c]}
 *       (Lemmas 6.5–6.6, {@link FactorSpectra}), computed once per monomial.</li>
 * </ul>
 *
 * <p><b>Kernels</b>, per monomial: {@link GradXKernel} ({@code G~}, Parseval, no inverse transform),
 * {@link QKGradKernel} ({@code dQ~, dK~}, Toeplitz products with the kernels {@code τ_κ W[b,e]}),
 * {@link ValueGradKernel} ({@code dV~ = f~^T c~}, one correlation per column); families whose every
 * {@code W_m} is the same matrix (identity) need no transform: {@link ConstantFamilyGradient}, plain
 * sums. Memory {@code O(L (d^2 + |S|))} doubles; time {@code O(C(T+g, g) (d^2 + |S|) L log L)}.
 * Error: {@link FastGradientBound}.
 *
 * <p>Kernel conventions (MATH §9, {@code proofs-notes/causal-fast.md}): the factor {@code 1/d} of
 * {@code G, dQ, dK} and of {@code γ_κ} is the score scale {@code sigma}; under the causal mask every
 * kernel is {@code τ_κ(m) W_m [m >= 0]} (its negative half is never loaded), so each convolution, correlation and
 * Parseval sum keeps exactly the pairs {@code j <= i}, and the constant-family plain sums are not
 * used (they would sum over all pairs).
 *
 * <p><b>Threads</b> (as the forward, {@link RopeFftEngine_F64}): the walk is split into the fixed
 * {@link MonomialWalk#chunks} DFS-index chunks, each summed in walk order into its own {@link GradientSums},
 * merged in chunk order as they finish ({@link ChunkMerge}, {@link GradientSums#add}); each thread has its
 * own walk, spectra, kernel spectra and kernels' buffers. The result does not depend on the thread count.
 */
final class FftGradient {
    private FftGradient() {
    }

    /**
     * @param rule applied to Lemma 6.4's factors once built ({@link GradientFactors#AS_BUILT} in the engines)
     * @param threads the most threads used, at least 1
     */
    static FastGradient compute(RopeInstance in, FastForward fwd, ExpPolynomial p, boolean wantG,
            GradientFactors.Rule rule, int threads) {
        GradientFactors factors = GradientFactors.of(in, fwd, rule);
        FftFrame frame = new FftFrame(in.n(), in.causal());
        SupportKernels ker = new SupportKernels(in.family(), frame);
        ExpansionTerms terms = ExpansionTerms.of(in);
        long monomials = Binomial.multisets(terms.count, p.degree());
        int k = MonomialWalk.chunks(frame.length, monomials);
        double[][] a1 = columns(in.a1());
        double[][] a2 = columns(in.a2());
        int nw = Math.max(1, Math.min(threads, k));
        MonomialWalk[] walks = new MonomialWalk[nw];
        MonomialWalk.Visitor[] visitors = new MonomialWalk.Visitor[nw];
        GradientSums[] target = new GradientSums[nw];
        ChunkMerge<GradientSums> merge = new ChunkMerge<>(k, GradientSums::add);
        Workers.run(threads, k, "fast-fft-worker", (w, c) -> {
            if (walks[w] == null) {
                walks[w] = new MonomialWalk(terms, p.coefficients(), in.scale());
                int worker = w;
                visitors[w] = visitor(in, factors, frame, w == 0 ? ker : ker.scratch(), a1, a2, wantG,
                        () -> target[worker]);
            }
            target[w] = new GradientSums(in.n(), in.d(), ker.size);
            walks[w].walk(visitors[w], MonomialWalk.chunkStart(monomials, k, c),
                    MonomialWalk.chunkStart(monomials, k, c + 1));
            merge.finish(c, target[w]);
            target[w] = null;
        });
        GradientSums sums = merge.sum();
        return assemble(in, fwd, factors, sums, wantG);
    }

    /**
     * The per-monomial step of one thread: the constant-family sums, or the kernels on this monomial's
     * spectra (its own scratch), added to the current chunk's sums {@code sums.get()}.
     */
    private static MonomialWalk.Visitor visitor(RopeInstance in, GradientFactors factors, FftFrame frame,
            SupportKernels ker, double[][] a1, double[][] a2, boolean wantG,
            java.util.function.Supplier<GradientSums> sums) {
        boolean weights = in.hasWeights();
        if (ker.constant) {
            ConstantFamilyGradient cf = new ConstantFamilyGradient(factors, a1, a2,
                    weights ? columns(in.q()) : null, weights ? columns(in.k()) : null, ker, wantG);
            return (size, gamma, phi, tau, tauConstant, psi) -> {
                if (gamma != 0) {
                    cf.add(gamma * tau[0], phi, psi, sums.get());
                }
            };
        }
        FactorSpectra sp = new FactorSpectra(factors, a1, a2, frame.length);
        GradXKernel gx = wantG ? new GradXKernel(in.d(), frame, ker.size) : null;
        QKGradKernel qk = weights ? new QKGradKernel(in.d(), frame, in.wq().data, in.wk().data) : null;
        ValueGradKernel dv = new ValueGradKernel(frame);
        return (size, gamma, phi, tau, tauConstant, psi) -> {
            if (gamma == 0) {
                return;
            }
            GradientSums out = sums.get();
            ker.load(frame, tau);
            sp.load(frame, phi, psi);
            if (gx != null) {
                gx.add(gamma, sp, ker, out);
            }
            if (qk != null) {
                qk.add(gamma, phi, psi, sp, ker, out);
            }
            dv.add(gamma, phi, psi, factors, ker, out);
        };
    }

    /** {@code r~}, and the sums scaled by {@code sigma} where the paper has it, as a {@link FastGradient}. */
    private static FastGradient assemble(RopeInstance in, FastForward fwd, GradientFactors factors, GradientSums w,
            boolean wantG) {
        int n = in.n();
        int d = in.d();
        FastGradient out = new FastGradient(fwd, new FastGradientBound(fwd.bound(), in));
        out.put(Quantity.R, new DMatrixRMaj(n, 1, true, factors.r));
        double invD = in.scale();
        DMatrixRMaj dv = new DMatrixRMaj(n, d);
        for (int j = 0; j < n; j++) {
            for (int l = 0; l < d; l++) {
                dv.unsafe_set(j, l, w.dv[l][j]);
            }
        }
        out.put(Quantity.DV, dv);
        if (in.hasWeights()) {
            DMatrixRMaj dq = new DMatrixRMaj(n, d);
            DMatrixRMaj dk = new DMatrixRMaj(n, d);
            for (int i = 0; i < n; i++) {
                for (int b = 0; b < d; b++) {
                    dq.unsafe_set(i, b, w.dq[b][i] * invD);
                    dk.unsafe_set(i, b, w.dk[b][i] * invD);
                }
            }
            out.put(Quantity.DQ, dq);
            out.put(Quantity.DK, dk);
        }
        if (wantG) {
            Support s = in.family().support();
            DMatrixRMaj g = new DMatrixRMaj(d * d, d * d);
            for (int ac = 0; ac < d * d; ac++) {
                for (int k = 0; k < s.size(); k++) {
                    g.unsafe_set(ac, s.pairIndex(k), w.g[ac * s.size() + k] * invD);
                }
            }
            out.put(Quantity.GRAD_X, g);
        }
        out.weightGradients(in);
        return out;
    }

    /** {@code m} by column: {@code out[col][i] = m[i, col]}. */
    static double[][] columns(DMatrixRMaj m) {
        double[][] out = new double[m.numCols][m.numRows];
        for (int i = 0; i < m.numRows; i++) {
            for (int col = 0; col < m.numCols; col++) {
                out[col][i] = m.unsafe_get(i, col);
            }
        }
        return out;
    }
}
