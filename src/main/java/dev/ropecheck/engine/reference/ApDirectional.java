package dev.ropecheck.engine.reference;

import dev.ropecheck.engine.reference.ReferenceRopeAttention.Directional;
import dev.ropecheck.engine.reference.ReferenceRopeAttention.Forward;
import org.apfloat.Apfloat;

/**
 * The directional derivatives of {@link ReferenceRopeAttention}'s forward pass (RoPE-grad Lemma 4.1),
 * in arbitrary precision at the precision of the instance; {@code n} tokens, {@code d} features.
 */
final class ApDirectional {
    private ApDirectional() {
    }

    /**
     * Lemma 4.1 parts 2–7 along a direction whose score derivative is {@code ds = D} (part 1,
     * {@link ReferenceRopeAttention#scores} of the direction), from the forward pass {@code fw} of
     * {@code in}: {@code du = A ∘ D}, {@code dα}, {@code df = f ∘ D - f diag(f D^T)}, {@code dAtt}
     * and {@code dL = <c, dAtt>}.
     */
    static Directional along(ApInstance in, ApMatrix ds, Forward fw) {
        int n = in.n();
        int d = in.d();
        ApMatrix f = fw.f();
        ApMatrix h = fw.h();
        ApMatrix c = fw.c();
        Apfloat[] du = new Apfloat[n * n];
        Apfloat[] dalpha = new Apfloat[n];
        Apfloat[] df = new Apfloat[n * n];
        Apfloat[] datt = new Apfloat[n * d];
        Apfloat dl = Apfloat.ZERO;
        for (int i = 0; i < n; i++) {
            Apfloat da = Apfloat.ZERO;
            Apfloat fd = Apfloat.ZERO;
            for (int j = 0; j < n; j++) {
                Apfloat dij = ds.get(i, j);
                du[i * n + j] = fw.a().get(i, j).multiply(dij);
                da = da.add(du[i * n + j]);
                fd = fd.add(f.get(i, j).multiply(dij));
            }
            dalpha[i] = da;
            for (int j = 0; j < n; j++) {
                df[i * n + j] = f.get(i, j).multiply(ds.get(i, j)).subtract(f.get(i, j).multiply(fd));
            }
            for (int l = 0; l < d; l++) {
                Apfloat sum = Apfloat.ZERO;
                for (int j = 0; j < n; j++) {
                    sum = sum.add(f.get(i, j).multiply(ds.get(i, j)).multiply(h.get(j, l)));
                }
                datt[i * d + l] = sum.subtract(fd.multiply(fw.attention().get(i, l)));
                dl = dl.add(c.get(i, l).multiply(datt[i * d + l]));
            }
        }
        ApMatrix dAtt = new ApMatrix(n, d, datt);
        return new Directional(ds, new ApMatrix(n, n, du), new ApMatrix(n, 1, dalpha), new ApMatrix(n, n, df), dAtt,
                dAtt, dl);
    }
}
