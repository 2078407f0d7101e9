package dev.ropecheck.cli;

import dev.ropecheck.model.RopeInstance;

/**
 * An engine's refusal of a valid instance (its score bound, degree, rank or family limits) in the user's terms:
 * which engine, what in the instance makes it refuse, and what to do instead (issue 13; exit code 3).
 */
final class EngineRefusal {
    private EngineRefusal() {
    }

    /** One line: engine {@code name} cannot compute {@code instance}, because {@code message}, and the way out. */
    static String explain(String name, RopeInstance instance, String message) {
        String m = message == null ? "no reason given" : message;
        String hint;
        if (m.contains("beta")) {
            hint = "beta bounds the attention scores |<q_i, k_j>| and grows with the entries' size and d"
                    + " (MATH §4, Lemma 3.4); use smaller entries or --engine exact";
        } else if (m.contains("rank") || m.contains("C(T+g") || m.contains("C(d+g") || m.contains("degree")
                || m.contains("not reachable")) {
            hint = "the polynomial degree needed for --eps at this score bound makes the method too large"
                    + " (MATH §5, RoPE-fwd Thm 1.3); raise --eps, use smaller entries, or --engine exact";
        } else {
            hint = "use --engine exact or --engine reference";
        }
        return "engine " + name + " cannot compute this instance (n = " + instance.n() + ", d = " + instance.d() + "): "
                + m + "; " + hint;
    }
}
