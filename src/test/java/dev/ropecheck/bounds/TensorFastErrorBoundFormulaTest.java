package dev.ropecheck.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.engine.exact.TensorExactEngine_F64;
import dev.ropecheck.gen.TensorInstanceSpec;
import dev.ropecheck.model.TensorInstance;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every {@code allowed} value of {@link TensorFastErrorBound} recomputed from the formulas of
 * {@code proofs-notes/tensor-fast-error.md} (MATH §5 transfer applied to Tensor-grad), written out here entry by
 * entry in another summation order. The comparison is at relative {@code 1e-12}: both sides sum nonnegative
 * terms only (at most {@code n^2 d^3} of them here), so they differ by at most about {@code n^2 d^3 u < 1e-13}
 * relative; a changed term of the bound moves it by far more, because the instances take a large
 * {@code δ = 0.2} (every {@code ρ}, {@code κ} term is O(1) relative) and a large polynomial scale
 * {@code absSum = 1e6} (the rounding part of {@code δ_eff} is about {@code 1e-8} relative, so a changed count in
 * {@code K} shows).
 */
class TensorFastErrorBoundFormulaTest {
    private static final double TOL = 1e-12;
    private static final double DELTA = 0.2;
    private static final double BETA = 1.5;
    private static final int RANK = 7;
    private static final int DEGREE = 5;
    private static final double ABS_SUM = 1e6;

    private static List<TensorInstanceSpec> specs() {
        return List.of(new TensorInstanceSpec(3, 2, 0.5, false, false, 11L),
                new TensorInstanceSpec(2, 3, 1.0, true, true, 12L),
                new TensorInstanceSpec(4, 2, 0.75, true, false, 13L),
                new TensorInstanceSpec(3, 3, 0.5, false, true, 14L));
    }

    /** The hand write-up of tensor-fast-error.md for one instance and its trusted values. */
    private static final class Hand {
        final int n;
        final int d;
        final double de;
        final double rho;
        final double kappa;
        final double[] hMax;
        final double[] eps;
        final TensorInstance in;
        final TensorResult t;

        Hand(TensorInstance in, TensorResult t) {
            this.in = in;
            this.t = t;
            n = in.n();
            d = in.d();
            double k = 2.0 * n + RANK * (d + 1.0) + 6.0 * DEGREE + 4.0 * d * d + 4.0 * d + 32;
            double u = 0x1p-53;
            double gammaK = k * u / (1 - k * u);
            de = DELTA + gammaK * ABS_SUM * Math.exp(BETA) * (1 + DELTA);
            rho = 2 * de / (1 - de);
            kappa = 2 * de / (1 + Math.sqrt(1 - de * de));
            DMatrixRMaj h = t.get(TensorQuantity.H);
            hMax = new double[d];
            eps = new double[d];
            for (int l = 0; l < d; l++) {
                for (int j = 0; j < h.numRows; j++) {
                    hMax[l] = Math.max(hMax[l], Math.abs(h.get(j, l)));
                }
                eps[l] = kappa * hMax[l];
            }
        }

        double c(int i, int l) {
            return t.get(TensorQuantity.C).get(i, l);
        }

        double alpha() {
            double m = 0;
            for (double v : t.get(TensorQuantity.ALPHA).data) {
                m = Math.max(m, Math.abs(v));
            }
            return de * m;
        }

        double attention() {
            double m = 0;
            for (int l = d - 1; l >= 0; l--) {
                m = Math.max(m, kappa * hMax[l]);
            }
            return m;
        }

        double loss() {
            double s = 0;
            for (int l = 0; l < d; l++) {
                for (int i = n - 1; i >= 0; i--) {
                    s += eps[l] * (Math.abs(c(i, l)) + eps[l] / 2);
                }
            }
            return s;
        }

