package dev.ropecheck.bounds;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.ExplicitFamily;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import org.ejml.data.DMatrixRMaj;

/**
 * The forward-error (rounding) model of the exact double-precision engine
 * ({@code dev.ropecheck.engine.exact.ExactEngine}): for every {@link Quantity}, a rigorous bound on
 * {@code max |engine value - true value|} (the true value is the one of exact real arithmetic with
 * exact RoPE angles). This is the one place where the exact-vs-reference tolerance of every quantity
 * is written. Derivation: {@code proofs-notes/rounding-model.md}, stage by stage
 * (scores → exp → alpha → f → Att → c → L → p → G → dQ/dK → weight gradients).
 *
 * <p>Model: {@code fl(x op y) = (x op y)(1+δ)}, {@code |δ| <= u = 2^-53}; {@code Math.exp},
 * {@code Math.pow}, {@code Math.cos}, {@code Math.sin} are within 1 ulp (relative {@code 2u});
 * a computed sum of products in which every term passes through at most {@code k} roundings equals
 * {@code Σ x_t (1 + θ_t)} with {@code |θ_t| <= γ_k = k u / (1 - k u)} (Higham, Lemma 3.1).
 * Every bound below is an upper bound, not a first-order estimate: products of perturbed factors are
 * bounded by {@code (X + eX)(Y + eY) - XY}, and exponentials by {@code exp}.
 *
 * <p>Preconditions (checked; {@link IllegalArgumentException} otherwise): {@code k u <= 0.01} for
 * every {@code γ_k} used, and the per-entry relative softmax perturbation {@code ρ <= 0.1}. Underflow
 * of {@code exp} below {@code 2^-1022} is covered by the absolute term {@link #FLOOR}, valid when all
 * magnitudes ({@code n}, entries, {@code ||h||}, {@code ||c||}) are below {@code 2^60}.
 *
 * <p>Magnitudes come from the instance ({@code max |A1|}, {@code |A1||W_Q|}, the §4 {@code beta},
 * ...) and, where the instance alone would give a needlessly loose bound, from a trusted result
 * (the reference rounded to double, or another evaluation validated against this model): row and
 * column sums of {@code |p|} and {@code f}, {@code max |p|}, {@code Σ |c|}, {@code L}. A trusted
 * result must be accurate entrywise to relative {@link #TRUSTED_SLACK} (the reference rounded to
 * double is, to {@code u}); its magnitudes are inflated by that factor. Pass {@code null} (or a
 * result lacking the quantity) to use worst-case instance bounds instead, e.g. when the other side
 * is itself a double evaluation.
 *
 * <p>Expected tightness: a worst-case bound; on random instances the measured error is typically
 * 1e-3 to 1e-1 of it (rounding errors add like a random walk, and magnitudes are maxima).
 */
public final class ExactRoundingModel implements QuantityBound {

    /** Unit roundoff of IEEE double. */
    public static final double U = 0x1p-53;
    /** Absolute term covering gradual underflow of {@code exp} (see the class comment). */
    public static final double FLOOR = 0x1p-900;
    /** Relative slack on magnitudes read from a trusted result. */
    public static final double TRUSTED_SLACK = 0x1p-20;
    /** Relative slack covering the rounding in evaluating these bounds themselves. */
    private static final double SELF = 1 + 0x1p-40;

    /**
     * How many roundings the evaluation performs per term at the stages whose order differs between
     * evaluators; the other stages are fixed by {@code n, d} (see proofs-notes/rounding-model.md §2).
     *
     * @param score roundings per term of {@code s_ij}
     * @param scoreFromX true when the scores are evaluated from {@code X} (general route), false
     *     when from {@code Q = A1 W_Q}, {@code K = A2 W_K}
     * @param xRelative relative error of the {@code X} entries used ({@code u} when {@code X} is the
     *     double Kronecker product of the weights, else 0)
     * @param gradX roundings per term of {@code G}
     * @param dq roundings per term of {@code dQ}
     * @param dk roundings per term of {@code dK}
     */
    public record Counts(long score, boolean scoreFromX, double xRelative, long gradX, long dq, long dk) {

