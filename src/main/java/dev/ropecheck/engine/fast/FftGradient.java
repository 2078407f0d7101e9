package dev.ropecheck.engine.fast;

import dev.ropecheck.approx.ExpPolynomial;
import dev.ropecheck.bounds.FastGradientBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Fast RoPE attention gradient by the polynomial method and FFT, any family (RoPE-grad Section 6,
 * Lemmas 6.2–6.6, Theorem 6.7; MATH §6). With {@code Ã_ij = Σ_κ γ_κ φ_κ(i) τ_κ(i-j) ψ_κ(j)} (never
 * materialised), {@code x_i = [c~_i, -r~_i] / alpha~_i}, {@code y_j = [h_j, 1]}:
 * {@code p~_ij = Σ_κ γ_κ τ_κ(i-j) Σ_l (φ_κ(i) x_il)(ψ_κ(j) y_jl)}. Per monomial {@code κ}, the
 * transforms of the i-side vectors {@code u[l][a] = φ_κ x_l ∘ A1[:,a]} and of the j-side vectors
 * {@code v[l][c] = ψ_κ y_l ∘ A2[:,c]} are computed once (real FFT of length {@code L >= 2n-1}), and:
 * <ul>
 *   <li>{@code G~[(a,c),(b,e)] = (1/d) Σ_κ γ_κ Σ_m τ_κ(m) W_m[b,e] M^κ_m[a,c]} where
 *       {@code M^κ[a,c] = Σ_l corr(u[l][a], v[l][c])}; the sum over {@code l} is taken in the
 *       frequency domain and the sum over {@code m} by Parseval against the transform of the kernel
 *       {@code τ_κ W[b,e]}, so {@code G~} needs no inverse transform;</li>
 *   <li>{@code dQ~_i[b] = (1/d) Σ_l x_il Σ_κ γ_κ φ_κ(i) Σ_e (τ_κ W[b,e]) * (ψ_κ y_l ∘ K[:,e])}:
 *       Toeplitz products; the transforms of {@code ψ_κ y_l ∘ K[:,e]} are combinations
 *       {@code Σ_c W_K[c,e] v̂[l][c]}, summed over {@code e} in the frequency domain (one inverse per
 *       {@code (b, l)});</li>
 *   <li>{@code dK~} the same with the transposed kernel (correlation) and {@code Σ_a W_Q[a,b] û[l][a]};</li>
 *   <li>{@code dV~ = f~^T c~}: one more correlation per {@code l} with the kernel {@code τ_κ}.</li>
 * </ul>
 * Families whose every {@code W_m} is the same matrix (identity) need no transform: plain sums.
 * Memory {@code O(L (d^2 + |S|))} doubles; time {@code O(C(T+g, g) (d^2 + |S|) L log L)}.
 * Error: {@link FastGradientBound}.
 *
 * <p>Kernel conventions (MATH §9, {@code proofs-notes/causal-fast.md}): the factor {@code 1/d} of
 * {@code G, dQ, dK} and of {@code γ_κ} is the score scale {@code sigma}; under the causal mask every
 * kernel is {@code τ_κ(m) W_m [m >= 0]} (its negative half is never loaded), so each convolution, correlation and
 * Parseval sum keeps exactly the pairs {@code j <= i}, and the constant-family plain sums are not
 * used (they would sum over all pairs).
 */
final class FftGradient {
    private FftGradient() {
    }

