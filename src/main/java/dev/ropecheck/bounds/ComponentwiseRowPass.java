package dev.ropecheck.bounds;

import static dev.ropecheck.bounds.ComponentwiseRoundingBound.PAD;

/**
 * The pass over rows {@code lo..hi-1} of one {@link ComponentwiseEvaluation}: stages 3–8 of
 * {@code proofs-notes/componentwise-rounding.md}, row by row, one method per stage. The per-row
 * scratch ({@code s, f, att, c, ...}) lives in the fields of {@link ComponentwiseRowState}, allocated once
 * per chunk, never per entry.
 */
final class ComponentwiseRowPass extends ComponentwiseRowState implements Runnable {
    ComponentwiseRowPass(ComponentwiseEvaluation ev, int lo, int hi) {
        super(ev, lo, hi);
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