        /** The counts of {@code ExactEngine}'s evaluation order for {@code inst}. */
        public static Counts engine(RopeInstance inst) {
            int n = inst.n();
            int d = inst.d();
            Support s = inst.family().support();
            int rowMax = 0;
            int colMax = 0;
            int[] rc = new int[d];
            int[] cc = new int[d];
            for (int k = 0; k < s.size(); k++) {
                rowMax = Math.max(rowMax, ++rc[s.row(k)]);
                colMax = Math.max(colMax, ++cc[s.col(k)]);
            }
            boolean fromX = !inst.hasWeights();
            long score = fromX ? s.size() + 2L * d + 1 : s.size() + 2L;
            return new Counts(score, fromX, 0.0, 3L * n + 2, (long) n * rowMax + 2, (long) n * colMax + 3);
        }
    }

    /**
     * Every intermediate of the model for one instance (absolute bounds unless stated), so that tests
     * can derive entry-specific bounds from the same numbers.
     *
     * @param n tokens
     * @param d features
     * @param etaW {@code max |W~_m[b,e] - W_m[b,e]|} (RoPE angle rounding; 0 for exact families)
     * @param beta bound on {@code |s_ij|} (MATH §4)
     * @param epsS bound on {@code |s~_ij - s_ij|}
     * @param rho per-entry relative perturbation of the shifted exponentials (common factor removed)
     * @param phi relative error of {@code f}: {@code |f~ - f| <= phi f}
     * @param hHat bound on {@code |h|} ({@code max Σ_a |A3||Y|}, or the trusted {@code max |h|} when smaller)
     * @param epsH bound on {@code |h~ - h|} ({@code γ_d max Σ_a |A3||Y|})
     * @param epsG1 bound on the error of {@code fl(h~_j - h~_k*)}
     * @param epsD bound on the error of {@code D_i = Σ_j f_ij (h_j - h_k*)}
     * @param epsAtt bound on {@code |Att~ - Att|}
     * @param cHat bound on {@code |c|} ({@code hHat + max|E|}, or the trusted {@code max |c|} when smaller)
     * @param epsC bound on {@code |c~ - c|}
     * @param tHat bound on {@code |t_ij| = |<c_i, h_j - Att_i>|}
     * @param epsT bound on {@code |t~_ij - t_ij|}
     * @param kappa {@code |p~_ij - p_ij| <= f_ij (kappa (|t_ij| + epsT) + epsT)}
     * @param fMax {@code max f}
     * @param pMax {@code max |p|}
     * @param pSum {@code Σ_ij |p_ij|}
     * @param pRow {@code max_i Σ_j |p_ij|}
     * @param pCol {@code max_j Σ_i |p_ij|}
     * @param fCol {@code max_j Σ_i f_ij}
     */
    public record Budget(int n, int d, double etaW, double beta, double epsS, double rho, double phi, double hHat,
            double epsH, double epsG1, double epsD, double epsAtt, double cHat, double epsC, double tHat,
            double epsT, double kappa, double fMax, double pMax, double pSum, double pRow, double pCol, double fCol) {
    }

    /**
     * A bound with the words that explain it.
     *
     * @param quantity which quantity
     * @param bound the allowed {@code max |engine - true|}
     * @param explanation the stage values it was built from
     */
    public record Tolerance(Quantity quantity, double bound, String explanation) {
    }

    /** {@code γ_k = k u / (1 - k u)}; requires {@code k u <= 0.01}. */
    public static double gamma(long k) {
        double ku = k * U;
        if (k < 0 || ku > 0.01) {
            throw new IllegalArgumentException("rounding count k = " + k + " gives k u = " + ku
                    + " > 0.01, outside the model's small-quantity assumption");
        }
        return ku / (1 - ku);
    }

