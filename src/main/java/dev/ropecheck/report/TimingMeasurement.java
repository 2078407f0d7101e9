package dev.ropecheck.report;

import dev.ropecheck.engine.Quantity;
import dev.ropecheck.engine.RopeAttentionEngine;
import dev.ropecheck.io.InstanceGenerator;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Wall time of the exact and fast engines vs {@code n} for the forward quantities
 * ({@code alpha, attention, c, loss}; what every engine computes), on a RoPE instance with
 * {@code d = 2}, {@code B = 0.5}; best of two runs after one warm-up. For the log–log plot
 * {@link Plot#TIME_VS_N}.
 */
public final class TimingMeasurement implements Measurement {
    private final Engines engines;
    private final List<String> names;

    public TimingMeasurement(Engines engines, List<String> names) {
        this.engines = engines;
        this.names = List.copyOf(names);
    }

    @Override
    public String id() {
        return "timing";
    }

    @Override
    public String title() {
        return "time vs n: " + String.join(", ", names);
    }

    @Override
    public List<Series> run(VerificationCases cases, Progress progress) {
        List<Series> out = new ArrayList<>();
        int total = names.size() * cases.timingSizes().size();
        int done = 0;
        for (String name : names) {
            Optional<RopeAttentionEngine> e = engines.engine(name);
            if (e.isEmpty()) {
                done += cases.timingSizes().size();
                continue;
            }
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            boolean warm = false;
            for (int n : cases.timingSizes()) {
                progress.step("timing " + name + " n=" + n, done++, total);
                if (n > engines.maxN(name)) {
                    continue;
                }
                RopeInstance inst = InstanceGenerator.build(new InstanceGenerator.Params(n, 2, InstanceGenerator.Family.ROPE,
                        0.5, 1, true, false));
                Set<Quantity> wanted = EnumSet.of(Quantity.ALPHA, Quantity.ATTENTION, Quantity.C, Quantity.LOSS);
                wanted.retainAll(e.get().supported(inst));
                if (!warm) {
                    e.get().compute(inst, wanted);
                    warm = true;
                }
                double best = Double.POSITIVE_INFINITY;
                for (int rep = 0; rep < 2; rep++) {
                    long t0 = System.nanoTime();
                    e.get().compute(inst, wanted);
                    best = Math.min(best, (System.nanoTime() - t0) / 1e6);
                }
                xs.add((double) n);
                ys.add(best);
            }
            out.add(VerificationMath.maxByX(Plot.TIME_VS_N, name, xs, ys));
        }
        progress.step("timing", total, total);
        return out;
    }
}
