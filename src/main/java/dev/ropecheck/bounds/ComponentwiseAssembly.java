package dev.ropecheck.bounds;

import static dev.ropecheck.bounds.ComponentwiseEvaluation.add;
import static dev.ropecheck.bounds.ComponentwiseRoundingBound.PAD;
import static dev.ropecheck.bounds.ComponentwiseRoundingBound.SAFETY;

import dev.ropecheck.bounds.ComponentwiseEvaluation.Vec;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.model.RopeFamily;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * The assembly of one {@link ComponentwiseEvaluation} after its pass over rows
 * ({@code proofs-notes/componentwise-rounding.md}): the row fields as the chunks left them, the loss, and
 * the backward fields from the chunks' partial sums (stages 8–9: {@code dQ}, {@code dK}, {@code dV}, their
 * rotated forms, the weight gradients and {@code G}), each bound times the safety factor. Precondition:
 * every {@link ComponentwiseRowPass} of the evaluation has run.
 */
final class ComponentwiseAssembly {
    private final ComponentwiseEvaluation ev;
    private final int n;
    private final int d;
    private final Set<Quantity> fields;
    private final boolean backward;

    ComponentwiseAssembly(ComponentwiseEvaluation ev) {
        this.ev = ev;
        this.n = ev.n;
        this.d = ev.d;
        this.fields = ev.fields;
        this.backward = ev.backward;
    }

    Map<Quantity, DMatrixRMaj> finish(ComponentwiseRowPass[] parts) {
        Map<Quantity, DMatrixRMaj> out = new EnumMap<>(Quantity.class);
        for (Quantity q : new Quantity[] {Quantity.A, Quantity.F, Quantity.P, Quantity.ALPHA, Quantity.ATTENTION,
                Quantity.C, Quantity.R}) {
            if (fields.contains(q)) {
                out.put(q, ev.rows[q.ordinal()]);
            }
        }
        if (fields.contains(Quantity.H)) {
            out.put(Quantity.H, new DMatrixRMaj(n, d, true, ev.v.err.clone()));
        }
        if (fields.contains(Quantity.LOSS)) {
            double l = 0;
            double lmag = 0;
            for (ComponentwiseRowPass c : parts) {
                l += c.lossErr;
                lmag += c.lossMag;
            }
            out.put(Quantity.LOSS, new DMatrixRMaj(1, 1, true, ev.store(l, lmag)));
        }
        if (backward) {
            putBackward(out, parts);
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
     * The backward fields from the chunks' partial sums: {@code dQ} rows in place, {@code dK}, {@code dV} and the
     * {@code G} sums added over chunks in chunk order (so the result does not depend on the thread count), stored,
     * rotated back (stage 2), then the weight gradients (stage 8) and {@code G} (stage 9).
     */
    private void putBackward(Map<Quantity, DMatrixRMaj> out, ComponentwiseRowPass[] parts) {
        Vec dqr = new Vec(n, d);
        Vec dkr = new Vec(n, d);
        Vec dv = new Vec(n, d);
        double[] dkMag = new double[n * d];
        double[] dvMag = new double[n * d];
        double[] gxE = new double[d * d];
        double[] gxP = new double[d * d];
        for (ComponentwiseRowPass c : parts) {
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
            dkr.err[t] = ev.store(dkr.err[t], Math.abs(dkr.val[t]) + PAD * dkMag[t]);
            dv.err[t] = ev.store(dv.err[t], Math.abs(dv.val[t]) + PAD * dvMag[t]);
        }
        Vec dq = ev.rotate(dqr, true);
        Vec dk = ev.rotate(dkr, true);
        putIf(out, Quantity.DQ, dq);
        putIf(out, Quantity.DK, dk);
        putIf(out, Quantity.DV, dv);
        putRotated(out, Quantity.DQROT, dqr, dq);
        putRotated(out, Quantity.DKROT, dkr, dk);
        if (fields.contains(Quantity.GRAD_WQ)) {
            out.put(Quantity.GRAD_WQ, ev.weightGradient(ev.a1, ev.ea1, dq));
        }
        if (fields.contains(Quantity.GRAD_WK)) {
            out.put(Quantity.GRAD_WK, ev.weightGradient(ev.a2, ev.ea2, dk));
        }
        if (fields.contains(Quantity.GRAD_WV)) {
            out.put(Quantity.GRAD_WV, ev.weightGradient(ev.a3, ev.ea3, dv));
        }
        if (fields.contains(Quantity.GRAD_X)) {
            out.put(Quantity.GRAD_X, gradX(gxE, gxP));
        }
    }

    /**
     * {@code dQrot} ({@code dKrot}), MATH §9: a kernel forms it directly ({@code direct}, stage 7 of
     * the note) or rotates its {@code dQ} forward ({@code dQ_i R_i}, stage 2 applied to
     * {@code pre}); the allowed error of each entry is the larger of the two.
     */
    private void putRotated(Map<Quantity, DMatrixRMaj> out, Quantity q, Vec direct, Vec pre) {
        if (!fields.contains(q)) {
            return;
        }
        Vec via = ev.rotate(pre, false);
        DMatrixRMaj m = new DMatrixRMaj(n, d);
        for (int t = 0; t < n * d; t++) {
            m.data[t] = Math.max(direct.err[t], via.err[t]);
        }
        out.put(q, m);
    }

    private void putIf(Map<Quantity, DMatrixRMaj> out, Quantity q, Vec x) {
        if (fields.contains(q)) {
            out.put(q, new DMatrixRMaj(n, d, true, x.err.clone()));
        }
    }

    /** {@code G} on the support: stage 9 of the note ({@code |W_m[b,e]| <= 1} for RoPE and identity). */
    private DMatrixRMaj gradX(double[] gxE, double[] gxP) {
        int dd = d * d;
        DMatrixRMaj out = new DMatrixRMaj(dd, dd);
        double epsW = 0;
        if (ev.family instanceof RopeFamily) {
            RopeFamily rope = (RopeFamily) ev.family;
            double thetaRel = ev.thetaUlps(rope) * ev.ua * (1 + ev.ua) + ev.ua; // (1 + c u)(1 + u) - 1, without cancellation
            epsW = Math.min(2, thetaRel * (n - 1.0) * rope.theta(0)) + 2 * ev.ua + ev.us + ev.floorS;
        }
        var support = ev.family.support();
        for (int ac = 0; ac < dd; ac++) {
            int a = ac / d;
            int c = ac % d;
            double eP = gxE[a * d + c];
            double pP = gxP[a * d + c];
            double err = ev.sigma * (eP * (1 + epsW) + pP * (epsW + ev.gGradX * (1 + epsW)));
            double mag = ev.sigma * pP;
            for (int s = 0; s < support.size(); s++) {
                int be = support.row(s) * d + support.col(s);
                out.unsafe_set(ac, be, ev.store(err, mag));
            }
        }
        return out;
    }
}
