package dev.ropecheck.cli;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * A direct double evaluation of MATH §2–3 (straight from the definitions, O(n^2 d^4)), standing in
 * for the real engines in the CLI tests. {@code scale != 1} multiplies every output by it (a
 * deliberately wrong engine).
 */
final class StubEngine implements RopeAttentionEngine {
    private final String name;
    private final double scale;

    StubEngine(String name) {
        this(name, 1.0);
    }

    StubEngine(String name, double scale) {
        this.name = name;
        this.scale = scale;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Quantity> supported(RopeInstance instance) {
        Set<Quantity> s = EnumSet.allOf(Quantity.class);
        s.remove(Quantity.DQ);
        s.remove(Quantity.DK);
        s.remove(Quantity.DV);
        if (!instance.hasWeights()) {
            s.remove(Quantity.GRAD_WQ);
            s.remove(Quantity.GRAD_WK);
        }
        return s;
    }

    @Override
    public RopeResult compute(RopeInstance in, Set<Quantity> wanted) {
        for (Quantity q : wanted) {
            if (!supported(in).contains(q)) {
                throw new IllegalArgumentException("stub engine " + name + " does not compute " + q.key());
            }
        }
        int n = in.n();
        int d = in.d();
        DMatrixRMaj a1 = in.a1();
        DMatrixRMaj a2 = in.a2();
        DMatrixRMaj x = in.x();
        PositionFamily fam = in.family();
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int a = 0; a < d; a++) {
                    for (int c = 0; c < d; c++) {
                        for (int b = 0; b < d; b++) {
                            for (int e = 0; e < d; e++) {
                                sum += a1.get(i, a) * a2.get(j, c) * x.get(a * d + c, b * d + e) * fam.weight(i - j, b, e);
                            }
                        }
                    }
                }
                s[i][j] = sum / d;
            }
        }
        DMatrixRMaj aMat = new DMatrixRMaj(n, n);
        double[] alpha = new double[n];
        DMatrixRMaj f = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                aMat.set(i, j, Math.exp(s[i][j]));
                alpha[i] += aMat.get(i, j);
            }
            for (int j = 0; j < n; j++) {
                f.set(i, j, aMat.get(i, j) / alpha[i]);
            }
        }
        DMatrixRMaj h = in.h();
        DMatrixRMaj att = new DMatrixRMaj(n, d);
        org.ejml.dense.row.CommonOps_DDRM.mult(f, h, att);
        DMatrixRMaj c = att.copy();
        org.ejml.dense.row.CommonOps_DDRM.subtractEquals(c, in.e());
        double loss = 0;
        for (double v : c.data) {
            loss += v * v / 2;
        }
        double[] r = new double[n];
        DMatrixRMaj p = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < d; l++) {
                r[i] += c.get(i, l) * att.get(i, l);
            }
            for (int j = 0; j < n; j++) {
                double qij = 0;
                for (int l = 0; l < d; l++) {
                    qij += c.get(i, l) * h.get(j, l);
                }
                p.set(i, j, f.get(i, j) * (qij - r[i]));
            }
        }
        DMatrixRMaj g = new DMatrixRMaj(d * d, d * d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int a = 0; a < d; a++) {
                    for (int cc = 0; cc < d; cc++) {
                        double base = p.get(i, j) * a1.get(i, a) * a2.get(j, cc) / d;
                        for (int b = 0; b < d; b++) {
                            for (int e = 0; e < d; e++) {
                                g.add(a * d + cc, b * d + e, base * fam.weight(i - j, b, e));
                            }
                        }
                    }
                }
            }
        }
        DMatrixRMaj ftc = new DMatrixRMaj(n, d);
        org.ejml.dense.row.CommonOps_DDRM.multTransA(f, c, ftc);
        DMatrixRMaj gwv = new DMatrixRMaj(d, d);
        org.ejml.dense.row.CommonOps_DDRM.multTransA(in.a3(), ftc, gwv);
        RopeResult.Builder out = RopeResult.builder(name);
        out.put(Quantity.A, scaled(aMat)).putVector(Quantity.ALPHA, scaled(alpha)).put(Quantity.F, scaled(f))
                .put(Quantity.H, scaled(h)).put(Quantity.ATTENTION, scaled(att)).put(Quantity.C, scaled(c))
                .putScalar(Quantity.LOSS, loss * scale).putVector(Quantity.R, scaled(r)).put(Quantity.P, scaled(p))
                .put(Quantity.GRAD_X, scaled(g)).put(Quantity.GRAD_WV, scaled(gwv));
        if (in.hasWeights()) {
            DMatrixRMaj wq = in.wq();
            DMatrixRMaj wk = in.wk();
            DMatrixRMaj gq = new DMatrixRMaj(d, d);
            DMatrixRMaj gk = new DMatrixRMaj(d, d);
            for (int a = 0; a < d; a++) {
                for (int cc = 0; cc < d; cc++) {
                    for (int b = 0; b < d; b++) {
                        for (int e = 0; e < d; e++) {
                            double gv = g.get(a * d + cc, b * d + e);
                            gq.add(a, b, gv * wk.get(cc, e));
                            gk.add(cc, e, gv * wq.get(a, b));
                        }
                    }
                }
            }
            out.put(Quantity.GRAD_WQ, scaled(gq)).put(Quantity.GRAD_WK, scaled(gk));
        }
        out.meta("stub", "true");
        return out.build();
    }

    private DMatrixRMaj scaled(DMatrixRMaj m) {
        DMatrixRMaj o = m.copy();
        org.ejml.dense.row.CommonOps_DDRM.scale(scale, o);
        return o;
    }

    private double[] scaled(double[] v) {
        double[] o = v.clone();
        for (int i = 0; i < o.length; i++) {
            o[i] *= scale;
        }
        return o;
    }
}
