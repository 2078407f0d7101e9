package dev.ropecheck.engine.exact;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The rotated route's products ({@link ScoreKernel}, {@link RowKernels}, {@link DenseOps#mult}) with
 * SIMD lanes ({@code jdk.incubator.vector}): each lane holds one output entry, so an entry is summed
 * exactly as the scalar kernel sums it: the same terms, each rounded the same way (a product, then an
 * add; no fused multiply-add), in the same increasing order of the summation index. The results are
 * therefore the scalar kernels' bit for bit, whatever the lane count ({@code SimdKernelsTest}), and
 * the rounding model ({@code proofs-notes/rounding-model.md} §13) is unchanged. Lanes run across the
 * entries of an output row ({@code j} for the scores and {@code t}, the feature for {@code D},
 * {@code p Kr} and {@code mult}); what does not fill a lane goes to the scalar kernel.
 *
 * <p>Loaded only when {@link Simd#ENABLED} (the module is in the boot layer), so a JVM without
 * {@code --add-modules jdk.incubator.vector} never touches this class.
 */
final class SimdKernels {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    /** Doubles per vector. */
    static final int LANES = SPECIES.length();

    private SimdKernels() {
    }

    /** As {@link ScoreKernel#block}, with {@code krT} ({@code d x n}, row stride {@code ld}) the transposed {@code kr}. */
    static void scores(double[] qr, int i0, int rows, double[] kr, double[] krT, int ld, int n, int d, int[] lim,
            double[] out) {
        int w = 2 * LANES;
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int common = Math.min(Math.min(lim[r], lim[r + 1]), Math.min(lim[r + 2], lim[r + 3]));
            int j = 0;
            for (; j + w <= common; j += w) {
                scoreTile(qr, (i0 + r) * d, krT, ld, j, d, out, r * n + j, n);
            }
            for (int rr = r; rr < r + 4; rr++) {
                ScoreKernel.edge(qr, (i0 + rr) * d, kr, d, out, rr * n, j, lim[rr]);
            }
        }
        for (; r < rows; r++) {
            ScoreKernel.edge(qr, (i0 + r) * d, kr, d, out, r * n, 0, lim[r]);
        }
    }

    /** Four rows ({@code qo + t d}) by {@code 2 LANES} columns from {@code j}, written at {@code o + t ld}. */
    private static void scoreTile(double[] qr, int qo, double[] krT, int ld, int j, int d, double[] out, int o,
            int ldOut) {
        DoubleVector s00 = DoubleVector.zero(SPECIES);
        DoubleVector s01 = s00;
        DoubleVector s10 = s00;
        DoubleVector s11 = s00;
        DoubleVector s20 = s00;
        DoubleVector s21 = s00;
        DoubleVector s30 = s00;
        DoubleVector s31 = s00;
        for (int a = 0; a < d; a++) {
            int ko = a * ld + j;
            DoubleVector k0 = DoubleVector.fromArray(SPECIES, krT, ko);
            DoubleVector k1 = DoubleVector.fromArray(SPECIES, krT, ko + LANES);
            DoubleVector x0 = DoubleVector.broadcast(SPECIES, qr[qo + a]);
            DoubleVector x1 = DoubleVector.broadcast(SPECIES, qr[qo + d + a]);
            DoubleVector x2 = DoubleVector.broadcast(SPECIES, qr[qo + 2 * d + a]);
            DoubleVector x3 = DoubleVector.broadcast(SPECIES, qr[qo + 3 * d + a]);
            s00 = s00.add(x0.mul(k0));
            s01 = s01.add(x0.mul(k1));
            s10 = s10.add(x1.mul(k0));
            s11 = s11.add(x1.mul(k1));
            s20 = s20.add(x2.mul(k0));
            s21 = s21.add(x2.mul(k1));
            s30 = s30.add(x3.mul(k0));
            s31 = s31.add(x3.mul(k1));
        }
        s00.intoArray(out, o);
        s01.intoArray(out, o + LANES);
        o += ldOut;
        s10.intoArray(out, o);
        s11.intoArray(out, o + LANES);
        o += ldOut;
        s20.intoArray(out, o);
        s21.intoArray(out, o + LANES);
        o += ldOut;
        s30.intoArray(out, o);
        s31.intoArray(out, o + LANES);
    }

    /**
     * As {@link RowKernels#centred}, reading the row-major {@code h} ({@code h[j d + l]}, the same values as
     * {@code hT}): lanes over the feature {@code l}; features past the last full vector in the scalar order.
     */
    static void centred(double[] f, int fo, int j0, int j1, double[] h, int d, int hk, double[] out, int oo) {
        int l = 0;
        for (; l + LANES <= d; l += LANES) {
            DoubleVector z = DoubleVector.fromArray(SPECIES, h, hk + l);
            DoubleVector s = DoubleVector.fromArray(SPECIES, out, oo + l);
            for (int j = j0; j < j1; j++) {
                DoubleVector x = DoubleVector.fromArray(SPECIES, h, j * d + l);
                s = s.add(DoubleVector.broadcast(SPECIES, f[fo + j]).mul(x.sub(z)));
            }
            s.intoArray(out, oo + l);
        }
        for (; l < d; l++) {
            double z = h[hk + l];
            double s = out[oo + l];
            for (int j = j0; j < j1; j++) {
                s += f[fo + j] * (h[j * d + l] - z);
            }
            out[oo + l] = s;
        }
    }

    /**
     * As {@link RowKernels#shifted}, reading the transposed {@code hT} (row stride {@code ld}): lanes over
     * {@code j}; columns past the last full vector by the scalar kernel.
     */
    static void shifted(double[] c, int co, double[] h, double[] hT, int ld, int hk, double[] dc, int dco, int d,
            int j0, int j1, double[] t, int to) {
        int j = j0;
        for (; j + LANES <= j1; j += LANES) {
            DoubleVector s = DoubleVector.zero(SPECIES);
            for (int l = 0; l < d; l++) {
                DoubleVector x = DoubleVector.fromArray(SPECIES, hT, l * ld + j);
                DoubleVector diff = x.sub(h[hk + l]).sub(dc[dco + l]);
                s = s.add(DoubleVector.broadcast(SPECIES, c[co + l]).mul(diff));
            }
            s.intoArray(t, to + j);
        }
        if (j < j1) {
            RowKernels.shifted(c, co, h, hk, dc, dco, d, j, j1, t, to);
        }
    }

    /**
     * As {@link RowKernels#rowTimes}, reading the row-major {@code x} ({@code x[j d + a]}, the same values as
     * {@code xT}): lanes over {@code a}; features past the last full vector in the scalar order.
     */
    static void rowTimes(double[] p, int po, int j0, int j1, double[] x, int d, double[] out, int oo) {
        int a = 0;
        for (; a + LANES <= d; a += LANES) {
            DoubleVector s = DoubleVector.fromArray(SPECIES, out, oo + a);
            for (int j = j0; j < j1; j++) {
                s = s.add(DoubleVector.broadcast(SPECIES, p[po + j]).mul(DoubleVector.fromArray(SPECIES, x, j * d + a)));
            }
            s.intoArray(out, oo + a);
        }
        for (; a < d; a++) {
            double s = out[oo + a];
            for (int j = j0; j < j1; j++) {
                s += p[po + j] * x[j * d + a];
            }
            out[oo + a] = s;
        }
    }

    /**
     * As {@link RowKernels#scatter}: where all eight rows of a full block take part, lanes over the feature
     * {@code a} with the block's eight {@code x} rows held in registers; the other entries by the scalar kernel's
     * {@link RowKernels#eight} and {@link RowKernels#rowsOf}, so every entry adds its rows' terms in the same order.
     */
    static void scatter(double[] w, int n, double[] x, int i0, int rows, int[] lim, int maxLim, int d, double[] out) {
        int common = RowKernels.commonLimit(rows, lim);
        int x0 = i0 * d;
        int a = 0;
        for (; a + LANES <= d && common > 0; a += LANES) {
            DoubleVector v0 = DoubleVector.fromArray(SPECIES, x, x0 + a);
            DoubleVector v1 = DoubleVector.fromArray(SPECIES, x, x0 + d + a);
            DoubleVector v2 = DoubleVector.fromArray(SPECIES, x, x0 + 2 * d + a);
            DoubleVector v3 = DoubleVector.fromArray(SPECIES, x, x0 + 3 * d + a);
            DoubleVector v4 = DoubleVector.fromArray(SPECIES, x, x0 + 4 * d + a);
            DoubleVector v5 = DoubleVector.fromArray(SPECIES, x, x0 + 5 * d + a);
            DoubleVector v6 = DoubleVector.fromArray(SPECIES, x, x0 + 6 * d + a);
            DoubleVector v7 = DoubleVector.fromArray(SPECIES, x, x0 + 7 * d + a);
            for (int j = 0; j < common; j++) {
                int o = j * d + a;
                DoubleVector s = DoubleVector.fromArray(SPECIES, out, o);
                s = s.add(v0.mul(w[j]));
                s = s.add(v1.mul(w[n + j]));
                s = s.add(v2.mul(w[2 * n + j]));
                s = s.add(v3.mul(w[3 * n + j]));
                s = s.add(v4.mul(w[4 * n + j]));
                s = s.add(v5.mul(w[5 * n + j]));
                s = s.add(v6.mul(w[6 * n + j]));
                s = s.add(v7.mul(w[7 * n + j]));
                s.intoArray(out, o);
            }
        }
        for (int j = 0; j < maxLim; j++) {
            if (j < common) {
                RowKernels.eight(w, n, x, x0, d, out, j, a);
            } else {
                RowKernels.rowsOf(w, n, x, i0, rows, lim, d, out, j);
            }
        }
    }

    /** As {@link DenseOps#mult}: lanes over the output column, the inner index in increasing order. */
    static double[] mult(double[] x, int r, int inner, double[] y, int cols) {
        double[] out = new double[r * cols];
        for (int i = 0; i < r; i++) {
            int o = i * cols;
            int c = 0;
            for (; c + LANES <= cols; c += LANES) {
                DoubleVector s = DoubleVector.zero(SPECIES);
                for (int t = 0; t < inner; t++) {
                    DoubleVector yt = DoubleVector.fromArray(SPECIES, y, t * cols + c);
                    s = s.add(DoubleVector.broadcast(SPECIES, x[i * inner + t]).mul(yt));
                }
                s.intoArray(out, o + c);
            }
            for (; c < cols; c++) {
                double s = 0.0;
                for (int t = 0; t < inner; t++) {
                    s += x[i * inner + t] * y[t * cols + c];
                }
                out[o + c] = s;
            }
        }
        return out;
    }
}
