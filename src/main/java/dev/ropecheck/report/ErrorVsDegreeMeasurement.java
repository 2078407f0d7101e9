package dev.ropecheck.report;

import dev.ropecheck.bounds.Deviation;
import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.io.InstanceGenerator;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * Measured {@code ||Att~ - Att||_inf} (fast engine vs exact engine) and the certified bound vs the
 * polynomial degree {@code g} the engine chose, for {@code eps = 10^-1 .. 10^-12}; RoPE instance
 * {@code n = 128, d = 2, B = 1} (MATH §4–5).
 */
public final class ErrorVsDegreeMeasurement implements Measurement {
    private final Engines engines;
    private final String name;

    public ErrorVsDegreeMeasurement(Engines engines, String name) {
        this.engines = engines;
        this.name = name;
    }

    @Override
    public String id() {
        return "error-vs-degree";
    }

    @Override
    public String title() {
        return "error vs degree: " + name;
    }

    @Override
    public List<Series> run(VerificationCases cases, Progress progress) {
        Optional<RopeAttentionEngine> exact = engines.engine("exact");
        if (exact.isEmpty() || engines.engine(name).isEmpty()) {
            return List.of();
        }
        RopeInstance inst = InstanceGenerator.build(new InstanceGenerator.Params(128, 2, InstanceGenerator.Family.ROPE, 1.0,
                5));
        RopeResult x = exact.get().compute(inst, EnumSet.of(Quantity.ATTENTION));
        List<Double> g = new ArrayList<>();
        List<Double> err = new ArrayList<>();
        List<Double> bound = new ArrayList<>();
        for (int k = 1; k <= 12; k++) {
            progress.step(name + " error vs degree, eps=1e-" + k, k - 1, 12);
            RopeResult f;
            try {
                f = engines.engine(name, Math.pow(10, -k)).orElseThrow().compute(inst, EnumSet.of(Quantity.ATTENTION));
            } catch (IllegalArgumentException e) {
                continue;
            }
            String deg = f.metadata().get("degree");
            if (deg == null) {
                return List.of();
            }
            g.add(Double.parseDouble(deg));
            err.add(Deviation.measure(f.get(Quantity.ATTENTION), x.get(Quantity.ATTENTION), 0).maxAbsError());
            String b = f.metadata().get("boundAttention");
            bound.add(b == null ? Double.NaN : Double.parseDouble(b));
        }
        return List.of(VerificationMath.maxByX(Plot.ERROR_VS_DEGREE, name + " measured |Att~ - Att|", g, err),
                VerificationMath.maxByX(Plot.ERROR_VS_DEGREE, name + " certified bound", g, bound));
    }
}
