package dev.ropecheck.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Argument guards of the instance model (MATH §1-2): {@code d <= 256} and {@code n >= 1} for an instance,
 * an explicit family's {@code W_m} shapes and finiteness (named by their offset {@code m}), and q/k/v
 * instances keep identity weights. Each refusal is one {@link IllegalArgumentException} naming what is wrong.
 */
class ModelGuardsTest {

    private static String refused(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    @DisplayName("an instance needs 1 <= n and 1 <= d <= 256")
    void instanceSizes() {
        RopeInstance base = new InstanceSpec(2, 2, FamilyKind.IDENTITY, 0.5, true, 1L).build();
        String m = refused(() -> base.toBuilder().a1(new DMatrixRMaj(2, 257)).build());
        assertTrue(m.contains("d") && m.contains("256"), m);
        m = refused(() -> base.toBuilder().a1(new DMatrixRMaj(0, 2)).build());
        assertTrue(m.contains("n"), m);
        m = refused(() -> RopeInstance.builder().entryBound(0.0));
        assertTrue(m.contains("0"), m);
    }

    @Test
    @DisplayName("explicit family: each W_m is d x d and finite, named by its offset; its name is 'explicit'")
    void explicitFamilyGuards() {
        Support s = Support.ofMask(new boolean[][] {{true, false}, {false, true}});
        DMatrixRMaj[] ok = {CommonOps_DDRM.identity(2), CommonOps_DDRM.identity(2), CommonOps_DDRM.identity(2)};
        ExplicitFamily f = new ExplicitFamily(ok, s);
        assertEquals("explicit", f.name());
        assertEquals(2, f.n());
        DMatrixRMaj[] wrongShape = {CommonOps_DDRM.identity(2), new DMatrixRMaj(2, 3), CommonOps_DDRM.identity(2)};
        String m = refused(() -> new ExplicitFamily(wrongShape, s));
        assertTrue(m.contains("W[m=0]"), m);
        DMatrixRMaj nan = CommonOps_DDRM.identity(2);
        nan.set(0, 0, Double.NaN);
        DMatrixRMaj[] notFinite = {nan, CommonOps_DDRM.identity(2), CommonOps_DDRM.identity(2)};
        m = refused(() -> new ExplicitFamily(notFinite, s));
        assertTrue(m.contains("W[m=-1]"), m);
        m = refused(() -> new ExplicitFamily(new DMatrixRMaj[] {ok[0], ok[1]}, s));
        assertTrue(m.contains("got 2"), m);
        assertTrue(refused(() -> new ExplicitFamily(null, s)).contains("got none"));
    }

    @Test
    @DisplayName("q/k/v instances: identity weights are accepted, anything else refused")
    void qkvKeepsIdentityWeights() {
        DMatrixRMaj q = new DMatrixRMaj(new double[][] {{0.5, -0.25}, {0.125, 0.75}});
        RopeInstance.Builder b = RopeInstance.builder().qkv(q, q.copy(), q.copy()).e(new DMatrixRMaj(2, 2))
                .family(new IdentityFamily(2));
        assertDoesNotThrow(b::build);
        DMatrixRMaj twice = CommonOps_DDRM.identity(2);
        CommonOps_DDRM.scale(2.0, twice);
        String m = refused(() -> RopeInstance.builder().qkv(q, q.copy(), q.copy()).e(new DMatrixRMaj(2, 2))
                .family(new IdentityFamily(2)).wk(twice).build());
        assertTrue(m.contains("identity"), m);
    }

    @Test
    @DisplayName("q/k/v instances: the identity check also refuses an X given in place of W_Q, W_K")
    void qkvRefusesAnX() {
        DMatrixRMaj q = new DMatrixRMaj(new double[][] {{0.5, -0.25}, {0.125, 0.75}});
        String m = refused(() -> RopeInstance.builder().qkv(q, q.copy(), q.copy()).e(new DMatrixRMaj(2, 2))
                .family(new IdentityFamily(2)).clearX().x(CommonOps_DDRM.identity(4)).build());
        assertTrue(m.contains("identity"), m);
    }

    @Test
    @DisplayName("MATH §2: W_V is held to the declared entry bound B and named in the refusal")
    void valueWeightsHeldToTheEntryBound() {
        RopeInstance base = new InstanceSpec(2, 2, FamilyKind.IDENTITY, 0.5, true, 1L).build();
        DMatrixRMaj big = CommonOps_DDRM.identity(2);
        big.set(1, 0, 3.0);
        String m = refused(() -> base.toBuilder().entryBound(2.0).clearY().wv(big).build());
        assertTrue(m.startsWith("W_V[1][0] = 3.0") && m.endsWith("B = 2.0"), m);
        m = refused(() -> base.toBuilder().entryBound(2.0).clearY().y(big).build());
        assertTrue(m.startsWith("Y[1][0] = 3.0"), m);
    }

    @Test
    @DisplayName("MATH §7: a standard instance needs 1 <= n and 1 <= d <= 256")
    void standardInstanceSizes() {
        DMatrixRMaj i2 = CommonOps_DDRM.identity(2);
        DMatrixRMaj none = new DMatrixRMaj(0, 2);
        String m = refused(() -> new StandardInstance(none, none, none, none, i2, i2));
        assertTrue(m.startsWith("n = 0"), m);
        DMatrixRMaj wide = new DMatrixRMaj(1, 257);
        DMatrixRMaj sq = new DMatrixRMaj(257, 257);
        m = refused(() -> new StandardInstance(wide, wide, wide, wide, sq, sq));
        assertTrue(m.startsWith("d = 257") && m.contains("256"), m);
        DMatrixRMaj empty = new DMatrixRMaj(2, 0);
        DMatrixRMaj zero = new DMatrixRMaj(0, 0);
        m = refused(() -> new StandardInstance(empty, empty, empty, empty, zero, zero));
        assertTrue(m.startsWith("d = 0"), m);
    }

    @Test
    @DisplayName("the identity family needs 1 <= d <= 4096; its name is 'identity'")
    void identityFamilyGuards() {
        assertTrue(refused(() -> new IdentityFamily(0)).startsWith("d = 0"));
        assertTrue(refused(() -> new IdentityFamily(4097)).contains("4096"));
        IdentityFamily f = new IdentityFamily(3);
        assertEquals("identity", f.name());
        assertEquals(3, f.support().size());
    }

    @Test
    @DisplayName("MATH §9: a problem set is single exactly when batch = heads = 1")
    void problemSetSingle() {
        RopeInstance one = new InstanceSpec(2, 2, FamilyKind.IDENTITY, 0.5, true, 1L).build();
        assertTrue(ProblemSet.of(one).isSingle());
        assertTrue(!new ProblemSet(2, 1, java.util.List.of(one, one)).isSingle());
        assertTrue(!new ProblemSet(1, 2, java.util.List.of(one, one)).isSingle());
        assertTrue(refused(() -> new ProblemSet(2, 2, java.util.List.of(one))).contains("2 x 2"));
    }
}
