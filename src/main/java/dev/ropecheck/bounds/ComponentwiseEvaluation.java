package dev.ropecheck.bounds;

import static dev.ropecheck.bounds.ComponentwiseRoundingBound.CHUNKS;
import static dev.ropecheck.bounds.ComponentwiseRoundingBound.PAD;
import static dev.ropecheck.bounds.ComponentwiseRoundingBound.SCALE_ROUNDINGS;
import static dev.ropecheck.bounds.ComponentwiseRoundingBound.THETA_ULPS;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.Workers;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.ejml.data.DMatrixRMaj;

/**
 * One evaluation of {@link ComponentwiseRoundingBound} ({@code proofs-notes/componentwise-rounding.md}): the
 * instance's inputs and their storage errors, stages 1–2 (projections, rotations), then the pass over rows
 * ({@link ComponentwiseRowPass}, stages 3–8, in fixed chunks), then the assembly of the backward fields and the
 * weight gradients (stages 8–9, {@link ComponentwiseAssembly}; the weight gradients' dot products stay here).
 */
final class ComponentwiseEvaluation {
    private final RoundingClass cls;
    private final int threads;
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

    ComponentwiseEvaluation(RoundingClass cls, int threads, RopeInstance inst, Set<Quantity> fields) {
        this.cls = cls;
        this.threads = threads;
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
        ComponentwiseRowPass[] parts = new ComponentwiseRowPass[chunks];
        for (int c = 0; c < chunks; c++) {
            parts[c] = new ComponentwiseRowPass(this, (int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
        }
        runAll(parts);
        return new ComponentwiseAssembly(this).finish(parts);
    }

    void runAll(ComponentwiseRowPass[] parts) {
        int t = Math.min(threads, parts.length);
        if (t == 1) {
            for (ComponentwiseRowPass c : parts) {
                c.run();
            }
            return;
        }
        List<Callable<Void>> tasks = new ArrayList<>();
        for (ComponentwiseRowPass c : parts) {
            tasks.add(() -> {
                c.run();
                return null;
            });
        }
        Workers.run(tasks, t, "componentwise-bound", v -> { });
    }

    DMatrixRMaj rowField(Quantity q, int cols) {
        synchronized (rows) {
            if (rows[q.ordinal()] == null) {
                rows[q.ordinal()] = new DMatrixRMaj(n, cols);
            }
            return rows[q.ordinal()];
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


    /** {@code γ_k} of the class: worst case or probabilistic. */
    private double gamma(long k, double lambda) {
        FloatFormat acc = cls.format().accumulator();
        return cls.probabilistic() ? acc.gammaProbabilistic(k, lambda) : acc.gamma(k);
    }

    static double[] absOf(double[] x) {
        double[] out = new double[x.length];
        for (int t = 0; t < x.length; t++) {
            out[t] = Math.abs(x[t]);
        }
        return out;
    }

    static void add(double[] into, double[] x) {
        for (int t = 0; t < x.length; t++) {
            into[t] += x[t];
        }
    }

    /** A row-major n x d value with its error bound. */
    static final class Vec {
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