    /**
     * The bound, or NaN (no bound) for an instance outside the papers' conventions (a scale other than
     * {@code 1/d} or a causal mask, MATH §9): this model's counts are derived for {@code 1/d} and full
     * rows only; such instances are judged by {@link ComponentwiseRoundingBound}.
     */
    @Override
    public double allowed(Quantity q, RopeInstance instance, RopeResult trusted) {
        if (!instance.hasPapersConventions()) {
            return Double.NaN;
        }
        return tolerance(q, instance, trusted).bound();
    }

    /** The engine's bound for {@code q} (counts of {@link Counts#engine}). */
    public static Tolerance tolerance(Quantity q, RopeInstance inst, RopeResult trusted) {
        return tolerance(q, inst, trusted, Counts.engine(inst));
    }

    /**
     * The bound for {@code q} for an evaluation with the given {@code counts}; includes {@code u} times
     * the trusted value's magnitude (the trusted value's own rounding to double) and {@link #FLOOR}.
     */
    public static Tolerance tolerance(Quantity q, RopeInstance inst, RopeResult trusted, Counts counts) {
        if (q == null) {
            throw new IllegalArgumentException("quantity is missing");
        }
        Budget b = budget(inst, trusted, counts);
        int n = b.n();
        int d = b.d();
        double core;
        String how;
        switch (q) {
            case A: {
                double aMax = trustedMaxAbs(trusted, Quantity.A, Math.exp(b.beta()));
                core = (Math.exp(b.epsS()) * (1 + 2 * U) - 1) * aMax;
                how = "(exp(epsS)(1+2u)-1) max A";
                break;
            }
            case ALPHA: {
                double aMax = trustedMaxAbs(trusted, Quantity.ALPHA, n * Math.exp(b.beta()));
                core = ((1 + b.rho()) * (1 + 2 * U) * (1 + gamma(n)) - 1) * aMax;
                how = "((1+rho)(1+2u)(1+γ_n)-1) max alpha";
                break;
            }
            case F:
                core = b.phi() * b.fMax();
                how = "phi max f";
                break;
            case H:
                core = b.epsH();
                how = "γ_d |A3||Y|";
                break;
            case ATTENTION:
                core = b.epsAtt();
                how = "epsAtt";
                break;
            case C:
                core = b.epsC();
                how = "epsC";
                break;
            case LOSS: {
                double twoL = trusted != null && trusted.has(Quantity.LOSS)
                        ? 2 * Math.abs(trusted.loss()) * (1 + TRUSTED_SLACK) + n * d * b.epsC() * b.epsC()
                        : (double) n * d * b.cHat() * b.cHat();
                double c1 = Math.sqrt(n * (double) d * twoL);
                if (trusted != null && trusted.has(Quantity.C)) {
                    c1 = Math.min(c1, absSum(trusted.get(Quantity.C)) * (1 + TRUSTED_SLACK) + n * d * b.epsC());
                }
                double root = Math.sqrt(twoL) + Math.sqrt(n * (double) d) * b.epsC();
                core = b.epsC() * c1 + 0.5 * n * d * b.epsC() * b.epsC() + gamma((long) n * d + 1) * 0.5 * root * root;
                how = "epsC Σ|c| + nd epsC^2/2 + γ_{nd+1} Σ c~^2/2";
                break;
            }
            case R: {
                double attHat = b.hHat() + b.epsAtt();
                core = d * (b.epsC() * attHat + b.cHat() * b.epsAtt()) + gamma(d) * d * (b.cHat() + b.epsC()) * attHat;
                how = "d(epsC |Att| + |c| epsAtt) + γ_d d |c||Att|";
                break;
            }
            case P:
                core = b.kappa() * b.pMax() + b.fMax() * (1 + b.kappa()) * b.epsT();
                how = "kappa max|p| + max f (1+kappa) epsT";
                break;
            case GRAD_X:
                core = gradX(b, inst, counts);
                how = "(max|A1| max|A2|/d)[(Σ|p|+ΔΣ|p|)(W+etaW)(1+γ_G) - Σ|p| W]";
                break;
            case DQ:
                core = dq(b, inst, counts);
                how = "(1/d)[(Prow+ΔProw) S'_b (1+γ_dQ) - Prow S_b]";
                break;
            case DK:
                core = dk(b, inst, counts);
                how = "(1/d)[(Pcol+ΔPcol) T'_e (1+γ_dK) - Pcol T_e]";
                break;
            case DV:
                core = dv(b);
                how = "Fcol[phi |c~| + epsC + γ_{n+1}(1+phi)|c~|]";
                break;
            case GRAD_WQ: {
                double e = dq(b, inst, counts);
                double mag = trustedColAbsSum(trusted, Quantity.DQ, n * dqHat(b, inst));
                core = maxAbs(inst.a1()) * (n * e + gamma(n) * (mag + n * e));
                how = "max|A1| (n epsDQ + γ_n (Σ|dQ| + n epsDQ))";
                break;
            }
            case GRAD_WK: {
                double e = dk(b, inst, counts);
                double mag = trustedColAbsSum(trusted, Quantity.DK, n * dkHat(b, inst));
                core = maxAbs(inst.a2()) * (n * e + gamma(n) * (mag + n * e));
                how = "max|A2| (n epsDK + γ_n (Σ|dK| + n epsDK))";
                break;
            }
            case GRAD_WV: {
                double e = dv(b);
                double mag = trustedColAbsSum(trusted, Quantity.DV, n * b.fCol() * b.cHat());
                core = maxAbs(inst.a3()) * (n * e + gamma(n) * (mag + n * e));
                how = "max|A3| (n epsDV + γ_n (Σ|dV| + n epsDV))";
                break;
            }
            case DQROT:
            case DKROT: {
                // g R_i in double (RopeFamily#rotate: two products and a sum per entry, |R entries| <= 1, table
                // error etaW): |err| <= 2 (e (1 + etaW) + M etaW) + γ_2 2 (M + e)(1 + etaW), e the bound on
                // dQ (dK), M >= max|dQ|; a rotation keeps each pair's norm, so max|dQ| <= sqrt(2) max|dQrot|.
                boolean isQ = q == Quantity.DQROT;
                double e = isQ ? dq(b, inst, counts) : dk(b, inst, counts);
                double m = Math.sqrt(2) * trustedMaxAbs(trusted, q, isQ ? dqHat(b, inst) : dkHat(b, inst))
                        * (1 + TRUSTED_SLACK);
                core = 2 * (e * (1 + b.etaW()) + m * b.etaW()) + gamma(2) * 2 * (m + e) * (1 + b.etaW());
                how = "2(eps (1+etaW) + M etaW) + 2 γ_2 (M + eps)(1+etaW), eps the " + (isQ ? "dQ" : "dK") + " bound";
                break;
            }
            default:
                throw new IllegalArgumentException("no rounding model for quantity " + q.key());
        }
        double refRound = U * trustedMaxAbs(trusted, q, 0.0);
        double bound = (core + refRound + FLOOR) * SELF;
        String text = String.format("%s: %s = %.3e (+ u|ref| %.1e); beta=%.3g epsS=%.2e rho=%.2e phi=%.2e etaW=%.2e"
                + " epsAtt=%.2e epsC=%.2e epsT=%.2e", q.key(), how, core, refRound, b.beta(), b.epsS(), b.rho(),
                b.phi(), b.etaW(), b.epsAtt(), b.epsC(), b.epsT());
        return new Tolerance(q, bound, text);
    }

