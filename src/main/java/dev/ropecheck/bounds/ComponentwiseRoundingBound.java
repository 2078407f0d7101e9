package dev.ropecheck.bounds;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.model.IdentityFamily;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.ejml.data.DMatrixRMaj;

/**
 * Componentwise forward-error bounds for any correct floating-point evaluation of RoPE attention
 * and its gradient (MATH §1–3; RoPE-grad Defs. 3.12–3.17, Lemma 4.1, Lemmas 5.1–5.3): for every
 * entry of every field, a rigorous bound on {@code |computed - exact|} built from the magnitudes of
 * the terms that make up that entry (for {@code attention}, {@code Σ_j f_ij |h_jl|}; for {@code dK},
 * the {@code |p| |Q|} sums; ...), never from the largest entry of a field.
 *
 * <p>The evaluation covered: any order of every sum (recursive, pairwise, blocked, with or without
 * FMA), the row-max or any other softmax shift, and FlashAttention-style online softmax with up to
 * {@code n - 1} rescalings of a running sum; every stored value rounded to the storage format of the
 * {@link RoundingClass}, sums and products in its accumulator format; {@code exp}, {@code cos},
 * {@code sin}, {@code pow} within one ulp; RoPE tables from angles {@code pos * theta_k} evaluated in
 * the accumulator format (so the angle error grows with the position, as in real fp32 kernels).
 * Derivation, stage by stage, with every symbol used here: {@code proofs-notes/componentwise-rounding.md}.
 *
 * <p>Preconditions (checked, {@link IllegalArgumentException} otherwise): the instance has
 * {@code W_Q, W_K} (weights, not a general {@code X}), and its family is RoPE (either layout) or the
 * identity. Inputs that are not exact in the storage format get the rounding of storing them.
 *
 * <p>The magnitudes are evaluated in binary64 from the instance; every quantity a magnitude is read
 * from is padded by {@link #PAD} times the sum of the absolute values of its terms, and every bound
 * is multiplied by {@link #SAFETY}, which covers the rounding of this evaluation itself.
 *
 * <p>Expected tightness: a worst-case bound in the sense of Higham's {@code γ_k}. Correct
 * implementations measure 1e-3 to 5e-2 of it on the forward fields at small {@code n}, and far less on
 * the gradients at large {@code n} (err/allowed medians 1e-8 to 1e-3 at n = 512..4096, d = 8..64:
 * the entry errors pass through two cancelling sums on the way to the weight gradients), so in fp32 the
 * gradient fields can be too coarse to resolve a relative change of 1e-3 ({@code check --resolution}).
 */
public final class ComponentwiseRoundingBound {
    /** Relative pad on magnitudes prone to cancellation (binary64 evaluation of a sum). */
    static final double PAD = 0x1p-40;
    /** Factor on every final bound covering the binary64 evaluation of the bound. */
    static final double SAFETY = 1 + 0x1p-20;
    /** Relative error of a computed {@code theta_k}: pow and reciprocal within one ulp, with margin. */
    static final double THETA_ULPS = 4;
    /**
     * Roundings a term may pass through on account of the score scale {@code sigma} (the instance's
     * double, {@code specs/score-scale.md}): {@code sigma} or {@code sqrt(sigma)} evaluated and stored
     * (2, twice for {@code sqrt(sigma)} applied to both {@code q} and {@code k}, as PyTorch's math
     * attention does) and the multiplications by it (2): 6 in all, for scores, {@code dQ}, {@code dK}
     * and {@code G}.
     */
    static final long SCALE_ROUNDINGS = 6;
    /** Rows per chunk of the parallel pass (fixed, so results do not depend on the thread count). */
    private static final int CHUNKS = 8;

    private final RoundingClass cls;
    private final int threads;

    /** A bound for {@code cls}, evaluated on every available processor. */
    public ComponentwiseRoundingBound(RoundingClass cls) {
        this(cls, Runtime.getRuntime().availableProcessors());
    }

