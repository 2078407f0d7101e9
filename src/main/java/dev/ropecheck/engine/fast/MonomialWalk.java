package dev.ropecheck.engine.fast;

/**
 * Depth-first enumeration of the multisets {@code κ} of {@code [T]} with {@code |κ| <= g} (MATH §5),
 * in non-decreasing index order, with the products {@code φ_κ, ψ_κ, τ_κ} built incrementally (one
 * multiplication per entry per node) and {@code γ_κ = a_t (t! / Π κ_s!) sigma^t} (the score scale
 * {@code sigma}, MATH §9; the papers' {@code 1/d} by default). Visits exactly
 * {@code C(T+g, g)} nodes, the root ({@code κ = ∅}) included.
 *
 * <p>The nodes are numbered in visiting order (the DFS index {@code 0..C(T+g, g) - 1}, the root 0);
 * {@link #walk(Visitor, long, long)} visits one contiguous range of them, for the fixed chunks of
 * {@link #chunks}. A node's {@code φ, ψ, τ, γ} are built along its path from the root by the same
 * multiplications in the same order whatever range is walked, so they are bitwise those of the full walk.
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
    /** The DFS index range {@code [from, to)} of the current walk. */
    private long from;
    private long to;

    /** Largest number of chunks {@link #chunks} splits a walk into. */
    static final int MAX_CHUNKS = 8;
    /** Transform length from which the walk is split into chunks (below it, one chunk: the work is small). */
    static final int CHUNK_MIN_LENGTH = 1 << 13;

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

    /**
     * The number {@code K} of contiguous DFS-index chunks a walk of {@code monomials} nodes with transform
     * length {@code length} is split into: 1 below {@link #CHUNK_MIN_LENGTH}, else {@code min(8, monomials)}.
     * It depends on the instance only, never on a thread count, so chunked sums merged in chunk order
     * are the same on any number of threads.
     */
    static int chunks(int length, long monomials) {
        if (length < CHUNK_MIN_LENGTH || monomials <= 1) {
            return 1;
        }
        return (int) Math.min(MAX_CHUNKS, monomials);
    }

    /** First DFS index of chunk {@code c} of {@code k} over {@code monomials} nodes (chunk {@code k} is the end). */
    static long chunkStart(long monomials, int k, int c) {
        return c * (monomials / k) + Math.min(c, monomials % k);
    }

    /** Walks every monomial; returns how many were visited. */
    long walk(Visitor v) {
        return walk(v, 0, Long.MAX_VALUE);
    }

    /**
     * Walks the monomials with DFS index in {@code [from, to)}, skipping whole subtrees outside it by
     * their size ({@link #subtree}); returns how many were visited.
     */
    long walk(Visitor v, long from, long to) {
        visited = 0;
        this.from = from;
        this.to = to;
        if (from < to && to > 0) {
            node(v, 0, 0, -1, 0, 1.0, 1.0, true, 0);
        }
        return visited;
    }

    /**
     * Nodes in the subtree of a child at depth {@code t + 1} choosing index {@code s}: itself and the
     * multisets of size {@code <= g - t - 1} over the indices {@code s..T-1}, {@code C(T - s + g - t - 1, g - t - 1)}.
     */
    private long subtree(int t, int s) {
        return Binomial.multisets(terms.count - s, g - t - 1);
    }

    /**
     * @param t size of κ; {@code last} its largest index, {@code run} the multiplicity of {@code last}
     * @param multinomial {@code t! / Π κ_s!}; {@code dPow} {@code sigma^t}
     * @param index the node's DFS index ({@code < to}; its subtree meets {@code [from, to)})
     */
    private void node(Visitor v, int t, int start, int last, int run, double multinomial, double dPow,
            boolean constant, long index) {
        if (index >= from) {
            visited++;
            v.visit(t, a[t] * multinomial * dPow, phi[t], tau[t], constant, psi[t]);
        }
        if (t == g) {
            return;
        }
        int n = terms.n;
        long child = index + 1;
        for (int s = start; s < terms.count && child < to; s++) {
            long size = subtree(t, s);
            // saturating: the subtree ends at child + size (exclusive)
            long end = size > Long.MAX_VALUE - child ? Long.MAX_VALUE : child + size;
            if (end <= from) {
                child = end;
                continue;
            }
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
                    constant && terms.constant[s], child);
            child = end;
        }
    }
}