    /** The model's intermediates for {@code inst} with the engine's counts. */
    public static Budget budget(RopeInstance inst, RopeResult trusted) {
        return budget(inst, trusted, Counts.engine(inst));
    }

    /** The model's intermediates (proofs-notes/rounding-model.md §3–§9). */
    public static Budget budget(RopeInstance inst, RopeResult trusted, Counts counts) {
        if (inst == null) {
            throw new IllegalArgumentException("instance is missing");
        }
        if (counts == null) {
            throw new IllegalArgumentException("counts is missing");
        }
        int n = inst.n();
        int d = inst.d();
        PositionFamily fam = inst.family();
        Support s = fam.support();
        double etaW = weightError(fam, n);
        double[] wBar = weightMagnitudes(fam, n, etaW);
        double gS = gamma(counts.score());
        // §3 scores.
        double beta = 0;
        double epsS = 0;
        double[] a1c = colMaxAbs(inst.a1());
        double[] a2c = colMaxAbs(inst.a2());
        if (counts.scoreFromX()) {
            double[] x = inst.x().data;
            int dd = d * d;
            double xr = counts.xRelative();
            for (int a = 0; a < d; a++) {
                for (int c = 0; c < d; c++) {
                    double ac = a1c[a] * a2c[c];
                    for (int k = 0; k < s.size(); k++) {
                        double xa = Math.abs(x[(a * d + c) * dd + s.pairIndex(k)]);
                        double xBar = xa * (1 + 2 * xr);
                        beta += ac * xBar * wBar[k];
                        epsS += ac * ((xBar + xr * xBar) * (wBar[k] + etaW) * (1 + gS) - xBar * wBar[k]);
                    }
                }
            }
        } else {
            double[] qHat = absProductColMax(inst.a1(), inst.wq());
            double[] kHat = absProductColMax(inst.a2(), inst.wk());
            double gd = gamma(d);
            for (int k = 0; k < s.size(); k++) {
                double qb = qHat[s.row(k)];
                double ke = kHat[s.col(k)];
                beta += qb * wBar[k] * ke;
                epsS += (qb * (1 + gd)) * (wBar[k] + etaW) * (ke * (1 + gd)) * (1 + gS) - qb * wBar[k] * ke;
            }
        }
        beta /= d;
        epsS /= d;
        // §4 softmax.
        double betaT = beta + epsS;
        double rho = Math.exp(epsS + 2 * U * betaT) * (1 + 2 * U) - 1;
        if (!(rho <= 0.1)) {
            throw new IllegalArgumentException("score error bound epsS = " + epsS + " (beta = " + beta
                    + ") gives a softmax perturbation rho = " + rho + " > 0.1, outside the model");
        }
        double gn = gamma(n);
        double phi = (1 + rho) * (1 + gn) / (1 - rho) - 1;
        // §5 h, Att, c.
        double hSum = maxAbs(absProduct(inst.a3(), inst.y()));
        double epsH = gamma(d) * hSum;
        double hHat = Math.min(hSum, trustedMaxAbs(trusted, Quantity.H, hSum));
        double h1 = hHat + epsH;
        double epsG1 = 2 * epsH + U * 2 * h1;
        double g2 = 2 * hHat + epsG1;
        double epsD = phi * g2 + epsG1 + gn * (1 + phi) * g2;
        double epsAtt = (epsH + epsD) + U * (hHat + epsH + epsD);
        double cHat = Math.min(hHat + maxAbs(inst.e()), trustedMaxAbs(trusted, Quantity.C, Double.POSITIVE_INFINITY));
        double epsC = epsAtt + U * (cHat + epsAtt);
        // §7 p.
        double epsW = (epsG1 + epsD) * (1 + U) + 2 * U * hHat;
        double w2 = 2 * hHat + epsW;
        double epsT = d * (epsC * w2 + cHat * epsW) + gamma(d) * d * (cHat + epsC) * w2;
        double tHat = 2 * d * cHat * hHat;
        double kappa = phi + U * (1 + phi);
        double fMax = Math.min(1.0, trustedMaxAbs(trusted, Quantity.F, 1.0) * (1 + TRUSTED_SLACK));
        double pMax = slack(trustedMaxAbs(trusted, Quantity.P, fMax * tHat), trusted, Quantity.P, fMax * tHat);
        double pSum = n * tHat;
        double pRow = tHat;
        double pCol = n * fMax * tHat;
        double fCol = n * fMax;
        if (trusted != null && trusted.has(Quantity.P)) {
            DMatrixRMaj p = trusted.get(Quantity.P);
            pSum = Math.min(pSum, absSum(p) * (1 + TRUSTED_SLACK));
            pRow = Math.min(pRow, maxRowAbsSum(p) * (1 + TRUSTED_SLACK));
            pCol = Math.min(pCol, maxColAbsSum(p) * (1 + TRUSTED_SLACK));
        }
        if (trusted != null && trusted.has(Quantity.F)) {
            fCol = Math.min(fCol, maxColAbsSum(trusted.get(Quantity.F)) * (1 + TRUSTED_SLACK));
        }
        return new Budget(n, d, etaW, beta, epsS, rho, phi, hHat, epsH, epsG1, epsD, epsAtt, cHat, epsC, tHat, epsT,
                kappa, fMax, pMax, pSum, pRow, pCol, fCol);
    }

