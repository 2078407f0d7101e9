package dev.ropecheck.model;

import org.apfloat.Apfloat;

/**
 * {@code W_m = I_d} for every {@code m}; {@code S} is the diagonal. With this family RoPE attention
 * is standard attention (RoPE-grad Section 7, the hardness reduction).
 */
public final class IdentityFamily implements PositionFamily {
    private final int d;
    private final Support support;

    public IdentityFamily(int d) {
        Require.range("d", d, 1, 1 << 12);
        this.d = d;
        boolean[][] mask = new boolean[d][d];
        for (int b = 0; b < d; b++) {
            mask[b][b] = true;
        }
        this.support = Support.ofMask(mask);
    }

    @Override
    public int d() {
        return d;
    }

    @Override
    public int maxOffset() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Support support() {
        return support;
    }

    @Override
    public double weight(int m, int b, int e) {
        return b == e ? 1.0 : 0.0;
    }

    @Override
    public Apfloat weight(int m, int b, int e, long digits) {
        return b == e ? Apfloat.ONE : Apfloat.ZERO;
    }

    @Override
    public String name() {
        return "identity";
    }
}
