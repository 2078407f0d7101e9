package dev.ropecheck.model;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.ejml.data.DMatrixRMaj;

/**
 * Rotary position embedding (RoPE) as a relative-position family (MATH §1, RoPE-grad Def. 3.1).
 *
 * <p>{@code theta_k = base^(-2k/d)}, {@code k = 0..d/2-1}. In block {@code k} (dims {@code 2k, 2k+1}
 * for {@link Layout#INTERLEAVED}, dims {@code k, k+d/2} for {@link Layout#HALF_SPLIT})
 * {@code W_m = [[cos(m theta_k), sin(m theta_k)], [-sin(m theta_k), cos(m theta_k)]]}, which makes
 * {@code rope(Q)_i · rope(K)_j = Q_i W_{i-j} K_j^T} where {@link #rotate} turns row {@code i} by the
 * angle {@code i theta_k}. {@code |S| = 2d}. Each {@code W_m} is orthogonal and
 * {@code W_{-m} = W_m^T}.
 *
 * <p>Precondition: {@code d} even, {@code base > 1}.
 */
public final class RopeFamily implements PositionFamily {

    /** Which pairs of dimensions rotate together. */
    public enum Layout {
        /** Pair {@code k} is dims {@code (2k, 2k+1)} (the original RoFormer layout). */
        INTERLEAVED("interleaved"),
        /** Pair {@code k} is dims {@code (k, k+d/2)} (Hugging Face {@code rotate_half}). */
        HALF_SPLIT("half-split");

        private final String label;

        Layout(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Layout parse(String s) {
            for (Layout l : values()) {
                if (l.label.equals(s)) {
                    return l;
                }
            }
            throw new IllegalArgumentException("layout = \"" + s + "\" must be \"interleaved\" or \"half-split\"");
        }
    }

    public static final double DEFAULT_BASE = 10000.0;

    private final int d;
    private final double base;
    private final Layout layout;
    private final Support support;
    private final double[] theta;
    /** Block index of each dimension and whether it is the first of its pair. */
    private final int[] blockOf;
    private final boolean[] first;
    private final Map<Long, Apfloat[]> apCache = new ConcurrentHashMap<>();

    public RopeFamily(int d, double base, Layout layout) {
        Require.range("d", d, 2, 1 << 12);
        if (d % 2 != 0) {
            throw new IllegalArgumentException("d = " + d + " must be even for RoPE (dimensions rotate in pairs)");
        }
        if (!(base > 1) || !Double.isFinite(base)) {
            throw new IllegalArgumentException("base = " + base + " must be finite and > 1");
        }
        if (layout == null) {
            throw new IllegalArgumentException("layout is missing");
        }
        this.d = d;
        this.base = base;
        this.layout = layout;
        this.theta = new double[d / 2];
        for (int k = 0; k < d / 2; k++) {
            theta[k] = Math.pow(base, -2.0 * k / d);
        }
        this.blockOf = new int[d];
        this.first = new boolean[d];
        boolean[][] mask = new boolean[d][d];
        for (int k = 0; k < d / 2; k++) {
            int x = dimA(k);
            int y = dimB(k);
            blockOf[x] = k;
            blockOf[y] = k;
            first[x] = true;
            mask[x][x] = mask[x][y] = mask[y][x] = mask[y][y] = true;
        }
        this.support = Support.ofMask(mask);
    }

    public RopeFamily(int d) {
        this(d, DEFAULT_BASE, Layout.INTERLEAVED);
    }

    /** First dimension of pair {@code k}. */
    public int dimA(int k) {
        return layout == Layout.INTERLEAVED ? 2 * k : k;
    }

    /** Second dimension of pair {@code k}. */
    public int dimB(int k) {
        return layout == Layout.INTERLEAVED ? 2 * k + 1 : k + d / 2;
    }

    public double base() {
        return base;
    }

    public Layout layout() {
        return layout;
    }

    /** {@code theta_k} in double. */
    public double theta(int k) {
        return theta[k];
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
        int k = blockOf[b];
        if (blockOf[e] != k) {
            return 0.0;
        }
        double angle = m * theta[k];
        if (b == e) {
            return Math.cos(angle);
        }
        double s = Math.sin(angle);
        return first[b] ? s : -s;
    }

