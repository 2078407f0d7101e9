package dev.ropecheck.engine.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.approx.ExpApproximations;
import dev.ropecheck.approx.ExpPolynomial;
import dev.ropecheck.approx.Method;
import dev.ropecheck.bounds.FastForwardBound;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.ExactValues;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.util.SplittableRandom;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * The expansion is exact up to rounding (RoPE-fwd Thm 1.3, RoPE-grad Lemma 6.1, MATH §5):
 * {@code (Ã e_j)_i = P(s̃_ij)} where {@code s̃} is the score of the double inputs and {@code P} has the
 * double coefficients, both evaluated here in apfloat. This isolates the expansion (and FFT) from the
 * approximation error. Tolerance: the expansion rounding {@code epsRound n Σ|a_t| beta^t}
 * ({@link FastForwardBound#fftRounding}, {@link FastForwardBound#lowRankRounding}) plus {@code 1e-25}
 * for the apfloat evaluation.
 */
class ExpansionIdentityTest {
    static final long DIGITS = 30;

    /** {@code P(s)} in apfloat for the double coefficients. */
    static Apfloat polyAt(ExpPolynomial p, Apfloat s) {
        Apfloat r = new Apfloat(0, DIGITS);
        for (int k = p.degree(); k >= 0; k--) {
            r = r.multiply(s).add(ExactValues.apfloat(p.coefficient(k), DIGITS));
        }
        return r;
    }

    static double[][] units(int n) {
        double[][] e = new double[n][n];
        for (int j = 0; j < n; j++) {
            e[j][j] = 1;
        }
        return e;
    }

    @Test
    @DisplayName("Thm 1.3 / Lemma 6.1: number of monomials visited = C(T+g, g)")
    @dev.ropecheck.specs.Spec("lemma-6.1")
    void monomialCountIsBinomial() {
        qt().withExamples(60).forAll(Generate.range(0, 10), Generate.range(0, 6)).checkAssert((t, g) -> {
            SplittableRandom rnd = new SplittableRandom(31L * t + g);
            DMatrixRMaj q = InstanceSpec.matrix(rnd, 3, Math.max(t, 1), 1);
            for (int i = 0; i < q.data.length; i++) {
                q.data[i] = 0.5 + Math.abs(q.data[i]); // non-zero columns: no term dropped
            }
            ExpansionTerms terms = t == 0 ? ExpansionTerms.rotated(new DMatrixRMaj(3, 0), new DMatrixRMaj(3, 0))
                    : ExpansionTerms.rotated(q, q);
            double[] a = new double[g + 1];
            java.util.Arrays.fill(a, 1.0);
            long visited = new MonomialWalk(terms, a, 2).walk((s, gm, ph, ta, c, ps) -> { });
            assertEquals(Binomial.multisets(t, g), visited, "T=" + t + " g=" + g);
            assertEquals(binomialDirect(t + g, g), visited);
        });
    }

    static long binomialDirect(int n, int k) {
        java.math.BigInteger r = java.math.BigInteger.ONE;
        for (int i = 0; i < k; i++) {
            r = r.multiply(java.math.BigInteger.valueOf(n - i)).divide(java.math.BigInteger.valueOf(i + 1));
        }
        return r.longValueExact();
    }

    @Test
    @DisplayName("Thm 1.3 / Lemma 6.1: fast-fft (Ã e_j)_i = P(s̃_ij) to the expansion rounding bound (all families, weights)")
    @dev.ropecheck.specs.Spec("lemma-6.1")
    void fftExpansionEqualsPolynomialOfScores() {
        qt().withExamples(40).forAll(FastInstances.all(7)).checkAssert(spec0 -> {
            InstanceSpec spec = new InstanceSpec(spec0.n(), spec0.d(), spec0.family(), spec0.bound(), true,
                    spec0.seed());
            RopeInstance in = spec.build();
            ExpPolynomial p = ExpApproximations.ofDegree(Method.CHEBYSHEV, 1.0 + spec.d(), 4);
            double[][] cols;
            try {
                cols = RopeFftEngine_F64.applyKernel(in, p, units(in.n()));
            } catch (IllegalArgumentException e) {
                throw e;
            }
            Support s = in.family().support();
            DMatrixRMaj q = in.q();
            DMatrixRMaj k = in.k();
            double tol = RopeFftEngine_F64.roundingConstant(in, p) * in.n() * p.absValue(scaleBeta(in)) * 1.01 + 1e-25;
            check(spec, in, cols, tol, (i, j) -> {
                Apfloat sc = new Apfloat(0, DIGITS);
                for (int t = 0; t < s.size(); t++) {
                    int b = s.row(t);
                    int e = s.col(t);
                    sc = sc.add(ap(q.get(i, b)).multiply(ap(in.family().weight(i - j, b, e))).multiply(ap(k.get(j, e))));
                }
                return polyAt(p, sc.divide(new Apfloat(in.d(), DIGITS)));
            });
        });
    }

    @Test
    @DisplayName("MATH §5 low-rank: (U1 U2^T e_j)_i = P(<Q̃'_i, K̃'_j>/d) to the low-rank rounding bound")
    @dev.ropecheck.specs.Spec("fast-forward-lowrank")
    void lowRankExpansionEqualsPolynomialOfScores() {
        qt().withExamples(40).forAll(FastInstances.rotations(7)).checkAssert(spec -> {
            RopeInstance in = spec.build();
            ExpPolynomial p = ExpApproximations.ofDegree(Method.TAYLOR, 1.0 + spec.d(), 5);
            DMatrixRMaj[] qk = RopeLowRankEngine_F64.rotated(in);
            double[][] cols = RopeLowRankEngine_F64.applyKernel(qk[0], qk[1], p, units(in.n()));
            long rank = Binomial.multisets(in.d(), p.degree());
            double betaRot = 0;
            for (int i = 0; i < in.n(); i++) {
                for (int j = 0; j < in.n(); j++) {
                    double sabs = 0;
                    for (int b = 0; b < in.d(); b++) {
                        sabs += Math.abs(qk[0].get(i, b) * qk[1].get(j, b));
                    }
                    betaRot = Math.max(betaRot, sabs / in.d());
                }
            }
            // Σ_κ |γ_κ| |φ_κ(i)| |ψ_κ(j)| = Σ_t |a_t| (Σ_b |Q'_ib K'_jb| / d)^t <= Pabs(max_ij ...)
            double tol = FastForwardBound.lowRankRounding(in.n(), rank, p.degree()) * in.n()
                    * p.absValue(betaRot * 1.0001) * 1.01 + 1e-25;
            check(spec, in, cols, tol, (i, j) -> {
                Apfloat sc = new Apfloat(0, DIGITS);
                for (int b = 0; b < in.d(); b++) {
                    sc = sc.add(ap(qk[0].get(i, b)).multiply(ap(qk[1].get(j, b))));
                }
                return polyAt(p, sc.divide(new Apfloat(in.d(), DIGITS)));
            });
        });
    }

    /** {@code (1/d) Σ_S max|Q_b| max|W_be| max|K_e|} over the double Q, K, W: the scale of the expansion's terms. */
    static double scaleBeta(RopeInstance in) {
        Support s = in.family().support();
        DMatrixRMaj q = in.q();
        DMatrixRMaj k = in.k();
        double sum = 0;
        for (int t = 0; t < s.size(); t++) {
            int b = s.row(t);
            int e = s.col(t);
            double qm = 0;
            double km = 0;
            double wm = 0;
            for (int i = 0; i < in.n(); i++) {
                qm = Math.max(qm, Math.abs(q.get(i, b)));
                km = Math.max(km, Math.abs(k.get(i, e)));
            }
            for (int m = -(in.n() - 1); m < in.n(); m++) {
                wm = Math.max(wm, Math.abs(in.family().weight(m, b, e)));
            }
            sum += qm * wm * km;
        }
        return sum / in.d() * 1.0001;
    }

    interface Entry {
        Apfloat at(int i, int j);
    }

    static void check(InstanceSpec spec, RopeInstance in, double[][] cols, double tol, Entry exact) {
        double worst = 0;
        for (int j = 0; j < in.n(); j++) {
            for (int i = 0; i < in.n(); i++) {
                double err = ApfloatMath.abs(ap(cols[j][i]).subtract(exact.at(i, j))).doubleValue();
                worst = Math.max(worst, err);
            }
        }
        double w = worst;
        assertTrue(worst <= tol, () -> spec + ": max |(Ã e_j)_i - P(s̃_ij)| = " + w + " = " + (w / tol)
                + " x the expansion rounding bound " + tol);
        assertTrue(cols[0][0] > 0.1, "Ã_00 ≈ e^{s_00} must be positive and not tiny, got " + cols[0][0]);
    }

    static Apfloat ap(double v) {
        return ExactValues.apfloat(v, DIGITS);
    }
}
