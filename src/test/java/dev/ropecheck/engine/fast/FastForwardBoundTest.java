package dev.ropecheck.engine.fast;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.ropecheck.approx.Method;
import dev.ropecheck.bounds.ExactRoundingModel;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.engine.exact.RopeExactEngine_F64;
import dev.ropecheck.gen.FamilyKind;
import dev.ropecheck.gen.InstanceSpec;
import dev.ropecheck.model.RopeInstance;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * MATH §5 error transfer for the fast engines against {@link RopeExactEngine_F64}:
 * {@code ||Att~ - Att_exact||_inf <= FastForwardBound.attention() + ExactRoundingModel(ATTENTION)}
 * (the fast bound is against exact arithmetic; the exact engine's own rounding bound is added).
 * Every case's measured/bound ratio goes to {@code target/fast-forward-tightness.csv}.
 */
class FastForwardBoundTest {
    static final List<String> ROWS = Collections.synchronizedList(new ArrayList<>());
    static final RopeExactEngine_F64 EXACT = new RopeExactEngine_F64();
    static final EnumSet<Quantity> FWD = EnumSet.of(Quantity.ALPHA, Quantity.ATTENTION, Quantity.C, Quantity.LOSS);

    static double maxAbsDiff(DMatrixRMaj a, DMatrixRMaj b) {
        double r = 0;
        for (int i = 0; i < a.data.length; i++) {
            r = Math.max(r, Math.abs(a.data[i] - b.data[i]));
        }
        return r;
    }

    /** Checks Att, c, alpha, L of {@code fast} against the exact engine; returns measured/bound for Att. */
    static double checkAgainstExact(String engine, InstanceSpec spec, RopeInstance in, FastForward fast) {
        RopeResult ex = EXACT.compute(in, FWD);
        double exAtt = ExactRoundingModel.tolerance(Quantity.ATTENTION, in, null).bound();
        double bound = fast.bound().attention() + exAtt;
        double measured = maxAbsDiff(fast.attention(), ex.get(Quantity.ATTENTION));
        assertTrue(measured <= bound, () -> engine + " " + spec + ": ||Att~ - Att|| = " + measured + " = "
                + measured / bound + " x bound " + bound + " (" + fast.bound() + ")");
        assertTrue(fast.bound().attention() < FastForward.maxAbs(in.h()) + 1e-300 || in.h().data.length == 0
                || FastForward.maxAbs(in.h()) == 0, "the bound must be smaller than ||h|| (non-trivial)");
        double cBound = fast.bound().c() + ExactRoundingModel.tolerance(Quantity.C, in, null).bound();
        double cMeas = maxAbsDiff(fast.c(), ex.get(Quantity.C));
        assertTrue(cMeas <= cBound, () -> engine + " " + spec + ": ||c~ - c|| = " + cMeas / cBound + " x bound");
        double[] alpha = fast.alpha();
        DMatrixRMaj exAlpha = ex.get(Quantity.ALPHA);
        double alphaTolEx = ExactRoundingModel.tolerance(Quantity.ALPHA, in, null).bound();
        for (int i = 0; i < alpha.length; i++) {
            double a = exAlpha.get(i, 0);
            double err = Math.abs(alpha[i] - a);
            double tol = fast.bound().alphaRelative() * (a + alphaTolEx) + alphaTolEx;
            int ii = i;
            assertTrue(err <= tol, () -> engine + " " + spec + ": alpha_" + ii + " error " + err / tol + " x bound");
        }
        double lTol = fast.lossBound() + ExactRoundingModel.tolerance(Quantity.LOSS, in, null).bound();
        double lErr = Math.abs(fast.loss() - ex.loss());
        assertTrue(lErr <= lTol, () -> engine + " " + spec + ": |L~ - L| = " + lErr / lTol + " x bound");
        double ratio = measured / bound;
        ROWS.add(String.format("%s,%s,%d,%d,%s,%s,%d,%.6g,%.6g,%.6g,%.6g", engine, spec.family(), spec.n(), spec.d(),
                spec.bound(), spec.weights(), fast.polynomial().degree(), fast.polynomial().beta(), measured, bound,
                ratio));
        return ratio;
    }

    @Test
    @DisplayName("MATH §5 error transfer: fast-fft Att~, c~, alpha~, L~ within the bound (all families, weights and X, eps 1e-3 / 1e-6)")
    @dev.ropecheck.specs.Spec({"fast-forward-bound", "lemma-6.1"})
    void fftWithinBoundAllFamilies() {
        qt().withExamples(40).forAll(FastInstances.all(24)).checkAssert(spec -> {
            RopeInstance in = spec.build();
            for (double eps : new double[] {1e-3, 1e-6}) {
                RopeFftEngine_F64 e = new RopeFftEngine_F64(eps, spec.seed() % 2 == 0 ? Method.CHEBYSHEV : Method.TAYLOR);
                checkAgainstExact("fast-fft", spec, in, e.forward(in));
            }
        });
    }

    @Test
    @DisplayName("MATH §5 low-rank variant: Att~, c~, alpha~, L~ within the bound (RoPE, identity)")
    @dev.ropecheck.specs.Spec({"fast-forward-bound", "fast-forward-lowrank"})
    void lowRankWithinBound() {
        qt().withExamples(40).forAll(FastInstances.rotations(24)).checkAssert(spec -> {
            RopeInstance in = spec.build();
            for (double eps : new double[] {1e-3, 1e-6}) {
                RopeLowRankEngine_F64 e = new RopeLowRankEngine_F64(eps, spec.seed() % 2 == 0 ? Method.CHEBYSHEV : Method.TAYLOR);
                checkAgainstExact("fast-lowrank", spec, in, e.forward(in));
            }
        });
    }

    @Test
    @DisplayName("MATH §5: fast-fft and fast-lowrank agree within the sum of their bounds")
    @dev.ropecheck.specs.Spec("fast-forward-bound")
    void enginesAgreeWithinSumOfBounds() {
        qt().withExamples(30).forAll(FastInstances.rotations(24)).checkAssert(spec -> {
            RopeInstance in = spec.build();
            FastForward a = new RopeFftEngine_F64(1e-3, Method.CHEBYSHEV).forward(in);
            FastForward b = new RopeLowRankEngine_F64(1e-3, Method.TAYLOR).forward(in);
            double diff = maxAbsDiff(a.attention(), b.attention());
            double tol = a.bound().attention() + b.bound().attention();
            assertTrue(diff <= tol, () -> spec + ": ||Att_fft - Att_lowrank|| = " + diff / tol + " x (sum of bounds)");
        });
    }

    /**
     * eps = 1e-14: the measured error must be within the derived bound (plus the exact engine's rounding
     * bound), and — the acceptance target of the task, not a derived tolerance — within {@code 1e-12 ||h||}.
     */
    @Test
    @DisplayName("MATH §5 at eps = 1e-14: both fast engines within their bound and within 1e-12 ||h|| of the exact engine")
    @dev.ropecheck.specs.Spec("fast-forward-bound")
    void tinyEpsMatchesExact() {
        double[] worst = new double[2];
        qt().withExamples(12).forAll(FastInstances.rotations(20)).checkAssert(spec -> {
            RopeInstance in = spec.build();
            RopeResult ex = EXACT.compute(in, FWD);
            double exTol = ExactRoundingModel.tolerance(Quantity.ATTENTION, in, null).bound();
            double hInf = Math.max(FastForward.maxAbs(in.h()), Double.MIN_NORMAL);
            FastForward[] fs = {new RopeFftEngine_F64(1e-14, Method.CHEBYSHEV).forward(in),
                new RopeLowRankEngine_F64(1e-14, Method.CHEBYSHEV).forward(in)};
            for (int k = 0; k < 2; k++) {
                FastForward f = fs[k];
                double err = maxAbsDiff(f.attention(), ex.get(Quantity.ATTENTION));
                double bound = f.bound().attention() + exTol;
                assertTrue(err <= bound, () -> spec + ": error " + err + " = " + err / bound + " x bound");
                double rel = err / hInf;
                worst[k] = Math.max(worst[k], rel);
                assertTrue(rel <= 1e-12, () -> spec + ": relative error " + rel + " > 1e-12 at eps 1e-14 ("
                        + f.metadata() + ")");
            }
        });
        System.out.printf("eps=1e-14: max ||Att~ - Att||/||h||: fast-fft %.3g, fast-lowrank %.3g%n", worst[0], worst[1]);
    }

    @Test
    @DisplayName("Inputs outside the engines' scope are rejected with the limit named")
    @dev.ropecheck.specs.Spec("fast-forward-lowrank")
    void rejections() {
        RopeInstance explicit = new InstanceSpec(4, 2, FamilyKind.EXPLICIT, 0.25, true, 1L).build();
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class,
                () -> new RopeLowRankEngine_F64(1e-3, Method.TAYLOR).forward(explicit));
        assertTrue(e1.getMessage().contains("RoPE or identity"), e1.getMessage());
        RopeInstance generalX = new InstanceSpec(4, 2, FamilyKind.ROPE_INTERLEAVED, 0.25, false, 1L).build();
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> new RopeLowRankEngine_F64(1e-3, Method.TAYLOR).forward(generalX));
        assertTrue(e2.getMessage().contains("W_Q and W_K"), e2.getMessage());
        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class,
                () -> new RopeFftEngine_F64(1e-3, Method.TAYLOR, 1L).forward(explicit));
        assertTrue(e3.getMessage().contains("exceeds the cap"), e3.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new RopeFftEngine_F64(1e-3, Method.TAYLOR).compute(explicit, EnumSet.of(Quantity.A)));
        assertThrows(IllegalArgumentException.class, () -> new RopeFftEngine_F64(0, Method.TAYLOR));
        assertThrows(IllegalArgumentException.class, () -> new RopeLowRankEngine_F64(1.5, Method.TAYLOR));
    }

    @Test
    @org.junit.jupiter.api.Tag("long")
    @DisplayName("MATH §5 error transfer at n = 512, 2048 (RoPE, identity, explicit; both engines where applicable)")
    void boundHoldsAtLargerN() {
        for (int n : new int[] {512, 2048}) {
            for (FamilyKind fk : new FamilyKind[] {FamilyKind.ROPE_INTERLEAVED, FamilyKind.ROPE_HALF_SPLIT,
                FamilyKind.IDENTITY, FamilyKind.EXPLICIT}) {
                InstanceSpec spec = new InstanceSpec(n, 4, fk, 0.5, true, 1000L + n);
                RopeInstance in = spec.build();
                checkAgainstExact("fast-fft", spec, in, new RopeFftEngine_F64(1e-6, Method.CHEBYSHEV).forward(in));
                if (fk != FamilyKind.EXPLICIT) {
                    checkAgainstExact("fast-lowrank", spec, in, new RopeLowRankEngine_F64(1e-6, Method.CHEBYSHEV).forward(in));
                }
            }
        }
    }

    @AfterAll
    static void writeTightness() throws IOException {
        if (ROWS.isEmpty()) {
            return;
        }
        Path out = Path.of("target", "fast-forward-tightness.csv");
        Files.createDirectories(out.getParent());
        List<String> rows = new ArrayList<>(ROWS);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            w.println("engine,family,n,d,B,weights,degree,beta,measured,bound,ratio");
            rows.forEach(w::println);
        }
        for (String engine : new String[] {"fast-fft", "fast-lowrank"}) {
            double[] r = rows.stream().filter(s -> s.startsWith(engine + ","))
                    .mapToDouble(s -> Double.parseDouble(s.substring(s.lastIndexOf(',') + 1))).sorted().toArray();
            if (r.length > 0) {
                System.out.printf("fast-forward tightness %s: cases=%d min=%.3g median=%.3g max=%.3g%n", engine,
                        r.length, r[0], r[r.length / 2], r[r.length - 1]);
            }
        }
    }
}
