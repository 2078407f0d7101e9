package dev.ropecheck.bounds;

import static dev.ropecheck.bounds.Magnitudes.U;
import static dev.ropecheck.bounds.Magnitudes.gamma;

import dev.ropecheck.engine.TensorQuantity;
import dev.ropecheck.engine.TensorResult;
import dev.ropecheck.model.TensorInstance;
import org.ejml.data.DMatrixRMaj;

/**
 * The rounding model of {@link dev.ropecheck.engine.exact.TensorExactEngine_F64}, derived in
 * {@code proofs-notes/tensor-rounding.md} (standard model {@code fl(x op y) = (x op y)(1+θ)}, {@code |θ| <= u = 2^-53},
 * {@code Math.exp} within 1 ulp, i.e. relative {@code 2u}; a sum of {@code k} rounded terms has error at most
 * {@code γ_k = ku/(1-ku)} times the sum of absolute values). Symbols as in the note:
 * <ul>
 *   <li>scores: {@code |Ŝ - S| <= γ_{3d+5} betaAbs};</li>
 *   <li>shifted exponentials: relative {@code δ_e = exp(γ_{3d+5} betaAbs + 2u β̂)(1+2u) - 1}, {@code β̂ = (1+γ_{3d+5}) betaAbs};</li>
 *   <li>{@code f}: relative {@code Φ = (1 + 2δ_e/(1-δ_e))(1+u)^2/(1-γ_{n^2}) - 1} (MATH §5 error transfer, then the
 *       row sum and the reciprocal);</li>
 *   <li>{@code h}: {@code ε_h = γ_{2d+2} H}; {@code Att}: {@code ε_Att = Φ H + (1+Φ)(ε_h + (H+ε_h) γ_{n^2+1})};
 *       {@code c}: {@code ε_c = ε_Att + u (H + ε_Att + max|E|)};</li>
 *   <li>{@code p}, {@code ∇_X L}, {@code ∇_Y L}, {@code L}, {@code r}, weight gradients: see the note.</li>
 * </ul>
 * {@code H} is {@link Magnitudes#hAbs}. The bound is an upper bound on the engine's error against the exact
 * value; comparing with a rounded reference adds {@link #comparisonSlack}.
 */
public final class TensorExactRounding implements TensorQuantityBound {

    /** Scalars of the model for one instance. */
    private static final class Model {
        final Magnitudes mag;
        final double phi;
        final double deltaE;
        final double epsH;
        final double epsAtt;
        final double epsC;
        final double h;

        Model(TensorInstance in) {
            mag = new Magnitudes(in);
            int n = in.n();
            int d = in.d();
            double gs = gamma(3.0 * d + 5);
            double betaHat = (1 + gs) * mag.betaAbs;
            // relative errors e^y Π(1 + x_i) - 1 as expm1(y + Σ log1p(x_i)): as a product minus 1 they cancel
            // against 1, which at a few u loses up to u absolute (20% of the A bound at n = d = 1)
            deltaE = Math.expm1(gs * mag.betaAbs + 2 * U * betaHat + Math.log1p(2 * U));
            if (!(deltaE < 0.5)) {
                throw new IllegalArgumentException("rounding model needs delta_e < 1/2, got " + deltaE);
            }
            double rhoE = 2 * deltaE / (1 - deltaE);
            double nn = (double) n * n;
            phi = Math.expm1(Math.log1p(rhoE) + 2 * Math.log1p(U) - Math.log1p(-gamma(nn)));
            h = mag.hAbs;
            epsH = gamma(2.0 * d + 2) * h;
            epsAtt = phi * h + (1 + phi) * (epsH + (h + epsH) * gamma(nn + 1));
            epsC = epsAtt + U * (h + epsAtt + mag.eMax);
        }
    }

    @Override
    public double allowed(TensorQuantity q, TensorInstance in, TensorResult trusted) {
        Model m = new Model(in);
        int n = in.n();
        int d = in.d();
        double nn = (double) n * n;
        switch (q) {
            case A:
                return Math.expm1(Math.log1p(m.deltaE) + Math.log1p(2 * U) + Math.log1p(U))
                        * Magnitudes.maxAbs(trusted.get(TensorQuantity.A));
            case ALPHA:
                return Math.expm1(Math.log1p(m.deltaE) + Math.log1p(gamma(nn)) + Math.log1p(2 * U) + Math.log1p(U))
                        * Magnitudes.maxAbs(trusted.get(TensorQuantity.ALPHA));
            case F:
                return m.phi * Magnitudes.maxAbs(trusted.get(TensorQuantity.F));
            case H:
                return m.epsH;
            case ATTENTION:
                return m.epsAtt;
            case C:
                return m.epsC;
            case LOSS:
                return lossBound(m, trusted.get(TensorQuantity.C));
            case R:
                return rBound(m, trusted);
            case P:
                return pBound(m, in, trusted);
            case GRAD_X:
                return Magnitudes.maxAbs(gradXErrors(m, in, trusted));
            case GRAD_Y:
                return Magnitudes.maxAbs(gradYErrors(m, in, trusted));
            default:
                return WeightGradientBounds.allowed(q, in, trusted, gradXErrors(m, in, trusted),
                        gradYErrors(m, in, trusted));
        }
    }

    /** Slack for comparing with a reference rounded to double: {@code u |value|} plus the reference's own error. */
    public static double comparisonSlack(double scale) {
        return U * scale + 1e-35 * (1 + scale);
    }