        double r() {
            double m = 0;
            DMatrixRMaj att = t.get(TensorQuantity.ATTENTION);
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int l = d - 1; l >= 0; l--) {
                    s += eps[l] * (Math.abs(att.get(i, l)) + eps[l] + Math.abs(c(i, l)));
                }
                m = Math.max(m, s);
            }
            return m;
        }

        /** {@code |p~_ij - p_ij| <= f_ij (ρ |w_ij| + (1+ρ) Δw_i)}. */
        double pError(int i, int j) {
            DMatrixRMaj h = t.get(TensorQuantity.H);
            DMatrixRMaj att = t.get(TensorQuantity.ATTENTION);
            double dw = 0;
            double w = 0;
            for (int l = 0; l < d; l++) {
                dw += eps[l] * (2 * hMax[l] + eps[l] + Math.abs(c(i, l)));
                w += c(i, l) * h.get(j, l) - c(i, l) * att.get(i, l);
            }
            return t.get(TensorQuantity.F).get(i, j) * (rho * Math.abs(w) + (1 + rho) * dw);
        }

        DMatrixRMaj gradX() {
            DMatrixRMaj out = new DMatrixRMaj(d, d * d);
            for (int a = 0; a < d; a++) {
                for (int c1 = 0; c1 < d; c1++) {
                    for (int c2 = 0; c2 < d; c2++) {
                        double s = 0;
                        for (int i = 0; i < n; i++) {
                            for (int j1 = 0; j1 < n; j1++) {
                                for (int j2 = 0; j2 < n; j2++) {
                                    s += Math.abs(in.a1().get(i, a)) * pError(i, j1 * n + j2)
                                            * Math.abs(in.a2().get(j1, c1)) * Math.abs(in.a3().get(j2, c2));
                                }
                            }
                        }
                        out.set(a, c1 * d + c2, s / d);
                    }
                }
            }
            return out;
        }

        DMatrixRMaj gradY() {
            DMatrixRMaj f = t.get(TensorQuantity.F);
            DMatrixRMaj out = new DMatrixRMaj(d * d, d);
            for (int e1 = 0; e1 < d; e1++) {
                for (int e2 = 0; e2 < d; e2++) {
                    for (int l = 0; l < d; l++) {
                        double s = 0;
                        for (int i = 0; i < n; i++) {
                            double fa = 0;
                            for (int j1 = 0; j1 < n; j1++) {
                                for (int j2 = 0; j2 < n; j2++) {
                                    fa += f.get(i, j1 * n + j2) * Math.abs(in.a4().get(j1, e1))
                                            * Math.abs(in.a5().get(j2, e2));
                                }
                            }
                            s += (rho * (Math.abs(c(i, l)) + eps[l]) + eps[l]) * fa;
                        }
                        out.set(e1 * d + e2, l, s);
                    }
                }
            }
            return out;
        }

        static double max(DMatrixRMaj m) {
            double x = 0;
            for (double v : m.data) {
                x = Math.max(x, Math.abs(v));
            }
            return x;
        }

        double expected(TensorQuantity q) {
            switch (q) {
                case ALPHA:
                    return alpha();
                case ATTENTION:
                case C:
                    return attention();
                case LOSS:
                    return loss();
                case R:
                    return r();
                case GRAD_X:
                    return max(gradX());
                case GRAD_Y:
                    return max(gradY());
                default:
                    return WeightGradientBounds.allowed(q, in, t, gradX(), gradY());
            }
        }
    }

    private static List<TensorQuantity> bounded(TensorInstance in) {
        List<TensorQuantity> qs = new java.util.ArrayList<>(List.of(TensorQuantity.ALPHA, TensorQuantity.ATTENTION,
                TensorQuantity.C, TensorQuantity.LOSS, TensorQuantity.R, TensorQuantity.GRAD_X, TensorQuantity.GRAD_Y));
        for (TensorQuantity q : TensorQuantity.values()) {
            if ((q.needsKeyWeights() && in.hasKeyWeights()) || (q.needsValueWeights() && in.hasValueWeights())) {
                qs.add(q);
            }
        }
        return qs;
    }

    @Test
    @DisplayName("tensor-fast-error.md §1–§4: every allowed value (alpha, Att, c, L, r, ∇X, ∇Y, weights) is its formula, to 1e-12")
    void everyAllowedValueIsItsFormula() {
        int checked = 0;
        for (TensorInstanceSpec spec : specs()) {
            TensorInstance in = spec.build();
            TensorResult t = new TensorExactEngine_F64().computeAll(in);
            TensorFastErrorBound b = new TensorFastErrorBound(DELTA, BETA, RANK, DEGREE, ABS_SUM);
            Hand hand = new Hand(in, t);
            double de = b.effectiveDelta(in.n(), in.d());
            assertTrue(Math.abs(de - hand.de) <= TOL * hand.de, spec + ": δ_eff " + de + " vs " + hand.de + ", "
                    + Math.abs(de - hand.de) / (TOL * hand.de) + " × tolerance");
            assertTrue(de - DELTA > 1e-9, spec + ": the rounding part of δ_eff is visible (" + (de - DELTA) + ")");
            for (TensorQuantity q : bounded(in)) {
                double want = hand.expected(q);
                double got = b.allowed(q, in, t);
                assertTrue(want > 0, spec + " " + q + ": the hand bound is positive");
                assertTrue(Math.abs(got - want) <= TOL * want, spec + " " + q + ": allowed " + got + ", formula " + want
                        + ": " + Math.abs(got - want) / (TOL * want) + " × tolerance");
                checked++;
            }
        }
        assertTrue(checked >= 4 * 7 + 3 + 2 + 3 + 2, "every field of every instance was compared: " + checked);
    }

    @Test
    @DisplayName("tensor-fast-error.md §1: certified() reads beta, delta, rank, degree, absSum (e^beta when absent) from the result")
    void certifiedReadsTheEnginesMetadata() {
        TensorInstance in = specs().get(0).build();
        TensorResult t = new TensorExactEngine_F64().computeAll(in);
        TensorResult meta = TensorResult.builder("fast").meta("beta", BETA).meta("delta", DELTA).meta("rank", RANK)
                .meta("degree", DEGREE).meta("absSum", ABS_SUM).build();
        TensorFastErrorBound b = TensorFastErrorBound.certified(meta);
        assertEquals(DELTA, b.delta());
        Hand hand = new Hand(in, t);
        assertEquals(hand.de, b.effectiveDelta(in.n(), in.d()), TOL * hand.de);
        TensorResult noAbs = TensorResult.builder("fast").meta("beta", BETA).meta("delta", DELTA).meta("rank", RANK)
                .meta("degree", DEGREE).build();
        TensorFastErrorBound e = TensorFastErrorBound.certified(noAbs);
        double k = 2.0 * 3 + RANK * 3 + 6.0 * DEGREE + 16 + 8 + 32;
        double want = DELTA + k * 0x1p-53 / (1 - k * 0x1p-53) * Math.exp(BETA) * Math.exp(BETA) * (1 + DELTA);
        assertEquals(want, e.effectiveDelta(3, 2), 1e-9 * (want - DELTA), "absSum defaults to e^beta");
        TensorResult noDelta = TensorResult.builder("fast").meta("beta", BETA).meta("rank", RANK).meta("degree", DEGREE)
                .build();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> TensorFastErrorBound.certified(noDelta));
        assertTrue(missing.getMessage().contains("\"delta\""), missing.getMessage());
        TensorResult big = TensorResult.builder("fast").meta("beta", BETA).meta("delta", 1.0).meta("rank", RANK)
                .meta("degree", DEGREE).meta("eps", 0.5).build();
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> TensorFastErrorBound.certified(big));
        assertTrue(refused.getMessage().contains("delta") && refused.getMessage().contains("eps")
                && refused.getMessage().contains("below " + 1 / Math.exp(BETA)), refused.getMessage());
        // δ = 0 (an exact polynomial) is admissible: δ_eff is then the rounding part alone
        TensorFastErrorBound exact = new TensorFastErrorBound(0, BETA, RANK, DEGREE, ABS_SUM);
        assertTrue(exact.effectiveDelta(3, 2) > 0 && exact.effectiveDelta(3, 2) < 1e-6, "δ = 0 accepted");
    }
}