    private static double slack(double v, RopeResult trusted, Quantity q, double fallback) {
        return trusted != null && trusted.has(q) ? Math.min(fallback, v * (1 + TRUSTED_SLACK)) : fallback;
    }

    /** §8: G. */
    private static double gradX(Budget b, RopeInstance inst, Counts counts) {
        int n = b.n();
        double dSum = b.kappa() * b.pSum() + n * (1 + b.kappa()) * b.epsT();
        double wMax = 0;
        double[] wBar = weightMagnitudes(inst.family(), n, b.etaW());
        for (double w : wBar) {
            wMax = Math.max(wMax, w);
        }
        double a = maxAbs(inst.a1()) * maxAbs(inst.a2()) / b.d();
        return a * ((b.pSum() + dSum) * (wMax + b.etaW()) * (1 + gamma(counts.gradX())) - b.pSum() * wMax);
    }

    /** §9: dQ (weights only). */
    private static double dq(Budget b, RopeInstance inst, Counts counts) {
        requireWeights(inst);
        int d = b.d();
        double dRow = b.kappa() * b.pRow() + (1 + b.kappa()) * b.epsT();
        double[] kHat = absProductColMax(inst.a2(), inst.wk());
        double[] wBar = weightMagnitudes(inst.family(), b.n(), b.etaW());
        Support s = inst.family().support();
        double gd = gamma(d);
        double g = gamma(counts.dq());
        double worst = 0;
        for (int row = 0; row < d; row++) {
            double sb = 0;
            double sp = 0;
            for (int k = 0; k < s.size(); k++) {
                if (s.row(k) == row) {
                    double ke = kHat[s.col(k)];
                    sb += wBar[k] * ke;
                    sp += (wBar[k] + b.etaW()) * (ke * (1 + gd));
                }
            }
            worst = Math.max(worst, ((b.pRow() + dRow) * sp * (1 + g) - b.pRow() * sb) / d);
        }
        return worst;
    }

