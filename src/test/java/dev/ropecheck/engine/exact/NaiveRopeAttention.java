package dev.ropecheck.engine.exact;

import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.PositionFamily;
import dev.ropecheck.model.RopeInstance;
import org.ejml.data.DMatrixRMaj;

/**
 * An independent, deliberately naive double evaluation of MATH §2–3 straight from the formulas:
 * scores by the quadruple sum {@code (1/d) Σ_{a,c,b,e} A1[i,a] A2[j,c] X[(a,c),(b,e)] W_{i-j}[b,e]}
 * over the dense {@code X} (the Kronecker product when weights are given), {@code G} by the direct
 * sum over {@code (i,j)}, {@code dQ, dK} by their defining double sums. {@code O(n^2 d^4)}; small
 * {@code n} only.
 *
 * <p>Its rounding error is bounded by {@link ExactRoundingModel} with {@link #counts}: the score,
 * {@code G}, {@code dQ}, {@code dK} stages have the counts given there, and every other stage does no
 * more roundings than the engine's (proofs-notes/rounding-model.md §10: plain {@code Att = f h} is
 * dominated by the centred form's bound, and so is {@code h_j - Att_i}).
 */
final class NaiveRopeAttention {
    private NaiveRopeAttention() {
    }

    /** The rounding counts of this evaluation. */
    static ExactRoundingModel.Counts counts(RopeInstance inst) {
        int n = inst.n();
        int d = inst.d();
        long d4 = (long) d * d * d * d;
        return new ExactRoundingModel.Counts(d4 + 3, true, inst.hasWeights() ? ExactRoundingModel.U : 0.0,
                (long) n * n + 3, (long) n * d + 2, (long) n * d + 2);
    }

