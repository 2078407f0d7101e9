#!/usr/bin/python3
"""Writes a rope-attention-instance/2 from numpy, and a numpy RoPE attention result for it.

The instance (specs/format-instance.md, version 2) is a JSON header and the NPZ of its arrays
(specs/format-npz.md): q, k, v, E of shape [batch, heads, n, d], entries k / 2^12 in [-0.5, 0.5]
(exact in binary64 and binary32), causal, scale 1/sqrt(d), RoPE (interleaved). The result is RoPE
attention in float64 by the formulas of MATH §2-3 and §9, written by hand: rotated rows, masked
softmax, O = f v, the loss 1/2 ||O - E||^2 and its gradients

    c = O - E,  p_ij = f_ij (<c_i, v_j> - <c_i, O_i>),
    dQrot = sigma p krot,  dKrot = sigma p^T qrot,  dV = f^T c,  dQ_i = dQrot_i R_i^T,

saved with np.savez under the field names (attention, lse, dQ, dK, dQrot, dKrot, dV).

With --upstream dO the instance holds the upstream gradient dO in place of E (what a backward kernel
takes; specs/upstream-gradient.md) and the gradients use c = dO; there is no loss then.

Usage:
    /usr/bin/python3 examples/numpy_kernel_attention.py --dir /tmp/np     # writes i.json, i.npz, r.npz
    java -jar target/ropecheck.jar check --instance /tmp/np/i.json --candidate /tmp/np/r.npz
"""
import argparse
import json
import os

import numpy as np


def rope(x, n, d, base=10000.0, inverse=False):
    """x R_pos over the last two axes, interleaved pairs (2k, 2k+1), angle pos * base^(-2k/d)."""
    inv_freq = 1.0 / base ** (np.arange(0, d, 2) / d)
    angle = np.outer(np.arange(n), inv_freq)
    c, s = np.cos(angle), np.sin(angle)
    if inverse:
        s = -s
    a, b = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = a * c - b * s
    out[..., 1::2] = a * s + b * c
    return out


def attention(q, k, v, e, sigma, causal, upstream=False):
    """With upstream=True, e is dO and c = dO (the loss is then undefined)."""
    n, d = q.shape[-2], q.shape[-1]
    qr, kr = rope(q, n, d), rope(k, n, d)
    s = sigma * qr @ np.swapaxes(kr, -1, -2)
    if causal:
        s = np.where(np.tri(n, dtype=bool), s, -np.inf)
    m = s.max(axis=-1, keepdims=True)
    a = np.exp(s - m)
    l = a.sum(axis=-1, keepdims=True)
    f = a / l
    o = f @ v
    c = e if upstream else o - e
    t = c @ np.swapaxes(v, -1, -2) - (c * o).sum(axis=-1, keepdims=True)
    p = f * t
    dqr = sigma * p @ kr
    dkr = sigma * np.swapaxes(p, -1, -2) @ qr
    dv = np.swapaxes(f, -1, -2) @ c
    return {"attention": o, "lse": (m + np.log(l))[..., 0], "dQrot": dqr, "dKrot": dkr, "dV": dv,
            "dQ": rope(dqr, n, d, inverse=True), "dK": rope(dkr, n, d, inverse=True)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--heads", type=int, default=2)
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--d", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--upstream", choices=("E", "dO"), default="E",
                    help="write the target E (default) or the upstream gradient dO in its place")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    shape = (args.batch, args.heads, args.n, args.d)
    arrays = {name: rng.integers(-2048, 2049, size=shape) / 4096.0 for name in ("q", "k", "v", args.upstream)}
    np.savez(os.path.join(args.dir, "i.npz"), dtype=np.array("fp64"), **arrays)
    header = {"format": "rope-attention-instance/2", "n": args.n, "d": args.d, "batch": args.batch,
              "heads": args.heads, "bound": 0.5, "scale": "1/sqrt(d)", "causal": True,
              "family": {"kind": "rope", "base": 10000, "layout": "interleaved"}, "arrays": "i.npz"}
    with open(os.path.join(args.dir, "i.json"), "w") as f:
        json.dump(header, f, indent=2)
    sigma = 1.0 / np.sqrt(args.d)
    result = attention(arrays["q"], arrays["k"], arrays["v"], arrays[args.upstream], sigma, True,
                       upstream=args.upstream == "dO")
    np.savez(os.path.join(args.dir, "r.npz"), dtype=np.array("fp64"), **result)
    print(f"wrote {args.dir}/i.json, i.npz and r.npz ({', '.join(result)})")


if __name__ == "__main__":
    main()