    public ComponentwiseRoundingBound(RoundingClass cls, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + " must be at least 1");
        }
        this.cls = cls;
        this.threads = threads;
    }

    public RoundingClass roundingClass() {
        return cls;
    }

    /** The fields this model bounds for {@code instance} (empty when its preconditions fail). */
    public static Set<Quantity> supported(RopeInstance instance) {
        if (!instance.hasWeights() || !(instance.family() instanceof RopeFamily || instance.family() instanceof IdentityFamily)) {
            return EnumSet.noneOf(Quantity.class);
        }
        return EnumSet.allOf(Quantity.class);
    }

    /** Why {@link #supported} is empty for {@code instance}, or "" when it is not. */
    public static String unsupportedReason(RopeInstance instance) {
        if (!instance.hasWeights()) {
            return "the componentwise rounding model needs X given as W_Q ⊗ W_K (a general X has no projection structure)";
        }
        if (!(instance.family() instanceof RopeFamily || instance.family() instanceof IdentityFamily)) {
            return "the componentwise rounding model covers the RoPE and identity families, not " + instance.family().name();
        }
        return "";
    }

    /**
     * Per-entry bounds on {@code |computed - exact|} for each field of {@code fields}, as matrices of
     * the fields' shapes.
     */
    public Map<Quantity, DMatrixRMaj> allowed(RopeInstance instance, Set<Quantity> fields) {
        String why = unsupportedReason(instance);
        if (!why.isEmpty()) {
            throw new IllegalArgumentException(why);
        }
        return new Evaluation(instance, fields).run();
    }

    /** {@code γ_k} of the class: worst case or probabilistic. */
    private double gamma(long k, double lambda) {
        FloatFormat acc = cls.format().accumulator();
        return cls.probabilistic() ? acc.gammaProbabilistic(k, lambda) : acc.gamma(k);
    }

    /** One evaluation: the instance's projections, then a pass over rows, then the weight gradients. */
    private final class Evaluation {
        final int n;
        final int d;
        final double sigma;
        final boolean causal;
        final double us;
        final double ua;
        final double floorS;
        final double floorA;
        final Set<Quantity> fields;
        final boolean backward;
        final PositionFamily family;
        final double gD;
        final double g2;
        final double gScore;
        final double gRow;
        final double gCol;
        final double gDq;
        final double gLoss;
        final double gGradX;
        // inputs (row-major) and their storage errors
        final double[] a1;
        final double[] a2;
        final double[] a3;
        /** {@code E}, or {@code dO} when {@link #upstreamGradient} (MATH §9). */
        final double[] e;
        final boolean upstreamGradient;
        final double[] ea1;
        final double[] ea2;
        final double[] ea3;
        final double[] ee;
        // projections and rotations: value, error
        final Vec qr;
        final Vec kr;
        final Vec v;
        final double[] rowLoss;
        final DMatrixRMaj[] rows = new DMatrixRMaj[Quantity.values().length];

        Evaluation(RopeInstance inst, Set<Quantity> fields) {
            this.n = inst.n();
            this.d = inst.d();
            this.sigma = inst.scale();
            this.causal = inst.causal();
            this.us = cls.uStore();
            this.ua = cls.uAcc();
            this.floorS = cls.floorStore();
            this.floorA = cls.floorAcc();
            this.fields = EnumSet.copyOf(fields.isEmpty() ? EnumSet.of(Quantity.LOSS) : fields);
            this.family = inst.family();
            this.backward = needsBackward(this.fields);
            double sums = 6.0 * n * n + 40.0 * n * d + 4.0 * d * d;
            double lambda = cls.probabilistic() ? cls.lambda(sums) : 1;
            this.gD = gamma(d, lambda);
            this.g2 = gamma(2, lambda);
            this.gScore = gamma(d + SCALE_ROUNDINGS, lambda);
            this.gRow = gamma(4L * n, lambda);
            this.gCol = gamma(n + 2L, lambda);
            this.gDq = gamma(n + SCALE_ROUNDINGS, lambda);
            this.gLoss = gamma((long) n * d + 1, lambda);
            this.gGradX = gamma((long) n * n + 2 + SCALE_ROUNDINGS, lambda);
            a1 = inst.a1().data;
            a2 = inst.a2().data;
            a3 = inst.a3().data;
            e = inst.upstream().data;
            upstreamGradient = inst.hasUpstreamGradient();
            ea1 = inputError(a1);
            ea2 = inputError(a2);
            ea3 = inputError(a3);
            ee = inputError(e);
            double[] wq = inst.wq().data;
            double[] wk = inst.wk().data;
            double[] wv = inst.y().data;
            // q, k, v given directly (MATH §9) are not projected: only their storage enters.
            boolean direct = inst.hasQkv();
            Vec q = direct ? given(a1, ea1) : project(a1, ea1, wq, inputError(wq));
            Vec k = direct ? given(a2, ea2) : project(a2, ea2, wk, inputError(wk));
            this.v = direct ? given(a3, ea3) : project(a3, ea3, wv, inputError(wv));
            this.qr = rotate(q, false);
            this.kr = rotate(k, false);
            this.rowLoss = new double[n];
        }

        private boolean needsBackward(Set<Quantity> f) {
            for (Quantity q : f) {
                if (q == Quantity.P || q == Quantity.GRAD_X || q == Quantity.DQ || q == Quantity.DK || q == Quantity.DV
                        || q == Quantity.GRAD_WQ || q == Quantity.GRAD_WK || q == Quantity.GRAD_WV
                        || q == Quantity.DQROT || q == Quantity.DKROT) {
                    return true;
                }
            }
            return false;
        }

        double[] inputError(double[] x) {
            double[] err = new double[x.length];
            FloatFormat s = cls.format();
            for (int t = 0; t < x.length; t++) {
                if (!s.isExact(x[t])) {
                    err[t] = us * Math.abs(x[t]) + floorS;
                }
            }
            return err;
        }

        /** An input used as it is (q, k, v given directly): its value and its storage error. */
        Vec given(double[] a, double[] ea) {
            Vec out = new Vec(n, d);
            for (int t = 0; t < a.length; t++) {
                out.set(t, a[t], ea[t]);
            }
            return out;
        }

        /** {@code fl_s(A W)}, {@code A} n x d, {@code W} d x d: stage 1 of the note. */
        Vec project(double[] a, double[] ea, double[] w, double[] ew) {
            Vec out = new Vec(n, d);
            for (int i = 0; i < n; i++) {
                for (int b = 0; b < d; b++) {
                    double err = storedDotError(a, ea, i * d, 1, w, ew, b, d, d, gD);
                    out.set(i * d + b, dotValue, err);
                }
            }
            return out;
        }

        /** The value of the last {@link #storedDotError} (single-threaded callers only). */
        private double dotValue;

        /**
         * The stored error of {@code fl_s(Σ_t x_t y_t)} over {@code len} terms with strides, where
         * the factors carry errors {@code ex, ey} (the product rule of the note §1, any order):
         * {@code store(Σ (e_x |y| + P_x e_y) + γ Σ P_x P_y, |value|)}; sets {@link #dotValue}.
         */
        private double storedDotError(double[] x, double[] ex, int xOff, int xStride, double[] y, double[] ey, int yOff,
                int yStride, int len, double gamma) {
            double val = 0;
            double mag = 0;
            double err = 0;
            double pp = 0;
            for (int t = 0; t < len; t++) {
                double xv = x[xOff + t * xStride];
                double yv = y[yOff + t * yStride];
                double px = Math.abs(xv) + ex[xOff + t * xStride];
                double py = Math.abs(yv) + ey[yOff + t * yStride];
                val += xv * yv;
                mag += Math.abs(xv * yv);
                err += ex[xOff + t * xStride] * Math.abs(yv) + px * ey[yOff + t * yStride];
                pp += px * py;
            }
            dotValue = val;
            return store(err + gamma * pp, Math.abs(val) + PAD * mag);
        }

        /** The storage rounding of a value of magnitude at most {@code mag} carrying error {@code err}. */
        double store(double err, double mag) {
            return err + us * (mag + err) + floorS;
        }

        /** Stage 2: rotation of row {@code i} at position {@code i} (forward for q, k; {@code back} for dQ, dK). */
        Vec rotate(Vec x, boolean back) {
            if (!(family instanceof RopeFamily)) {
                return x;
            }
            RopeFamily rope = (RopeFamily) family;
            Vec out = new Vec(n, d);
            double thetaRel = thetaUlps(rope) * ua * (1 + ua) + ua; // (1 + c u)(1 + u) - 1, without cancellation
            for (int i = 0; i < n; i++) {
                for (int kk = 0; kk < d / 2; kk++) {
                    double angle = (double) i * rope.theta(kk);
                    double c = Math.cos(angle);
                    double s = Math.sin(angle);
                    double ac = Math.abs(c);
                    double as = Math.abs(s);
                    double eps = Math.min(2, thetaRel * Math.abs(angle)) + 2 * ua + us + floorS;
                    int a = rope.dimA(kk);
                    int b = rope.dimB(kk);
                    double xa = x.val[i * d + a];
                    double xb = x.val[i * d + b];
                    double exa = x.err[i * d + a];
                    double exb = x.err[i * d + b];
                    double pa = Math.abs(xa) + exa;
                    double pb = Math.abs(xb) + exb;
                    double ya;
                    double yb;
                    if (back) {
                        ya = xa * c + xb * s;
                        yb = -xa * s + xb * c;
                    } else {
                        ya = xa * c - xb * s;
                        yb = xa * s + xb * c;
                    }
                    double errA = exa * ac + exb * as + (pa + pb) * eps + g2 * (pa * (ac + eps) + pb * (as + eps));
                    double errB = exa * as + exb * ac + (pa + pb) * eps + g2 * (pa * (as + eps) + pb * (ac + eps));
                    double mag = PAD * (pa + pb);
                    out.set(i * d + a, ya, store(errA, Math.abs(ya) + mag));
                    out.set(i * d + b, yb, store(errB, Math.abs(yb) + mag));
                }
            }
            return out;
        }

        double thetaUlps(RopeFamily rope) {
            boolean exactRatio = Integer.bitCount(d) == 1;
            return THETA_ULPS + (exactRatio ? 0 : Math.log(rope.base()));
        }

        Map<Quantity, DMatrixRMaj> run() {
            int chunks = Math.max(1, Math.min(CHUNKS, n / 16));
            Chunk[] parts = new Chunk[chunks];
            for (int c = 0; c < chunks; c++) {
                parts[c] = new Chunk((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
            }
            runAll(parts);
            return finish(parts);
        }

        void runAll(Chunk[] parts) {
            int t = Math.min(threads, parts.length);
            if (t == 1) {
                for (Chunk c : parts) {
                    c.run();
                }
                return;
            }
            List<Callable<Void>> tasks = new ArrayList<>();
            for (Chunk c : parts) {
                tasks.add(() -> {
                    c.run();
                    return null;
                });
            }
            BoundWorkers.run(tasks, t, "componentwise-bound", v -> { });
        }

        DMatrixRMaj rowField(Quantity q, int cols) {
            synchronized (rows) {
                if (rows[q.ordinal()] == null) {
                    rows[q.ordinal()] = new DMatrixRMaj(n, cols);
                }
                return rows[q.ordinal()];
            }
        }

        Map<Quantity, DMatrixRMaj> finish(Chunk[] parts) {
            Map<Quantity, DMatrixRMaj> out = new EnumMap<>(Quantity.class);
            for (Quantity q : new Quantity[] {Quantity.A, Quantity.F, Quantity.P, Quantity.ALPHA, Quantity.ATTENTION,
                    Quantity.C, Quantity.R}) {
                if (fields.contains(q)) {
                    out.put(q, rows[q.ordinal()]);
                }
            }
            if (fields.contains(Quantity.H)) {
                out.put(Quantity.H, new DMatrixRMaj(n, d, true, v.err.clone()));
            }
            if (fields.contains(Quantity.LOSS)) {
                double l = 0;
                double lmag = 0;
                for (Chunk c : parts) {
                    l += c.lossErr;
                    lmag += c.lossMag;
                }
                out.put(Quantity.LOSS, new DMatrixRMaj(1, 1, true, store(l, lmag)));
            }
            if (backward) {
                Vec dqr = new Vec(n, d);
                Vec dkr = new Vec(n, d);
                Vec dv = new Vec(n, d);
                double[] dkMag = new double[n * d];
                double[] dvMag = new double[n * d];
                double[] gxE = new double[d * d];
                double[] gxP = new double[d * d];
                for (Chunk c : parts) {
                    for (int t = c.lo * d; t < c.hi * d; t++) {
                        dqr.val[t] = c.dqrVal[t - c.lo * d];
                        dqr.err[t] = c.dqrErr[t - c.lo * d];
                    }
                    add(dkr.val, c.dkVal);
                    add(dkr.err, c.dkErr);
                    add(dkMag, c.dkMag);
                    add(dv.val, c.dvVal);
                    add(dv.err, c.dvErr);
                    add(dvMag, c.dvMag);
                    if (c.gxE != null) {
                        add(gxE, c.gxE);
                        add(gxP, c.gxP);
                    }
                }
                for (int t = 0; t < n * d; t++) {
                    dkr.err[t] = store(dkr.err[t], Math.abs(dkr.val[t]) + PAD * dkMag[t]);
                    dv.err[t] = store(dv.err[t], Math.abs(dv.val[t]) + PAD * dvMag[t]);
                }
                Vec dq = rotate(dqr, true);
                Vec dk = rotate(dkr, true);
                putIf(out, Quantity.DQ, dq);
                putIf(out, Quantity.DK, dk);
                putIf(out, Quantity.DV, dv);
                putRotated(out, Quantity.DQROT, dqr, dq);
                putRotated(out, Quantity.DKROT, dkr, dk);
                if (fields.contains(Quantity.GRAD_WQ)) {
                    out.put(Quantity.GRAD_WQ, weightGradient(a1, ea1, dq));
                }
                if (fields.contains(Quantity.GRAD_WK)) {
                    out.put(Quantity.GRAD_WK, weightGradient(a2, ea2, dk));
                }
                if (fields.contains(Quantity.GRAD_WV)) {
                    out.put(Quantity.GRAD_WV, weightGradient(a3, ea3, dv));
                }
                if (fields.contains(Quantity.GRAD_X)) {
                    out.put(Quantity.GRAD_X, gradX(gxE, gxP));
                }
            }
            for (DMatrixRMaj m : out.values()) {
                for (int t = 0; t < m.data.length; t++) {
                    // NaN only arises from an infinite term (inf - inf, 0 * inf): the bound is infinite
                    m.data[t] = Double.isNaN(m.data[t]) ? Double.POSITIVE_INFINITY : m.data[t] * SAFETY;
                }
            }
            return out;
        }

        /**
         * {@code dQrot} ({@code dKrot}), MATH §9: a kernel forms it directly ({@code direct}, stage 7 of
         * the note) or rotates its {@code dQ} forward ({@code dQ_i R_i}, stage 2 applied to
         * {@code pre}); the allowed error of each entry is the larger of the two.
         */
        void putRotated(Map<Quantity, DMatrixRMaj> out, Quantity q, Vec direct, Vec pre) {
            if (!fields.contains(q)) {
                return;
            }
            Vec via = rotate(pre, false);
            DMatrixRMaj m = new DMatrixRMaj(n, d);
            for (int t = 0; t < n * d; t++) {
                m.data[t] = Math.max(direct.err[t], via.err[t]);
            }
            out.put(q, m);
        }

        void putIf(Map<Quantity, DMatrixRMaj> out, Quantity q, Vec x) {
            if (fields.contains(q)) {
                out.put(q, new DMatrixRMaj(n, d, true, x.err.clone()));
            }
        }

        /** {@code fl_s(A^T D)}: stage 8 of the note. */
        DMatrixRMaj weightGradient(double[] a, double[] ea, Vec g) {
            DMatrixRMaj out = new DMatrixRMaj(d, d);
            for (int p = 0; p < d; p++) {
                for (int b = 0; b < d; b++) {
                    out.unsafe_set(p, b, storedDotError(a, ea, p, d, g.val, g.err, b, d, n, gCol));
                }
            }
            return out;
        }

        /** {@code G} on the support: stage 9 of the note ({@code |W_m[b,e]| <= 1} for RoPE and identity). */
        DMatrixRMaj gradX(double[] gxE, double[] gxP) {
            int dd = d * d;
            DMatrixRMaj out = new DMatrixRMaj(dd, dd);
            double epsW = 0;
            if (family instanceof RopeFamily) {
                RopeFamily rope = (RopeFamily) family;
                double thetaRel = thetaUlps(rope) * ua * (1 + ua) + ua; // (1 + c u)(1 + u) - 1, without cancellation
                epsW = Math.min(2, thetaRel * (n - 1.0) * rope.theta(0)) + 2 * ua + us + floorS;
            }
            var support = family.support();
            for (int ac = 0; ac < dd; ac++) {
                int a = ac / d;
                int c = ac % d;
                double eP = gxE[a * d + c];
                double pP = gxP[a * d + c];
                double err = sigma * (eP * (1 + epsW) + pP * (epsW + gGradX * (1 + epsW)));
                double mag = sigma * pP;
                for (int s = 0; s < support.size(); s++) {
                    int be = support.row(s) * d + support.col(s);
                    out.unsafe_set(ac, be, store(err, mag));
                }
            }
            return out;
        }

        /**
         * The pass over rows {@code lo..hi-1}: stages 3–8 of the note, row by row, one method per stage. The per-row
         * scratch ({@code s, f, att, c, ...}) lives in fields, allocated once per chunk, never per entry.
         */
        final class Chunk implements Runnable {
            final int lo;
            final int hi;
            double lossErr;
            double lossMag;
            double[] dqrVal;
            double[] dqrErr;
            double[] dkVal;
            double[] dkErr;
            double[] dkMag;
            double[] dvVal;
            double[] dvErr;
            double[] dvMag;
            double[] gxE;
            double[] gxP;

            // the keys' and values' magnitudes (whole instance)
            private double[] kAbs;
            private double[] kMix;
            private double[] kP;
            private double[] vP;
            private double[] vAbs;
            private double[] a2abs;
            // row scratch: stage 3-4 (length n), stage 5-8 (length d)
            private double[] s;
            private double[] es;
            private double[] f;
            private double[] ef;
            private double[] rhoF;
            private double[] att;
            private double[] eAtt;
            private double[] magAtt;
            private double[] cv;
            private double[] ec;
            private double[] pc;
            private double[] eqrow;
            private double[] pq;
            private double[] dq;
            private double[] edq;
            private double[] mdq;
            private double[] uE;
            private double[] uP;
            // row scalars: max score, max |score|, max score error; row sum; softmax floor; r_i, its error and magnitude
            private double smax;
            private double sabs;
            private double esmax;
            private double lsum;
            private double rhoBar;
            private double phi;
            private double r;
            private double er;
            private double rmag;
            private DMatrixRMaj fieldA;
            private DMatrixRMaj fieldF;
            private DMatrixRMaj fieldP;
            private DMatrixRMaj fieldAlpha;
            private DMatrixRMaj fieldAtt;
            private DMatrixRMaj fieldC;
            private DMatrixRMaj fieldR;

            Chunk(int lo, int hi) {
                this.lo = lo;
                this.hi = hi;
            }

            @Override
            public void run() {
                allocate();
                for (int i = lo; i < hi; i++) {
                    // A causal mask removes the terms j > i (MATH §9, specs/causal-mask.md): they are
                    // exactly zero in every correct evaluation, so their allowed error is 0.
                    final int jEnd = causal ? i + 1 : n;
                    scores(i, jEnd);
                    softmax(i, jEnd);
                    values(i, jEnd);
                    rowR(i);
                    if (backward || fieldP != null) {
                        gradients(i, jEnd);
                    }
                }
            }

            private void allocate() {
                s = new double[n];
                es = new double[n];
                f = new double[n];
                ef = new double[n];
                rhoF = new double[n];
                kAbs = absOf(kr.val);
                kMix = new double[n * d];
                kP = new double[n * d];
                vP = new double[n * d];
                vAbs = absOf(v.val);
                for (int t = 0; t < n * d; t++) {
                    kP[t] = kAbs[t] + kr.err[t];
                    kMix[t] = kr.err[t] + gScore * kP[t];
                    vP[t] = vAbs[t] + v.err[t];
                }
                att = new double[d];
                eAtt = new double[d];
                magAtt = new double[d];
                cv = new double[d];
                ec = new double[d];
                pc = new double[d];
                eqrow = new double[d];
                pq = new double[d];
                dq = new double[d];
                edq = new double[d];
                mdq = new double[d];
                if (backward) {
                    int len = (hi - lo) * d;
                    dqrVal = new double[len];
                    dqrErr = new double[len];
                    dkVal = new double[n * d];
                    dkErr = new double[n * d];
                    dkMag = new double[n * d];
                    dvVal = new double[n * d];
                    dvErr = new double[n * d];
                    dvMag = new double[n * d];
                    if (fields.contains(Quantity.GRAD_X)) {
                        gxE = new double[d * d];
                        gxP = new double[d * d];
                        a2abs = new double[n * d];
                        for (int t = 0; t < n * d; t++) {
                            a2abs[t] = Math.abs(a2[t]) + ea2[t];
                        }
                        uE = new double[d];
                        uP = new double[d];
                    }
                }
                fieldA = fields.contains(Quantity.A) ? rowField(Quantity.A, n) : null;
                fieldF = fields.contains(Quantity.F) ? rowField(Quantity.F, n) : null;
                fieldP = fields.contains(Quantity.P) ? rowField(Quantity.P, n) : null;
                fieldAlpha = fields.contains(Quantity.ALPHA) ? rowField(Quantity.ALPHA, 1) : null;
                fieldAtt = fields.contains(Quantity.ATTENTION) ? rowField(Quantity.ATTENTION, d) : null;
                fieldC = fields.contains(Quantity.C) ? rowField(Quantity.C, d) : null;
                fieldR = fields.contains(Quantity.R) ? rowField(Quantity.R, 1) : null;
            }

            /** Stage 3: the scores {@code s_ij} of row {@code i} and their errors. */
            private void scores(int i, int jEnd) {
                int qi = i * d;
                smax = Double.NEGATIVE_INFINITY;
                sabs = 0;
                esmax = 0;
                for (int j = 0; j < jEnd; j++) {
                    int kj = j * d;
                    double val = 0;
                    double err = 0;
                    for (int a = 0; a < d; a++) {
                        double x = qr.val[qi + a];
                        double px = Math.abs(x) + qr.err[qi + a];
                        val += x * kr.val[kj + a];
                        err += qr.err[qi + a] * kAbs[kj + a] + px * kMix[kj + a];
                    }
                    val *= sigma;
                    err *= sigma;
                    err = store(err, Math.abs(val) * (1 + PAD));
                    s[j] = val;
                    es[j] = err;
                    smax = Math.max(smax, val);
                    sabs = Math.max(sabs, Math.abs(val));
                    esmax = Math.max(esmax, err);
                }
            }

            /** Stage 4: exp, the row sum and the softmax {@code f_ij}, with the fields {@code A, f, alpha}. */
            private void softmax(int i, int jEnd) {
                double shiftSpan = 2 * sabs + 2 * esmax;
                // Every relative error Π(1 + x_i) exp(y) - 1 below is evaluated as expm1(y + Σ log1p(x_i)):
                // formed as a product minus 1 it cancels against 1 and loses up to half its value in fp64.
                double ga = Math.log1p(2 * ua) + Math.log1p(ua) + Math.log1p(us);
                lsum = 0;
                for (int j = 0; j < jEnd; j++) {
                    f[j] = Math.exp(s[j] - smax);
                    lsum += f[j];
                }
                rhoBar = 0;
                for (int j = 0; j < jEnd; j++) {
                    f[j] /= lsum;
                    double rhoA = Math.expm1(es[j] + 2 * ua * shiftSpan + ga);
                    rhoF[j] = rhoA;
                    rhoBar += f[j] * rhoA;
                }
                double rhoL = rhoBar + gRow + rhoBar * gRow;
                double underflowL = n * floorA;
                double lLow = 1 - rhoL;
                phi = floorS + 2 * (floorA + underflowL) / Math.max(lLow, 0);
                for (int j = 0; j < jEnd; j++) {
                    double rhoA = rhoF[j];
                    double rf = lLow > 0 ? Math.expm1(Math.log1p(rhoA) + Math.log1p(ua) + Math.log1p(us) - Math.log1p(-rhoL))
                            : Double.POSITIVE_INFINITY;
                    rhoF[j] = rf;
                    ef[j] = f[j] * rf + phi;
                }
                if (fieldA != null) {
                    for (int j = 0; j < jEnd; j++) {
                        double aij = Math.exp(s[j]);
                        double rho = Math.expm1(es[j] + esmax + 2 * ua * shiftSpan + ga + Math.log1p(2 * ua) + Math.log1p(ua));
                        fieldA.unsafe_set(i, j, aij * rho + floorS + floorA);
                    }
                }
                if (fieldF != null) {
                    for (int j = 0; j < jEnd; j++) {
                        fieldF.unsafe_set(i, j, ef[j]);
                    }
                }
                if (fieldAlpha != null) {
                    double alpha = Math.exp(smax) * lsum;
                    double rho = Math.expm1(Math.log1p(rhoBar) + Math.log1p(gRow) + 2 * Math.log1p(2 * ua) + Math.log1p(ua) + esmax);
                    fieldAlpha.unsafe_set(i, 0, store(alpha * rho + underflowL, alpha));
                }
            }

            /** Stages 5–7: {@code Att = f h}, then {@code c = Att - E} (or {@code dO}) and the loss. */
            private void values(int i, int jEnd) {
                int qi = i * d;
                java.util.Arrays.fill(att, 0);
                java.util.Arrays.fill(eAtt, 0);
                java.util.Arrays.fill(magAtt, 0);
                for (int j = 0; j < jEnd; j++) {
                    int vj = j * d;
                    double fj = f[j];
                    double w1 = ef[j] + gRow * (fj + ef[j]);
                    for (int l = 0; l < d; l++) {
                        att[l] += fj * v.val[vj + l];
                        magAtt[l] += fj * vAbs[vj + l];
                        eAtt[l] += w1 * vP[vj + l] + fj * v.err[vj + l];
                    }
                }
                double rowL = 0;
                double rowLmag = 0;
                for (int l = 0; l < d; l++) {
                    eAtt[l] = store(eAtt[l], Math.abs(att[l]) + PAD * magAtt[l]);
                    double ei = e[qi + l];
                    double c;
                    double cmag;
                    double err;
                    if (upstreamGradient) {
                        // c = dO (MATH §9): the kernel reads dO; its only error is dO's storage
                        c = ei;
                        cmag = Math.abs(ei);
                        err = ee[qi + l];
                    } else {
                        c = att[l] - ei;
                        cmag = Math.abs(c) + PAD * (magAtt[l] + Math.abs(ei));
                        err = (eAtt[l] + ee[qi + l]) * (1 + ua) * (1 + us) + (ua + us + ua * us) * cmag + floorS;
                    }
                    cv[l] = c;
                    ec[l] = err;
                    pc[l] = cmag + err;
                    rowL += err * (2 * cmag + err) / 2 + gLoss * pc[l] * pc[l] / 2;
                    rowLmag += c * c / 2;
                }
                lossErr += rowL;
                lossMag += rowLmag;
                if (fieldAtt != null) {
                    for (int l = 0; l < d; l++) {
                        fieldAtt.unsafe_set(i, l, eAtt[l]);
                    }
                }
                if (fieldC != null) {
                    for (int l = 0; l < d; l++) {
                        fieldC.unsafe_set(i, l, ec[l]);
                    }
                }
            }

            /** Stage 8: {@code r_i = <c_i, Att_i>}. */
            private void rowR(int i) {
                r = 0;
                er = 0;
                rmag = 0;
                double rpp = 0;
                for (int l = 0; l < d; l++) {
                    double pAtt = Math.abs(att[l]) + PAD * magAtt[l] + eAtt[l];
                    r += cv[l] * att[l];
                    rmag += Math.abs(cv[l]) * (magAtt[l] + Math.abs(att[l]));
                    er += ec[l] * pAtt + (pc[l] - ec[l]) * eAtt[l];
                    rpp += pc[l] * pAtt;
                }
                er = store(er + gD * rpp, Math.abs(r) + PAD * rmag);
                if (fieldR != null) {
                    fieldR.unsafe_set(i, 0, er);
                }
            }

            /** Stage 8 (continued): {@code p_ij = f_ij (q_ij - r_i)}, then {@code dQ, dK, dV} and the {@code ∇_X L} sums. */
            private void gradients(int i, int jEnd) {
                int qi = i * d;
                for (int l = 0; l < d; l++) {
                    eqrow[l] = ec[l] + gD * pc[l];
                    pq[l] = Math.abs(qr.val[qi + l]) + qr.err[qi + l];
                }
                java.util.Arrays.fill(dq, 0);
                java.util.Arrays.fill(edq, 0);
                java.util.Arrays.fill(mdq, 0);
                if (uE != null) {
                    java.util.Arrays.fill(uE, 0);
                    java.util.Arrays.fill(uP, 0);
                }
                double ro = ua + us + ua * us;
                for (int j = 0; j < jEnd; j++) {
                    int vj = j * d;
                    double qv = 0;
                    double eq = 0;
                    double scv = 0;
                    for (int l = 0; l < d; l++) {
                        qv += cv[l] * v.val[vj + l];
                        eq += eqrow[l] * vP[vj + l] + (pc[l] - ec[l]) * v.err[vj + l];
                        scv += pc[l] * vP[vj + l];
                    }
                    eq = store(eq, Math.abs(qv) + PAD * scv);
                    double t = qv - r;
                    double tmag = Math.abs(t) + PAD * (scv + rmag);
                    double et = (eq + er) * (1 + ua) * (1 + us) + ro * tmag + floorS;
                    double fj = f[j];
                    double pval = fj * t;
                    double pt = tmag + et;
                    double ep = fj * (Math.expm1(Math.log1p(rhoF[j]) + Math.log1p(ua) + Math.log1p(us)) * pt + et) + phi * pt
                            + floorS;
                    if (fieldP != null) {
                        fieldP.unsafe_set(i, j, ep);
                    }
                    if (backward) {
                        accumulate(i, j, fj, pval, ep);
                    }
                }
                if (!backward) {
                    return;
                }
                int off = (i - lo) * d;
                for (int a = 0; a < d; a++) {
                    dqrVal[off + a] = dq[a];
                    dqrErr[off + a] = store(edq[a], Math.abs(dq[a]) + PAD * mdq[a]);
                }
                if (uE != null) {
                    for (int a = 0; a < d; a++) {
                        double x = Math.abs(a1[qi + a]) + ea1[qi + a];
                        for (int c = 0; c < d; c++) {
                            gxE[a * d + c] += x * uE[c];
                            gxP[a * d + c] += x * uP[c];
                        }
                    }
                }
            }

            /** The term {@code (i, j)} of {@code dQr_i, dKr_j, dV_j} and of the {@code ∇_X L} sums, from {@code p_ij} and its error. */
            private void accumulate(int i, int j, double fj, double pval, double ep) {
                int qi = i * d;
                double pabs = Math.abs(pval);
                double h1 = ep + gDq * (pabs + ep);
                double sp = sigma * pval;
                double sh1 = sigma * h1;
                double sh2 = sigma * pabs;
                double w1 = ef[j] + gCol * (fj + ef[j]);
                int kj = j * d;
                for (int a = 0; a < d; a++) {
                    // dQr_i += sigma p_ij kr_j
                    dq[a] += sp * kr.val[kj + a];
                    mdq[a] += sh2 * kAbs[kj + a];
                    edq[a] += sh1 * kP[kj + a] + sh2 * kr.err[kj + a];
                    // dKr_j += sigma p_ij qr_i
                    dkVal[kj + a] += sp * qr.val[qi + a];
                    dkMag[kj + a] += sh2 * Math.abs(qr.val[qi + a]);
                    dkErr[kj + a] += sh1 * pq[a] + sh2 * qr.err[qi + a];
                    // dV_j += f_ij c_i
                    dvVal[kj + a] += fj * cv[a];
                    dvMag[kj + a] += fj * Math.abs(cv[a]);
                    dvErr[kj + a] += w1 * pc[a] + fj * ec[a];
                }
                if (uE != null) {
                    for (int c = 0; c < d; c++) {
                        uE[c] += ep * a2abs[kj + c];
                        uP[c] += (pabs + ep) * a2abs[kj + c];
                    }
                }
            }
        }
    }

    private static double[] absOf(double[] x) {
        double[] out = new double[x.length];
        for (int t = 0; t < x.length; t++) {
            out[t] = Math.abs(x[t]);
        }
        return out;
    }

    private static void add(double[] into, double[] x) {
        for (int t = 0; t < x.length; t++) {
            into[t] += x[t];
        }
    }

    /** A row-major n x d value with its error bound. */
    private static final class Vec {
        final double[] val;
        final double[] err;

        Vec(int n, int d) {
            val = new double[n * d];
            err = new double[n * d];
        }

        void set(int t, double value, double error) {
            val[t] = value;
            err[t] = error;
        }
    }
}
