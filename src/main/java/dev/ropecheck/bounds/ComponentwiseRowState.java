package dev.ropecheck.bounds;

import static dev.ropecheck.bounds.ComponentwiseEvaluation.absOf;

import dev.ropecheck.bounds.ComponentwiseEvaluation.Vec;
import dev.ropecheck.engine.Quantity;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * The state of one chunk of rows {@code lo..hi-1} of a {@link ComponentwiseEvaluation}, for
 * {@link ComponentwiseRowPass}: the evaluation's inputs, projections and constants under the names of
 * {@code proofs-notes/componentwise-rounding.md} (copied into fields, read directly by the stages'
 * loops), the chunk's partial sums of the backward fields, and the per-row scratch, allocated once per
 * chunk by {@link #allocate} (never per entry).
 */
abstract class ComponentwiseRowState {
    final ComponentwiseEvaluation ev;
    // the evaluation's inputs, projections and constants, under the names of the note
    final int n;
    final int d;
    final boolean causal;
    final boolean backward;
    final Set<Quantity> fields;
    final double sigma;
    final double us;
    final double ua;
    final double floorS;
    final double floorA;
    final double gD;
    final double gScore;
    final double gRow;
    final double gCol;
    final double gDq;
    final double gLoss;
    final double[] a1;
    final double[] a2;
    final double[] e;
    final double[] ea1;
    final double[] ea2;
    final double[] ee;
    final boolean upstreamGradient;
    final Vec qr;
    final Vec kr;
    final Vec v;
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
    double[] kAbs;
    double[] kMix;
    double[] kP;
    double[] vP;
    double[] vAbs;
    double[] a2abs;
    // row scratch: stage 3-4 (length n), stage 5-8 (length d)
    double[] s;
    double[] es;
    double[] f;
    double[] ef;
    double[] rhoF;
    double[] att;
    double[] eAtt;
    double[] magAtt;
    double[] cv;
    double[] ec;
    double[] pc;
    double[] eqrow;
    double[] pq;
    double[] dq;
    double[] edq;
    double[] mdq;
    double[] uE;
    double[] uP;
    // row scalars: max score, max |score|, max score error; row sum; softmax floor; r_i, its error and magnitude
    double smax;
    double sabs;
    double esmax;
    double lsum;
    double rhoBar;
    double phi;
    double r;
    double er;
    double rmag;
    DMatrixRMaj fieldA;
    DMatrixRMaj fieldF;
    DMatrixRMaj fieldP;
    DMatrixRMaj fieldAlpha;
    DMatrixRMaj fieldAtt;
    DMatrixRMaj fieldC;
    DMatrixRMaj fieldR;

    ComponentwiseRowState(ComponentwiseEvaluation ev, int lo, int hi) {
        this.ev = ev;
        this.lo = lo;
        this.hi = hi;
        n = ev.n;
        d = ev.d;
        causal = ev.causal;
        backward = ev.backward;
        fields = ev.fields;
        sigma = ev.sigma;
        us = ev.us;
        ua = ev.ua;
        floorS = ev.floorS;
        floorA = ev.floorA;
        gD = ev.gD;
        gScore = ev.gScore;
        gRow = ev.gRow;
        gCol = ev.gCol;
        gDq = ev.gDq;
        gLoss = ev.gLoss;
        a1 = ev.a1;
        a2 = ev.a2;
        e = ev.e;
        ea1 = ev.ea1;
        ea2 = ev.ea2;
        ee = ev.ee;
        upstreamGradient = ev.upstreamGradient;
        qr = ev.qr;
        kr = ev.kr;
        v = ev.v;
    }

    final double store(double err, double mag) {
        return ev.store(err, mag);
    }

    private DMatrixRMaj rowField(Quantity q, int cols) {
        return ev.rowField(q, cols);
    }

    /** The scratch and the partial sums of the chunk, and the row fields it writes into. */
    final void allocate() {
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
}
