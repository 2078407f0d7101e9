package dev.ropecheck.engine.fast;

/**
 * Depth-first enumeration of the multisets {@code κ} of {@code [T]} with {@code |κ| <= g} (MATH §5),
 * in non-decreasing index order, with the products {@code φ_κ, ψ_κ, τ_κ} built incrementally (one
 * multiplication per entry per node) and {@code γ_κ = a_t (t! / Π κ_s!) sigma^t} (the score scale
 * {@code sigma}, MATH §9; the papers' {@code 1/d} by default). Visits exactly
 * {@code C(T+g, g)} nodes, the root ({@code κ = ∅}) included.
 */
final class MonomialWalk {
    /** Receives each monomial; arrays are reused, valid only during the call. */
    interface Visitor {
        void visit(int size, double gamma, double[] phi, double[] tau, boolean tauConstant, double[] psi);
    }

    private final ExpansionTerms terms;
    private final double[] a;
    /** The score scale {@code sigma} (MATH §9). */
    private final double scale;
    private final int g;
    private final double[][] phi;
    private final double[][] psi;
    private final double[][] tau;
    private long visited;

    /** With the papers' scale {@code sigma = 1/d}. */
    MonomialWalk(ExpansionTerms terms, double[] coefficients, int d) {
        this(terms, coefficients, 1.0 / d);
    }

    /**
     * @param scale the score scale {@code sigma > 0} of MATH §9 ({@code RopeInstance.scale()}); {@code 1.0 / d}
     *     reproduces the papers' walk bit for bit
     */
    MonomialWalk(ExpansionTerms terms, double[] coefficients, double scale) {
        this.terms = terms;
        this.a = coefficients;
        this.scale = scale;
        this.g = coefficients.length - 1;
        int n = terms.n;
        this.phi = new double[g + 1][n];
        this.psi = new double[g + 1][n];
        this.tau = new double[g + 1][terms.count == 0 ? 1 : terms.w[0].length];
        java.util.Arrays.fill(phi[0], 1.0);
        java.util.Arrays.fill(psi[0], 1.0);
        java.util.Arrays.fill(tau[0], 1.0);
    }

    /** Walks every monomial; returns how many were visited. */
    long walk(Visitor v) {
        visited = 0;
        node(v, 0, 0, -1, 0, 1.0, 1.0, true);
        return visited;
    }

    /**
     * @param t size of κ; {@code last} its largest index, {@code run} the multiplicity of {@code last}
     * @param multinomial {@code t! / Π κ_s!}; {@code dPow} {@code sigma^t}
     */
    private void node(Visitor v, int t, int start, int last, int run, double multinomial, double dPow,
            boolean constant) {
        visited++;
        v.visit(t, a[t] * multinomial * dPow, phi[t], tau[t], constant, psi[t]);
        if (t == g) {
            return;
        }
        int n = terms.n;
        for (int s = start; s < terms.count; s++) {
            double[] pc = phi[t];
            double[] pn = phi[t + 1];
            double[] qs = terms.q[s];
            double[] kc = psi[t];
            double[] kn = psi[t + 1];
            double[] ks = terms.k[s];
            for (int i = 0; i < n; i++) {
                pn[i] = pc[i] * qs[i];
                kn[i] = kc[i] * ks[i];
            }
            double[] tc = tau[t];
            double[] tn = tau[t + 1];
            double[] ws = terms.w[s];
            for (int m = 0; m < tn.length; m++) {
                tn[m] = tc[m] * ws[m];
            }
            int newRun = s == last ? run + 1 : 1;
            node(v, t + 1, s, s, newRun, multinomial * (t + 1) / newRun, dPow * scale,
                    constant && terms.constant[s]);
        }
    }
}
