package dev.ropecheck.bounds;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.math.BigDecimal;
import java.math.MathContext;
import org.ejml.data.DMatrixRMaj;

/**
 * The exact engine's rounding model written out from {@code proofs-notes/rounding-model.md} (§0–§9, §11,
 * §13), for the formula-level tests of {@link ExactRoundingModel} and its stage classes
 * ({@code RoundingWeights}, {@code RoundingBudget}, {@code RoundingGradients}, {@code RoundingSums}). It
 * shares no code with them: {@code γ_k} with its {@code k u <= 0.01} domain, {@code η_W} (the exponent's
 * rounding error computed exactly), the magnitudes {@code Q̂, K̂, ĥ} with their {@code (1 + 2γ_{d+1})}
 * inflation, the trusted magnitudes with their {@code 1 + 2^-20} slack, {@code FLOOR = 2^-900} and the
 * final {@code 1 + 2^-40} are restated here. The evaluation counts are taken as given ({@link
 * ExactRoundingModel.Counts}); the test checks them against §2 and §13 separately.
 *
 * <p>Binary64 grouping: where the note writes a bound as a product of {@code (1 + small)} factors minus
 * the unperturbed product ({@code rho}, {@code phi}, {@code A}, {@code alpha}, {@code epsS}, {@code ε_k},
 * {@code G}, {@code dQ}, {@code dK}), the difference cancels against numbers {@code 1/(k u)} times larger,
 * so two evaluations that group the product differently disagree by up to {@code u} of the minuend, i.e.
 * up to tens of percent of the result. Those expressions are evaluated here exactly in the order the note
 * writes them (left to right, the sum over support pairs before the {@code 1/d}), which is also the
 * class's order; everything else is plain sums of non-negative terms. So the two evaluations agree to
 * well below {@code 1e-12} relative.
 */
final class ExactRoundingHandModel {
    static final double U = 0x1p-53;
    static final double FLOOR = 0x1p-900;
    static final double SLACK = 0x1p-20;
    static final double SELF = 1 + 0x1p-40;

    /** {@code γ_k = k u / (1 - k u)}, refused outside {@code k u <= 0.01}. */
    static double gamma(long k) {
        if (k < 0 || k * U > 0.01) {
            throw new IllegalArgumentException("k = " + k);
        }
        return k * U / (1 - k * U);
    }

    private static double maxAbs(DMatrixRMaj m) {
        double r = 0;
        for (double v : m.data) {
            r = Math.max(r, Math.abs(v));
        }
        return r;
    }

    private static double sumAbs(DMatrixRMaj m) {
        double r = 0;
        for (double v : m.data) {
            r += Math.abs(v);
        }
        return r;
    }

    private static double maxRowSum(DMatrixRMaj m) {
        double best = 0;
        for (int i = 0; i < m.numRows; i++) {
            double s = 0;
            for (int j = 0; j < m.numCols; j++) {
                s += Math.abs(m.get(i, j));
            }
            best = Math.max(best, s);
        }
        return best;
    }

    /** {@code max_j Σ_i |m_ij|}, in plain double (also the fast-gradient formula test's column sums). */
    static double maxColSum(DMatrixRMaj m) {
        double best = 0;
        for (int j = 0; j < m.numCols; j++) {
            double s = 0;
            for (int i = 0; i < m.numRows; i++) {
                s += Math.abs(m.get(i, j));
            }
            best = Math.max(best, s);
        }
        return best;
    }

    /** {@code max|q_ref| (1 + 2^-20)} when the trusted result has {@code q}, else {@code fallback}. */
    private static double trusted(RopeResult t, Quantity q, double fallback) {
        return t != null && t.has(q) ? maxAbs(t.get(q)) * (1 + SLACK) : fallback;
    }

    private static boolean has(RopeResult t, Quantity q) {
        return t != null && t.has(q);
    }

    /** Column maxima over rows {@code i} of {@code Σ_a |x[i,a]| |y[a,b]|}, inflated by {@code 1 + 2γ_{a+1}} (§0). */
    static double[] hat(DMatrixRMaj x, DMatrixRMaj y) {
        double[] out = new double[y.numCols];
        for (int i = 0; i < x.numRows; i++) {
            for (int b = 0; b < y.numCols; b++) {
                double s = 0;
                for (int a = 0; a < x.numCols; a++) {
                    s += Math.abs(x.get(i, a)) * Math.abs(y.get(a, b));
                }
                out[b] = Math.max(out[b], s * (1 + 2 * gamma(x.numCols + 1)));
            }
        }
        return out;
    }

