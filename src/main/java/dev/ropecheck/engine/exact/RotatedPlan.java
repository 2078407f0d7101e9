package dev.ropecheck.engine.exact;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.Set;

/**
 * What one rotated-route computation ({@link RotatedPath}) asks for, its shared read-only inputs
 * (rotated rows {@code Qr = rope(A1 W_Q)}, {@code Kr}, {@code Kr^T}, {@code h = A3 W_V}, {@code h^T})
 * and its row-indexed outputs, each row written by exactly one part.
 *
 * <p>The score scale (MATH §9): the papers' default {@code 1/d} is applied as a division by
 * {@code d} (one rounding, exact when {@code d} is a power of two); any other {@code sigma} as a
 * multiplication by the given double {@code sigma}. Under a causal mask row {@code i} uses the
 * columns {@code j <= i}.
 */
final class RotatedPlan {
    final int n;
    final int d;
    final boolean causal;
    final boolean divide;
    final double sigma;
    final RopeInstance inst;
    final double[] qr;
    final double[] kr;
    final double[] krT;
    final double[] h;
    final double[] hT;
    /** Row stride of {@code krT} and {@code hT}: {@code n} padded so that consecutive rows fall in different cache sets. */
    final int ld;
    /** {@code E}, or {@code dO} ({@link RopeInstance#upstream()}); {@code c} by {@code inst.c}. */
    final double[] e;
    final Set<Quantity> wanted;
    final boolean wantA;
    final boolean wantF;
    final boolean wantP;
    final boolean backward;
    final boolean needDQ;
    final boolean needDK;
    final boolean needDV;
    final double[] alpha;
    final double[] att;
    final double[] c;
    final double[] r;
    /** {@code sigma Σ_j p_ij kr_j} (rotated; turned back by {@link RotatedPath}). */
    final double[] dq;
    final double[] aOut;
    final double[] fOut;
    final double[] pOut;
    /** Products on {@link SimdKernels} (else the scalar kernels; the same results, bit for bit). */
    final boolean simd;

    RotatedPlan(RopeInstance inst, Set<Quantity> wanted, boolean simd) {
        this.inst = inst;
        this.simd = simd;
        this.n = inst.n();
        this.d = inst.d();
        this.causal = inst.causal();
        this.divide = inst.hasDefaultScale();
        this.sigma = inst.scale();
        this.wanted = EnumSet.noneOf(Quantity.class);
        this.wanted.addAll(wanted);
        double[] q = mult(inst.a1().data, inst.wq().data);
        double[] k = mult(inst.a2().data, inst.wk().data);
        this.qr = RotatedRows.rotate(q, n, d, inst.family());
        this.kr = RotatedRows.rotate(k, n, d, inst.family());
        this.ld = n + 8;
        this.krT = RotatedRows.transpose(kr, n, d, ld);
        this.h = mult(inst.a3().data, inst.y().data);
        this.hT = RotatedRows.transpose(h, n, d, ld);
        this.e = inst.upstream().data;
        this.wantA = wanted.contains(Quantity.A);
        this.wantF = wanted.contains(Quantity.F);
        this.wantP = wanted.contains(Quantity.P);
        this.needDQ = wanted.contains(Quantity.DQ) || wanted.contains(Quantity.GRAD_WQ)
                || wanted.contains(Quantity.DQROT);
        this.needDK = wanted.contains(Quantity.DK) || wanted.contains(Quantity.GRAD_WK)
                || wanted.contains(Quantity.DKROT);
        this.needDV = wanted.contains(Quantity.DV) || wanted.contains(Quantity.GRAD_WV);
        this.backward = wantP || needDQ || needDK || needDV;
        this.alpha = new double[n];
        this.att = new double[n * d];
        this.c = new double[n * d];
        this.r = new double[n];
        this.dq = needDQ ? new double[n * d] : null;
        this.aOut = wantA ? new double[n * n] : null;
        this.fOut = wantF ? new double[n * n] : null;
        this.pOut = wantP ? new double[n * n] : null;
    }

    /** {@code x y} for {@code x: n x d}, {@code y: d x d}. */
    private double[] mult(double[] x, double[] y) {
        return simd ? SimdKernels.mult(x, n, d, y, d) : DenseOps.mult(x, n, d, y, d);
    }

    /** {@code sigma x}: {@code x / d} for the default scale, {@code x * sigma} otherwise (one rounding). */
    double scaled(double x) {
        return divide ? x / d : x * sigma;
    }

    /** The number of columns row {@code i} sees: {@code n}, or {@code i + 1} under a causal mask. */
    int limit(int i) {
        return causal ? i + 1 : n;
    }
}