    /** §9: dK (weights only). */
    private static double dk(Budget b, RopeInstance inst, Counts counts) {
        requireWeights(inst);
        int d = b.d();
        double dCol = b.kappa() * b.pCol() + (1 + b.kappa()) * b.epsT() * b.fCol();
        double[] qHat = absProductColMax(inst.a1(), inst.wq());
        double[] wBar = weightMagnitudes(inst.family(), b.n(), b.etaW());
        Support s = inst.family().support();
        double gd = gamma(d);
        double g = gamma(counts.dk());
        double worst = 0;
        for (int col = 0; col < d; col++) {
            double te = 0;
            double tp = 0;
            for (int k = 0; k < s.size(); k++) {
                if (s.col(k) == col) {
                    double qb = qHat[s.row(k)];
                    te += qb * wBar[k];
                    tp += (qb * (1 + gd)) * (wBar[k] + b.etaW());
                }
            }
            worst = Math.max(worst, ((b.pCol() + dCol) * tp * (1 + g) - b.pCol() * te) / d);
        }
        return worst;
    }

    /** §9: dV = f^T c. */
    private static double dv(Budget b) {
        double c1 = b.cHat() + b.epsC();
        return b.fCol() * (b.phi() * c1 + b.epsC() + gamma(b.n() + 1) * (1 + b.phi()) * c1);
    }

