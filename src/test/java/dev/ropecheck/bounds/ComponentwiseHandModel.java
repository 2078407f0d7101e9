package dev.ropecheck.bounds;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.model.RopeFamily;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import java.util.EnumMap;
import java.util.Map;

/**
 * The componentwise rounding bound written out entry by entry from the stage formulas of
 * {@code proofs-notes/componentwise-rounding.md} (§0–§9), for the formula-level tests of
 * {@link ComponentwiseRoundingBound}. It shares no code with the class under test: every constant
 * of the note ({@code 2^-40} pad, {@code 1 + 2^-20} safety factor, {@code c_θ = 4}, the six score-scale
 * roundings, the path lengths {@code d, 2, d+6, 4n, nd+1, n+6, n+2, n^2+8}) is restated here, and
 * {@code γ_k} and Higham–Mary's {@code γ~_k(λ)} are evaluated from their closed forms.
 *
 * <p>Where the note leaves a binary64 detail open, the choice is the class's documented one: a
 * magnitude prone to cancellation is padded by {@code 2^-40} times the sum of the absolute values of
 * its terms (scores by {@code 2^-40 |s|}), the stored inputs enter the {@code gradX} magnitudes as
 * {@code P_A = |A| + e_A}, {@code alpha} carries the {@code n φ_a} underflow of its row sum, and
 * a relative error {@code exp(y) Π (1 + x_i) - 1} is evaluated as {@code expm1(y + Σ log1p(x_i))}
 * (as a product minus 1 it would cancel against 1: in fp64 that loses up to half of it). Small instances only ({@code n, d <= 8}): plain loops, no blocking.
 */
final class ComponentwiseHandModel {
    static final double PAD = 0x1p-40;
    static final double SAFETY = 1 + 0x1p-20;

    private final RoundingClass cls;
    private final FloatFormat fmt;
    private final double us;
    private final double ua;
    private final double phiS;
    private final double phiA;
    private double lambda;

    ComponentwiseHandModel(RoundingClass cls) {
        this.cls = cls;
        this.fmt = cls.format();
        this.us = fmt.u();
        this.ua = fmt.accumulator().u();
        this.phiS = halfSubnormal(fmt);
        this.phiA = halfSubnormal(fmt.accumulator());
    }

    private static double halfSubnormal(FloatFormat f) {
        // the smallest subnormal is 2^(emin - p + 1); half of it is 2^(emin - p)
        return Math.scalb(f.minNormal(), -f.precision());
    }

    /** {@code γ_k = k u_a / (1 - k u_a)} (worst case) or {@code min(γ_k, γ~_k(λ))} (probabilistic). */
    double gamma(long k) {
        double ku = k * ua;
        double worst = ku >= 0.5 ? Double.POSITIVE_INFINITY : ku / (1 - ku);
        if (!cls.probabilistic()) {
            return worst;
        }
        double p = Math.expm1(lambda * Math.sqrt((double) k) * ua + k * ua * ua / (1 - ua));
        return Math.min(p, worst);
    }

    private double store(double e, double m) {
        return e + us * (m + e) + phiS;
    }

    private double inputError(double x) {
        return fmt.round(x) == x ? 0 : us * Math.abs(x) + phiS;
    }

