package dev.ropecheck.report;

import dev.ropecheck.io.InstanceGenerator;
import dev.ropecheck.model.RopeInstance;
import java.util.ArrayList;
import java.util.List;

/** The random instances a check runs on: every family, the run's {@code d} values and seeds, {@code n <= maxN}. */
final class CaseInstances {
    /** One instance with a label that rebuilds it. */
    record Case(String label, RopeInstance instance) {
    }

    private CaseInstances() {
    }

    static List<Case> of(VerificationCases cases, int maxN, double bound) {
        List<Case> out = new ArrayList<>();
        for (int n : cases.sizes()) {
            if (n > maxN) {
                continue;
            }
            for (int d : cases.dims()) {
                for (InstanceGenerator.Family f : InstanceGenerator.Family.values()) {
                    if ((f == InstanceGenerator.Family.ROPE || f == InstanceGenerator.Family.ROPE_HALF) && d % 2 != 0) {
                        continue;
                    }
                    for (int s = 0; s < cases.seeds(); s++) {
                        long seed = 31L * n + 7L * d + 1000L * s + f.ordinal();
                        InstanceGenerator.Params p = new InstanceGenerator.Params(n, d, f, bound, seed, s % 2 == 0, false);
                        out.add(new Case("make-instance --n " + n + " --d " + d + " --family " + f.label() + " --bound " + bound
                                + " --seed " + seed + (s % 2 == 0 ? "" : " --x"), InstanceGenerator.build(p)));
                    }
                }
            }
        }
        return out;
    }
}
