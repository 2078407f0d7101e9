/**
 * Independent candidate implementations of RoPE attention, its loss and gradients (MATH §1–3, §9)
 * in fp64, fp32, bf16 and fp16, in three evaluation orders ({@link dev.ropecheck.candidates.Summation}),
 * correct or with one deliberate defect ({@link dev.ropecheck.candidates.Bug}); the {@code check}
 * guard suite must pass the correct ones and fail the others (issue 9, points 4 and 6). They share no
 * code with {@code dev.ropecheck.engine}; entry point {@link dev.ropecheck.candidates.CandidateAttention}.
 * {@code examples/torch_rope_candidate.py} is the PyTorch counterpart for runs by hand.
 */
package dev.ropecheck.candidates;