    private static double dqHat(Budget b, RopeInstance inst) {
        double[] kHat = absProductColMax(inst.a2(), inst.wk());
        double[] wBar = weightMagnitudes(inst.family(), b.n(), b.etaW());
        Support s = inst.family().support();
        double[] rows = new double[b.d()];
        for (int k = 0; k < s.size(); k++) {
            rows[s.row(k)] += wBar[k] * kHat[s.col(k)];
        }
        return b.pRow() * max(rows) / b.d();
    }

    private static double dkHat(Budget b, RopeInstance inst) {
        double[] qHat = absProductColMax(inst.a1(), inst.wq());
        double[] wBar = weightMagnitudes(inst.family(), b.n(), b.etaW());
        Support s = inst.family().support();
        double[] cols = new double[b.d()];
        for (int k = 0; k < s.size(); k++) {
            cols[s.col(k)] += qHat[s.row(k)] * wBar[k];
        }
        return b.pCol() * max(cols) / b.d();
    }

    private static void requireWeights(RopeInstance inst) {
        if (!inst.hasWeights()) {
            throw new IllegalArgumentException("dQ, dK and their weight gradients need W_Q, W_K (instance gives X)");
        }
    }

    /**
     * {@code η_W}: a bound on {@code |W~_m[b,e] - W_m[b,e]|} over {@code |m| <= n-1}
     * (proofs-notes/rounding-model.md §1). Zero for the identity and explicit families (the double
     * values are the exact ones). For RoPE, block {@code k}: {@code theta~_k = pow(base, fl(-2k/d))};
     * the exponent's rounding error {@code ex = |fl(2k/d) - 2k/d|} is computed exactly, so
     * {@code theta~_k} has relative error {@code ε_k = exp(ex ln base)(1 + ρ_pow) - 1} with
     * {@code ρ_pow} one ulp of {@code theta~_k} relative to it ({@code k = 0}: {@code pow(base, -0.0) = 1}
     * exactly, so the angles {@code m} are exact). The angle {@code fl(m theta~_k)} is then off by at
     * most {@code (n-1) theta_k ε_k + ulp((n-1) theta~_k)/2}; {@code cos}, {@code sin} are
     * 1-Lipschitz and within 1 ulp ({@code <= u} on {@code [-1, 1]}).
     */
    public static double weightError(PositionFamily fam, int n) {
        if (fam instanceof IdentityFamily || fam instanceof ExplicitFamily) {
            return 0.0;
        }
        if (fam instanceof RopeFamily) {
            RopeFamily r = (RopeFamily) fam;
            int d = r.d();
            double lnBase = Math.log(r.base()) * (1 + 4 * U);
            double worst = U;
            for (int k = 1; k < d / 2; k++) {
                double xt = -2.0 * k / d;
                double ex = new java.math.BigDecimal(xt).multiply(java.math.BigDecimal.valueOf(d))
                        .add(java.math.BigDecimal.valueOf(2L * k)).abs()
                        .divide(java.math.BigDecimal.valueOf(d), java.math.MathContext.DECIMAL64).doubleValue()
                        * (1 + 4 * U);
                double th = r.theta(k);
                double relPow = Math.ulp(Math.nextUp(th)) / Math.nextDown(th);
                double epsTheta = Math.exp(ex * lnBase) * (1 + relPow) * (1 + 4 * U) - 1;
                double theta = th / (1 - epsTheta);
                double maxAngle = (n - 1) * th;
                double angleErr = (n - 1) * theta * epsTheta + Math.ulp(Math.nextUp(maxAngle)) / 2;
                worst = Math.max(worst, angleErr * (1 + 4 * U) + U);
            }
            return worst;
        }
        throw new IllegalArgumentException("no rounding model for the weights of family " + fam.name()
                + " (" + fam.getClass().getName() + ")");
    }

