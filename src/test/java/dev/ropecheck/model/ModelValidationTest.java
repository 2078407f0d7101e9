package dev.ropecheck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import java.util.function.Consumer;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Bad input is rejected with a message naming the argument and the limit (Defs. 3.1, 3.2). */
class ModelValidationTest {

    private static RopeInstance.Builder valid(int n, int d) {
        return new InstanceSpec(n, d, FamilyKind.ROPE_INTERLEAVED, 1.0, true, 7L).build().toBuilder();
    }

    private static void rejects(String expectedFragment, Consumer<RopeInstance.Builder> edit) {
        RopeInstance.Builder b = valid(4, 4);
        edit.accept(b);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(ex.getMessage().contains(expectedFragment),
                () -> "message \"" + ex.getMessage() + "\" should mention \"" + expectedFragment + "\"");
    }

    @Test
    @DisplayName("a valid generated instance builds and round-trips through its builder")
    void validInstanceRoundTrips() {
        RopeInstance a = valid(5, 4).build();
        RopeInstance b = a.toBuilder().build();
        assertEquals(5, b.n());
        assertEquals(4, b.d());
        assertTrue(b.hasWeights());
        DMatrixRMaj kron = new DMatrixRMaj(16, 16);
        CommonOps_DDRM.kron(a.wq(), a.wk(), kron);
        assertTrue(org.ejml.dense.row.MatrixFeatures_DDRM.isIdentical(kron, b.x(), 0.0), "X = W_Q ⊗ W_K");
    }

    @Test
    @DisplayName("MATH §9: scale defaults to 1/d, a set scale and the causal flag survive the builder, bad scales are refused")
    void kernelConventions() {
        RopeInstance papers = valid(5, 4).build();
        assertEquals(0.25, papers.scale());
        assertTrue(papers.hasPapersConventions());
        RopeInstance kernel = papers.toBuilder().scale(0.5).causal(true).build().toBuilder().build();
        assertEquals(0.5, kernel.scale());
        assertTrue(kernel.causal());
        assertTrue(!kernel.hasDefaultScale() && !kernel.hasPapersConventions());
        for (double bad : new double[] {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> valid(4, 4).scale(bad));
            assertTrue(ex.getMessage().startsWith("scale = " + bad + " must be finite and > 0"), ex.getMessage());
        }
    }

    @Test
    @DisplayName("Def. 3.2: shape mismatch names the argument and both shapes")
    void shapeMismatch() {
        rejects("A2 has shape 3x4 but must be 4x4", b -> b.a2(new DMatrixRMaj(3, 4)));
        rejects("W_K has shape 4x3 but must be 4x4", b -> b.wk(new DMatrixRMaj(4, 3)));
        rejects("E is missing", b -> b.e(null));
    }

    @Test
    @DisplayName("Def. 3.2: NaN and infinity are rejected with their position")
    void nonFinite() {
        rejects("A3[1][2] = NaN is not a finite number", b -> {
            DMatrixRMaj m = new DMatrixRMaj(4, 4);
            m.set(1, 2, Double.NaN);
            b.a3(m);
        });
        rejects("is not a finite number", b -> {
            DMatrixRMaj m = new DMatrixRMaj(4, 4);
            m.set(0, 0, Double.POSITIVE_INFINITY);
            b.wv(m);
        });
    }

    @Test
    @DisplayName("entries beyond the declared bound B are rejected")
    void entryBeyondBound() {
        rejects("exceeds the declared entry bound B = 1.0", b -> {
            DMatrixRMaj m = new DMatrixRMaj(4, 4);
            m.set(2, 3, 1.5);
            b.a1(m);
        });
    }

    @Test
    @DisplayName("Def. 3.1: odd d is rejected for RoPE")
    void oddDimensionForRope() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new RopeFamily(3));
        assertTrue(ex.getMessage().contains("d = 3 must be even"), ex.getMessage());
    }

    @Test
    @DisplayName("Def. 3.1: the family's d must match the instance's d")
    void familyDimensionMismatch() {
        rejects("has d = 2 but A1 has d = 4", b -> b.family(new IdentityFamily(2)));
    }

    @Test
    @DisplayName("Def. 3.1: an explicit family needs 2n-1 matrices covering every offset")
    void explicitFamilyLength() {
        DMatrixRMaj[] w = new DMatrixRMaj[5];
        for (int i = 0; i < 5; i++) {
            w[i] = CommonOps_DDRM.identity(4);
        }
        ExplicitFamily threeTokens = new ExplicitFamily(w, Support.full(4));
        rejects("defines W_m for |m| <= 2 (2n-1 = 5 matrices) but n = 4 needs |m| <= 3", b -> b.family(threeTokens));
        IllegalArgumentException even = assertThrows(IllegalArgumentException.class,
                () -> new ExplicitFamily(new DMatrixRMaj[2], Support.full(4)));
        assertTrue(even.getMessage().contains("2n-1 matrices"), even.getMessage());
    }

    @Test
    @DisplayName("Def. 3.1: an explicit W_m with an entry outside its declared support is rejected")
    void explicitEntryOutsideSupport() {
        boolean[][] diag = new boolean[2][2];
        diag[0][0] = diag[1][1] = true;
        DMatrixRMaj w = new DMatrixRMaj(new double[][] {{1, 0.5}, {0, 1}});
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> new ExplicitFamily(new DMatrixRMaj[] {w}, Support.ofMask(diag)));
        assertTrue(ex.getMessage().contains("W[m=0][0][1] = 0.5 lies outside the declared support"), ex.getMessage());
    }

    @Test
    @DisplayName("X and W_Q/W_K are exclusive; one of them is required")
    void xOrWeights() {
        rejects("give either X or W_Q and W_K, not both", b -> b.x(new DMatrixRMaj(16, 16)));
        rejects("X is missing", b -> b.clearX());
        rejects("Y is missing", b -> b.clearY());
        rejects("give either Y or W_V, not both", b -> b.y(new DMatrixRMaj(4, 4)));
    }

    @Test
    @DisplayName("accessors return copies: the instance is immutable")
    void immutability() {
        RopeInstance a = valid(3, 2).build();
        DMatrixRMaj a1 = a.a1();
        double before = a1.get(0, 0);
        a1.set(0, 0, before + 1);
        assertEquals(before, a.a1().get(0, 0));
    }
}
