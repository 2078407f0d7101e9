package dev.ropecheck.engine.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.gen.Generators;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import dev.ropecheck.model.Support;
import org.apfloat.Apfloat;
import org.apfloat.ApfloatMath;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Identities that hold exactly in real arithmetic, checked at the reference's 50 digits. Every
 * tolerance is {@code 10^-P} times the absolute-sum scale of the computation that produced the
 * value (the evaluation carries {@code P + 10} digits, and a sum of {@code k} terms loses at most
 * {@code log10 k} digits relative to its absolute sum; see {@code proofs-notes/reference-precision.md}).
 */
class ReferenceInvariantsTest {
    private static final ReferenceRopeAttention REF = new ReferenceRopeAttention(50);
    private static final Apfloat TEN_TO_MINUS_P = new Apfloat("1e-50", 70);
    private static final int EXAMPLES = 10;

    private static Apfloat abs(Apfloat v) {
        return ApfloatMath.abs(v);
    }

    private static void within(InstanceSpec spec, String what, Apfloat err, Apfloat bound) {
        FdSupport.within(spec, what, err, bound, bound.signum() == 0 ? Apfloat.ONE : bound.multiply(new Apfloat("1e50", 70)));
    }

    @Test
    @DisplayName("Def. 3.14: every row of f sums to 1 (to n 10^-P)")
    @dev.ropecheck.specs.Spec("def-3.14")
    void def314RowsOfFSumToOne() {
        qt().withExamples(EXAMPLES).forAll(Generators.instances(6, 4)).checkAssert(spec -> {
            ApMatrix f = REF.evaluate(REF.prepare(spec.build())).values().get(Quantity.F);
            for (int i = 0; i < f.rows(); i++) {
                Apfloat sum = Apfloat.ZERO;
                for (int j = 0; j < f.cols(); j++) {
                    sum = sum.add(f.get(i, j));
                }
                within(spec, "sum_j f[" + i + ",j] - 1", abs(sum.subtract(Apfloat.ONE)),
                        TEN_TO_MINUS_P.multiply(new Apfloat(f.cols())));
            }
        });
    }

    @Test
    @DisplayName("Lemma 5.3 (proofs-notes/sum-p-zero.md): sum_j p_ij = 0 and p = f∘(q - r) equals f_ij <c_i, h_j - Att_i>")
    void lemma53RowsOfPSumToZero() {
        qt().withExamples(EXAMPLES).forAll(Generators.instances(6, 4)).checkAssert(spec -> {
            ReferenceRopeAttention.Evaluation r = REF.evaluate(REF.prepare(spec.build()));
            ApMatrix p = r.values().get(Quantity.P);
            ApMatrix f = r.values().get(Quantity.F);
            ApMatrix h = r.values().get(Quantity.H);
            ApMatrix c = r.values().get(Quantity.C);
            ApMatrix att = r.values().get(Quantity.ATTENTION);
            int n = p.rows();
            int d = h.cols();
            for (int i = 0; i < n; i++) {
                Apfloat sum = Apfloat.ZERO;
                Apfloat mag = Apfloat.ZERO;
                Apfloat rAbs = Apfloat.ZERO;
                for (int l = 0; l < d; l++) {
                    rAbs = rAbs.add(abs(c.get(i, l).multiply(att.get(i, l))));
                }
                for (int j = 0; j < n; j++) {
                    sum = sum.add(p.get(i, j));
                    Apfloat m = Apfloat.ZERO;
                    Apfloat q = Apfloat.ZERO;
                    for (int l = 0; l < d; l++) {
                        m = m.add(abs(c.get(i, l)).multiply(abs(h.get(j, l)).add(abs(att.get(i, l)))));
                        q = q.add(abs(c.get(i, l).multiply(h.get(j, l))));
                    }
                    mag = mag.add(f.get(i, j).multiply(m));
                    // the q - r form cancels: its error is relative to f_ij (|q_ij| + |r_i|) summed absolutely.
                    Apfloat qrMag = f.get(i, j).multiply(q.add(rAbs)).add(f.get(i, j).multiply(m));
                    within(spec, "p_qr[" + i + "," + j + "] - p[" + i + "," + j + "]",
                            abs(r.pByQMinusR().get(i, j).subtract(p.get(i, j))), TEN_TO_MINUS_P.multiply(qrMag));
                }
                within(spec, "sum_j p[" + i + ",j]", abs(sum), TEN_TO_MINUS_P.multiply(mag));
            }
        });
    }

    @Test
    @DisplayName("Lemmas 5.4-5.6: G[(a,c),(b,e)] is exactly 0 for (b,e) outside the support S")
    @dev.ropecheck.specs.Spec("lemma-3.18")
    void lemma56GradXIsExactlyZeroOutsideSupport() {
        qt().withExamples(EXAMPLES).forAll(Generators.instances(6, 4)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            ApMatrix g = REF.evaluate(REF.prepare(inst)).values().get(Quantity.GRAD_X);
            Support s = inst.family().support();
            int d = inst.d();
            for (int ac = 0; ac < d * d; ac++) {
                for (int b = 0; b < d; b++) {
                    for (int e = 0; e < d; e++) {
                        if (!s.contains(b, e)) {
                            assertTrue(g.get(ac, b * d + e).signum() == 0, "G[" + ac + ",(" + b + "," + e
                                    + ")] = " + g.get(ac, b * d + e) + " must be exactly 0 outside " + s + " for " + spec);
                        }
                    }
                }
            }
        });
    }

    @Test
    @DisplayName("MATH §3 chain rule: dL/dW_Q, dL/dW_K via G (sum G W_K, sum G W_Q) equal A1^T dQ, A2^T dK to the trusted digits")
    @dev.ropecheck.specs.Spec({"def-3.2", "lemma-3.18"})
    void lemma318ChainRuleRoutesToWeightGradientsAgree() {
        qt().withExamples(EXAMPLES).forAll(Generators.instances(6, 4)).checkAssert(spec -> {
            RopeInstance inst = spec.build();
            if (!inst.hasWeights()) {
                return;
            }
            ReferenceResult r = REF.compute(inst);
            ApInstance in = REF.prepare(inst);
            ApMatrix g = r.get(Quantity.GRAD_X);
            int d = inst.d();
            Apfloat gErr = g.maxAbs().multiply(new Apfloat("1e" + (-r.agreeingDigits(Quantity.GRAD_X)), 70))
                    .add(TEN_TO_MINUS_P.multiply(g.maxAbs()));
            check(spec, "dL/dW_Q", ReferenceRopeAttention.gradWQFromG(g, in.wk()), r, Quantity.GRAD_WQ,
                    gErr.multiply(new Apfloat(d * d)).multiply(in.wk().maxAbs()));
            check(spec, "dL/dW_K", ReferenceRopeAttention.gradWKFromG(g, in.wq()), r, Quantity.GRAD_WK,
                    gErr.multiply(new Apfloat(d * d)).multiply(in.wq().maxAbs()));
        });
    }

    /** {@code |viaG - direct| <= error of direct (its agreeing digits) + d^2 max|W| error of G}. */
    private static void check(InstanceSpec spec, String what, ApMatrix viaG, ReferenceResult r, Quantity q,
            Apfloat viaGErr) {
        ApMatrix direct = r.get(q);
        Apfloat bound = direct.maxAbs().multiply(new Apfloat("1e" + (-r.agreeingDigits(q)), 70))
                .add(TEN_TO_MINUS_P.multiply(direct.maxAbs())).add(viaGErr);
        within(spec, what + " via G vs A^T dQ/dK", viaG.maxAbsDiff(direct), bound);
    }
}
