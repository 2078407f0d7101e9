package dev.ropecheck.engine;

import dev.ropecheck.model.RopeInstance;
import java.util.EnumSet;
import java.util.Set;

/**
 * The engine contract ({@link Engine}) of the RoPE attention kind (reference, exact, fast): given an
 * instance, compute some of the {@link Quantity quantities} of MATH §2–3, as a {@link RopeResult}.
 */
public interface RopeAttentionEngine extends Engine<RopeInstance, Quantity> {

    /** A short stable name ("reference", "exact", "fast-fft", "fast-lowrank"). */
    @Override
    String name();

    /**
     * The quantities this engine can compute for {@code instance} (e.g. fast engines never return
     * {@code n x n} quantities; weight gradients need {@code W_Q, W_K}).
     */
    @Override
    Set<Quantity> supported(RopeInstance instance);

    /**
     * Computes the requested quantities (and may compute more).
     *
     * @throws IllegalArgumentException when a requested quantity is not {@link #supported}, or the
     *     instance is outside what this engine accepts (the message names the limit)
     */
    @Override
    RopeResult compute(RopeInstance instance, Set<Quantity> wanted);

    /** Computes every supported quantity. */
    @Override
    default RopeResult computeAll(RopeInstance instance) {
        return compute(instance, supported(instance));
    }

    /**
     * The quantities of {@code all} an engine computes for {@code instance}: without the derived ones
     * ({@link Quantity#isDerived()}), and without those that need weights when the instance is given
     * by {@code X}, without {@code dQrot, dKrot} for a family without a rotation, and without the
     * parameter gradients for an instance given by {@code q, k, v}, and without the loss for an instance that
     * gives {@code dO} in place of {@code E} ({@link #isDefined}).
     */
    static Set<Quantity> withoutWeightQuantities(Set<Quantity> all, RopeInstance instance) {
        Set<Quantity> s = EnumSet.noneOf(Quantity.class);
        for (Quantity q : all) {
            if (!q.isDerived() && (instance.hasWeights() || !q.needsWeights())
                    && (!q.needsRotation() || hasRotation(instance))
                    && !(q.isParameterGradient() && instance.hasQkv()) && isDefined(q, instance)) {
                s.add(q);
            }
        }
        return s;
    }

    /**
     * False only for the loss of an instance that gives the upstream gradient {@code dO} in place of the target
     * {@code E} (MATH §9): {@code L = ||Att - E||^2 / 2} needs {@code E}, which such an instance does not hold.
     */
    static boolean isDefined(Quantity q, RopeInstance instance) {
        return !(q == Quantity.LOSS && instance.hasUpstreamGradient());
    }

    /** The one-line reason {@code q} is undefined for {@code instance}, or null when {@link #isDefined}. */
    static String undefinedReason(Quantity q, RopeInstance instance) {
        return isDefined(q, instance) ? null
                : q.key() + " is undefined for an instance that gives dO in place of E (L = ||Att - E||^2 / 2 needs the"
                        + " target E; dO = Att - E fixes the gradients but not L)";
    }

    /**
     * Refuses a request for a quantity the instance does not define ({@link #undefinedReason}).
     *
     * @throws IllegalArgumentException naming the quantity and the reason
     */
    static void requireDefined(Set<Quantity> wanted, RopeInstance instance) {
        for (Quantity q : wanted) {
            String why = undefinedReason(q, instance);
            if (why != null) {
                throw new IllegalArgumentException(why);
            }
        }
    }

    /**
     * True when the instance's family has a rotation {@code R_i} with {@code W_{i-j} = R_i R_j^T} (RoPE,
     * identity), so that {@link Quantity#DQROT} and {@link Quantity#DKROT} exist (MATH §9).
     */
    static boolean hasRotation(RopeInstance instance) {
        return instance.family() instanceof dev.ropecheck.model.RopeFamily
                || instance.family() instanceof dev.ropecheck.model.IdentityFamily;
    }

}
