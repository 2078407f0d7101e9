package dev.ropecheck.engine.fast;

import dev.ropecheck.approx.ExpPolynomial;
import dev.ropecheck.bounds.ExpApproximationBound;
import dev.ropecheck.bounds.FastForwardBound;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;

/**
 * The outcome of a fast forward pass (MATH §5): {@code alpha~ = Ã 1}, {@code Att~ = diag(alpha~)^{-1} Ã h},
 * {@code c~ = Att~ - E}, {@code L~}, with the polynomial used and the certified {@link FastForwardBound}.
 * Never holds an {@code n x n} matrix.
 */
public final class FastForward {
    /** What the fast engines can return. */
    public static final Set<Quantity> QUANTITIES =
            EnumSet.of(Quantity.ALPHA, Quantity.H, Quantity.ATTENTION, Quantity.C, Quantity.LOSS);

    private final ExpPolynomial polynomial;
    private final FastForwardBound bound;
    private final double[] alpha;
    private final DMatrixRMaj h;
    private final DMatrixRMaj attention;
    private final DMatrixRMaj c;
    private final double loss;
    private final double lossBound;
    private final Map<String, Object> metadata;

    FastForward(RopeInstance in, ExpPolynomial p, FastForwardBound bound, double[] alpha, double[][] numer,
            DMatrixRMaj h, Map<String, Object> metadata) {
        int n = in.n();
        int d = in.d();
        this.polynomial = p;
        // With dO given (MATH §9) c~ = dO exactly: the bound of c is 0.
        this.bound = in.hasUpstreamGradient() ? bound.withExactC() : bound;
        this.alpha = alpha.clone();
        this.h = h;
        this.attention = new DMatrixRMaj(n, d);
        this.c = new DMatrixRMaj(n, d);
        DMatrixRMaj e = in.upstream();
        double sumSq = 0;
        double sumAbs = 0;
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < d; l++) {
                double att = numer[l][i] / alpha[i];
                attention.unsafe_set(i, l, att);
                double cv = in.c(att, e.unsafe_get(i, l));
                c.unsafe_set(i, l, cv);
                sumSq += cv * cv;
                sumAbs += Math.abs(cv);
            }
        }
        this.loss = 0.5 * sumSq;
        this.lossBound = this.bound.loss(sumAbs, loss, (long) n * d);
        this.metadata = new LinkedHashMap<>(metadata);
        this.metadata.put("degree", p.degree());
        this.metadata.put("method", p.method());
        this.metadata.put("beta", p.beta());
        this.metadata.put("eta", p.etaPolynomial());
        this.metadata.put("delta", p.deltaPolynomial());
        this.metadata.put("deltaEffective", this.bound.deltaEffective());
        this.metadata.put("boundAttention", this.bound.attention());
        this.metadata.put("boundAttentionCrude", this.bound.attentionCrude());
        this.metadata.put("boundC", this.bound.c());
        this.metadata.put("boundAlphaRelative", this.bound.alphaRelative());
        if (!in.hasUpstreamGradient()) {
            this.metadata.put("boundLoss", lossBound);
        }
    }

    public ExpPolynomial polynomial() {
        return polynomial;
    }

    public FastForwardBound bound() {
        return bound;
    }

    public double[] alpha() {
        return alpha.clone();
    }

    public DMatrixRMaj attention() {
        return attention.copy();
    }

    public DMatrixRMaj c() {
        return c.copy();
    }

    public double loss() {
        return loss;
    }

    /** {@code |L~ - L|} bound ({@link FastForwardBound#loss}). */
    public double lossBound() {
        return lossBound;
    }

    public Map<String, Object> metadata() {
        return java.util.Collections.unmodifiableMap(metadata);
    }

    RopeResult toResult(String engine, Set<Quantity> wanted) {
        RopeResult.Builder b = RopeResult.builder(engine);
        for (Quantity q : wanted) {
            switch (q) {
                case ALPHA:
                    b.putVector(q, alpha);
                    break;
                case H:
                    b.put(q, h);
                    break;
                case ATTENTION:
                    b.put(q, attention);
                    break;
                case C:
                    b.put(q, c);
                    break;
                case LOSS:
                    b.putScalar(q, loss);
                    break;
                default:
                    throw new IllegalArgumentException(engine + " does not compute " + q.key());
            }
        }
        metadata.forEach(b::meta);
        return b.build();
    }

    static void requireSupported(String engine, Set<Quantity> wanted) {
        for (Quantity q : wanted) {
            if (!QUANTITIES.contains(q)) {
                throw new IllegalArgumentException(engine + " computes only " + QUANTITIES + " (never n x n or "
                        + "gradients); asked for " + q.key());
            }
        }
    }

    /** {@code h = A3 Y} in double, its max entry and the bound {@code γ_d max_i,l Σ_c |A3[i,c]| |Y[c,l]|}. */
    static double[] hStats(RopeInstance in, DMatrixRMaj h) {
        DMatrixRMaj a3 = in.a3();
        DMatrixRMaj y = in.y();
        int d = in.d();
        double hInf = 0;
        double absMax = 0;
        for (int i = 0; i < in.n(); i++) {
            for (int l = 0; l < d; l++) {
                hInf = Math.max(hInf, Math.abs(h.unsafe_get(i, l)));
                double s = 0;
                for (int cc = 0; cc < d; cc++) {
                    s += Math.abs(a3.unsafe_get(i, cc) * y.unsafe_get(cc, l));
                }
                absMax = Math.max(absMax, s);
            }
        }
        double hErr = Math.nextUp(ExpApproximationBound.gamma(d) * absMax * (1 + 1e-10));
        return new double[] {hInf, hErr};
    }

    static double maxAbs(DMatrixRMaj m) {
        return dev.ropecheck.model.Matrices.maxAbs(m);
    }
}