    private static double max(double[] v) {
        double r = 0;
        for (double x : v) {
            r = Math.max(r, x);
        }
        return r;
    }

    /** §1: {@code η_W = max(u, max_{k>=1} (n-1) θ_k ε_k + ulp((n-1) θ~_k)/2 + u)}, each part rounded up. */
    static double etaW(PositionFamily fam, int n) {
        if (!(fam instanceof RopeFamily)) {
            return 0; // identity and explicit families: the doubles are the weights
        }
        RopeFamily r = (RopeFamily) fam;
        int d = r.d();
        double lnBase = Math.log(r.base()) * (1 + 4 * U);
        double eta = U;
        for (int k = 1; 2 * k < d; k++) {
            double rounded = -2.0 * k / d;
            // |fl(2k/d) - 2k/d| exactly: (fl(x) d + 2k) / d
            BigDecimal exact = new BigDecimal(rounded).multiply(new BigDecimal(d)).add(new BigDecimal(2 * k)).abs()
                    .divide(new BigDecimal(d), new MathContext(30));
            double ex = exact.doubleValue() * (1 + 4 * U);
            double th = Math.pow(r.base(), rounded);
            double rhoPow = Math.ulp(Math.nextUp(th)) / Math.nextDown(th);
            double eps = expTimesProductMinusOne(ex * lnBase, rhoPow, 4 * U);
            double thetaTrue = th / (1 - eps);
            double angle = (n - 1) * th;
            double err = (n - 1) * thetaTrue * eps + Math.ulp(Math.nextUp(angle)) / 2;
            eta = Math.max(eta, err * (1 + 4 * U) + U);
        }
        return eta;
    }

    /** {@code W̄_k = max_{|m|<=n-1} |W~_m[b_k,e_k]| + η_W}, at most 1 for RoPE. */
    static double[] wBar(PositionFamily fam, int n, double eta) {
        Support s = fam.support();
        double[] w = new double[s.size()];
        for (int k = 0; k < w.length; k++) {
            double m = 0;
            for (int off = 1 - n; off < n; off++) {
                m = Math.max(m, Math.abs(fam.weight(off, s.row(k), s.col(k))));
            }
            w[k] = m + eta;
            if (fam instanceof RopeFamily) {
                w[k] = Math.min(w[k], 1.0);
            }
        }
        return w;
    }

    /** The intermediates of one route, named as in the note. */
    static final class Stages {
        int n;
        int d;
        double eta;
        double[] wBar;
        double[] mu;
        double[] pi;
        /** {@code π_k - μ_k} as a real number (π's definition before its rounding), for the exact differences. */
        double[] piExcess;
        double[] qHat;
        double[] kHat;
        double beta;
        double epsS;
        double rho;
        double phi;
        double hHat;
        double epsH;
        double epsG1;
        double epsD;
        double epsAtt;
        double cHat;
        double epsC;
        double tHat;
        double epsT;
        double kappa;
        double fMax;
        double pMax;
        double pSum;
        double pRow;
        double pCol;
        double fCol;
    }

