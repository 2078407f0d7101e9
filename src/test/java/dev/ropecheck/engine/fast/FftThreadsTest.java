package dev.ropecheck.engine.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.approx.Method;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The fast-fft engine's threads ({@link RopeFftEngine_F64}, issue 14): the monomials are split into
 * {@link MonomialWalk#chunks} fixed DFS-index chunks merged in chunk order, so every field is bitwise the
 * same on 1, 2 or 3 threads, and a chunked walk visits each node once with the full walk's
 * {@code φ, ψ, τ, γ} bit for bit.
 */
class FftThreadsTest {
    /** Large: few monomials, so that {@code n ~ 4100} (L = 2^13, 8 chunks) runs in about a second. */
    static final double EPS = 1e-2;

    static RopeInstance instance(int n, int d, FamilyKind kind, boolean weights, boolean causal, long seed) {
        return instance(n, d, kind, 0.25, weights, causal, seed);
    }

    static RopeInstance instance(int n, int d, FamilyKind kind, double bound, boolean weights, boolean causal,
            long seed) {
        RopeInstance in = new InstanceSpec(n, d, kind, bound, weights, seed).build();
        return causal ? in.toBuilder().causal(true).build() : in;
    }

    static RopeResult compute(RopeInstance in, int threads) {
        RopeFftEngine_F64 e = RopeFftEngine_F64.withThreads(EPS, Method.CHEBYSHEV, threads);
        return e.compute(in, e.supported(in));
    }

    static void assertSameFields(RopeResult a, RopeResult b, String label) {
        assertEquals(a.quantities(), b.quantities(), label);
        for (Quantity q : a.quantities()) {
            assertArrayEquals(a.get(q).data, b.get(q).data, label + " " + q);
        }
    }

    /**
     * Every field on threads 1, 2, 3 bitwise; the metadata {@code chunks} as expected ({@code 0}: more than
     * one) and {@code threads = min(threads, chunks)}.
     */
    static void checkThreads(RopeInstance in, int expectChunks, String label) {
        RopeResult one = compute(in, 1);
        Map<String, String> m = one.metadata();
        String info = label + " " + m.get("monomials") + " monomials, L = " + m.get("fftLength");
        int chunks = Integer.parseInt(m.get("chunks"));
        assertEquals(MonomialWalk.chunks(Integer.parseInt(m.get("fftLength")), Long.parseLong(m.get("monomials"))),
                chunks, info);
        if (expectChunks == 0) {
            assertTrue(chunks > 1, info);
        } else {
            assertEquals(expectChunks, chunks, info);
        }
        assertEquals("1", m.get("threads"), info);
        assertTrue(one.quantities().contains(Quantity.DV), info + " computes the gradient");
        for (int t = 2; t <= 3; t++) {
            RopeResult r = compute(in, t);
            assertSameFields(one, r, info + " threads " + t);
            assertEquals(String.valueOf(Math.min(t, chunks)), r.metadata().get("threads"), info);
        }
    }

    @Test
    @DisplayName("fast-fft at 8 chunks: every gradient field within the certified bound of the exact engine, and the per-row bounds not vacuous")
    void chunkedFieldsAreWithinTheCertifiedBound() {
        RopeInstance in = instance(4100, 4, FamilyKind.ROPE_INTERLEAVED, true, false, 1401);
        RopeFftEngine_F64 e = RopeFftEngine_F64.withThreads(EPS, Method.CHEBYSHEV, 2);
        FastGradient g = e.gradient(in);
        Set<Quantity> grads = FastGradientPropertiesTest.quantities(in);
        RopeResult exact = new dev.ropecheck.engine.exact.RopeExactEngine_F64(2).compute(in, grads);
        assertTrue(grads.contains(Quantity.DQ) && grads.contains(Quantity.GRAD_WV), grads.toString());
        for (Quantity q : grads) {
            double allowed = g.bound().allowed(q, in, exact)
                    + dev.ropecheck.bounds.ExactRoundingModel.tolerance(q, in, null).bound();
            dev.ropecheck.bounds.Deviation dv = dev.ropecheck.bounds.Deviation.measure(g.get(q), exact.get(q), allowed);
            System.out.println("8 chunks " + dv.describe(q.key()));
            assertTrue(dv.holds(), dv.describe(q.key()));
            double scale = dev.ropecheck.model.Matrices.maxAbs(exact.get(q));
            if (q == Quantity.R || q == Quantity.DQ || q == Quantity.DK || q == Quantity.DV) {
                // an all-zero or sign-flipped field is outside the bound: not vacuous for the per-row sums
                assertTrue(allowed < 0.5 * scale, q.key() + " bound " + allowed + " against entries of " + scale);
            } else {
                // G's fields (gradX, the weight gradients) have a vacuous certified bound at this n (gradX 8.9e-4
                // against entries of 1.3e-4); an all-zero field is held off by 1% of the field instead (the
                // measured error is below 1e-6 of it). GradientSumsTest holds the merge itself.
                assertTrue(dv.maxAbsError() <= 0.01 * scale, q.key() + ": " + dv.describe(q.key()));
            }
        }
    }

    @Test
    @DisplayName("fast-fft: every field bitwise the same on 1, 2, 3 threads at L = 2^13 (8 chunks), causal and not")
    void chunkedFieldsDoNotDependOnThreads() {
        // n = 4100: L = 2^14; RoPE d = 4 with weights (|S| = 8), non-causal and causal
        checkThreads(instance(4100, 4, FamilyKind.ROPE_INTERLEAVED, true, false, 1401), 8, "rope d=4");
        checkThreads(instance(4100, 4, FamilyKind.ROPE_HALF_SPLIT, true, true, 1402), 8, "rope d=4 causal");
        // identity (the constant-family plain sums; causal: the transforms) and a general X
        checkThreads(instance(4097, 2, FamilyKind.IDENTITY, 0.6, true, false, 1403), 0, "identity d=2");
        checkThreads(instance(4097, 2, FamilyKind.IDENTITY, 0.6, true, true, 1404), 0, "identity d=2 causal");
        checkThreads(instance(4097, 2, FamilyKind.ROPE_INTERLEAVED, 0.5, false, false, 1405), 0, "rope d=2 general X");
    }

    @Test
    @DisplayName("fast-fft: one chunk below L = 2^13, every field bitwise the same on 1, 2, 3 threads")
    void smallInstanceIsOneChunk() {
        RopeInstance in = instance(1500, 4, FamilyKind.ROPE_INTERLEAVED, true, false, 1406);
        assertEquals(1 << 12, FftPlans.lengthFor(in.n()));
        checkThreads(in, 1, "rope d=4 n=1500");
        checkThreads(instance(1500, 2, FamilyKind.EXPLICIT, true, true, 1407), 1, "explicit d=2 causal n=1500");
    }

    @Test
    @DisplayName("chunk rule: 1 below L = 2^13, else min(8, M); chunk starts cover [0, M) contiguously")
    void chunkRule() {
        assertEquals(1, MonomialWalk.chunks(1 << 12, 495));
        assertEquals(8, MonomialWalk.chunks(1 << 13, 495));
        assertEquals(3, MonomialWalk.chunks(1 << 20, 3));
        assertEquals(1, MonomialWalk.chunks(1 << 20, 1));
        for (long m : new long[] {1, 2, 7, 8, 9, 45, 495, 200_000}) {
            int k = MonomialWalk.chunks(1 << 14, m);
            assertEquals(0, MonomialWalk.chunkStart(m, k, 0));
            assertEquals(m, MonomialWalk.chunkStart(m, k, k));
            for (int c = 0; c < k; c++) {
                long size = MonomialWalk.chunkStart(m, k, c + 1) - MonomialWalk.chunkStart(m, k, c);
                assertTrue(size == m / k || size == m / k + 1, m + " " + c);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> RopeFftEngine_F64.withThreads(EPS, Method.CHEBYSHEV, 0));
    }

    /** One visited node, its arrays copied. */
    record Node(int size, double gamma, double[] phi, double[] tau, boolean constant, double[] psi) {
        void assertSame(Node o, String label) {
            assertEquals(size, o.size, label);
            assertEquals(Double.doubleToRawLongBits(gamma), Double.doubleToRawLongBits(o.gamma), label + " gamma");
            assertArrayEquals(phi, o.phi, label + " phi");
            assertArrayEquals(psi, o.psi, label + " psi");
            assertArrayEquals(tau, o.tau, label + " tau");
            assertEquals(constant, o.constant, label);
        }
    }

    static List<Node> walk(MonomialWalk w, long from, long to, long[] visited) {
        List<Node> out = new ArrayList<>();
        visited[0] = w.walk((s, g, ph, ta, c, ps) -> out.add(new Node(s, g, ph.clone(), ta.clone(), c, ps.clone())),
                from, to);
        return out;
    }

    static void checkRanges(ExpansionTerms terms, double[] a, double scale, SplittableRandom rnd, String label) {
        List<Node> full = new ArrayList<>();
        long m = new MonomialWalk(terms, a, scale).walk(
                (s, g, ph, ta, c, ps) -> full.add(new Node(s, g, ph.clone(), ta.clone(), c, ps.clone())));
        assertEquals(Binomial.multisets(terms.count, a.length - 1), m, label);
        assertEquals(m, full.size(), label);
        long[] visited = new long[1];
        // the K chunks, one reused walk (as a worker reuses its own)
        for (int k : new int[] {1, 2, 3, 8, (int) Math.min(m, 50)}) {
            if (k < 1 || k > m) {
                continue;
            }
            MonomialWalk w = new MonomialWalk(terms, a, scale);
            int at = 0;
            for (int c = 0; c < k; c++) {
                long from = MonomialWalk.chunkStart(m, k, c);
                long to = MonomialWalk.chunkStart(m, k, c + 1);
                List<Node> part = walk(w, from, to, visited);
                assertEquals(to - from, visited[0], label + " k " + k + " chunk " + c);
                assertEquals(to - from, part.size(), label);
                for (Node nd : part) {
                    full.get(at).assertSame(nd, label + " k " + k + " node " + at);
                    at++;
                }
            }
            assertEquals(m, at, label + " k " + k);
        }
        // arbitrary ranges, empty and beyond the end included
        MonomialWalk w = new MonomialWalk(terms, a, scale);
        for (int rep = 0; rep < 20; rep++) {
            long from = rnd.nextLong(m + 2);
            long to = from + rnd.nextLong(m + 2);
            List<Node> part = walk(w, from, to, visited);
            long expect = Math.max(0, Math.min(to, m) - Math.min(from, m));
            assertEquals(expect, visited[0], label + " [" + from + ", " + to + ")");
            for (int i = 0; i < part.size(); i++) {
                full.get((int) from + i).assertSame(part.get(i), label + " [" + from + ", " + to + ") " + i);
            }
        }
        assertEquals(0, w.walk((s, g, ph, ta, c, ps) -> { }, 5, 5));
    }

    @Test
    @DisplayName("MonomialWalk ranges: the chunks visit every node once, φ/ψ/τ/γ bitwise the full walk's")
    void chunkedWalkIsTheFullWalk() {
        SplittableRandom rnd = new SplittableRandom(1408);
        for (boolean causal : new boolean[] {false, true}) {
            for (FamilyKind kind : new FamilyKind[] {FamilyKind.ROPE_INTERLEAVED, FamilyKind.IDENTITY,
                    FamilyKind.EXPLICIT}) {
                RopeInstance in = instance(9, 4, kind, true, causal, 1409 + kind.ordinal());
                ExpansionTerms terms = ExpansionTerms.of(in);
                for (int g = 0; g <= 4; g++) {
                    double[] a = new double[g + 1];
                    for (int t = 0; t <= g; t++) {
                        a[t] = 1.0 / (t + 1) + rnd.nextDouble();
                    }
                    checkRanges(terms, a, in.scale(), rnd, kind + " causal " + causal + " g " + g);
                }
            }
        }
        // no term at all: the root alone
        ExpansionTerms none = ExpansionTerms.rotated(new org.ejml.data.DMatrixRMaj(3, 0),
                new org.ejml.data.DMatrixRMaj(3, 0));
        checkRanges(none, new double[] {1, 0.5, 0.25}, 0.5, rnd, "no terms");
    }

    @Test
    @DisplayName("applyKernel (one thread, the same chunks) gives the forward's alpha bit for bit")
    void applyKernelMatchesForward() {
        RopeInstance in = instance(4100, 2, FamilyKind.ROPE_INTERLEAVED, 2.0, true, false, 1412);
        FastForward f = RopeFftEngine_F64.withThreads(EPS, Method.CHEBYSHEV, 2).forward(in);
        assertTrue((int) f.metadata().get("chunks") > 1, f.metadata().toString());
        double[][] one = RopeFftEngine_F64.applyKernel(in, f.polynomial(),
                new double[][] {RopeFftEngine_F64.ones(in.n())});
        assertArrayEquals(f.alpha(), one[0]);
    }
}
