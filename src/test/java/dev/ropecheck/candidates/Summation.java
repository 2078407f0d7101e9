package dev.ropecheck.candidates;

/**
 * The evaluation order a candidate kernel uses for its reductions (MATH §2–3). A correct
 * implementation may use any of them; the tolerance model of the {@code check} guard must cover all
 * three (issue 9, point 2).
 */
public enum Summation {
    /**
     * Straight recursive sums {@code ((t_0 + t_1) + t_2) + ...} for every reduction, over {@code n} and
     * over {@code d}; softmax as written in Defs. 3.12–3.14: {@code u_ij = exp(s_ij)} without a shift,
     * {@code alpha_i = Σ_j u_ij}, {@code f_ij = u_ij / alpha_i}.
     */
    NAIVE,
    /**
     * Pairwise (cascade) sums for every reduction over {@code n} and over {@code d} (Higham, <i>Accuracy
     * and Stability of Numerical Algorithms</i>, 2nd ed., §4.2); softmax as in {@link #NAIVE}.
     */
    PAIRWISE,
    /**
     * FlashAttention-2 (Dao, arXiv 2307.08691, Algorithms 1 and 2): keys in tiles of {@code Bc}, running
     * row maximum {@code m} and sum {@code l}, output rescaled by {@code exp(m_old - m_new)} at each tile,
     * {@code lse = m + log l}; the backward recomputes {@code P = exp(s - lse)} and uses
     * {@code D_i = rowsum(dO ∘ O)}, {@code dS = P ∘ (dP - D)}, with every sum over {@code n} blocked in
     * tiles of {@code Bc} (a tile's partial sum, then the running total) and sums over {@code d}
     * straight.
     */
    BLOCKED_ONLINE_SOFTMAX
}
