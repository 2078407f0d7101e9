#!/usr/bin/python3
"""The PyTorch side of bench/paired.sh, in process: RoPE attention forward + loss + weight gradients
(autograd) in float64 on the CPU, the same computation as `ExactPaired train` (MATH §1-3: Q = A1 WQ,
K = A2 WK, V = A3 WV, interleaved RoPE at positions i, j, scores <rope(Q)_i, rope(K)_j> / d, row
softmax, Att = f V, L = 1/2 ||Att - E||^2, L.backward() for WQ, WK, WV); or the forward only.

Usage: /usr/bin/python3 bench/torch_inprocess.py N D THREADS fwd|train REPS
Prints one line per repetition (wall and process CPU ms) and the medians.
"""
import statistics
import sys
import time

import torch


def rope(x, cos, sin):
    a, b = x[:, 0::2], x[:, 1::2]
    return torch.stack((a * cos - b * sin, a * sin + b * cos), dim=2).reshape(x.shape)


def step(t, cos, sin, d, train):
    wq = t["WQ"].clone().requires_grad_(train)
    wk = t["WK"].clone().requires_grad_(train)
    wv = t["WV"].clone().requires_grad_(train)
    q, k, v = t["A1"] @ wq, t["A2"] @ wk, t["A3"] @ wv
    s = (rope(q, cos, sin) @ rope(k, cos, sin).T) / d
    att = torch.softmax(s, dim=1) @ v
    loss = 0.5 * ((att - t["E"]) ** 2).sum()
    if train:
        loss.backward()
        return wq.grad, wk.grad, wv.grad
    return att, loss


def main():
    n, d, threads, mode, reps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    torch.set_num_threads(threads)
    train = mode == "train"
    g = torch.Generator().manual_seed(20261202)
    t = {k: torch.rand(n, d, dtype=torch.float64, generator=g) * 2 - 1 for k in ("A1", "A2", "A3", "E")}
    t.update({k: torch.rand(d, d, dtype=torch.float64, generator=g) * 2 - 1 for k in ("WQ", "WK", "WV")})
    inv = 1.0 / (10000.0 ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
    ang = torch.outer(torch.arange(n, dtype=torch.float64), inv)
    cos, sin = torch.cos(ang), torch.sin(ang)
    with torch.set_grad_enabled(train):
        for _ in range(max(2, reps // 2)):
            step(t, cos, sin, d, train)
        walls, cpus = [], []
        for r in range(reps):
            c0, t0 = time.process_time(), time.perf_counter()
            step(t, cos, sin, d, train)
            walls.append((time.perf_counter() - t0) * 1e3)
            cpus.append((time.process_time() - c0) * 1e3)
            print(f"rep {r} wall_ms {walls[-1]:.1f} cpu_ms {cpus[-1]:.1f}")
    print(f"torch {mode} n={n} d={d} threads={threads} median wall_ms {statistics.median(walls):.1f}"
          f" cpu_ms {statistics.median(cpus):.1f} (torch {torch.__version__}, {torch.get_num_threads()} threads)")


if __name__ == "__main__":
    main()