    /** The bound of every field the class produces, row-major, already multiplied by the safety factor. */
    Map<Quantity, double[]> allowed(RopeInstance inst) {
        final int n = inst.n();
        final int d = inst.d();
        final double sigma = inst.scale();
        final boolean causal = inst.causal();
        if (cls.probabilistic()) {
            double sums = 6.0 * n * n + 40.0 * n * d + 4.0 * d * d;
            lambda = Math.sqrt(2 * Math.log(2 * sums / cls.failureProbability())) / (1 - ua);
        }
        double[][] a1 = rows(inst.a1().data, n, d);
        double[][] a2 = rows(inst.a2().data, n, d);
        double[][] a3 = rows(inst.a3().data, n, d);
        double[][] ee = errs(rows(inst.e().data, n, d));
        double[][] ev = rows(inst.e().data, n, d);
        double[][] ea1 = errs(a1);
        double[][] ea2 = errs(a2);
        double[][] ea3 = errs(a3);
        // §1 projections (q, k, v given directly: only their storage)
        double[][][] q = inst.hasQkv() ? new double[][][] {a1, ea1}
                : project(a1, ea1, rows(inst.wq().data, d, d), n, d);
        double[][][] k = inst.hasQkv() ? new double[][][] {a2, ea2}
                : project(a2, ea2, rows(inst.wk().data, d, d), n, d);
        double[][][] v = inst.hasQkv() ? new double[][][] {a3, ea3}
                : project(a3, ea3, rows(inst.y().data, d, d), n, d);
        RopeFamily rope = inst.family() instanceof RopeFamily ? (RopeFamily) inst.family() : null;
        // §2 rotation
        double[][][] qr = rotate(q, rope, n, d, false);
        double[][][] kr = rotate(k, rope, n, d, false);
        double[][] V = v[0];
        double[][] eV = v[1];
        double[][] QR = qr[0];
        double[][] eQR = qr[1];
        double[][] KR = kr[0];
        double[][] eKR = kr[1];

        double[][] bA = new double[n][n];
        double[][] bF = new double[n][n];
        double[][] bP = new double[n][n];
        double[] bAlpha = new double[n];
        double[][] bAtt = new double[n][d];
        double[][] bC = new double[n][d];
        double[] bR = new double[n];
        double lossErr = 0;
        double lossMag = 0;
        // per-entry p, its error and f, ef kept for §7–§9
        double[][] pv = new double[n][n];
        double[][] pe = new double[n][n];
        double[][] fv = new double[n][n];
        double[][] fe = new double[n][n];
        double[][] cval = new double[n][d];
        double[][] cerr = new double[n][d];
        double[][] cmagAll = new double[n][d];
        double gd = gamma(d);
        double gScore = gamma(d + 6);
        double g4n = gamma(4L * n);
        double gLoss = gamma((long) n * d + 1);
        double ro = ua + us + ua * us;
        for (int i = 0; i < n; i++) {
            int jEnd = causal ? i + 1 : n;
            // §3 scores
            double[] s = new double[jEnd];
            double[] es = new double[jEnd];
            for (int j = 0; j < jEnd; j++) {
                double val = 0;
                double lin = 0;
                double quad = 0;
                for (int a = 0; a < d; a++) {
                    double pq = Math.abs(QR[i][a]) + eQR[i][a];
                    double pk = Math.abs(KR[j][a]) + eKR[j][a];
                    val += QR[i][a] * KR[j][a];
                    lin += eQR[i][a] * Math.abs(KR[j][a]) + pq * eKR[j][a];
                    quad += pq * pk;
                }
                s[j] = sigma * val;
                es[j] = store(sigma * (lin + gScore * quad), Math.abs(s[j]) * (1 + PAD));
            }
            // §4 softmax, alpha, A
            double smax = Double.NEGATIVE_INFINITY;
            double sabs = 0;
            double esmax = 0;
            for (int j = 0; j < jEnd; j++) {
                smax = Math.max(smax, s[j]);
                sabs = Math.max(sabs, Math.abs(s[j]));
                esmax = Math.max(esmax, es[j]);
            }
            double span = 2 * sabs + 2 * esmax;
            double l = 0;
            double[] f = new double[jEnd];
            for (int j = 0; j < jEnd; j++) {
                f[j] = Math.exp(s[j] - smax);
                l += f[j];
            }
            double lnFactors = Math.log1p(ua) + Math.log1p(2 * ua) + Math.log1p(us); // ln((1+2u_a)(1+u_a)(1+u_s))
            double[] rhoA = new double[jEnd];
            double rhoBar = 0;
            for (int j = 0; j < jEnd; j++) {
                f[j] = f[j] / l;
                rhoA[j] = Math.expm1(2 * ua * span + es[j] + lnFactors);
                rhoBar += f[j] * rhoA[j];
            }
            double rhoL = Math.expm1(Math.log1p(rhoBar) + Math.log1p(g4n));
            double phi = phiS + 2 * (phiA + n * phiA) / Math.max(1 - rhoL, 0);
            double[] rhoF = new double[jEnd];
            for (int j = 0; j < jEnd; j++) {
                rhoF[j] = 1 - rhoL > 0 ? Math.expm1(Math.log1p(rhoA[j]) + Math.log1p(ua) + Math.log1p(us) - Math.log1p(-rhoL))
                        : Double.POSITIVE_INFINITY;
                fv[i][j] = f[j];
                fe[i][j] = f[j] * rhoF[j] + phi;
                bF[i][j] = fe[i][j];
                double relA = Math.expm1(es[j] + esmax + 2 * ua * span + lnFactors + Math.log1p(2 * ua) + Math.log1p(ua));
                bA[i][j] = Math.exp(s[j]) * relA + phiS + phiA;
            }
            double alpha = Math.exp(smax) * l;
            double relAlpha = Math.expm1(esmax + Math.log1p(rhoBar) + Math.log1p(g4n) + 2 * Math.log1p(2 * ua) + Math.log1p(ua));
            bAlpha[i] = store(alpha * relAlpha + n * phiA, alpha);
            // §5 Att, c, L
            double[] att = new double[d];
            double[] magAtt = new double[d];
            double[] eAtt = new double[d];
            for (int c = 0; c < d; c++) {
                double lin = 0;
                double quad = 0;
                for (int j = 0; j < jEnd; j++) {
                    att[c] += f[j] * V[j][c];
                    magAtt[c] += f[j] * Math.abs(V[j][c]);
                    lin += fe[i][j] * (Math.abs(V[j][c]) + eV[j][c]) + f[j] * eV[j][c];
                    quad += (f[j] + fe[i][j]) * (Math.abs(V[j][c]) + eV[j][c]);
                }
                eAtt[c] = store(lin + g4n * quad, Math.abs(att[c]) + PAD * magAtt[c]);
                bAtt[i][c] = eAtt[c];
                double cv = att[c] - ev[i][c];
                double cmag = Math.abs(cv) + PAD * (magAtt[c] + Math.abs(ev[i][c]));
                double ec = (eAtt[c] + ee[i][c]) * (1 + ua) * (1 + us) + ro * cmag + phiS;
                cval[i][c] = cv;
                cerr[i][c] = ec;
                cmagAll[i][c] = cmag;
                bC[i][c] = ec;
                lossErr += ec * (2 * cmag + ec) / 2 + gLoss * (cmag + ec) * (cmag + ec) / 2;
                lossMag += cv * cv / 2;
            }
            // §6 r, q - r, p
            double r = 0;
            double rlin = 0;
            double rquad = 0;
            double rmag = 0;
            for (int c = 0; c < d; c++) {
                double pAtt = Math.abs(att[c]) + PAD * magAtt[c] + eAtt[c];
                double pc = cmagAll[i][c] + cerr[i][c];
                r += cval[i][c] * att[c];
                rmag += Math.abs(cval[i][c]) * (magAtt[c] + Math.abs(att[c]));
                rlin += cerr[i][c] * pAtt + cmagAll[i][c] * eAtt[c];
                rquad += pc * pAtt;
            }
            double er = store(rlin + gd * rquad, Math.abs(r) + PAD * rmag);
            bR[i] = er;
            for (int j = 0; j < jEnd; j++) {
                double qv = 0;
                double qlin = 0;
                double qquad = 0;
                for (int c = 0; c < d; c++) {
                    double pc = cmagAll[i][c] + cerr[i][c];
                    double pvv = Math.abs(V[j][c]) + eV[j][c];
                    qv += cval[i][c] * V[j][c];
                    qlin += cerr[i][c] * pvv + cmagAll[i][c] * eV[j][c];
                    qquad += pc * pvv;
                }
                double eq = store(qlin + gd * qquad, Math.abs(qv) + PAD * qquad);
                double t = qv - r;
                double tmag = Math.abs(t) + PAD * (qquad + rmag);
                double et = (eq + er) * (1 + ua) * (1 + us) + ro * tmag + phiS;
                pv[i][j] = f[j] * t;
                // f [(1+ρ_f)(1+u_a)(1+u_s)(|t| + e_t) - |t|] = f [((1+ρ_f)(1+u_a)(1+u_s) - 1)(|t| + e_t) + e_t]
                double grow = Math.expm1(Math.log1p(rhoF[j]) + Math.log1p(ua) + Math.log1p(us));
                pe[i][j] = f[j] * (grow * (tmag + et) + et) + phi * (tmag + et) + phiS;
                bP[i][j] = pe[i][j];
            }
        }
        double lossBound = store(lossErr, lossMag);

        // §7 dQrot, dKrot, dV
        double gDq = gamma(n + 6);
        double gCol = gamma(n + 2L);
        double[][] dqr = new double[n][d];
        double[][] edqr = new double[n][d];
        double[][] dkr = new double[n][d];
        double[][] edkr = new double[n][d];
        double[][] dv = new double[n][d];
        double[][] edv = new double[n][d];
        for (int a = 0; a < d; a++) {
            for (int i = 0; i < n; i++) {
                double val = 0;
                double lin = 0;
                double quad = 0;
                double mag = 0;
                for (int j = 0; j <= (causal ? i : n - 1); j++) {
                    double pabs = Math.abs(pv[i][j]);
                    val += sigma * pv[i][j] * KR[j][a];
                    mag += sigma * pabs * Math.abs(KR[j][a]);
                    lin += pe[i][j] * (Math.abs(KR[j][a]) + eKR[j][a]) + pabs * eKR[j][a];
                    quad += (pabs + pe[i][j]) * (Math.abs(KR[j][a]) + eKR[j][a]);
                }
                dqr[i][a] = val;
                edqr[i][a] = store(sigma * (lin + gDq * quad), Math.abs(val) + PAD * mag);
            }
            for (int j = 0; j < n; j++) {
                double val = 0;
                double lin = 0;
                double quad = 0;
                double mag = 0;
                double vval = 0;
                double vlin = 0;
                double vquad = 0;
                double vmag = 0;
                for (int i = causal ? j : 0; i < n; i++) {
                    double pabs = Math.abs(pv[i][j]);
                    double pq = Math.abs(QR[i][a]) + eQR[i][a];
                    val += sigma * pv[i][j] * QR[i][a];
                    mag += sigma * pabs * Math.abs(QR[i][a]);
                    lin += pe[i][j] * pq + pabs * eQR[i][a];
                    quad += (pabs + pe[i][j]) * pq;
                    double pc = cmagAll[i][a] + cerr[i][a];
                    vval += fv[i][j] * cval[i][a];
                    vmag += fv[i][j] * Math.abs(cval[i][a]);
                    vlin += fe[i][j] * pc + fv[i][j] * cerr[i][a];
                    vquad += (fv[i][j] + fe[i][j]) * pc;
                }
                dkr[j][a] = val;
                edkr[j][a] = store(sigma * (lin + gDq * quad), Math.abs(val) + PAD * mag);
                dv[j][a] = vval;
                edv[j][a] = store(vlin + gCol * vquad, Math.abs(vval) + PAD * vmag);
            }
        }
        double[][][] dq = rotate(new double[][][] {dqr, edqr}, rope, n, d, true);
        double[][][] dk = rotate(new double[][][] {dkr, edkr}, rope, n, d, true);
        double[][][] dqVia = rotate(dq, rope, n, d, false);
        double[][][] dkVia = rotate(dk, rope, n, d, false);

        // §8 weight gradients
        double[] gwq = weightGradient(a1, ea1, dq, n, d, gCol);
        double[] gwk = weightGradient(a2, ea2, dk, n, d, gCol);
        double[] gwv = weightGradient(a3, ea3, new double[][][] {dv, edv}, n, d, gCol);

        // §9 gradX on the support
        double epsW = 0;
        if (rope != null) {
            double thetaRel = thetaUlps(rope, d) * ua + ua + thetaUlps(rope, d) * ua * ua;
            epsW = Math.min(2, thetaRel * (n - 1.0) * rope.theta(0)) + 2 * ua + us + phiS;
        }
        double gG = gamma((long) n * n + 8);
        double[] gx = new double[d * d * d * d];
        Support sup = inst.family().support();
        for (int a = 0; a < d; a++) {
            for (int c = 0; c < d; c++) {
                double sumE = 0;
                double sumP = 0;
                for (int i = 0; i < n; i++) {
                    double x1 = Math.abs(a1[i][a]) + ea1[i][a];
                    for (int j = 0; j < (causal ? i + 1 : n); j++) {
                        double x2 = Math.abs(a2[j][c]) + ea2[j][c];
                        sumE += x1 * pe[i][j] * x2;
                        sumP += x1 * (Math.abs(pv[i][j]) + pe[i][j]) * x2;
                    }
                }
                double err = sigma * (sumE * (1 + epsW) + sumP * (epsW + gG * (1 + epsW)));
                for (int t = 0; t < sup.size(); t++) {
                    gx[(a * d + c) * d * d + sup.row(t) * d + sup.col(t)] = store(err, sigma * sumP);
                }
            }
        }

        Map<Quantity, double[]> out = new EnumMap<>(Quantity.class);
        out.put(Quantity.A, flat(bA));
        out.put(Quantity.F, flat(bF));
        out.put(Quantity.P, flat(bP));
        out.put(Quantity.ALPHA, bAlpha.clone());
        out.put(Quantity.ATTENTION, flat(bAtt));
        out.put(Quantity.C, flat(bC));
        out.put(Quantity.R, bR.clone());
        out.put(Quantity.H, flat(eV));
        out.put(Quantity.LOSS, new double[] {lossBound});
        out.put(Quantity.DQ, flat(dq[1]));
        out.put(Quantity.DK, flat(dk[1]));
        out.put(Quantity.DV, flat(edv));
        out.put(Quantity.DQROT, flat(max(edqr, dqVia[1])));
        out.put(Quantity.DKROT, flat(max(edkr, dkVia[1])));
        out.put(Quantity.GRAD_WQ, gwq);
        out.put(Quantity.GRAD_WK, gwk);
        out.put(Quantity.GRAD_WV, gwv);
        out.put(Quantity.GRAD_X, gx);
        for (double[] m : out.values()) {
            for (int t = 0; t < m.length; t++) {
                m[t] *= SAFETY;
            }
        }
        return out;
    }