    static FastGradient compute(RopeInstance in, FastForward fwd, ExpPolynomial p, boolean wantG,
            FastGradient.Variant variant) {
        int n = in.n();
        int d = in.d();
        int d1 = d + 1;
        boolean weights = in.hasWeights();
        double[] alpha = fwd.alpha();
        DMatrixRMaj att = fwd.attention();
        DMatrixRMaj c = fwd.c();
        DMatrixRMaj h = in.h();
        double[] r = new double[n];
        // column-major per l: xs[l][i] = x_il / alpha_i, ys[l][j] = y_jl
        double[][] xs = new double[d1][n];
        double[][] ys = new double[d1][n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int l = 0; l < d; l++) {
                s += c.unsafe_get(i, l) * att.unsafe_get(i, l);
            }
            r[i] = s;
            double inv = 1.0 / alpha[i];
            for (int l = 0; l < d; l++) {
                xs[l][i] = c.unsafe_get(i, l) * inv;
                ys[l][i] = h.unsafe_get(i, l);
            }
            xs[d][i] = variant == FastGradient.Variant.DROP_R ? 0.0 : -s * inv;
            ys[d][i] = 1.0;
        }
        Work w = new Work(in, xs, ys, wantG);
        new MonomialWalk(ExpansionTerms.of(in), p.coefficients(), in.scale()).walk(w);
        FastGradient out = new FastGradient(fwd, new FastGradientBound(fwd.bound(), in));
        out.put(Quantity.R, new DMatrixRMaj(n, 1, true, r));
        double invD = in.scale();
        DMatrixRMaj dv = new DMatrixRMaj(n, d);
        for (int j = 0; j < n; j++) {
            for (int l = 0; l < d; l++) {
                dv.unsafe_set(j, l, w.dv[l][j]);
            }
        }
        out.put(Quantity.DV, dv);
        if (weights) {
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

    /** The per-monomial work; all buffers allocated once. */
    private static final class Work implements MonomialWalk.Visitor {
        final int n;
        final int d;
        final int d1;
        final int length;
        final boolean weights;
        final boolean wantG;
        final boolean constantFamily;
        final boolean causal;
        final DoubleFFT_1D fft;
        final double[][] xs;
        final double[][] ys;
        final double[][] a1;
        final double[][] a2;
        final double[][] q;
        final double[][] k;
        final double[] wq;
        final double[] wk;
        final int ns;
        final int[] sb;
        final int[] se;
        final double[][] wS;
        /** Support entries whose weight column equals {@code sgn[t] · wS[rep[t]]} share one kernel transform. */
        final int[] rep;
        final double[] sgn;
        final double[] dots;
        /** Accumulators: dq[b][i] (times d), dk[e][j] (times d), dv[l][j], g[(a,c)*|S| + s] (times d). */
        final double[][] dq;
        final double[][] dk;
        final double[][] dv;
        final double[] g;
        // spectra
        final double[] kt;
        final double[][] ks;
        final double[][][] ua;
        final double[][][] va;
        final double[][] ux;
        final double[][] tmp;
        final double[] acc;
        final double[] buf;

        Work(RopeInstance in, double[][] xs, double[][] ys, boolean wantG) {
            this.n = in.n();
            this.d = in.d();
            this.d1 = d + 1;
            this.xs = xs;
            this.ys = ys;
            this.weights = in.hasWeights();
            this.wantG = wantG;
            this.length = FftPlans.lengthFor(n);
            this.fft = FftPlans.plan(length);
            this.a1 = columns(in.a1());
            this.a2 = columns(in.a2());
            this.q = weights ? columns(in.q()) : null;
            this.k = weights ? columns(in.k()) : null;
            this.wq = weights ? in.wq().data : null;
            this.wk = weights ? in.wk().data : null;
            PositionFamily fam = in.family();
            Support s = fam.support();
            this.ns = s.size();
            this.sb = new int[ns];
            this.se = new int[ns];
            this.wS = new double[ns][2 * n - 1];
            boolean cf = true;
            for (int t = 0; t < ns; t++) {
                sb[t] = s.row(t);
                se[t] = s.col(t);
                for (int m = -(n - 1); m <= n - 1; m++) {
                    wS[t][m + n - 1] = fam.weight(m, sb[t], se[t]);
                    cf &= wS[t][m + n - 1] == wS[t][0];
                }
            }
            this.causal = in.causal();
            this.constantFamily = cf && !causal;
            this.rep = new int[ns];
            this.sgn = new double[ns];
            for (int t = 0; t < ns; t++) {
                rep[t] = t;
                sgn[t] = 1.0;
                for (int t2 = 0; t2 < t; t2++) {
                    if (rep[t2] != t2) {
                        continue;
                    }
                    if (Arrays.equals(wS[t], wS[t2])) {
                        rep[t] = t2;
                        break;
                    }
                    if (negated(wS[t], wS[t2])) {
                        rep[t] = t2;
                        sgn[t] = -1.0;
                        break;
                    }
                }
            }
            this.dots = new double[ns];
            this.dq = new double[d][n];
            this.dk = new double[d][n];
            this.dv = new double[d][n];
            this.g = new double[d * d * ns];
            int len = constantFamily ? 0 : length;
            this.kt = new double[len];
            this.ks = new double[ns][len];
            this.ua = new double[d1][d][len];
            this.va = new double[d1][d][len];
            this.ux = new double[d][len];
            this.tmp = new double[d][len];
            this.acc = new double[len];
            this.buf = new double[len];
        }

        static boolean negated(double[] x, double[] y) {
            for (int i = 0; i < x.length; i++) {
                if (x[i] != -y[i]) {
                    return false;
                }
            }
            return true;
        }

        static double[][] columns(DMatrixRMaj m) {
            double[][] out = new double[m.numCols][m.numRows];
            for (int i = 0; i < m.numRows; i++) {
                for (int col = 0; col < m.numCols; col++) {
                    out[col][i] = m.unsafe_get(i, col);
                }
            }
            return out;
        }

        @Override
        public void visit(int size, double gamma, double[] phi, double[] tau, boolean tauConstant, double[] psi) {
            if (gamma == 0) {
                return;
            }
            if (constantFamily) {
                visitConstant(gamma * tau[0], phi, psi);
            } else {
                visitFft(gamma, phi, tau, psi);
            }
        }

        /** All {@code W_m = W_0}: {@code p~_ij = c0 φ_i ψ_j <x_i, y_j>} per monomial, plain sums. */
        private void visitConstant(double c0, double[] phi, double[] psi) {
            double[][] sA = new double[d1][d];
            double[][] sUA = new double[d1][d];
            double[][] sK = new double[d1][d];
            double[][] sQ = new double[d1][d];
            double[] sC = new double[d];
            for (int l = 0; l < d1; l++) {
                double[] x = xs[l];
                double[] y = ys[l];
                for (int a = 0; a < d; a++) {
                    double s1 = 0;
                    double s2 = 0;
                    double s3 = 0;
                    double s4 = 0;
                    double[] c1 = a1[a];
                    double[] c2 = a2[a];
                    for (int i = 0; i < n; i++) {
                        double pi = phi[i] * x[i];
                        double pj = psi[i] * y[i];
                        s1 += pi * c1[i];
                        s2 += pj * c2[i];
                        if (weights) {
                            s3 += pi * q[a][i];
                            s4 += pj * k[a][i];
                        }
                    }
                    sUA[l][a] = s1;
                    sA[l][a] = s2;
                    sQ[l][a] = s3;
                    sK[l][a] = s4;
                }
            }
            for (int l = 0; l < d; l++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += phi[i] * xs[l][i];
                }
                sC[l] = s;
            }
            if (wantG) {
                for (int a = 0; a < d; a++) {
                    for (int cc = 0; cc < d; cc++) {
                        double m = 0;
                        for (int l = 0; l < d1; l++) {
                            m += sUA[l][a] * sA[l][cc];
                        }
                        int o = (a * d + cc) * ns;
                        for (int t = 0; t < ns; t++) {
                            g[o + t] += c0 * m * wS[t][0];
                        }
                    }
                }
            }
            if (weights) {
                // dq[b][i] += c0 φ_i Σ_l x_il Σ_e W0[b,e] sK[l][e]; dk[e][j] += c0 ψ_j Σ_l y_jl Σ_b W0[b,e] sQ[l][b]
                double[][] kw = new double[d1][d];
                double[][] qw = new double[d1][d];
                for (int l = 0; l < d1; l++) {
                    for (int t = 0; t < ns; t++) {
                        kw[l][sb[t]] += wS[t][0] * sK[l][se[t]];
                        qw[l][se[t]] += wS[t][0] * sQ[l][sb[t]];
                    }
                }
                for (int b = 0; b < d; b++) {
                    double[] oq = dq[b];
                    double[] ok = dk[b];
                    for (int i = 0; i < n; i++) {
                        double sq = 0;
                        double sk = 0;
                        for (int l = 0; l < d1; l++) {
                            sq += xs[l][i] * kw[l][b];
                            sk += ys[l][i] * qw[l][b];
                        }
                        oq[i] += c0 * phi[i] * sq;
                        ok[i] += c0 * psi[i] * sk;
                    }
                }
            }
            for (int l = 0; l < d; l++) {
                double v = c0 * sC[l];
                double[] o = dv[l];
                for (int j = 0; j < n; j++) {
                    o[j] += v * psi[j];
                }
            }
        }

        /**
         * Loads {@code k[m mod L] = tau(m) w(m)} for {@code |m| <= n-1} (causal: {@code 0 <= m <= n-1}) and
         * transforms it.
         */
        private void kernel(double[] out, double[] tau, double[] w) {
            Arrays.fill(out, 0.0);
            // tau has one entry when no term survives (every score column zero): constant
            int o = tau.length == 1 ? 0 : n - 1;
            int step = tau.length == 1 ? 0 : 1;
            for (int m = 0; m < n; m++) {
                out[m] = tau[o + step * m] * (w == null ? 1.0 : w[m + n - 1]);
            }
            for (int m = 1; m < n && !causal; m++) {
                out[length - m] = tau[o - step * m] * (w == null ? 1.0 : w[n - 1 - m]);
            }
            fft.realForward(out);
        }

        private void transform(double[] out, double[] weight, double[] x, double[] col) {
            for (int i = 0; i < n; i++) {
                out[i] = weight[i] * x[i] * (col == null ? 1.0 : col[i]);
            }
            Arrays.fill(out, n, length, 0.0);
            fft.realForward(out);
        }

        private void visitFft(double gamma, double[] phi, double[] tau, double[] psi) {
            for (int t = 0; t < ns; t++) {
                if (rep[t] == t) {
                    kernel(ks[t], tau, wS[t]);
                }
            }
            kernel(kt, tau, null);
            for (int l = 0; l < d1; l++) {
                for (int a = 0; a < d; a++) {
                    transform(ua[l][a], phi, xs[l], a1[a]);
                    transform(va[l][a], psi, ys[l], a2[a]);
                }
            }
            if (wantG) {
                double scale = gamma / length;
                for (int a = 0; a < d; a++) {
                    for (int cc = 0; cc < d; cc++) {
                        Arrays.fill(acc, 0.0);
                        for (int l = 0; l < d1; l++) {
                            mulConjAcc(acc, ua[l][a], va[l][cc]);
                        }
                        int o = (a * d + cc) * ns;
                        for (int t = 0; t < ns; t++) {
                            if (rep[t] == t) {
                                dots[t] = dotReal(ks[t], acc);
                            }
                        }
                        for (int t = 0; t < ns; t++) {
                            g[o + t] += scale * sgn[t] * dots[rep[t]];
                        }
                    }
                }
            }
            if (weights) {
                for (int l = 0; l < d1; l++) {
                    // tmp[e] = spectrum of ψ y_l ∘ K[:,e] = Σ_c W_K[c,e] va[l][c]
                    combine(tmp, va[l], wk);
                    for (int b = 0; b < d; b++) {
                        Arrays.fill(buf, 0.0);
                        boolean any = false;
                        for (int t = 0; t < ns; t++) {
                            if (sb[t] == b) {
                                mulAcc(buf, ks[rep[t]], tmp[se[t]], sgn[t]);
                                any = true;
                            }
                        }
                        if (!any) {
                            continue;
                        }
                        fft.realInverse(buf, true);
                        double[] x = xs[l];
                        double[] o = dq[b];
                        for (int i = 0; i < n; i++) {
                            o[i] += gamma * phi[i] * x[i] * buf[i];
                        }
                    }
                }
                for (int l = 0; l < d1; l++) {
                    // tmp[b] = spectrum of φ x_l ∘ Q[:,b] = Σ_a W_Q[a,b] ua[l][a]
                    combine(tmp, ua[l], wq);
                    for (int e = 0; e < d; e++) {
                        Arrays.fill(buf, 0.0);
                        boolean any = false;
                        for (int t = 0; t < ns; t++) {
                            if (se[t] == e) {
                                mulConjAcc(buf, tmp[sb[t]], ks[rep[t]], sgn[t]);
                                any = true;
                            }
                        }
                        if (!any) {
                            continue;
                        }
                        fft.realInverse(buf, true);
                        double[] y = ys[l];
                        double[] o = dk[e];
                        for (int j = 0; j < n; j++) {
                            o[j] += gamma * psi[j] * y[j] * buf[j];
                        }
                    }
                }
            }
            for (int l = 0; l < d; l++) {
                transform(ux[l], phi, xs[l], null);
                System.arraycopy(ux[l], 0, buf, 0, length);
                conjMul(buf, kt);
                fft.realInverse(buf, true);
                double[] o = dv[l];
                for (int j = 0; j < n; j++) {
                    o[j] += gamma * psi[j] * buf[j];
                }
            }
        }

        /** {@code out[e] = Σ_c w[c*d + e] in[c]} (spectra are linear). */
        private void combine(double[][] out, double[][] in, double[] w) {
            for (int e = 0; e < d; e++) {
                double[] o = out[e];
                Arrays.fill(o, 0.0);
                for (int cc = 0; cc < d; cc++) {
                    double f = w[cc * d + e];
                    if (f == 0) {
                        continue;
                    }
                    double[] x = in[cc];
                    for (int t = 0; t < length; t++) {
                        o[t] += f * x[t];
                    }
                }
            }
        }
    }