    static Stages stages(RopeInstance inst, RopeResult t, ExactRoundingModel.Counts counts) {
        Stages st = new Stages();
        int n = inst.n();
        int d = inst.d();
        st.n = n;
        st.d = d;
        PositionFamily fam = inst.family();
        Support s = fam.support();
        st.eta = etaW(fam, n);
        st.wBar = wBar(fam, n, st.eta);
        st.mu = new double[s.size()];
        st.pi = new double[s.size()];
        st.piExcess = new double[s.size()];
        for (int k = 0; k < s.size(); k++) {
            if (counts.rotated()) {
                // §13: μ_k = 1 on the diagonal, min(1, 2 W̄_k) off it; π_k = μ_k + 2√2 η_W + 2 η_W² rounded up
                st.mu[k] = s.row(k) == s.col(k) ? 1 : Math.min(1, 2 * st.wBar[k]);
                st.pi[k] = (st.mu[k] + 2.8285 * st.eta + 2 * st.eta * st.eta) * (1 + 4 * U);
                st.piExcess[k] = bd(st.mu[k]).add(bd(2.8285).multiply(bd(st.eta))).add(bd(2).multiply(bd(st.eta)).multiply(bd(st.eta)))
                        .multiply(BigDecimal.ONE.add(bd(4 * U))).subtract(bd(st.mu[k])).doubleValue();
            } else {
                st.mu[k] = st.wBar[k];
                st.pi[k] = st.wBar[k] + st.eta;
                st.piExcess[k] = st.eta;
            }
        }
        double gS = gamma(counts.score());
        double gd = gamma(d);
        // §3 scores
        double beta = 0;
        double epsS = 0;
        if (counts.scoreFromX()) {
            double[] a1 = colMax(inst.a1());
            double[] a2 = colMax(inst.a2());
            double xr = counts.xRelative();
            for (int a = 0; a < d; a++) {
                for (int c = 0; c < d; c++) {
                    for (int k = 0; k < s.size(); k++) {
                        double xBar = Math.abs(inst.x().get(a * d + c, s.row(k) * d + s.col(k))) * (1 + 2 * xr);
                        double aa = a1[a] * a2[c];
                        beta += aa * xBar * st.wBar[k];
                        // the note's (xBar + xr xBar)(W̄ + η)(1 + γ) - xBar W̄, as a real number
                        epsS += bd(aa).multiply(bd(xBar).add(bd(xr).multiply(bd(xBar))).multiply(bd(st.wBar[k]).add(bd(st.eta)))
                                .multiply(onePlus(gS)).subtract(bd(xBar).multiply(bd(st.wBar[k])))).doubleValue();
                    }
                }
            }
        } else {
            st.qHat = hat(inst.a1(), inst.wq());
            st.kHat = hat(inst.a2(), inst.wk());
            for (int k = 0; k < s.size(); k++) {
                double q = st.qHat[s.row(k)];
                double kk = st.kHat[s.col(k)];
                beta += q * st.wBar[k] * kk;
                epsS += bd(q).multiply(bd(kk)).multiply(pi(st, k).multiply(onePlus(gd)).multiply(onePlus(gd)).multiply(onePlus(gS))
                        .subtract(bd(st.mu[k]))).doubleValue();
            }
        }
        st.beta = beta / d;
        st.epsS = epsS / d;
        // §4
        double betaT = st.beta + st.epsS;
        st.rho = expTimesProductMinusOne(st.epsS + 2 * U * betaT, 2 * U);
        if (!(st.rho <= 0.1)) {
            throw new IllegalArgumentException("rho = " + st.rho);
        }
        double gn = gamma(n);
        st.phi = java.math.BigDecimal.ONE.add(new java.math.BigDecimal(st.rho))
                .multiply(java.math.BigDecimal.ONE.add(new java.math.BigDecimal(gn)))
                .divide(java.math.BigDecimal.ONE.subtract(new java.math.BigDecimal(st.rho)), DIGITS40)
                .subtract(java.math.BigDecimal.ONE).doubleValue();
        // §5
        double hSum = max(hat(inst.a3(), inst.y()));
        st.epsH = gd * hSum;
        st.hHat = Math.min(hSum, trusted(t, Quantity.H, hSum));
        st.epsG1 = 2 * st.epsH + 2 * U * (st.hHat + st.epsH);
        double g2 = 2 * st.hHat + st.epsG1;
        st.epsD = st.phi * g2 + st.epsG1 + gn * (1 + st.phi) * g2;
        st.epsAtt = (st.epsH + st.epsD) + U * (st.hHat + st.epsH + st.epsD);
        boolean dO = inst.hasUpstreamGradient();
        st.cHat = (dO ? 0 : st.hHat) + maxAbs(inst.upstream());
        if (has(t, Quantity.C)) {
            st.cHat = Math.min(st.cHat, maxAbs(t.get(Quantity.C)) * (1 + SLACK));
        }
        st.epsC = dO ? 0 : st.epsAtt + U * (st.cHat + st.epsAtt);
        // §7
        double epsW = (st.epsG1 + st.epsD) * (1 + U) + 2 * U * st.hHat;
        double w2 = 2 * st.hHat + epsW;
        st.epsT = d * (st.epsC * w2 + st.cHat * epsW) + gd * d * (st.cHat + st.epsC) * w2;
        st.tHat = 2 * d * st.cHat * st.hHat;
        st.kappa = st.phi + U * (1 + st.phi);
        // max f carries the trusted slack twice (read as a trusted magnitude, then inflated again)
        st.fMax = has(t, Quantity.F) ? Math.min(1, maxAbs(t.get(Quantity.F)) * (1 + SLACK) * (1 + SLACK)) : 1;
        st.pMax = st.fMax * st.tHat;
        st.pSum = n * st.tHat;
        st.pRow = st.tHat;
        st.pCol = n * st.fMax * st.tHat;
        st.fCol = n * st.fMax;
        if (has(t, Quantity.P)) {
            DMatrixRMaj p = t.get(Quantity.P);
            // max|p| carries the trusted slack twice (read as a trusted magnitude, then capped)
            st.pMax = Math.min(st.pMax, maxAbs(p) * (1 + SLACK) * (1 + SLACK));
            st.pSum = Math.min(st.pSum, sumAbs(p) * (1 + SLACK));
            st.pRow = Math.min(st.pRow, maxRowSum(p) * (1 + SLACK));
            st.pCol = Math.min(st.pCol, maxColSum(p) * (1 + SLACK));
        }
        if (has(t, Quantity.F)) {
            st.fCol = Math.min(st.fCol, maxColSum(t.get(Quantity.F)) * (1 + SLACK));
        }
        return st;
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

    /** §9 {@code epsDQ}: {@code max_b (1/d)[(P_row + ΔP_row) Σ π_k K̂_e(1+γ_d) (1+γ_dQ) - P_row Σ μ_k K̂_e]}. */
    static double epsDQ(Stages st, RopeInstance inst, ExactRoundingModel.Counts counts) {
        Support s = inst.family().support();
        double dRow = st.kappa * st.pRow + (1 + st.kappa) * st.epsT;
        double g = gamma(counts.dq());
        double gd = gamma(st.d);
        double worst = 0;
        for (int b = 0; b < st.d; b++) {
            BigDecimal plain = BigDecimal.ZERO;
            BigDecimal padded = BigDecimal.ZERO;
            for (int k = 0; k < s.size(); k++) {
                if (s.row(k) == b) {
                    plain = plain.add(bd(st.mu[k]).multiply(bd(st.kHat[s.col(k)])));
                    padded = padded.add(pi(st, k).multiply(bd(st.kHat[s.col(k)])).multiply(onePlus(gd)));
                }
            }
            worst = Math.max(worst, bd(st.pRow).add(bd(dRow)).multiply(padded).multiply(onePlus(g))
                    .subtract(bd(st.pRow).multiply(plain)).doubleValue() / st.d);
        }
        return worst;
    }

    /** §9 {@code epsDK}: the same over columns {@code e} with {@code P_col}, {@code ΔP_col = κ P_col + (1+κ) epsT F_col}. */
    static double epsDK(Stages st, RopeInstance inst, ExactRoundingModel.Counts counts) {
        Support s = inst.family().support();
        double dCol = st.kappa * st.pCol + (1 + st.kappa) * st.epsT * st.fCol;
        double g = gamma(counts.dk());
        double gd = gamma(st.d);
        double worst = 0;
        for (int e = 0; e < st.d; e++) {
            BigDecimal plain = BigDecimal.ZERO;
            BigDecimal padded = BigDecimal.ZERO;
            for (int k = 0; k < s.size(); k++) {
                if (s.col(k) == e) {
                    plain = plain.add(bd(st.qHat[s.row(k)]).multiply(bd(st.mu[k])));
                    padded = padded.add(bd(st.qHat[s.row(k)]).multiply(onePlus(gd)).multiply(pi(st, k)));
                }
            }
            worst = Math.max(worst, bd(st.pCol).add(bd(dCol)).multiply(padded).multiply(onePlus(g))
                    .subtract(bd(st.pCol).multiply(plain)).doubleValue() / st.d);
        }
        return worst;
    }

    static double epsDV(Stages st) {
        double c1 = st.cHat + st.epsC;
        return st.fCol * (st.phi * c1 + st.epsC + gamma(st.n + 1) * (1 + st.phi) * c1);
    }

    /** {@code P_row max_b Σ_{k∈row b} W̄_k K̂_e / d} bounds {@code |dQ|}. */
    static double dqHat(Stages st, RopeInstance inst) {
        Support s = inst.family().support();
        double best = 0;
        for (int b = 0; b < st.d; b++) {
            double r = 0;
            for (int k = 0; k < s.size(); k++) {
                if (s.row(k) == b) {
                    r += st.wBar[k] * st.kHat[s.col(k)];
                }
            }
            best = Math.max(best, r);
        }
        return st.pRow * best / st.d;
    }

    static double dkHat(Stages st, RopeInstance inst) {
        Support s = inst.family().support();
        double best = 0;
        for (int e = 0; e < st.d; e++) {
            double c = 0;
            for (int k = 0; k < s.size(); k++) {
                if (s.col(k) == e) {
                    c += st.qHat[s.row(k)] * st.wBar[k];
                }
            }
            best = Math.max(best, c);
        }
        return st.pCol * best / st.d;
    }

    /** {@code dQrot}: {@code (√2 e + 2η_W m + γ_2 (√2 + 2η_W) m)(1 + 4u)} with {@code √2} rounded up to 1.4143. */
    static double rotated(double e, double m, double eta) {
        return (1.4143 * e + 2 * eta * m + gamma(2) * (1.4143 + 2 * eta) * m) * (1 + 4 * U);
    }

    /** The core bound of {@code q} (before the trusted value's rounding, the floor and the final factor). */
    static double core(Quantity q, RopeInstance inst, RopeResult t, ExactRoundingModel.Counts counts) {
        Stages st = stages(inst, t, counts);
        int n = st.n;
        int d = st.d;
        switch (q) {
            case A:
                return expTimesProductMinusOne(st.epsS, 2 * U) * trusted(t, Quantity.A, Math.exp(st.beta));
            case ALPHA:
                return expTimesProductMinusOne(0, st.rho, 2 * U, gamma(n))
                        * trusted(t, Quantity.ALPHA, n * Math.exp(st.beta));
            case F:
                return st.phi * st.fMax;
            case H:
                return st.epsH;
            case ATTENTION:
                return st.epsAtt;
            case C:
                return st.epsC;
            case LOSS: {
                double nd = (double) n * d;
                double twoL = has(t, Quantity.LOSS) ? 2 * Math.abs(t.loss()) * (1 + SLACK) + nd * st.epsC * st.epsC
                        : nd * st.cHat * st.cHat;
                double sumC = Math.sqrt(nd * twoL); // Cauchy–Schwarz: Σ|c| <= sqrt(nd · 2L)
                if (has(t, Quantity.C)) {
                    sumC = Math.min(sumC, sumAbs(t.get(Quantity.C)) * (1 + SLACK) + nd * st.epsC);
                }
                double root = Math.sqrt(twoL) + Math.sqrt(nd) * st.epsC;
                return st.epsC * sumC + 0.5 * nd * st.epsC * st.epsC + gamma(n * d + 1) * 0.5 * root * root;
            }
            case R: {
                double att = st.hHat + st.epsAtt;
                return d * (st.epsC * att + st.cHat * st.epsAtt) + gamma(d) * d * (st.cHat + st.epsC) * att;
            }
            case P:
                return st.kappa * st.pMax + st.fMax * (1 + st.kappa) * st.epsT;
            case GRAD_X: {
                double dSum = st.kappa * st.pSum + n * (1 + st.kappa) * st.epsT;
                double w = max(st.wBar);
                double a = maxAbs(inst.a1()) * maxAbs(inst.a2()) / d;
                return a * bd(st.pSum).add(bd(dSum)).multiply(bd(w).add(bd(st.eta))).multiply(onePlus(gamma(counts.gradX())))
                        .subtract(bd(st.pSum).multiply(bd(w))).doubleValue();
            }
            default:
                break;
        }
        if (q == Quantity.DV) {
            return epsDV(st);
        }
        if (q == Quantity.GRAD_WV) {
            double e = epsDV(st);
            double mag = n * st.fCol * st.cHat;
            if (has(t, Quantity.DV)) {
                mag = Math.min(mag, maxColSum(t.get(Quantity.DV)) * (1 + SLACK));
            }
            return maxAbs(inst.a3()) * (n * e + gamma(n) * (mag + n * e));
        }
        if (!inst.hasWeights()) {
            throw new IllegalArgumentException("no weights");
        }
        switch (q) {
            case DQ:
                return epsDQ(st, inst, counts);
            case DK:
                return epsDK(st, inst, counts);
            case DQROT: {
                double e = epsDQ(st, inst, counts);
                return rotated(e, trusted(t, Quantity.DQ, dqHat(st, inst)) + e, st.eta);
            }
            case DKROT: {
                double e = epsDK(st, inst, counts);
                return rotated(e, trusted(t, Quantity.DK, dkHat(st, inst)) + e, st.eta);
            }
            case GRAD_WQ: {
                double e = epsDQ(st, inst, counts);
                double mag = n * dqHat(st, inst);
                if (has(t, Quantity.DQ)) {
                    mag = Math.min(mag, maxColSum(t.get(Quantity.DQ)) * (1 + SLACK));
                }
                return maxAbs(inst.a1()) * (n * e + gamma(n) * (mag + n * e));
            }
            case GRAD_WK: {
                double e = epsDK(st, inst, counts);
                double mag = n * dkHat(st, inst);
                if (has(t, Quantity.DK)) {
                    mag = Math.min(mag, maxColSum(t.get(Quantity.DK)) * (1 + SLACK));
                }
                return maxAbs(inst.a2()) * (n * e + gamma(n) * (mag + n * e));
            }
            default:
                throw new IllegalArgumentException("no rounding model for " + q);
        }
    }

    /** The bound for one route: {@code (core + u max|q_ref| + FLOOR)(1 + 2^-40)}. */
    static double bound(Quantity q, RopeInstance inst, RopeResult t, ExactRoundingModel.Counts counts) {
        double ref = has(t, q) ? U * maxAbs(t.get(q)) * (1 + SLACK) : 0;
        return (core(q, inst, t, counts) + ref + FLOOR) * SELF;
    }

    /** True for RoPE and the identity with {@code W_Q, W_K} given (§13). */
    static boolean rotatedRoute(RopeInstance inst) {
        return inst.hasWeights() && (inst.family() instanceof RopeFamily || inst.family() instanceof IdentityFamily);
    }

    /** The engine's bound: the larger of the two routes' (the offset-grouped one alone for {@code gradX}). */
    static double bound(Quantity q, RopeInstance inst, RopeResult t) {
        double b = bound(q, inst, t, ExactRoundingModel.Counts.engine(inst));
        if (q != Quantity.GRAD_X && rotatedRoute(inst)) {
            b = Math.max(b, bound(q, inst, t, ExactRoundingModel.Counts.rotated(inst)));
        }
        return b;
    }

    private static final java.math.MathContext DIGITS40 = new java.math.MathContext(40);

    /**
     * {@code exp(y) Π(1 + x_i) - 1} to 40 digits (BigDecimal: the exponential's series, |y| < 0.1), so
     * the relative errors of the note are taken at their exact value, not the binary64 product's.
     */
    static double expTimesProductMinusOne(double y, double... x) {
        if (!(Math.abs(y) < 0.1)) {
            throw new IllegalArgumentException("y = " + y);
        }
        java.math.BigDecimal by = new java.math.BigDecimal(y);
        java.math.BigDecimal term = java.math.BigDecimal.ONE;
        java.math.BigDecimal e = java.math.BigDecimal.ONE;
        for (int k = 1; k <= 30; k++) {
            term = term.multiply(by, DIGITS40).divide(java.math.BigDecimal.valueOf(k), DIGITS40);
            e = e.add(term, DIGITS40);
        }
        for (double xi : x) {
            e = e.multiply(java.math.BigDecimal.ONE.add(new java.math.BigDecimal(xi)), DIGITS40);
        }
        return e.subtract(java.math.BigDecimal.ONE, DIGITS40).doubleValue();
    }

    private static BigDecimal bd(double x) {
        return new BigDecimal(x);
    }

    private static BigDecimal onePlus(double x) {
        return BigDecimal.ONE.add(new BigDecimal(x));
    }

    /** {@code π_k = μ_k + (π_k - μ_k)}, the real number of the note's definition. */
    private static BigDecimal pi(Stages st, int k) {
        return bd(st.mu[k]).add(bd(st.piExcess[k]));
    }
}