    static RopeResult compute(RopeInstance inst) {
        int n = inst.n();
        int d = inst.d();
        int dd = d * d;
        DMatrixRMaj a1 = inst.a1();
        DMatrixRMaj a2 = inst.a2();
        DMatrixRMaj a3 = inst.a3();
        DMatrixRMaj e = inst.e();
        DMatrixRMaj x = inst.x();
        DMatrixRMaj y = inst.y();
        PositionFamily fam = inst.family();
        double[][][] w = new double[2 * n - 1][d][d];
        for (int m = -(n - 1); m <= n - 1; m++) {
            for (int b = 0; b < d; b++) {
                for (int c = 0; c < d; c++) {
                    w[m + n - 1][b][c] = fam.weight(m, b, c);
                }
            }
        }
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int a = 0; a < d; a++) {
                    for (int c = 0; c < d; c++) {
                        for (int b = 0; b < d; b++) {
                            for (int ee = 0; ee < d; ee++) {
                                acc += a1.get(i, a) * a2.get(j, c) * x.get(a * d + c, b * d + ee)
                                        * w[i - j + n - 1][b][ee];
                            }
                        }
                    }
                }
                s[i][j] = acc / d;
            }
        }
        DMatrixRMaj aMat = new DMatrixRMaj(n, n);
        DMatrixRMaj f = new DMatrixRMaj(n, n);
        double[] alpha = new double[n];
        for (int i = 0; i < n; i++) {
            double mx = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                mx = Math.max(mx, s[i][j]);
                aMat.set(i, j, Math.exp(s[i][j]));
            }
            double z = 0;
            for (int j = 0; j < n; j++) {
                z += Math.exp(s[i][j] - mx);
            }
            for (int j = 0; j < n; j++) {
                f.set(i, j, Math.exp(s[i][j] - mx) / z);
            }
            alpha[i] = Math.exp(mx) * z;
        }
        DMatrixRMaj h = new DMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < d; l++) {
                double acc = 0;
                for (int a = 0; a < d; a++) {
                    acc += a3.get(i, a) * y.get(a, l);
                }
                h.set(i, l, acc);
            }
        }
        DMatrixRMaj att = attention(f, h);
        DMatrixRMaj c = minus(att, e);
        double[] r = new double[n];
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double ri = 0;
            for (int l = 0; l < d; l++) {
                loss += c.get(i, l) * c.get(i, l);
                ri += c.get(i, l) * att.get(i, l);
            }
            r[i] = ri;
        }
        DMatrixRMaj p = p(f, c, h, att);
        DMatrixRMaj g = new DMatrixRMaj(dd, dd);
        for (int a = 0; a < d; a++) {
            for (int cc = 0; cc < d; cc++) {
                for (int b = 0; b < d; b++) {
                    for (int ee = 0; ee < d; ee++) {
                        double acc = 0;
                        for (int i = 0; i < n; i++) {
                            for (int j = 0; j < n; j++) {
                                acc += p.get(i, j) * a1.get(i, a) * a2.get(j, cc) * w[i - j + n - 1][b][ee];
                            }
                        }
                        g.set(a * d + cc, b * d + ee, acc / d);
                    }
                }
            }
        }
        RopeResult.Builder out = RopeResult.builder("naive")
                .put(Quantity.A, aMat).putVector(Quantity.ALPHA, alpha).put(Quantity.F, f).put(Quantity.H, h)
                .put(Quantity.ATTENTION, att).put(Quantity.C, c).putScalar(Quantity.LOSS, 0.5 * loss)
                .putVector(Quantity.R, r).put(Quantity.P, p).put(Quantity.GRAD_X, g);
        DMatrixRMaj dv = new DMatrixRMaj(n, d);
        for (int j = 0; j < n; j++) {
            for (int l = 0; l < d; l++) {
                double acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += f.get(i, j) * c.get(i, l);
                }
                dv.set(j, l, acc);
            }
        }
        out.put(Quantity.DV, dv).put(Quantity.GRAD_WV, transposeMult(a3, dv));
        if (inst.hasWeights()) {
            DMatrixRMaj q = mult(a1, inst.wq());
            DMatrixRMaj k = mult(a2, inst.wk());
            DMatrixRMaj dq = new DMatrixRMaj(n, d);
            DMatrixRMaj dk = new DMatrixRMaj(n, d);
            for (int i = 0; i < n; i++) {
                for (int b = 0; b < d; b++) {
                    double acc = 0;
                    for (int j = 0; j < n; j++) {
                        for (int ee = 0; ee < d; ee++) {
                            acc += p.get(i, j) * k.get(j, ee) * w[i - j + n - 1][b][ee];
                        }
                    }
                    dq.set(i, b, acc / d);
                }
            }
            for (int j = 0; j < n; j++) {
                for (int ee = 0; ee < d; ee++) {
                    double acc = 0;
                    for (int i = 0; i < n; i++) {
                        for (int b = 0; b < d; b++) {
                            acc += p.get(i, j) * q.get(i, b) * w[i - j + n - 1][b][ee];
                        }
                    }
                    dk.set(j, ee, acc / d);
                }
            }
            out.put(Quantity.DQ, dq).put(Quantity.DK, dk).put(Quantity.GRAD_WQ, transposeMult(a1, dq))
                    .put(Quantity.GRAD_WK, transposeMult(a2, dk));
            if (inst.family() instanceof dev.ropecheck.model.RopeFamily) { // dQrot_i = dQ_i R_i (MATH §9)
                dev.ropecheck.model.RopeFamily rope = (dev.ropecheck.model.RopeFamily) inst.family();
                out.put(Quantity.DQROT, rope.rotate(dq)).put(Quantity.DKROT, rope.rotate(dk));
            } else if (inst.family() instanceof dev.ropecheck.model.IdentityFamily) {
                out.put(Quantity.DQROT, dq.copy()).put(Quantity.DKROT, dk.copy());
            }
        }
        return out.build();
    }

    /** {@code Att = f h} as written, each entry summed in increasing {@code j}. */
    static DMatrixRMaj attention(DMatrixRMaj f, DMatrixRMaj h) {
        int n = f.numRows;
        int d = h.numCols;
        DMatrixRMaj att = new DMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < d; l++) {
                double acc = 0;
                for (int j = 0; j < h.numRows; j++) {
                    acc += f.get(i, j) * h.get(j, l);
                }
                att.set(i, l, acc);
            }
        }
        return att;
    }

    /** {@code x - y} entrywise ({@code c = Att - E}). */
    static DMatrixRMaj minus(DMatrixRMaj x, DMatrixRMaj y) {
        DMatrixRMaj out = new DMatrixRMaj(x.numRows, x.numCols);
        for (int k = 0; k < out.data.length; k++) {
            out.data[k] = x.data[k] - y.data[k];
        }
        return out;
    }

    /** {@code p_ij = f_ij <c_i, h_j - Att_i>} as written (Lemma 4.1), in increasing {@code l}. */
    static DMatrixRMaj p(DMatrixRMaj f, DMatrixRMaj c, DMatrixRMaj h, DMatrixRMaj att) {
        int n = f.numRows;
        int d = c.numCols;
        DMatrixRMaj p = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double t = 0;
                for (int l = 0; l < d; l++) {
                    t += c.get(i, l) * (h.get(j, l) - att.get(i, l));
                }
                p.set(i, j, f.get(i, j) * t);
            }
        }
        return p;
    }

    private static DMatrixRMaj mult(DMatrixRMaj x, DMatrixRMaj y) {
        DMatrixRMaj out = new DMatrixRMaj(x.numRows, y.numCols);
        for (int i = 0; i < x.numRows; i++) {
            for (int c = 0; c < y.numCols; c++) {
                double acc = 0;
                for (int t = 0; t < x.numCols; t++) {
                    acc += x.get(i, t) * y.get(t, c);
                }
                out.set(i, c, acc);
            }
        }
        return out;
    }

    private static DMatrixRMaj transposeMult(DMatrixRMaj x, DMatrixRMaj y) {
        DMatrixRMaj out = new DMatrixRMaj(x.numCols, y.numCols);
        for (int a = 0; a < x.numCols; a++) {
            for (int c = 0; c < y.numCols; c++) {
                double acc = 0;
                for (int i = 0; i < x.numRows; i++) {
                    acc += x.get(i, a) * y.get(i, c);
                }
                out.set(a, c, acc);
            }
        }
        return out;
    }
}
