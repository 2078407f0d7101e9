package dev.ropecheck.report;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.engine.RopeResult;
import dev.ropecheck.io.InstanceGenerator;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * The polynomial degree {@code g} and rank the fast engines choose vs the entry bound {@code B}
 * (MATH §4–5: {@code g = Θ(max(log(1/eps)/log(log(1/eps)/B), B))}), read from their result metadata
 * keys {@code degree} and {@code rank}; RoPE instance {@code n = 64, d = 2}.
 */
public final class DegreeMeasurement implements Measurement {
    private final Engines engines;
    private final List<String> names;

    public DegreeMeasurement(Engines engines, List<String> names) {
        this.engines = engines;
        this.names = List.copyOf(names);
    }

    @Override
    public String title() {
        return "degree / rank vs B";
    }

    @Override
    public List<Series> run(CheckCases cases, Progress progress) {
        List<Series> out = new ArrayList<>();
        for (String name : names) {
            Optional<RopeAttentionEngine> e = engines.engine(name);
            if (e.isEmpty()) {
                continue;
            }
            for (String key : new String[] {"degree", "rank"}) {
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (double b : cases.bounds()) {
                    progress.step(name + " " + key + " B=" + b, 0, 1);
                    var inst = InstanceGenerator.build(new InstanceGenerator.Params(64, 2, InstanceGenerator.Family.ROPE, b,
                            17, true, false));
                    RopeResult r;
                    try {
                        r = e.get().compute(inst, EnumSet.of(Quantity.ATTENTION));
                    } catch (IllegalArgumentException ex) {
                        continue;
                    }
                    String v = r.metadata().get(key);
                    if (v == null) {
                        continue;
                    }
                    try {
                        xs.add(b);
                        ys.add(Double.parseDouble(v));
                    } catch (NumberFormatException ex) {
                        xs.remove(xs.size() - 1);
                    }
                }
                if (!xs.isEmpty()) {
                    out.add(Checks.maxByX(Plot.DEGREE_VS_B, name + " " + key, xs, ys));
                }
            }
        }
        return out;
    }
}
