package dev.ropecheck.model;

import org.apfloat.Apfloat;
import org.ejml.data.DMatrixRMaj;

/**
 * A user-given family: {@code 2n-1} matrices {@code W_m}, {@code m = -(n-1)..n-1}, with a declared
 * support {@code S} (RoPE-grad Def. 3.1). Entries outside {@code S} must be exactly zero.
 */
public final class ExplicitFamily implements PositionFamily {
    private final int d;
    private final int n;
    private final Support support;
    /** {@code w[m + n - 1]} is {@code W_m}, row-major {@code d x d}. */
    private final double[][] w;

    /**
     * @param matrices {@code 2n-1} matrices, index {@code m + n - 1} holds {@code W_m}
     * @param support the declared support; every entry outside it must be 0
     */
    public ExplicitFamily(DMatrixRMaj[] matrices, Support support) {
        if (matrices == null || matrices.length == 0 || matrices.length % 2 == 0) {
            throw new IllegalArgumentException("W must hold 2n-1 matrices (an odd count >= 1), got "
                    + (matrices == null ? "none" : matrices.length));
        }
        if (support == null) {
            throw new IllegalArgumentException("support is missing");
        }
        this.n = (matrices.length + 1) / 2;
        this.d = support.d();
        this.support = support;
        this.w = new double[matrices.length][];
        for (int idx = 0; idx < matrices.length; idx++) {
            int m = idx - (n - 1);
            String name = "W[m=" + m + "]";
            Require.shape(name, matrices[idx], d, d);
            Require.finite(name, matrices[idx]);
            for (int b = 0; b < d; b++) {
                for (int e = 0; e < d; e++) {
                    if (!support.contains(b, e) && matrices[idx].unsafe_get(b, e) != 0.0) {
                        throw new IllegalArgumentException(name + "[" + b + "][" + e + "] = "
                                + matrices[idx].unsafe_get(b, e) + " lies outside the declared support " + support);
                    }
                }
            }
            w[idx] = matrices[idx].data.clone();
        }
    }

    /** The {@code n} this family was built for. */
    public int n() {
        return n;
    }

    @Override
    public int d() {
        return d;
    }

    @Override
    public int maxOffset() {
        return n - 1;
    }

    @Override
    public Support support() {
        return support;
    }

    @Override
    public double weight(int m, int b, int e) {
        return w[m + n - 1][b * d + e];
    }

    @Override
    public Apfloat weight(int m, int b, int e, long digits) {
        double v = weight(m, b, e);
        return ExactValues.apfloat(v, digits);
    }

    @Override
    public String name() {
        return "explicit";
    }
}