    @Override
    public Apfloat weight(int m, int b, int e, long digits) {
        int k = blockOf[b];
        if (blockOf[e] != k) {
            return Apfloat.ZERO;
        }
        Apfloat[] cs = cosSin(m, k, digits);
        if (b == e) {
            return cs[0];
        }
        return first[b] ? cs[1] : cs[1].negate();
    }

    /**
     * {@code (cos(m theta_k), sin(m theta_k))} to {@code digits} digits: {@code e^{i theta_k}} once per
     * {@code (k, digits)} (exp/log/cos/sin at {@code digits + 30}), then {@code e^{i m theta_k}} by binary
     * powering. Each of the at most {@code 2 log2|m|} complex products rounds at relative
     * {@code 10^-(digits+30)}, and the error of {@code theta_k} is multiplied by {@code |m|}; for
     * {@code |m| < 2^24} both stay below {@code 10^-(digits+20)}.
     */
    private Apfloat[] cosSin(int m, int k, long digits) {
        long key = ((digits * 4099L + k) << 32) ^ (m & 0xffffffffL);
        Apfloat[] cached = apCache.get(key);
        if (cached != null) {
            return cached;
        }
        Apfloat[] unit = unitRoot(k, digits);
        long work = digits + 30;
        Apfloat re = new Apfloat(1, work);
        Apfloat im = new Apfloat(0, work);
        Apfloat bre = unit[0];
        Apfloat bim = unit[1];
        long e = Math.abs((long) m);
        while (e > 0) {
            if ((e & 1) != 0) {
                Apfloat r = re.multiply(bre).subtract(im.multiply(bim));
                im = re.multiply(bim).add(im.multiply(bre));
                re = r;
            }
            e >>= 1;
            if (e > 0) {
                Apfloat r = bre.multiply(bre).subtract(bim.multiply(bim));
                bim = bre.multiply(bim).multiply(new Apfloat(2, work));
                bre = r;
            }
        }
        if (m < 0) {
            im = im.negate();
        }
        Apfloat[] cs = {re.precision(digits), im.precision(digits)};
        apCache.put(key, cs);
        return cs;
    }

    /** {@code (cos theta_k, sin theta_k)} at {@code digits + 30} digits, cached. */
    private Apfloat[] unitRoot(int k, long digits) {
        long key = -1 - (digits * 4099L + k);
        return apCache.computeIfAbsent(key, unused -> {
            long work = digits + 30;
            // theta_k = base^(-2k/d) = exp(-(2k/d) ln base), evaluated at full precision.
            Apfloat b = ExactValues.apfloat(base, work);
            Apfloat exponent = new Apfloat(-2L * k, work).divide(new Apfloat(d, work));
            Apfloat th = k == 0 ? new Apfloat(1, work) : ApfloatMath.exp(exponent.multiply(ApfloatMath.log(b)));
            return new Apfloat[] {ApfloatMath.cos(th), ApfloatMath.sin(th)};
        });
    }

    /**
     * Rotates row {@code i} of {@code x} ({@code rows x d}) by the angles {@code (i + offset) theta_k}:
     * {@code x'[a] = x[a] cos - x[b] sin}, {@code x'[b] = x[a] sin + x[b] cos} for each pair
     * {@code (a, b)}. Returns a new matrix.
     */
    public DMatrixRMaj rotate(DMatrixRMaj x, int offset) {
        Require.shape("x", x, x.numRows, d);
        DMatrixRMaj out = new DMatrixRMaj(x.numRows, d);
        for (int i = 0; i < x.numRows; i++) {
            for (int k = 0; k < d / 2; k++) {
                double angle = (double) (i + offset) * theta[k];
                double c = Math.cos(angle);
                double s = Math.sin(angle);
                int a = dimA(k);
                int b = dimB(k);
                double xa = x.unsafe_get(i, a);
                double xb = x.unsafe_get(i, b);
                out.unsafe_set(i, a, xa * c - xb * s);
                out.unsafe_set(i, b, xa * s + xb * c);
            }
        }
        return out;
    }

    /** {@link #rotate(DMatrixRMaj, int)} with offset 0: row {@code i} at position {@code i}. */
    public DMatrixRMaj rotate(DMatrixRMaj x) {
        return rotate(x, 0);
    }

    @Override
    public String name() {
        return "rope-" + layout.label();
    }
}