    /** {@code acc += x * conj(y)} on packed real spectra. */
    static void mulConjAcc(double[] acc, double[] x, double[] y) {
        acc[0] += x[0] * y[0];
        acc[1] += x[1] * y[1];
        for (int i = 2; i < acc.length; i += 2) {
            double xr = x[i];
            double xi = x[i + 1];
            double yr = y[i];
            double yi = y[i + 1];
            acc[i] += xr * yr + xi * yi;
            acc[i + 1] += xi * yr - xr * yi;
        }
    }

    /** {@code acc += s · x * y} on packed real spectra ({@code s = ±1}). */
    static void mulAcc(double[] acc, double[] x, double[] y, double s) {
        acc[0] += s * (x[0] * y[0]);
        acc[1] += s * (x[1] * y[1]);
        for (int i = 2; i < acc.length; i += 2) {
            double xr = x[i];
            double xi = x[i + 1];
            double yr = y[i];
            double yi = y[i + 1];
            acc[i] += s * (xr * yr - xi * yi);
            acc[i + 1] += s * (xr * yi + xi * yr);
        }
    }

    /** {@code acc += s · x * conj(y)} on packed real spectra ({@code s = ±1}). */
    static void mulConjAcc(double[] acc, double[] x, double[] y, double s) {
        acc[0] += s * (x[0] * y[0]);
        acc[1] += s * (x[1] * y[1]);
        for (int i = 2; i < acc.length; i += 2) {
            double xr = x[i];
            double xi = x[i + 1];
            double yr = y[i];
            double yi = y[i + 1];
            acc[i] += s * (xr * yr + xi * yi);
            acc[i + 1] += s * (xi * yr - xr * yi);
        }
    }

    /** {@code x <- x * conj(k)} on packed real spectra. */
    static void conjMul(double[] x, double[] k) {
        x[0] *= k[0];
        x[1] *= k[1];
        for (int i = 2; i < x.length; i += 2) {
            double xr = x[i];
            double xi = x[i + 1];
            double kr = k[i];
            double ki = k[i + 1];
            x[i] = xr * kr + xi * ki;
            x[i + 1] = xi * kr - xr * ki;
        }
    }

    /**
     * {@code Σ_f Re(k̂_f conj(ĉ_f))} over all {@code L} bins from packed half spectra, which is
     * {@code L Σ_t k[t] c[t]} (Parseval) for real {@code k, c}.
     */
    static double dotReal(double[] k, double[] cs) {
        double s = 0;
        for (int i = 2; i < k.length; i += 2) {
            s += k[i] * cs[i] + k[i + 1] * cs[i + 1];
        }
        return k[0] * cs[0] + k[1] * cs[1] + 2 * s;
    }
}