    private double thetaUlps(RopeFamily rope, int d) {
        return 4 + ((d & (d - 1)) == 0 ? 0 : Math.log(rope.base()));
    }

    /** §1: {@code store(Σ_c (e_A |W| + P_A e_W) + γ_d Σ_c P_A P_W, |Q| + pad)}. */
    private double[][][] project(double[][] a, double[][] ea, double[][] w, int n, int d) {
        double[][] ew = errs(w);
        double[][] val = new double[n][d];
        double[][] err = new double[n][d];
        double g = gamma(d);
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < d; b++) {
                double lin = 0;
                double quad = 0;
                double mag = 0;
                for (int c = 0; c < d; c++) {
                    double pa = Math.abs(a[i][c]) + ea[i][c];
                    val[i][b] += a[i][c] * w[c][b];
                    mag += Math.abs(a[i][c] * w[c][b]);
                    lin += ea[i][c] * Math.abs(w[c][b]) + pa * ew[c][b];
                    quad += pa * (Math.abs(w[c][b]) + ew[c][b]);
                }
                err[i][b] = store(lin + g * quad, Math.abs(val[i][b]) + PAD * mag);
            }
        }
        return new double[][][] {val, err};
    }

    /** §2: pair {@code (a, b)} at position {@code i}; {@code back} is {@code R_i^T}. */
    private double[][][] rotate(double[][][] x, RopeFamily rope, int n, int d, boolean back) {
        if (rope == null) {
            return x;
        }
        double[][] val = new double[n][d];
        double[][] err = new double[n][d];
        double g2 = gamma(2);
        double thetaRel = thetaUlps(rope, d) * ua + ua + thetaUlps(rope, d) * ua * ua;
        for (int i = 0; i < n; i++) {
            for (int kk = 0; kk < d / 2; kk++) {
                double angle = i * rope.theta(kk);
                double c = Math.cos(angle);
                double s = Math.sin(angle);
                double eps = Math.min(2, thetaRel * Math.abs(angle)) + 2 * ua + us + phiS;
                int a = rope.dimA(kk);
                int b = rope.dimB(kk);
                double xa = x[0][i][a];
                double xb = x[0][i][b];
                double pa = Math.abs(xa) + x[1][i][a];
                double pb = Math.abs(xb) + x[1][i][b];
                double sgn = back ? -1 : 1;
                val[i][a] = xa * c - sgn * xb * s;
                val[i][b] = sgn * xa * s + xb * c;
                double ea = x[1][i][a] * Math.abs(c) + x[1][i][b] * Math.abs(s) + (pa + pb) * eps
                        + g2 * (pa * (Math.abs(c) + eps) + pb * (Math.abs(s) + eps));
                double eb = x[1][i][a] * Math.abs(s) + x[1][i][b] * Math.abs(c) + (pa + pb) * eps
                        + g2 * (pa * (Math.abs(s) + eps) + pb * (Math.abs(c) + eps));
                err[i][a] = store(ea, Math.abs(val[i][a]) + PAD * (pa + pb));
                err[i][b] = store(eb, Math.abs(val[i][b]) + PAD * (pa + pb));
            }
        }
        return new double[][][] {val, err};
    }

    /** §8: {@code store(Σ_i (|A| e_D + e_A P_D) + γ_{n+2} Σ_i P_A P_D, |grad| + pad)}. */
    private double[] weightGradient(double[][] a, double[][] ea, double[][][] g, int n, int d, double gamma) {
        double[] out = new double[d * d];
        for (int p = 0; p < d; p++) {
            for (int b = 0; b < d; b++) {
                double val = 0;
                double lin = 0;
                double quad = 0;
                double mag = 0;
                for (int i = 0; i < n; i++) {
                    double pa = Math.abs(a[i][p]) + ea[i][p];
                    double pd = Math.abs(g[0][i][b]) + g[1][i][b];
                    val += a[i][p] * g[0][i][b];
                    mag += Math.abs(a[i][p] * g[0][i][b]);
                    lin += ea[i][p] * Math.abs(g[0][i][b]) + pa * g[1][i][b];
                    quad += pa * pd;
                }
                out[p * d + b] = store(lin + gamma * quad, Math.abs(val) + PAD * mag);
            }
        }
        return out;
    }

    private double[][] errs(double[][] x) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = new double[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                out[i][j] = inputError(x[i][j]);
            }
        }
        return out;
    }

    private static double[][] rows(double[] data, int r, int c) {
        double[][] out = new double[r][c];
        for (int i = 0; i < r; i++) {
            System.arraycopy(data, i * c, out[i], 0, c);
        }
        return out;
    }

    private static double[] flat(double[][] m) {
        int c = m[0].length;
        double[] out = new double[m.length * c];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out, i * c, c);
        }
        return out;
    }

    private static double[][] max(double[][] x, double[][] y) {
        double[][] out = new double[x.length][x[0].length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[0].length; j++) {
                out[i][j] = Math.max(x[i][j], y[i][j]);
            }
        }
        return out;
    }
}
