package dev.ropecheck.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * {@link TensorExactRounding} recomputed from {@code proofs-notes/tensor-rounding.md}, field by field, on
 * tiny instances ({@code n = 1..3}, {@code d = 1..3}, {@code B} from 0.05 to 2, dense and factored weights).
 * The recomputation restates every constant of the note (the counts {@code 3d+5, n^2, n^2+1, 2d+2, nd+1,
 * d+1, d+2, 3n+5, 3n+3}, the magnitude inflations {@code 1 + 4(#terms + 4)u}) and forms every relative
 * error {@code Π(1 + x_i) e^y - 1} as {@code expm1(y + Σ log1p(x_i))}, so each value is a sum of
 * non-negative terms, within {@code γ_K(u)} ({@code K <= 200} roundings) of its real value; two such
 * evaluations agree to {@code 2 γ_200 < 2^-40} relative. A product minus one, in fp64 where these
 * relative errors are a few {@code u}, is off by up to {@code u} absolute, i.e. tens of percent.
 */
class TensorExactRoundingFormulaTest {
    private static final double U = 0x1p-53;
    private static final double REL = 0x1p-40;

    private static double g(double k) {
        return k * U / (1 - k * U);
    }

    private static double[] colMax(DMatrixRMaj m) {
        double[] out = new double[m.numCols];
        for (int i = 0; i < m.numRows; i++) {
            for (int j = 0; j < m.numCols; j++) {
                out[j] = Math.max(out[j], Math.abs(m.get(i, j)));
            }
        }
        return out;
    }

    private static double maxAbs(DMatrixRMaj m) {
        double r = 0;
        for (double v : m.data) {
            r = Math.max(r, Math.abs(v));
        }
        return r;
    }

    /** The note's bound of every field but the weight gradients, in {@link TensorQuantity} order. */
    static double[] note(TensorInstance in, TensorResult t) {
        int n = in.n();
        int d = in.d();
        double[] a1m = colMax(in.a1());
        double[] a2m = colMax(in.a2());
        double[] a3m = colMax(in.a3());
        double[] a4m = colMax(in.a4());
        double[] a5m = colMax(in.a5());
        DMatrixRMaj x = in.x();
        DMatrixRMaj y = in.y();
        double beta = 0;
        for (int a = 0; a < d; a++) {
            for (int c1 = 0; c1 < d; c1++) {
                for (int c2 = 0; c2 < d; c2++) {
                    beta += a1m[a] * Math.abs(x.get(a, c1 * d + c2)) * a2m[c1] * a3m[c2];
                }
            }
        }
        beta = beta / d * (1 + 4 * (d * d * d + 4) * U);
        double h = 0;
        for (int l = 0; l < d; l++) {
            double s = 0;
            for (int c1 = 0; c1 < d; c1++) {
                for (int c2 = 0; c2 < d; c2++) {
                    s += a4m[c1] * a5m[c2] * Math.abs(y.get(c1 * d + c2, l));
                }
            }
            h = Math.max(h, s);
        }
        h *= 1 + 4 * (d * d + 4) * U;
        double eMax = maxAbs(in.e());
        double nn = (double) n * n;
        double gs = g(3 * d + 5);
        double deltaE = Math.expm1(gs * beta + 2 * U * (1 + gs) * beta + Math.log1p(2 * U));
        double rhoE = 2 * deltaE / (1 - deltaE);
        double phi = Math.expm1(Math.log1p(rhoE) + 2 * Math.log1p(U) - Math.log1p(-g(nn)));
        double epsH = g(2 * d + 2) * h;
        double epsAtt = phi * h + (1 + phi) * (epsH + (h + epsH) * g(nn + 1));
        double epsC = epsAtt + U * (h + epsAtt + eMax);
        DMatrixRMaj c = t.get(TensorQuantity.C);
        DMatrixRMaj att = t.get(TensorQuantity.ATTENTION);
        DMatrixRMaj f = t.get(TensorQuantity.F);
        double l1 = 0;
        double l2 = 0;
        for (double v : c.data) {
            l1 += epsC * (2 * Math.abs(v) + epsC);
            l2 += (Math.abs(v) + epsC) * (Math.abs(v) + epsC);
        }
        double loss = 0.5 * (l1 + g(n * d + 1) * l2);
        double kMinus1 = Math.expm1(Math.log1p(phi) + Math.log1p(U)); // (1 + Φ)(1 + u) - 1
        double r = 0;
        double p = 0;
        double[] gx = new double[d * d * d];
        double[] gy = new double[d * d * d];
        for (int i = 0; i < n; i++) {
            double rl = 0;
            double rq = 0;
            double w = 0;
            double dw = 0;
            double dwq = 0;
            double spread = 2 * h + epsH + epsAtt;
            for (int l = 0; l < d; l++) {
                double ci = Math.abs(c.get(i, l));
                double ai = Math.abs(att.get(i, l));
                rl += epsC * (ai + epsAtt) + ci * epsAtt;
                rq += (ci + epsC) * (ai + epsAtt);
                w += 2 * h * ci;
                dw += epsC * spread + ci * (epsH + epsAtt);
                dwq += (ci + epsC) * spread;
                double term = phi * (ci + epsC) + epsC + g(3 * n + 3) * (1 + phi) * (ci + epsC);
                for (int c1 = 0; c1 < d; c1++) {
                    for (int c2 = 0; c2 < d; c2++) {
                        gy[(c1 * d + c2) * d + l] += a4m[c1] * a5m[c2] * term;
                    }
                }
            }
            r = Math.max(r, rl + g(d + 1) * rq);
            dw += g(d + 2) * dwq;
            double fMax = 0;
            for (int j = 0; j < f.numCols; j++) {
                fMax = Math.max(fMax, f.get(i, j));
            }
            double pi = kMinus1 * w + (1 + kMinus1) * dw;
            p = Math.max(p, fMax * pi);
            double row = pi + g(3 * n + 5) * (1 + kMinus1) * (w + dw);
            for (int a = 0; a < d; a++) {
                for (int c1 = 0; c1 < d; c1++) {
                    for (int c2 = 0; c2 < d; c2++) {
                        gx[a * d * d + c1 * d + c2] += Math.abs(in.a1().get(i, a)) / d * a2m[c1] * a3m[c2] * row;
                    }
                }
            }
        }
        double gxMax = 0;
        double gyMax = 0;
        for (int k = 0; k < gx.length; k++) {
            gxMax = Math.max(gxMax, gx[k]);
            gyMax = Math.max(gyMax, gy[k]);
        }
        double aRel = Math.expm1(Math.log1p(deltaE) + Math.log1p(2 * U) + Math.log1p(U));
        double alphaRel = Math.expm1(Math.log1p(deltaE) + Math.log1p(g(nn)) + Math.log1p(2 * U) + Math.log1p(U));
        return new double[] {aRel * maxAbs(t.get(TensorQuantity.A)), alphaRel * maxAbs(t.get(TensorQuantity.ALPHA)),
            phi * maxAbs(f), epsH, epsAtt, epsC, loss, r, p, gxMax, gyMax};
    }

    static final TensorQuantity[] FIELDS = {TensorQuantity.A, TensorQuantity.ALPHA, TensorQuantity.F, TensorQuantity.H,
        TensorQuantity.ATTENTION, TensorQuantity.C, TensorQuantity.LOSS, TensorQuantity.R, TensorQuantity.P,
        TensorQuantity.GRAD_X, TensorQuantity.GRAD_Y};

    @Test
    @DisplayName("tensor-loss: every field's rounding bound of the exact tensor engine equals the note's formula")
    @dev.ropecheck.specs.Spec("tensor-loss")
    void everyFieldEqualsTheNote() {
        TensorExactRounding bound = new TensorExactRounding();
        int compared = 0;
        long seed = 1;
        for (int n = 1; n <= 3; n++) {
            for (int d = 1; d <= 3; d++) {
                for (double b : List.of(0.05, 0.5, 2.0)) {
                    TensorInstance in = new TensorInstanceSpec(n, d, b, seed % 2 == 0, seed % 3 == 0, seed).build();
                    seed++;
                    TensorResult t = new TensorExactEngine_F64().computeAll(in);
                    double[] want = note(in, t);
                    for (int k = 0; k < FIELDS.length; k++) {
                        double got = bound.allowed(FIELDS[k], in, t);
                        ErrorBound<TensorInstance, TensorQuantity> kindGeneric = bound;
                        assertEquals(got, kindGeneric.allowed(FIELDS[k], in, (dev.ropecheck.engine.Result<TensorQuantity>) t), 0,
                                "the kind-generic form");
                        assertTrue(want[k] > 0, FIELDS[k] + " bound must be positive");
                        assertEquals(want[k], got, REL * want[k], FIELDS[k] + " n=" + n + " d=" + d + " B=" + b
                                + ": class " + got + " vs note " + want[k] + " (relative " + (got / want[k] - 1) + ")");
                        compared++;
                    }
                }
            }
        }
        assertEquals(27 * FIELDS.length, compared);
        assertEquals(U * 3 + 1e-35 * 4, TensorExactRounding.comparisonSlack(3), 0);
    }
}
