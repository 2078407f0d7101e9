package dev.ropecheck.engine.fast;

import dev.ropecheck.approx.ExpApproximations;
import dev.ropecheck.approx.ExpPolynomial;
import dev.ropecheck.approx.Method;
import dev.ropecheck.approx.ScoreBound;
import dev.ropecheck.bounds.FastForwardBound;
import dev.ropecheck.engine.Workers;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Fast RoPE attention forward by the polynomial method and FFT (RoPE-fwd Thm 1.3, RoPE-grad Lemma 6.1,
 * MATH §5), for any family: {@code Ã_ij = P(s_ij) = Σ_κ γ_κ φ_κ(i) τ_κ(i-j) ψ_κ(j)} over the
 * {@code C(T+g, g)} multisets of the score's {@link ExpansionTerms terms}; each product
 * {@code Ã v} is one Toeplitz product per monomial, done as a linear convolution by real FFT of
 * length {@code L >= 2n-1} (the kernel's transform computed once per monomial, reused for the
 * {@code d+1} right-hand sides {@code 1, h_0..h_{d-1}}); monomials whose {@code τ_κ} is constant in
 * {@code m} (every monomial of the identity family) take a plain sum instead.
 *
 * <p>{@code P} is the minimal-degree {@link ExpApproximations approximation} with
 * {@code etaPolynomial <= eps} on {@code [-beta, beta]}, {@code beta} = {@link #intervalBeta} (for RoPE and
 * identity with weights the rotation-invariant {@code ScoreBound.betaRotated} when smaller), while the
 * expansion's rounding is scaled by {@link #expansionBeta} ({@code ScoreBound.beta}). A general
 * {@code X} is handled through {@code T = d |S|} terms (see {@link ExpansionTerms}); the monomial
 * count is capped ({@link #DEFAULT_MONOMIAL_CAP}) with an {@link IllegalArgumentException} naming
 * the count. Error: {@link FastForwardBound} with {@link FastForwardBound#fftRounding}.
 *
 * <p>Kernel conventions (MATH §9, {@code proofs-notes/causal-fast.md}): the score scale {@code sigma}
 * enters {@code γ_κ} (as {@code sigma^t}) and {@code beta}; under the causal mask every Toeplitz product
 * keeps only the offsets {@code m = i - j >= 0} (the kernel {@code τ_κ(m) [m >= 0]}: its negative half
 * is never loaded), the plain sums become prefix sums, and the rounding constant is charged against
 * {@code alpha_i >= e^{-beta}} ({@link FastForwardBound#causalRounding}).
 * Time {@code O(C(T+g,g) d n log n)}, memory {@code O(g n + L)} per thread.
 *
 * <p><b>Threads.</b> The monomials, in the walk's DFS order, are split into {@code K} contiguous chunks
 * ({@link MonomialWalk#chunks}: {@code K = 1} when {@code L < 2^13}, else {@code min(8, C(T+g,g))}), a number
 * fixed by the instance, never by the thread count. Each chunk accumulates, in walk order, into its own
 * partial sums (the forward's {@code Ã v}, the gradient's {@link GradientSums}); the partials are merged in
 * chunk order (chunk 0, then {@code + chunk 1}, ..., {@code + chunk K-1}), and every FFT runs on its
 * calling thread ({@link FftPlans}). So every output is bitwise the same on any number of threads, and with
 * {@code K = 1} it is the sequential walk's. The chunks run on at most {@code threads} threads
 * ({@link Workers}; metadata {@code threads = min(threads, K)}); each thread has its own scratch. The chunked
 * order does not loosen the bound: the accumulation over monomials is charged {@code γ_M Σ|terms|}
 * ({@link FastForwardBound#fftRounding}, {@code proofs-notes/fast-forward-error.md} §2), a bound of any
 * summation tree of height {@code <= M - 1}, and a term of a chunk with {@code M_c} terms passes through at
 * most {@code (M_c - 1) + (K - 1) <= M - 1} roundings (every other chunk holds a term), so the same
 * {@code γ_M} covers the chunked order; {@link dev.ropecheck.bounds.FastGradientBound} takes the forward's
 * constant and is covered alike.
 */
public final class RopeFftEngine_F64 extends PolynomialEngine {
    public static final String NAME = "fast-fft";
    public static final long DEFAULT_MONOMIAL_CAP = 200_000;
    /** Used when every score is exactly 0 (beta = 0): any positive interval covers it. */
    static final double MIN_BETA = 1e-3;

    /** The most threads the engine uses. */
    private final int threads;

    /** On {@link Workers#available()} threads. */
    public RopeFftEngine_F64(double eps, Method method) {
        this(eps, method, DEFAULT_MONOMIAL_CAP);
    }

    /**
     * On at most {@code threads} threads (results do not depend on it); the default monomial cap. A factory,
     * not a constructor, so that an {@code int} cap passed to {@code (eps, method, monomialCap)} is never read
     * as a thread count.
     *
     * @param threads at least 1
     */
    public static RopeFftEngine_F64 withThreads(double eps, Method method, int threads) {
        return new RopeFftEngine_F64(eps, method, DEFAULT_MONOMIAL_CAP, threads);
    }

    /**
     * On {@link Workers#available()} threads ({@link #withThreads} for another count).
     *
     * @param eps target {@code max |P(z) - e^z|} on {@code [-beta, beta]}, in {@code (0, 1)}
     * @param method Taylor or Chebyshev
     * @param monomialCap largest {@code C(T+g, g)} accepted
     */
    public RopeFftEngine_F64(double eps, Method method, long monomialCap) {
        this(eps, method, monomialCap, Workers.available());
    }

    /**
     * @param eps target {@code max |P(z) - e^z|} on {@code [-beta, beta]}, in {@code (0, 1)}
     * @param method Taylor or Chebyshev
     * @param monomialCap largest {@code C(T+g, g)} accepted
     * @param threads the most threads used, at least 1 (results do not depend on it)
     */
    public RopeFftEngine_F64(double eps, Method method, long monomialCap, int threads) {
        super(eps, method, "monomialCap", monomialCap);
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + " must be at least 1");
        }
        this.threads = threads;
    }

    /** The most threads this engine uses. */
    public int threads() {
        return threads;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    FastGradient gradient(RopeInstance in, boolean wantG, GradientFactors.Rule rule) {
        FastForward fwd = forward(in);
        return FftGradient.compute(in, fwd, fwd.polynomial(), wantG, rule, threads);
    }

    /** The polynomial this engine uses for {@code instance}: on {@code [-beta, beta]}, {@code beta} = {@link #intervalBeta}. */
    public ExpPolynomial polynomial(RopeInstance instance) {
        double beta = roundUp(Math.max(intervalBeta(instance), MIN_BETA));
        return ExpApproximations.minimalDegree(method, beta, eps, ExpApproximations.Scope.POLYNOMIAL);
    }

    /**
     * The bound on the scores that the polynomial must cover ({@code proofs-notes/fast-forward-error.md} §1):
     * {@link ScoreBound#beta}, or for the rotation families (RoPE, identity) with weights the smaller of it and
     * {@link ScoreBound#betaRotated}. Each bounds every {@code |s_ij|} and every double score {@code |s~_ij|}; the
     * rounding of the expansion is scaled by {@link #expansionBeta} instead, which bounds the sum of the terms'
     * magnitudes.
     */
    static double intervalBeta(RopeInstance in) {
        double beta = ScoreBound.beta(in);
        boolean rotation = in.family() instanceof RopeFamily || in.family() instanceof IdentityFamily;
        return rotation && in.hasWeights() ? Math.min(beta, ScoreBound.betaRotated(in)) : beta;
    }

    /**
     * {@code (1/d) Σ_S Q̄ W̄ K̄} ({@link ScoreBound#beta}), at least the polynomial's {@code beta}: the magnitude at
     * which the expansion's terms are summed, so {@code Pabs = Σ |a_t| expansionBeta^t} and the score rounding
     * {@code sigma} scale with it ({@code fast-forward-error.md} §1–2).
     */
    static double expansionBeta(RopeInstance in, ExpPolynomial p) {
        return Math.max(roundUp(ScoreBound.beta(in)), p.beta());
    }

    @Override
    public FastForward forward(RopeInstance in) {
        int n = in.n();
        int d = in.d();
        ExpPolynomial p = polynomial(in);
        ExpansionTerms terms = ExpansionTerms.of(in);
        long monomials = Binomial.multisets(terms.count, p.degree());
        requireCap(monomials, terms.count, p);
        DMatrixRMaj h = in.h();
        double[][] rhs = new double[d + 1][];
        rhs[0] = ones(n);
        for (int l = 0; l < d; l++) {
            rhs[l + 1] = ExpansionTerms.column(h, l);
        }
        Apply apply = new Apply(terms, p, in.scale(), in.causal(), rhs);
        long visited = apply.run(threads);
        if (visited != monomials) {
            throw new IllegalStateException("visited " + visited + " monomials, expected C(T+g,g) = " + monomials);
        }
        int length = FftPlans.lengthFor(n);
        double[] hs = FastForward.hStats(in, h);
        double epsRound = FastForwardBound.fftRounding(length, p.degree(), monomials, n);
        double betaAbs = expansionBeta(in, p);
        FastForwardBound bound = new FastForwardBound(p.beta(), p.deltaPolynomial(), p.absSumAt(betaAbs),
                FastForwardBound.scoreRounding(d, betaAbs, omega(in), betaAbs),
                in.causal() ? FastForwardBound.causalRounding(epsRound, n) : epsRound, hs[0], hs[1],
                FastForward.maxAbs(in.upstream()));
        double[][] numer = new double[d][];
        System.arraycopy(apply.out, 1, numer, 0, d);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("eps", eps);
        if (in.causal()) {
            meta.put("causal", true);
        }
        meta.put("terms", terms.count);
        meta.put("monomials", monomials);
        meta.put("fftMonomials", apply.fftMonomials);
        meta.put("directMonomials", monomials - apply.fftMonomials);
        meta.put("fftLength", length);
        meta.put("flops", estimatedFlops(n, d, length, monomials, apply.fftMonomials));
        meta.put("chunks", apply.chunks);
        meta.put("threads", Math.min(threads, apply.chunks));
        return new FastForward(in, p, bound, apply.out[0], numer, h, meta);
    }

    /**
     * {@code Ã v} for each given vector (test hook for the expansion identity {@code Ã_ij = P(s̃_ij)}):
     * the same expansion, FFT path and chunks as {@link #forward}, with the polynomial {@code p}, on one thread.
     */
    public static double[][] applyKernel(RopeInstance in, ExpPolynomial p, double[][] vectors) {
        Apply apply = new Apply(ExpansionTerms.of(in), p, in.scale(), in.causal(), vectors);
        apply.run(1);
        return apply.out;
    }

    /**
     * Rounding constant of the expansion for {@code in} and {@code p} (see {@link FastForwardBound#fftRounding};
     * causal: {@link FastForwardBound#causalRounding} of it).
     */
    public static double roundingConstant(RopeInstance in, ExpPolynomial p) {
        ExpansionTerms terms = ExpansionTerms.of(in);
        double e = FastForwardBound.fftRounding(FftPlans.lengthFor(in.n()), p.degree(),
                Binomial.multisets(terms.count, p.degree()), in.n());
        return in.causal() ? FastForwardBound.causalRounding(e, in.n()) : e;
    }

    /**
     * {@code beta} rounded up to 6 significant bits (relative increase below 1/32), so that the certified
     * polynomial, built in apfloat, is shared by instances with similar scores. Still a valid bound.
     */
    static double roundUp(double beta) {
        int e = Math.getExponent(beta);
        double step = Math.scalb(1.0, e - 5);
        return Math.ceil(beta / step) * step;
    }

    /** The weight error {@code omega} of the family in double (0 unless RoPE). */
    static double omega(RopeInstance in) {
        if (in.family() instanceof RopeFamily) {
            return FastForwardBound.ropeWeightError(in.n(), ((RopeFamily) in.family()).base());
        }
        return 0;
    }

    private void requireCap(long monomials, int t, ExpPolynomial p) {
        if (monomials > cap) {
            throw new IllegalArgumentException("fast-fft: C(T+g, g) = " + (monomials == Long.MAX_VALUE ? "overflow"
                    : String.valueOf(monomials)) + " monomials (T = " + t + " terms, degree g = " + p.degree()
                    + ", beta = " + p.beta() + ") exceeds the cap " + cap);
        }
    }

    static double estimatedFlops(int n, int d, int length, long monomials, long fftMonomials) {
        double fft = 2.5 * length * (Math.log(length) / Math.log(2));
        double perFft = fft * (2.0 * (d + 1) + 1) + 6.0 * length * (d + 1);
        double perDirect = 4.0 * n * (d + 1);
        return fftMonomials * perFft + (monomials - fftMonomials) * perDirect + monomials * 3.0 * n;
    }

    static double[] ones(int n) {
        double[] o = new double[n];
        java.util.Arrays.fill(o, 1.0);
        return o;
    }

    /**
     * One pass of the expansion applied to a set of right-hand sides; under the causal mask (MATH §9)
     * only {@code j <= i} enters row {@code i}. The walk is split into {@link MonomialWalk#chunks} chunks,
     * each summed into its own {@link Chunk#out}, merged in chunk order ({@link ChunkMerge}).
     */
    private static final class Apply {
        final ExpansionTerms terms;
        final ExpPolynomial p;
        final double scale;
        final boolean causal;
        final double[][] rhs;
        final int n;
        final int length;
        final DoubleFFT_1D fft;
        double[][] out;
        long fftMonomials;
        int chunks;

        Apply(ExpansionTerms terms, ExpPolynomial p, double scale, boolean causal, double[][] rhs) {
            this.terms = terms;
            this.p = p;
            this.scale = scale;
            this.causal = causal;
            this.rhs = rhs;
            this.n = terms.n;
            this.length = FftPlans.lengthFor(n);
            this.fft = FftPlans.plan(length);
        }

        /** Runs every chunk on at most {@code threads} threads; returns how many monomials were visited. */
        long run(int threads) {
            long monomials = Binomial.multisets(terms.count, p.degree());
            int k = MonomialWalk.chunks(length, monomials);
            long[] visited = new long[k];
            long[] ffts = new long[k];
            MonomialWalk[] walks = new MonomialWalk[Math.max(1, Math.min(threads, k))];
            Worker[] scratch = new Worker[walks.length];
            ChunkMerge<double[][]> merge = new ChunkMerge<>(k, ChunkMerge::addRows);
            Workers.run(threads, k, "fast-fft-worker", (w, c) -> {
                if (walks[w] == null) {
                    walks[w] = new MonomialWalk(terms, p.coefficients(), scale);
                    scratch[w] = new Worker(length);
                }
                Chunk part = new Chunk(this, scratch[w]);
                visited[c] = walks[w].walk(part, MonomialWalk.chunkStart(monomials, k, c),
                        MonomialWalk.chunkStart(monomials, k, c + 1));
                ffts[c] = part.fftMonomials;
                merge.finish(c, part.out);
            });
            out = merge.sum();
            long total = 0;
            fftMonomials = 0;
            for (int c = 0; c < k; c++) {
                total += visited[c];
                fftMonomials += ffts[c];
            }
            chunks = k;
            return total;
        }
    }

    /** One thread's transform buffers. */
    private static final class Worker {
        final double[] kernel;
        final double[] buf;

        Worker(int length) {
            this.kernel = new double[length];
            this.buf = new double[length];
        }
    }

    /** One chunk of the walk and its partial sums {@code out[r] = Σ_κ γ_κ φ_κ ∘ (T_κ (ψ_κ ∘ rhs[r]))}, κ in the chunk. */
    private static final class Chunk implements MonomialWalk.Visitor {
        final int n;
        final int length;
        final boolean causal;
        final double[][] rhs;
        final DoubleFFT_1D fft;
        final double[] kernel;
        final double[] buf;
        final double[][] out;
        long fftMonomials;

        Chunk(Apply a, Worker w) {
            this.n = a.n;
            this.length = a.length;
            this.causal = a.causal;
            this.rhs = a.rhs;
            this.fft = a.fft;
            this.kernel = w.kernel;
            this.buf = w.buf;
            this.out = new double[rhs.length][n];
        }

        @Override
        public void visit(int size, double gamma, double[] phi, double[] tau, boolean tauConstant, double[] psi) {
            if (gamma == 0) {
                return;
            }
            if (tauConstant && causal) {
                CausalSums.prefixApply(gamma * tau[0], phi, psi, rhs, out);
                return;
            }
            if (tauConstant) {
                double c = gamma * tau[0];
                for (int r = 0; r < rhs.length; r++) {
                    double[] v = rhs[r];
                    double s = 0;
                    for (int j = 0; j < n; j++) {
                        s += psi[j] * v[j];
                    }
                    double cs = c * s;
                    double[] o = out[r];
                    for (int i = 0; i < n; i++) {
                        o[i] += cs * phi[i];
                    }
                }
                return;
            }
            fftMonomials++;
            // kernel: k[m] = tau(m) for m = 0..n-1, k[L - m] = tau(-m) for m = 1..n-1 (causal: 0), zero between
            java.util.Arrays.fill(kernel, 0.0);
            for (int m = 0; m < n; m++) {
                kernel[m] = tau[m + n - 1];
            }
            for (int m = 1; m < n && !causal; m++) {
                kernel[length - m] = tau[n - 1 - m];
            }
            fft.realForward(kernel);
            for (int r = 0; r < rhs.length; r++) {
                double[] v = rhs[r];
                for (int j = 0; j < n; j++) {
                    buf[j] = psi[j] * v[j];
                }
                java.util.Arrays.fill(buf, n, length, 0.0);
                fft.realForward(buf);
                FftPlans.multiplyPacked(buf, kernel, length);
                fft.realInverse(buf, true);
                double[] o = out[r];
                for (int i = 0; i < n; i++) {
                    o[i] += gamma * phi[i] * buf[i];
                }
            }
        }
    }
}
