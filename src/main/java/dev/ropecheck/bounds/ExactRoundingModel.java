package dev.ropecheck.bounds;

import static dev.ropecheck.bounds.RoundingSums.absSum;
import static dev.ropecheck.bounds.RoundingSums.trustedColAbsSum;
import static dev.ropecheck.bounds.RoundingSums.trustedMaxAbs;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.Matrices;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.util.EnumSet;
import java.util.Set;

/**
 * The forward-error (rounding) model of the exact double-precision engine
 * ({@code dev.ropecheck.engine.exact.RopeExactEngine_F64}): for every {@link Quantity}, a rigorous bound on
 * {@code max |engine value - true value|} (the true value is the one of exact real arithmetic with
 * exact RoPE angles). This is the one place where the exact-vs-reference tolerance of every quantity
 * is written. Derivation: {@code proofs-notes/rounding-model.md}, stage by stage
 * (scores → exp → alpha → f → Att → c → L → p → G → dQ/dK → weight gradients), one class per group
 * of stages: {@link RoundingWeights} (§1), {@link RoundingBudget} (§3–§7), {@link RoundingGradients}
 * (§8–§9); this class turns their {@link Budget} into the bound of each quantity.
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

    /** Unit roundoff of IEEE double ({@link FloatFormat#u()} of {@link FloatFormat#FP64}). */
    public static final double U = FloatFormat.FP64.u();
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
    public record Counts(long score, boolean scoreFromX, double xRelative, long gradX, long dq, long dk,
            boolean rotated) {

        /** The offset-grouped order ({@code rotated = false}). */
        public Counts(long score, boolean scoreFromX, double xRelative, long gradX, long dq, long dk) {
            this(score, scoreFromX, xRelative, gradX, dq, dk, false);
        }

        /** The counts of {@code RopeExactEngine_F64}'s offset-grouped evaluation order for {@code inst}. */
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

        /** True when the engine may take its rotated route on {@code inst} (RoPE or identity, weights given). */
        public static boolean rotatedApplies(RopeInstance inst) {
            PositionFamily f = inst.family();
            return inst.hasWeights() && (f instanceof RopeFamily || f instanceof IdentityFamily);
        }

        /**
         * The counts of the engine's rotated route (rounding-model.md §13): each term of a score passes
         * through the 2 roundings of each rotated row (none for the identity), the {@code d} of the dot
         * product and the scale; of {@code dQ}, {@code dK} through the rotated row, {@code n} in the sum
         * over tokens (in parts), the scale and the 2 of the back-rotation. {@code gradX} is never
         * computed on this route (its count is the offset-grouped one).
         */
        public static Counts rotated(RopeInstance inst) {
            if (!rotatedApplies(inst)) {
                throw new IllegalArgumentException("the rotated route needs a RoPE or identity family and W_Q, W_K");
            }
            int n = inst.n();
            int d = inst.d();
            long rot = inst.family() instanceof RopeFamily ? 2 : 0;
            return new Counts(d + 1 + 2 * rot, false, 0.0, 3L * n + 2, n + 1 + 2 * rot, n + 1 + 2 * rot, true);
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

    /** {@code γ_k = k u / (1 - k u)} of fp64 under this model's assumption {@code k u <= 0.01} ({@link FloatFormat#gamma(long, double)}). */
    public static double gamma(long k) {
        return FloatFormat.FP64.gamma(k, 0.01);
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

    /**
     * The engine's bound for {@code q}: the counts of {@link Counts#engine}, and where the engine may
     * take its rotated route ({@link Counts#rotatedApplies}) the larger of that bound and the one with
     * {@link Counts#rotated} (which route runs depends on the quantities requested).
     */
    public static Tolerance tolerance(Quantity q, RopeInstance inst, RopeResult trusted) {
        Tolerance t = tolerance(q, inst, trusted, Counts.engine(inst));
        if (q != Quantity.GRAD_X && Counts.rotatedApplies(inst)) {
            Tolerance r = tolerance(q, inst, trusted, Counts.rotated(inst));
            if (!(r.bound() <= t.bound())) {
                return r;
            }
        }
        return t;
    }

    /** The quantities of the forward stages §4–§7 ({@link #forward}); the others are §8–§9 ({@link #gradient}). */
    private static final Set<Quantity> FORWARD = EnumSet.range(Quantity.A, Quantity.P);

    /** One quantity's bound before the trusted value's rounding and {@link #FLOOR}, with its formula. */
    private record Core(double value, String how) {
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
        Core core = FORWARD.contains(q) ? forward(q, b, trusted) : gradient(q, b, inst, trusted, counts);
        double refRound = U * trustedMaxAbs(trusted, q, 0.0);
        double bound = (core.value() + refRound + FLOOR) * SELF;
        String text = String.format("%s: %s = %.3e (+ u|ref| %.1e); beta=%.3g epsS=%.2e rho=%.2e phi=%.2e etaW=%.2e"
                + " epsAtt=%.2e epsC=%.2e epsT=%.2e", q.key(), core.how(), core.value(), refRound, b.beta(), b.epsS(),
                b.rho(), b.phi(), b.etaW(), b.epsAtt(), b.epsC(), b.epsT());
        return new Tolerance(q, bound, text);
    }

    /** §4–§7: the forward quantities {@code A, alpha, f, h, Att, c, L, r, p}. */
    private static Core forward(Quantity q, Budget b, RopeResult trusted) {
        int n = b.n();
        int d = b.d();
        switch (q) {
            case A: {
                double aMax = trustedMaxAbs(trusted, Quantity.A, Math.exp(b.beta()));
                return new Core(Math.expm1(b.epsS() + Math.log1p(2 * U)) * aMax, "(exp(epsS)(1+2u)-1) max A");
            }
            case ALPHA: {
                double aMax = trustedMaxAbs(trusted, Quantity.ALPHA, n * Math.exp(b.beta()));
                return new Core(Math.expm1(Math.log1p(b.rho()) + Math.log1p(2 * U) + Math.log1p(gamma(n))) * aMax,
                        "((1+rho)(1+2u)(1+γ_n)-1) max alpha");
            }
            case F:
                return new Core(b.phi() * b.fMax(), "phi max f");
            case H:
                return new Core(b.epsH(), "γ_d |A3||Y|");
            case ATTENTION:
                return new Core(b.epsAtt(), "epsAtt");
            case C:
                return new Core(b.epsC(), "epsC");
            case LOSS:
                return loss(b, trusted);
            case R: {
                double attHat = b.hHat() + b.epsAtt();
                return new Core(d * (b.epsC() * attHat + b.cHat() * b.epsAtt()) + gamma(d) * d * (b.cHat() + b.epsC()) * attHat,
                        "d(epsC |Att| + |c| epsAtt) + γ_d d |c||Att|");
            }
            case P:
                return new Core(b.kappa() * b.pMax() + b.fMax() * (1 + b.kappa()) * b.epsT(),
                        "kappa max|p| + max f (1+kappa) epsT");
            default:
                throw new IllegalArgumentException("no rounding model for quantity " + q.key());
        }
    }

    /** §6: the loss {@code L = (1/2) Σ c_il^2}. */
    private static Core loss(Budget b, RopeResult trusted) {
        int n = b.n();
        int d = b.d();
        double twoL = trusted != null && trusted.has(Quantity.LOSS)
                ? 2 * Math.abs(trusted.loss()) * (1 + TRUSTED_SLACK) + n * d * b.epsC() * b.epsC()
                : (double) n * d * b.cHat() * b.cHat();
        double c1 = Math.sqrt(n * (double) d * twoL);
        if (trusted != null && trusted.has(Quantity.C)) {
            c1 = Math.min(c1, absSum(trusted.get(Quantity.C)) * (1 + TRUSTED_SLACK) + n * d * b.epsC());
        }
        double root = Math.sqrt(twoL) + Math.sqrt(n * (double) d) * b.epsC();
        return new Core(b.epsC() * c1 + 0.5 * n * d * b.epsC() * b.epsC() + gamma((long) n * d + 1) * 0.5 * root * root,
                "epsC Σ|c| + nd epsC^2/2 + γ_{nd+1} Σ c~^2/2");
    }

    /** §8–§9: {@code G}, {@code dQ}, {@code dK}, {@code dV} and the weight gradients. */
    private static Core gradient(Quantity q, Budget b, RopeInstance inst, RopeResult trusted, Counts counts) {
        int n = b.n();
        switch (q) {
            case GRAD_X:
                return new Core(RoundingGradients.gradX(b, inst, counts),
                        "(max|A1| max|A2|/d)[(Σ|p|+ΔΣ|p|)(W+etaW)(1+γ_G) - Σ|p| W]");
            case DQ:
                return new Core(RoundingGradients.dq(b, inst, counts), "(1/d)[(Prow+ΔProw) S'_b (1+γ_dQ) - Prow S_b]");
            case DK:
                return new Core(RoundingGradients.dk(b, inst, counts), "(1/d)[(Pcol+ΔPcol) T'_e (1+γ_dK) - Pcol T_e]");
            case DQROT:
                return new Core(rotatedRows(RoundingGradients.dq(b, inst, counts),
                        trustedMaxAbs(trusted, Quantity.DQ, RoundingGradients.dqHat(b, inst)) + RoundingGradients.dq(b,
                                inst, counts), b.etaW()), "sqrt2 epsDQ + 2 etaW (|dQ|+epsDQ) + γ_2 (sqrt2 + 2 etaW)(|dQ|+epsDQ)");
            case DKROT:
                return new Core(rotatedRows(RoundingGradients.dk(b, inst, counts),
                        trustedMaxAbs(trusted, Quantity.DK, RoundingGradients.dkHat(b, inst)) + RoundingGradients.dk(b,
                                inst, counts), b.etaW()), "sqrt2 epsDK + 2 etaW (|dK|+epsDK) + γ_2 (sqrt2 + 2 etaW)(|dK|+epsDK)");
            case DV:
                return new Core(RoundingGradients.dv(b), "Fcol[phi |c~| + epsC + γ_{n+1}(1+phi)|c~|]");
            case GRAD_WQ: {
                double e = RoundingGradients.dq(b, inst, counts);
                double mag = trustedColAbsSum(trusted, Quantity.DQ, n * RoundingGradients.dqHat(b, inst));
                return new Core(Matrices.maxAbs(inst.a1()) * (n * e + gamma(n) * (mag + n * e)),
                        "max|A1| (n epsDQ + γ_n (Σ|dQ| + n epsDQ))");
            }
            case GRAD_WK: {
                double e = RoundingGradients.dk(b, inst, counts);
                double mag = trustedColAbsSum(trusted, Quantity.DK, n * RoundingGradients.dkHat(b, inst));
                return new Core(Matrices.maxAbs(inst.a2()) * (n * e + gamma(n) * (mag + n * e)),
                        "max|A2| (n epsDK + γ_n (Σ|dK| + n epsDK))");
            }
            case GRAD_WV: {
                double e = RoundingGradients.dv(b);
                double mag = trustedColAbsSum(trusted, Quantity.DV, n * b.fCol() * b.cHat());
                return new Core(Matrices.maxAbs(inst.a3()) * (n * e + gamma(n) * (mag + n * e)),
                        "max|A3| (n epsDV + γ_n (Σ|dV| + n epsDV))");
            }
            default:
                throw new IllegalArgumentException("no rounding model for quantity " + q.key());
        }
    }

    /**
     * {@code dQrot_i = dQ_i R_i} (MATH §9) from a {@code dQ} with entry error {@code <= e} and computed
     * magnitude {@code <= m}, rotated pair by pair with table entries within {@code etaW} of
     * {@code cos, sin} (rounding-model.md §1): {@code |Δ| <= (|c| + |s|) e + etaW (|x_a| + |x_b|)
     * + γ_2 (|c| + |s| + 2 etaW) m} with {@code |c| + |s| <= sqrt 2}. It also covers the rotated route,
     * which forms {@code dQrot} before its back-rotation (a bound on {@code dQ} with two roundings more).
     */
    private static double rotatedRows(double e, double m, double etaW) {
        return (1.4143 * e + 2 * etaW * m + gamma(2) * (1.4143 + 2 * etaW) * m) * (1 + 4 * U);
    }

    /**
     * The model's intermediates for {@code inst} with the engine's counts: of the two routes' budgets
     * the one with the larger score error (every later stage is increasing in it).
     */
    public static Budget budget(RopeInstance inst, RopeResult trusted) {
        Budget b = budget(inst, trusted, Counts.engine(inst));
        if (Counts.rotatedApplies(inst)) {
            Budget r = budget(inst, trusted, Counts.rotated(inst));
            if (!(r.epsS() <= b.epsS())) {
                return r;
            }
        }
        return b;
    }

    /** The model's intermediates (proofs-notes/rounding-model.md §3–§9; {@link RoundingBudget}). */
    public static Budget budget(RopeInstance inst, RopeResult trusted, Counts counts) {
        return RoundingBudget.of(inst, trusted, counts);
    }

    /**
     * {@code η_W}: a bound on {@code |W~_m[b,e] - W_m[b,e]|} over {@code |m| <= n-1}
     * (proofs-notes/rounding-model.md §1; {@link RoundingWeights#weightError}). Zero for the identity and
     * explicit families.
     */
    public static double weightError(PositionFamily fam, int n) {
        return RoundingWeights.weightError(fam, n);
    }
}