    private static double lossBound(Model m, DMatrixRMaj c) {
        double first = 0;
        double second = 0;
        for (double v : c.data) {
            double a = Math.abs(v);
            first += m.epsC * (2 * a + m.epsC);
            second += (a + m.epsC) * (a + m.epsC);
        }
        return 0.5 * (first + gamma(c.data.length + 1.0) * second);
    }

    private static double rBound(Model m, TensorResult t) {
        DMatrixRMaj c = t.get(TensorQuantity.C);
        DMatrixRMaj att = t.get(TensorQuantity.ATTENTION);
        int d = c.numCols;
        double worst = 0;
        for (int i = 0; i < c.numRows; i++) {
            double s = 0;
            double abs = 0;
            for (int l = 0; l < d; l++) {
                double ci = Math.abs(c.unsafe_get(i, l));
                double ai = Math.abs(att.unsafe_get(i, l));
                s += m.epsC * (ai + m.epsAtt) + ci * m.epsAtt;
                abs += (ci + m.epsC) * (ai + m.epsAtt);
            }
            worst = Math.max(worst, s + gamma(d + 1.0) * abs);
        }
        return worst;
    }

    /** {@code Δw_i}: bound on {@code |ŵ_ij - w_ij|}, {@code w_ij = <c_i, h_j - Att_i>}. */
    private static double deltaW(Model m, DMatrixRMaj c, int i) {
        int d = c.numCols;
        double s = 0;
        double abs = 0;
        double spread = 2 * m.h + m.epsH + m.epsAtt;
        for (int l = 0; l < d; l++) {
            double ci = Math.abs(c.unsafe_get(i, l));
            s += m.epsC * spread + ci * (m.epsH + m.epsAtt);
            abs += (ci + m.epsC) * spread;
        }
        return s + gamma(d + 2.0) * abs;
    }

    /** {@code W_i = 2H Σ_l |c_il|} >= every {@code |w_ij|}. */
    private static double wMax(Model m, DMatrixRMaj c, int i) {
        double s = 0;
        for (int l = 0; l < c.numCols; l++) {
            s += Math.abs(c.unsafe_get(i, l));
        }
        return 2 * m.h * s;
    }

    private static double pBound(Model m, TensorInstance in, TensorResult t) {
        DMatrixRMaj c = t.get(TensorQuantity.C);
        DMatrixRMaj f = t.get(TensorQuantity.F);
        double k1 = Math.expm1(Math.log1p(m.phi) + Math.log1p(U)); // (1 + Φ)(1 + u) - 1
        double k = 1 + k1;
        double worst = 0;
        for (int i = 0; i < in.n(); i++) {
            double fMax = 0;
            for (int j = 0; j < f.numCols; j++) {
                fMax = Math.max(fMax, f.unsafe_get(i, j));
            }
            worst = Math.max(worst, fMax * (k1 * wMax(m, c, i) + k * deltaW(m, c, i)));
        }
        return worst;
    }

    /** Entrywise bounds on {@code |∇_X L computed - ∇_X L|} ({@code d x d^2}). */
    private static DMatrixRMaj gradXErrors(Model m, TensorInstance in, TensorResult t) {
        int n = in.n();
        int d = in.d();
        int dd = d * d;
        DMatrixRMaj c = t.get(TensorQuantity.C);
        double k1 = Math.expm1(Math.log1p(m.phi) + Math.log1p(U)); // (1 + Φ)(1 + u) - 1
        double k = 1 + k1;
        double g = gamma(3.0 * n + 5);
        DMatrixRMaj out = new DMatrixRMaj(d, dd);
        for (int i = 0; i < n; i++) {
            double w = wMax(m, c, i);
            double dw = deltaW(m, c, i);
            double pi = k1 * w + k * dw; // Σ_j |p̂_ij - p_ij|
            double pAbs = k * (w + dw); // Σ_j |p̂_ij|
            double rowTerm = pi + g * pAbs;
            for (int a = 0; a < d; a++) {
                double v1 = Math.abs(m.mag.a1[i * d + a]) / d;
                for (int c1 = 0; c1 < d; c1++) {
                    for (int c2 = 0; c2 < d; c2++) {
                        out.data[a * dd + c1 * d + c2] += v1 * m.mag.a2Max[c1] * m.mag.a3Max[c2] * rowTerm;
                    }
                }
            }
        }
        return out;
    }

    /** Entrywise bounds on {@code |∇_Y L computed - ∇_Y L|} ({@code d^2 x d}). */
    private static DMatrixRMaj gradYErrors(Model m, TensorInstance in, TensorResult t) {
        int n = in.n();
        int d = in.d();
        DMatrixRMaj c = t.get(TensorQuantity.C);
        double g = gamma(3.0 * n + 3);
        DMatrixRMaj out = new DMatrixRMaj(d * d, d);
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < d; l++) {
                double ci = Math.abs(c.unsafe_get(i, l));
                double term = m.phi * (ci + m.epsC) + m.epsC + g * (1 + m.phi) * (ci + m.epsC);
                for (int c1 = 0; c1 < d; c1++) {
                    for (int c2 = 0; c2 < d; c2++) {
                        out.data[(c1 * d + c2) * d + l] += m.mag.a4Max[c1] * m.mag.a5Max[c2] * term;
                    }
                }
            }
        }
        return out;
    }
}