    /** {@code W̄_k = max_m |W~_m[b_k,e_k]| + η_W}: bounds both the double and the exact entries. */
    static double[] weightMagnitudes(PositionFamily fam, int n, double etaW) {
        Support s = fam.support();
        double[] out = new double[s.size()];
        for (int m = -(n - 1); m <= n - 1; m++) {
            for (int k = 0; k < s.size(); k++) {
                out[k] = Math.max(out[k], Math.abs(fam.weight(m, s.row(k), s.col(k))));
            }
        }
        for (int k = 0; k < out.length; k++) {
            out[k] = Math.min(out[k] + etaW, fam instanceof RopeFamily ? 1.0 : Double.POSITIVE_INFINITY);
        }
        return out;
    }

    static double maxAbs(DMatrixRMaj m) {
        double best = 0;
        for (double v : m.data) {
            best = Math.max(best, Math.abs(v));
        }
        return best;
    }

    private static double max(double[] v) {
        double best = 0;
        for (double x : v) {
            best = Math.max(best, x);
        }
        return best;
    }

    private static double[] colMaxAbs(DMatrixRMaj m) {
        double[] out = new double[m.numCols];
        for (int r = 0; r < m.numRows; r++) {
            for (int c = 0; c < m.numCols; c++) {
                out[c] = Math.max(out[c], Math.abs(m.unsafe_get(r, c)));
            }
        }
        return out;
    }

    /** {@code |x| |y|} (entrywise absolute values, then the product). */
    private static DMatrixRMaj absProduct(DMatrixRMaj x, DMatrixRMaj y) {
        DMatrixRMaj out = new DMatrixRMaj(x.numRows, y.numCols);
        for (int i = 0; i < x.numRows; i++) {
            for (int c = 0; c < y.numCols; c++) {
                double acc = 0;
                for (int t = 0; t < x.numCols; t++) {
                    acc += Math.abs(x.unsafe_get(i, t)) * Math.abs(y.unsafe_get(t, c));
                }
                out.unsafe_set(i, c, acc * (1 + 2 * gamma(x.numCols + 1)));
            }
        }
        return out;
    }

    /** Column maxima of {@code |x||y|}: {@code Q̂_b = max_i Σ_a |A1[i,a]| |W_Q[a,b]|}. */
    private static double[] absProductColMax(DMatrixRMaj x, DMatrixRMaj y) {
        return colMaxAbs(absProduct(x, y));
    }

    private static double trustedMaxAbs(RopeResult trusted, Quantity q, double fallback) {
        if (trusted == null || !trusted.has(q)) {
            return fallback;
        }
        return maxAbs(trusted.get(q)) * (1 + TRUSTED_SLACK);
    }

    private static double trustedColAbsSum(RopeResult trusted, Quantity q, double fallback) {
        if (trusted == null || !trusted.has(q)) {
            return fallback;
        }
        return Math.min(fallback, maxColAbsSum(trusted.get(q)) * (1 + TRUSTED_SLACK));
    }

    private static double absSum(DMatrixRMaj m) {
        double s = 0;
        for (double v : m.data) {
            s += Math.abs(v);
        }
        return s;
    }

    private static double maxRowAbsSum(DMatrixRMaj m) {
        double best = 0;
        for (int r = 0; r < m.numRows; r++) {
            double s = 0;
            for (int c = 0; c < m.numCols; c++) {
                s += Math.abs(m.unsafe_get(r, c));
            }
            best = Math.max(best, s);
        }
        return best;
    }

    private static double maxColAbsSum(DMatrixRMaj m) {
        double best = 0;
        for (int c = 0; c < m.numCols; c++) {
            double s = 0;
            for (int r = 0; r < m.numRows; r++) {
                s += Math.abs(m.unsafe_get(r, c));
            }
            best = Math.max(best, s);
        }
        return best;
    }
}
